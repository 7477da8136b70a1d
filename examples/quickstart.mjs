// The README's quick start. Run with `npm start` (uses redis://127.0.0.1:6379 unless REDIS_URL is set).
import { createClient } from 'respool';

const client = createClient(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
try {
  console.log('PING ->', await client.ping());
  await client.set('respool:hello', 'world', { ex: 60 });
  console.log('GET  ->', await client.get('respool:hello'));
  const [count] = await client.multi().incr('respool:visits').expire('respool:visits', 60).exec();
  console.log('INCR ->', count);
  console.log('pool ->', client.poolStats());
} finally {
  await client.close();
}

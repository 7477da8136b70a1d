/** rate-limit-redis (express-rate-limit store) with sendCommand, as its docs wire a node-redis client. */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import express from 'express';
import { rateLimit } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import { toNodeRedis } from '../../src/compat/index.js';
import { startEcosystem, type Ecosystem } from './harness.js';

let eco: Ecosystem;
before(async () => {
  eco = await startEcosystem();
});
after(() => eco.stop());

test('the route is limited at the configured count, the counter lives in Redis with the window as TTL', async () => {
  const face = toNodeRedis(eco.client);
  const app = express();
  app.use(
    rateLimit({
      windowMs: 60_000,
      limit: 3,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      store: new RedisStore({ sendCommand: (...args: string[]) => face.sendCommand(args) as never, prefix: 'rl:' }),
    }),
  );
  app.get('/', (_req, res) => void res.send('ok'));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await fetch(url)).status);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    const keys = await eco.probe.keys('rl:*');
    assert.equal(keys.length, 1, 'one counter for the one client address');
    assert.equal(await eco.probe.get(keys[0]!), '5');
    const pttl = await eco.probe.pTtl(keys[0]!);
    assert.ok(pttl > 50_000 && pttl <= 60_000, `window TTL, got ${pttl}`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

/** rate-limiter-flexible's RateLimiterRedis, through both faces (its docs show ioredis and node-redis). */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { toIORedis, toNodeRedis } from '../../src/compat/index.js';
import { startEcosystem, type Ecosystem } from './harness.js';

let eco: Ecosystem;
before(async () => {
  eco = await startEcosystem();
});
after(() => eco.stop());

for (const [face, make, extra] of [
  ['ioredis', () => toIORedis(eco.client), {}],
  ['node-redis', () => toNodeRedis(eco.client), { useRedisPackage: true }],
] as const) {
  test(`${face} face: 3 points per 60 s, the 4th consume is refused, get() and delete() see the counter`, async () => {
    const limiter = new RateLimiterRedis({
      storeClient: make(),
      keyPrefix: `rlflx-${face}`,
      points: 3,
      duration: 60,
      ...extra,
    });
    for (let i = 1; i <= 3; i++) {
      const res = await limiter.consume('user-1');
      assert.equal(res.remainingPoints, 3 - i);
    }
    const refused = await limiter.consume('user-1').then(
      () => assert.fail('the 4th point was granted'),
      (e: unknown) => e,
    );
    assert.ok(refused instanceof RateLimiterRes, `refused with RateLimiterRes, got ${String(refused)}`);
    assert.ok(refused.msBeforeNext > 50_000 && refused.msBeforeNext <= 60_000);
    const ttl = await eco.probe.ttl(`rlflx-${face}:user-1`);
    assert.ok(ttl > 50 && ttl <= 60, `the counter expires with the window, got ${ttl}`);
    const state = await limiter.get('user-1');
    assert.equal(state?.consumedPoints, 4);
    await limiter.block('user-2', 30);
    assert.ok((await eco.probe.ttl(`rlflx-${face}:user-2`)) > 20, 'block() sets the key with a TTL (MULTI path)');
    assert.equal(await limiter.delete('user-1'), true);
    assert.equal(await eco.probe.exists(`rlflx-${face}:user-1`), 0);
  });
}

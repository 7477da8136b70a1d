/** Pool option validation and defaults. */
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, test } from 'node:test';
import { InvalidArgumentError } from '../../src/errors.js';
import { ConnPool } from '../../src/pool/conn-pool.js';
import { resolvePoolOptions } from '../../src/pool/options.js';
import type { FakeConn } from './pool-fakes.js';

const dialer = (): Promise<FakeConn> => Promise.reject(new Error('unused'));

function rejects(options: Record<string, unknown>, pattern: RegExp): void {
  assert.throws(
    () => resolvePoolOptions({ dialer, ...options }),
    (error: unknown) => {
      assert.ok(error instanceof InvalidArgumentError);
      assert.equal(error.code, 'ERR_INVALID_ARG');
      assert.match(error.message, pattern);
      return true;
    },
  );
}

describe('pool options', () => {
  test('defaults', () => {
    const o = resolvePoolOptions({ dialer });
    assert.deepEqual(o, {
      name: 'pool',
      poolFIFO: false,
      poolSize: 10 * availableParallelism(),
      poolTimeout: 6000,
      minIdleConns: 0,
      maxIdleConns: 0,
      maxActiveConns: 0,
      connMaxIdleTime: 1_800_000,
      connMaxLifetime: 0,
      connMaxLifetimeJitter: 0,
      dialTimeout: 5000,
      dialerRetries: 5,
      dialerRetryTimeout: 100,
      maxConcurrentDials: 4 * availableParallelism(),
    });
  });

  test('the pool exposes its resolved options, frozen', async () => {
    const pool = new ConnPool({ dialer, poolSize: 3, name: 'main pool', connMaxIdleTime: 0 });
    assert.equal(pool.options.poolSize, 3);
    assert.equal(pool.options.name, 'main pool');
    assert.ok(Object.isFrozen(pool.options));
    await pool.close();
  });

  test('wrong types are rejected, naming the option and the range', () => {
    rejects({ dialer: 'tcp://x' }, /option dialer must be a function/);
    rejects({ poolSize: '10' }, /option poolSize must be an integer ≥ 1; got "10"/);
    rejects({ poolFIFO: 1 }, /option poolFIFO must be a boolean/);
    rejects({ onClose: true }, /onClose/);
    rejects({ limiter: {} }, /limiter must be a ConnLimiter/);
    rejects({ clock: { now: 1 } }, /clock/);
    rejects({ poolTimeout: null }, /poolTimeout/);
    rejects({ name: '' }, /name must be a non-empty string/);
  });

  test('out-of-range numbers are rejected', () => {
    rejects({ poolSize: 0 }, /poolSize must be an integer ≥ 1; got 0/);
    rejects({ poolSize: 2.5 }, /poolSize/);
    rejects({ poolSize: Infinity }, /poolSize/);
    rejects({ poolSize: NaN }, /poolSize/);
    rejects({ poolTimeout: 0 }, /poolTimeout must be a number of ms from 1 to 2147483647/);
    rejects({ poolTimeout: 2 ** 31 }, /poolTimeout/);
    rejects({ minIdleConns: -1 }, /minIdleConns/);
    rejects({ maxIdleConns: -1 }, /maxIdleConns/);
    rejects({ maxActiveConns: -2 }, /maxActiveConns/);
    rejects({ connMaxIdleTime: -1 }, /connMaxIdleTime must be a number of ms ≥ 0 \(0 = off\)/);
    rejects({ connMaxLifetime: -5 }, /connMaxLifetime/);
    rejects({ dialTimeout: 0 }, /dialTimeout/);
    rejects({ dialerRetries: 0 }, /dialerRetries must be an integer ≥ 1/);
    rejects({ dialerRetryTimeout: -1 }, /dialerRetryTimeout/);
  });

  test('cross-option rules', () => {
    rejects({ poolSize: 4, minIdleConns: 5 }, /minIdleConns must be an integer from 0 to poolSize \(4\); got 5/);
    rejects({ minIdleConns: 3, maxIdleConns: 2 }, /maxIdleConns must be 0 \(no limit\) or ≥ minIdleConns \(3\); got 2/);
    rejects(
      { connMaxLifetime: 1000, connMaxLifetimeJitter: 1001 },
      /connMaxLifetimeJitter must be a number of ms from 0 to connMaxLifetime \(1000\)/,
    );
    assert.doesNotThrow(() => resolvePoolOptions({ dialer, minIdleConns: 3, maxIdleConns: 0 }));
    assert.doesNotThrow(() => resolvePoolOptions({ dialer, poolSize: 4, minIdleConns: 4, maxIdleConns: 4 }));
  });

  test('the constructor validates too', () => {
    assert.throws(() => new ConnPool({ dialer, poolSize: -1 }), InvalidArgumentError);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError, resolveClientOptions } from '../../src/index.js';

function rejects(cache: unknown, fragment: string): void {
  assert.throws(
    () => resolveClientOptions({ cache } as never),
    (err: unknown) => {
      assert.ok(err instanceof InvalidArgumentError);
      assert.ok(err.message.includes(fragment), `"${err.message}" lacks "${fragment}"`);
      return true;
    },
  );
}

describe('the cache option', () => {
  test('off unless given; true means the defaults', () => {
    assert.equal(resolveClientOptions().cache, undefined);
    assert.equal(resolveClientOptions({ cache: false }).cache, undefined);
    assert.deepEqual(resolveClientOptions({ cache: true }).cache, {
      mode: 'tracking',
      maxEntries: 10_000,
      maxBytes: 64 * 1024 * 1024,
      ttl: 600_000,
      prefixes: [],
      commands: undefined,
    });
  });

  test('fields are checked and completed', () => {
    const o = resolveClientOptions({
      cache: {
        mode: 'broadcast',
        maxEntries: 5,
        maxBytes: 4096,
        ttl: 0,
        prefixes: ['user:', 'cart:'],
        commands: ['get', 'LPOS'],
      },
    }).cache!;
    assert.equal(o.mode, 'broadcast');
    assert.equal(o.maxEntries, 5);
    assert.equal(o.maxBytes, 4096);
    assert.equal(o.ttl, 0);
    assert.deepEqual(o.prefixes, ['user:', 'cart:']);
    assert.deepEqual([...o.commands!], ['GET', 'LPOS']);
    assert.equal(resolveClientOptions({ cache: { mode: 'ttl', ttl: 250 } }).cache!.ttl, 250);
  });

  test('invalid values name the field, the accepted range and what was given', () => {
    rejects({ mode: 'bcast' }, `Invalid option cache.mode: expected 'tracking', 'broadcast' or 'ttl', got "bcast"`);
    rejects({ maxEntries: 0 }, 'Invalid option cache.maxEntries: expected an integer >= 1, got 0');
    rejects({ maxBytes: 1.5 }, 'Invalid option cache.maxBytes: expected an integer >= 1, got 1.5');
    rejects({ ttl: -1 }, 'Invalid option cache.ttl');
    rejects({ mode: 'ttl' }, `required in 'ttl' mode`);
    rejects({ mode: 'ttl', ttl: 0 }, `required in 'ttl' mode`);
    rejects({ prefixes: ['a:'] }, `no prefixes outside 'broadcast' mode`);
    rejects({ mode: 'broadcast', prefixes: ['a', 'ab'] }, 'the server refuses overlaps');
    rejects({ mode: 'broadcast', prefixes: 'a:' }, 'an array of strings');
    rejects({ commands: [''] }, 'an array of non-empty strings');
    rejects({ maxentries: 10 }, 'Invalid option cache.maxentries');
    rejects('yes', 'Invalid option cache: expected true, false or a cache options object');
  });
});

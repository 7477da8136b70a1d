/** Event names are checked: `on('error')` and other names nobody emits throw instead of never firing. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClient, createCluster, InvalidArgumentError } from '../../src/index.js';

// Nothing listens on port 1: neither client dials before its first command, and both are closed at once.
const unknownEvents = ['error', 'ready', 'connected', 'Connect', ''];

test('client.on() and off() refuse event names that do not exist, naming the ones that do', async () => {
  const client = createClient({ port: 1 });
  try {
    for (const name of unknownEvents) {
      assert.throws(
        () => client.on(name as 'connect', () => {}),
        (err: unknown) =>
          err instanceof InvalidArgumentError &&
          err.message.includes(`unknown event '${name}'`) &&
          err.message.includes('connect, closing, close, wait, poolTimeout, dialError, stale'),
      );
    }
    assert.throws(() => client.off('error' as 'connect', () => {}), InvalidArgumentError);
    assert.throws(() => client.on('connect', 'not a function' as never), /the listener must be a function/);
    assert.throws(() => client.on('error' as 'connect', () => {}), /reported as dialError/);
    const listener = (): void => {};
    assert.equal(client.on('dialError', listener).off('dialError', listener), client);
  } finally {
    await client.close();
  }
});

test('the cluster client refuses them too, before it knows any node', async () => {
  const cluster = createCluster({ rootNodes: ['127.0.0.1:1'] });
  try {
    assert.throws(() => cluster.on('error' as 'connect', () => {}), InvalidArgumentError);
    assert.throws(() => cluster.off('ready' as 'connect', () => {}), InvalidArgumentError);
    const listener = (): void => {};
    assert.equal(cluster.on('connect', listener).off('connect', listener), cluster);
  } finally {
    await cluster.close();
  }
});

// CommandSet: every method wraps the builder of the same name, and its result shape follows the
// runner (Promise for 'promise', the runner itself for 'chain'). Type assertions here are checked by tsc.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command } from '../../src/commands/command.js';
import { CommandSet, type ScoredMember, type StreamMessages } from '../../src/commands/index.js';
import * as builders from '../../src/commands/builders.js';
import { PinnedCommands } from '../../src/client/pinned-commands.js';

/** Runs nothing: records commands and answers each with a canned reply. */
class FakeClient extends CommandSet<'promise'> {
  readonly sent: Command<unknown>[] = [];
  constructor(private readonly reply: unknown) {
    super();
  }
  protected submit<T>(command: Command<T>): Promise<T> {
    this.sent.push(command);
    return Promise.resolve(command.decode === undefined ? (this.reply as T) : command.decode(this.reply as never));
  }
}

class FakePipeline extends CommandSet<'chain'> {
  readonly queued: Command<unknown>[] = [];
  protected submit<T>(command: Command<T>): this {
    this.queued.push(command);
    return this;
  }
}

const NOT_COMMANDS = new Set(['parseInfo', 'parseClientList', 'parseClusterNodeLine']);
const RENAMED: Record<string, string> = { evalScript: 'eval' };

function methodNames(): string[] {
  return Object.getOwnPropertyNames(CommandSet.prototype).filter((n) => n !== 'constructor');
}

describe('CommandSet', () => {
  test('has one method per builder, with the same parameters', () => {
    const methods = new Set(methodNames());
    // Connection-state commands have their methods on pinned connections only.
    const pinned = new Set(Object.getOwnPropertyNames(PinnedCommands.prototype).filter((n) => n !== 'constructor'));
    const missing: string[] = [];
    for (const [name, fn] of Object.entries(builders)) {
      if (typeof fn !== 'function' || NOT_COMMANDS.has(name)) continue;
      const method = RENAMED[name] ?? name;
      const owner = methods.has(method) ? CommandSet : pinned.has(method) ? PinnedCommands : undefined;
      if (owner === undefined) missing.push(name);
      else {
        const proto = owner.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
        assert.equal(proto[method]!.length, fn.length, `parameter count of ${method}`);
      }
    }
    assert.deepEqual(missing, []);
    assert.ok(methods.size >= 200, `only ${methods.size} methods`);
  });

  test('each method sends what its builder builds', () => {
    const pipeline = new FakePipeline();
    const returned = pipeline
      .set('k', 'v', { ex: 5 })
      .get('k')
      .hSet('h', { a: '1' })
      .eval('return 1', ['k'])
      .blPop(['a', 'b'], 2)
      .xRead({ key: 's', id: '$' }, { block: 100 });
    assert.equal(returned, pipeline);
    const expected = [
      builders.set('k', 'v', { ex: 5 }),
      builders.get('k'),
      builders.hSet('h', { a: '1' }),
      builders.evalScript('return 1', ['k']),
      builders.blPop(['a', 'b'], 2),
      builders.xRead({ key: 's', id: '$' }, { block: 100 }),
    ];
    assert.equal(pipeline.queued.length, expected.length);
    for (let i = 0; i < expected.length; i++) {
      const got = pipeline.queued[i]!;
      const want = expected[i]!;
      assert.deepEqual(got.args, want.args);
      assert.equal(got.flags, want.flags);
      assert.equal(got.decode, want.decode);
      assert.equal(got.blockMs, want.blockMs);
      assert.deepEqual(got.keys, want.keys);
    }
  });

  test('the promise form resolves with the decoded value', async () => {
    const zset = new FakeClient([
      ['a', 1.5],
      ['b', 2],
    ]);
    const members: ScoredMember[] = await zset.zRangeWithScores('z', 0, -1);
    assert.deepEqual(members, [
      { value: 'a', score: 1.5 },
      { value: 'b', score: 2 },
    ]);
    const ok: 'OK' | null = await new FakeClient('OK').set('k', 'v');
    assert.equal(ok, 'OK');
    const old: string | null = await new FakeClient('previous').set('k', 'v', { get: true });
    assert.equal(old, 'previous');
    const streams: StreamMessages[] | null = await new FakeClient(null).xRead({ key: 's', id: '0' });
    assert.equal(streams, null);
    const exists: boolean = await new FakeClient(1).sIsMember('s', 'a');
    assert.equal(exists, true);
  });

  test('builders throw synchronously from the method, before anything is sent', () => {
    const client = new FakeClient(null);
    assert.throws(() => client.del([]), /del\(\): argument 1 \(keys\) must be a non-empty list/);
    assert.equal(client.sent.length, 0);
  });
});

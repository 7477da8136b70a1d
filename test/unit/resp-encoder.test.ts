import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError } from '../../src/errors.js';
import { CommandEncoder, RespDecoder, encodeCommand } from '../../src/resp/index.js';
import type { RedisArg, RespValue } from '../../src/resp/types.js';
import { prng, randomText } from './resp-writer.js';

function wire(args: readonly RedisArg[]): string {
  return encodeCommand(args).toString('latin1');
}

/** What a server would see: the command decoded back, each argument as a Buffer. */
function parseCommands(bytes: Buffer): Buffer[][] {
  const commands: Buffer[][] = [];
  const decoder = new RespDecoder({ onReply: (reply) => commands.push(reply as Buffer[]) });
  decoder.returnBuffers = true;
  decoder.feed(bytes);
  assert.equal(decoder.pendingBytes, 0);
  return commands;
}

describe('encodeCommand', () => {
  test('strings as bulk strings in an array', () => {
    assert.equal(wire(['SET', 'key', 'value']), '*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n');
    assert.equal(wire(['PING']), '*1\r\n$4\r\nPING\r\n');
  });

  test('empty strings and empty Buffers', () => {
    assert.equal(wire(['SET', '', Buffer.alloc(0)]), '*3\r\n$3\r\nSET\r\n$0\r\n\r\n$0\r\n\r\n');
  });

  test('an empty command is an empty array', () => {
    assert.equal(wire([]), '*0\r\n');
  });

  test('unicode strings are UTF-8 with their byte length', () => {
    const bytes = encodeCommand(['SET', 'é', '中文', '🙂']);
    assert.ok(bytes.equals(Buffer.from('*4\r\n$3\r\nSET\r\n$2\r\né\r\n$6\r\n中文\r\n$4\r\n🙂\r\n')));
  });

  test('long non-ASCII strings and strings that turn non-ASCII late', () => {
    const late = `${'a'.repeat(60)}é`;
    const long = `${'é'.repeat(500)}x`;
    const [command] = parseCommands(encodeCommand([late, long, 'b'.repeat(70)]));
    assert.deepEqual(command, [Buffer.from(late), Buffer.from(long), Buffer.from('b'.repeat(70))]);
  });

  test('lone surrogates are written as the replacement character, like Buffer.from', () => {
    const [command] = parseCommands(encodeCommand(['\ud800x']));
    assert.deepEqual(command, [Buffer.from('\ud800x')]);
  });

  test('Buffers are written as-is, binary and CRLF included', () => {
    const binary = Buffer.from([0, 1, 13, 10, 255, 36, 42, 13, 10]);
    const bytes = encodeCommand(['SET', binary, Buffer.alloc(100, 13)]);
    const expected = Buffer.concat([
      Buffer.from('*3\r\n$3\r\nSET\r\n$9\r\n'),
      binary,
      Buffer.from('\r\n$100\r\n'),
      Buffer.alloc(100, 13),
      Buffer.from('\r\n'),
    ]);
    assert.ok(bytes.equals(expected));
  });

  test('numbers and bigints in decimal', () => {
    assert.equal(
      wire(['INCRBY', 0, 42, -7, 1.5, 12345678901, 2n ** 64n]),
      '*7\r\n$6\r\nINCRBY\r\n$1\r\n0\r\n$2\r\n42\r\n$2\r\n-7\r\n$3\r\n1.5\r\n$11\r\n12345678901\r\n' +
        '$20\r\n18446744073709551616\r\n',
    );
  });

  test('array and bulk headers of 100 and more', () => {
    const args = Array.from({ length: 150 }, (_, i) => String(i));
    const [command] = parseCommands(encodeCommand([...args, 'x'.repeat(1234)]));
    assert.equal(command!.length, 151);
    assert.equal(command![149]!.toString(), '149');
    assert.equal(command![150]!.length, 1234);
  });

  test('a 10 MB argument', () => {
    const big = Buffer.alloc(10 * 1024 * 1024, 'q');
    const text = 'w'.repeat(10 * 1024 * 1024);
    const [command] = parseCommands(encodeCommand(['SET', big, text]));
    assert.ok(command![1]!.equals(big));
    assert.equal(command![2]!.length, text.length);
  });

  test('arguments of the wrong type are refused', () => {
    assert.throws(() => encodeCommand(['SET', undefined as unknown as string]), InvalidArgumentError);
    assert.throws(() => encodeCommand(['SET', null as unknown as string]), /argument 1 .* got null/);
  });
});

describe('CommandEncoder', () => {
  test('many commands come back from one take(), then an empty buffer', () => {
    const encoder = new CommandEncoder();
    for (let i = 0; i < 1000; i++) encoder.write(['SET', `key:${i}`, i]);
    const expectedLength = encoder.length;
    const batch = encoder.take();
    assert.equal(batch.length, expectedLength);
    assert.equal(encoder.length, 0);
    const commands = parseCommands(batch);
    assert.equal(commands.length, 1000);
    assert.deepEqual(commands[999], [Buffer.from('SET'), Buffer.from('key:999'), Buffer.from('999')]);
    assert.equal(encoder.take().length, 0);
  });

  test('bytes returned by take() are never overwritten by later writes', () => {
    const encoder = new CommandEncoder();
    const random = prng(5);
    const taken: [Buffer, string][] = [];
    for (let batch = 0; batch < 300; batch++) {
      const size = Math.floor(random() * 40);
      for (let i = 0; i < size; i++) encoder.write(['SET', randomText(random, random() < 0.05 ? 20_000 : 30), i]);
      const bytes = encoder.take();
      taken.push([bytes, bytes.toString('latin1')]);
    }
    for (const [bytes, copy] of taken) assert.equal(bytes.toString('latin1'), copy);
  });

  test('random arguments survive a round trip through the decoder', () => {
    const encoder = new CommandEncoder();
    const random = prng(9);
    const sent: RedisArg[][] = [];
    for (let i = 0; i < 500; i++) {
      const args: RedisArg[] = Array.from({ length: 1 + Math.floor(random() * 6) }, (): RedisArg => {
        const r = random();
        if (r < 0.5) return randomText(random, random() < 0.1 ? 300 : 20);
        if (r < 0.8) return Buffer.from(Array.from({ length: Math.floor(random() * 90) }, () => random() * 256));
        return Math.floor((random() - 0.5) * 1e12);
      });
      sent.push(args);
      encoder.write(args);
    }
    const received = parseCommands(encoder.take());
    const asBuffers = (args: RedisArg[]): RespValue[] =>
      args.map((arg) => (Buffer.isBuffer(arg) ? arg : Buffer.from(String(arg))));
    assert.deepEqual(received, sent.map(asBuffers));
  });

  test('a refused argument leaves the earlier commands intact', () => {
    const encoder = new CommandEncoder();
    encoder.write(['PING']);
    const bigFirst = ['SET', Buffer.alloc(100_000), {} as unknown as string];
    assert.throws(() => encoder.write(bigFirst), InvalidArgumentError);
    encoder.write(['ECHO', 'x']);
    assert.deepEqual(parseCommands(encoder.take()), [[Buffer.from('PING')], [Buffer.from('ECHO'), Buffer.from('x')]]);
  });
});

test('park() shares the rest of an idle slab without ever rewriting bytes already taken', () => {
  const a = new CommandEncoder();
  a.write(['SET', 'a', '1']);
  const first = a.take();
  const firstCopy = Buffer.from(first);
  a.park();
  assert.equal(a.length, 0);
  // Another encoder continues in the parked slab after the taken bytes.
  const b = new CommandEncoder();
  b.write(['SET', 'b', 'x'.repeat(100)]);
  const second = b.take();
  assert.deepEqual(first, firstCopy, 'bytes handed out earlier are intact');
  assert.equal(second.toString(), `*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$100\r\n${'x'.repeat(100)}\r\n`);
  // Parking with bytes pending keeps them.
  b.write(['PING']);
  b.park();
  assert.equal(b.take().toString(), '*1\r\n$4\r\nPING\r\n');
  // A parked encoder works again.
  a.write(['GET', 'a']);
  assert.equal(a.take().toString(), '*2\r\n$3\r\nGET\r\n$1\r\na\r\n');
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import RedisParser from 'redis-parser';
import { ProtocolError } from '../../src/errors.js';
import { RespDecoder } from '../../src/resp/index.js';
import type { RespValue } from '../../src/resp/types.js';
import { expected, isPush, prng, randomChunks, randomNode, writeResp, type Node } from './resp-writer.js';

/** Decodes `chunks`, returning replies and pushes as one ordered list of events. */
function decodeEvents(chunks: Buffer[], buffers: boolean): unknown[] {
  const out: unknown[] = [];
  const decoder = new RespDecoder({ onReply: (reply) => out.push(reply), onPush: (push) => out.push({ push }) });
  decoder.returnBuffers = buffers;
  for (const chunk of chunks) decoder.feed(chunk);
  assert.equal(decoder.pendingBytes, 0);
  return out;
}

function expectedEvents(nodes: Node[], buffers: boolean): unknown[] {
  return nodes.map((node) => (isPush(node) ? { push: expected(node, buffers) } : expected(node, buffers)));
}

describe('RespDecoder: random round trips', () => {
  for (const [resp3, buffers] of [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ] as const) {
    test(`${resp3 ? 'RESP3' : 'RESP2'} replies, ${buffers ? 'Buffers' : 'strings'}, in random chunkings`, () => {
      const random = prng(resp3 ? 3 : 2 + (buffers ? 100 : 0));
      let replies = 0;
      for (let round = 0; round < 30; round++) {
        const nodes = Array.from({ length: 100 }, () => randomNode(random, { resp3, binary: buffers }, 0, true));
        replies += nodes.length;
        const bytes = writeResp(nodes);
        const want = expectedEvents(nodes, buffers);
        assert.deepEqual(decodeEvents([bytes], buffers), want, `round ${round}, whole`);
        for (let chunking = 0; chunking < 3; chunking++) {
          assert.deepEqual(decodeEvents(randomChunks(random, bytes), buffers), want, `round ${round}`);
        }
      }
      assert.equal(replies, 3000);
    });
  }
});

/** Feeds bytes and returns the error thrown, if any. Anything but a ProtocolError fails the test. */
function feedExpectingProtocolError(chunks: Buffer[], options: { maxBulkLength?: number; maxDepth?: number } = {}) {
  const decoder = new RespDecoder({ onReply: () => {}, ...options });
  for (const chunk of chunks) {
    try {
      decoder.feed(chunk);
    } catch (error) {
      assert.ok(error instanceof ProtocolError, `expected a ProtocolError, got ${String(error)}`);
      assert.throws(() => decoder.feed(Buffer.from('+OK\r\n')), ProtocolError, 'a failed decoder refuses input');
      return error;
    }
  }
  return null;
}

describe('RespDecoder: malformed input', () => {
  const cases: [name: string, wire: string, offset: number, options?: { maxBulkLength?: number; maxDepth?: number }][] =
    [
      ['bad type byte', '+OK\r\n?what\r\n', 5],
      ['bad type byte (a space)', ' OK\r\n', 0],
      ['bad length', '$abc\r\n', 1],
      ['empty length', '*\r\n', 1],
      ['length with a trailing letter', '$3x\r\nabc\r\n', 2],
      ['length with too many digits', `$${'9'.repeat(30)}\r\n`, 16],
      ['streamed string (RESP3 "?") is not supported', '$?\r\n', 1],
      ['negative bulk length other than -1', '$-2\r\n', 1],
      ['negative array length other than -1', '*-5\r\n', 1],
      ['length -0', '$-0\r\n', 1],
      ['null map', '%-1\r\n', 0],
      ['bulk data without CRLF', '$3\r\nabcXY', 7],
      ['bulk data followed by CR then something else', '$3\r\nabc\rX', 7],
      ['line with CR but no LF', '+OK\rX\r\n', 4],
      ['line ending in LF only', '+OK\n', 3],
      ['integer with letters', ':12a\r\n', 3],
      ['empty integer', ':\r\n', 1],
      ['integer longer than 64 bits can be', `:${'1'.repeat(25)}\r\n`, 21],
      ['bad boolean', '#x\r\n', 1],
      ['bad double', ',1.2.3\r\n', 1],
      ['empty double', ',\r\n', 1],
      ['bad big number', '(12x\r\n', 1],
      ['null with content', '_x\r\n', 1],
      ['verbatim without format', '=3\r\nabc\r\n', 4],
      ['bulk longer than maxBulkLength', '$11\r\n', 0, { maxBulkLength: 10 }],
      ['verbatim longer than maxBulkLength', '=100\r\n', 0, { maxBulkLength: 10 }],
      ['nesting deeper than maxDepth', `${'*1\r\n'.repeat(5)}:1\r\n`, 16, { maxDepth: 4 }],
      ['map nesting deeper than maxDepth', `${'%1\r\n+k\r\n'.repeat(3)}:1\r\n`, 16, { maxDepth: 2 }],
      ['default maxDepth is 128', `${'*1\r\n'.repeat(129)}:1\r\n`, 512],
      ['error deep in a second reply', `+OK\r\n*2\r\n:1\r\n$2\r\nabc\r\n`, 19],
    ];
  for (const [name, wire, offset, options] of cases) {
    test(`${name}: ProtocolError at byte ${offset}, whole or byte by byte`, () => {
      const bytes = Buffer.from(wire);
      const whole = feedExpectingProtocolError([bytes], options);
      assert.ok(whole instanceof ProtocolError, 'no error was raised');
      assert.equal(whole.offset, offset, whole.message);
      assert.equal(whole.code, 'ERR_PROTOCOL');
      const split: Buffer[] = [];
      for (let i = 0; i < bytes.length; i++) split.push(bytes.subarray(i, i + 1));
      const byteByByte = feedExpectingProtocolError(split, options);
      assert.ok(byteByByte instanceof ProtocolError, 'no error was raised byte by byte');
      assert.equal(byteByByte.offset, offset, byteByByte.message);
    });
  }

  test('128 levels of nesting are accepted by default', () => {
    const replies: RespValue[] = [];
    new RespDecoder({ onReply: (reply) => replies.push(reply) }).feed(Buffer.from(`${'*1\r\n'.repeat(128)}:1\r\n`));
    assert.equal(replies.length, 1);
  });

  test('a long line without CRLF stops at maxBulkLength instead of buffering forever', () => {
    const error = feedExpectingProtocolError([Buffer.from('+'), Buffer.alloc(64, 'a'), Buffer.alloc(64, 'a')], {
      maxBulkLength: 100,
    });
    assert.ok(error instanceof ProtocolError);
  });

  test('mutated bytes of valid streams only ever raise ProtocolError', () => {
    const random = prng(7);
    const special = [13, 10, 42, 36, 37, 126, 124, 62, 45, 43, 58, 48, 57, 0, 255];
    let failures = 0;
    for (let round = 0; round < 1500; round++) {
      const nodes = Array.from({ length: 8 }, () => randomNode(random, { resp3: true, binary: true }, 0, true));
      const bytes = Buffer.from(writeResp(nodes));
      for (let m = 1 + Math.floor(random() * 3); m > 0; m--) {
        const at = Math.floor(random() * bytes.length);
        bytes[at] = random() < 0.5 ? special[Math.floor(random() * special.length)]! : Math.floor(random() * 256);
      }
      if (feedExpectingProtocolError(randomChunks(random, bytes)) !== null) failures++;
    }
    assert.ok(failures > 300, `only ${failures} mutated streams were rejected`);
  });

  test('random bytes, mostly RESP punctuation, only ever raise ProtocolError', () => {
    const random = prng(8);
    const alphabet = [13, 10, 42, 36, 37, 126, 124, 62, 45, 43, 58, 95, 35, 44, 40, 33, 61, 48, 49, 57];
    for (let round = 0; round < 3000; round++) {
      const bytes = Buffer.alloc(1 + Math.floor(random() * 60));
      for (let i = 0; i < bytes.length; i++) {
        bytes[i] = random() < 0.8 ? alphabet[Math.floor(random() * alphabet.length)]! : Math.floor(random() * 256);
      }
      feedExpectingProtocolError(randomChunks(random, bytes), { maxDepth: 1 + Math.floor(random() * 6) });
    }
  });
});

/**
 * Turns either decoder's output into plain data: errors become { error: message }. In Buffer mode
 * redis-parser returns simple strings as Buffers too (respool keeps them strings), so strings become Buffers.
 */
function normalize(value: unknown, buffers: boolean): unknown {
  if (value instanceof Error) return { error: value.message };
  if (Array.isArray(value)) return value.map((item) => normalize(item, buffers));
  if (buffers && typeof value === 'string') return Buffer.from(value);
  return value;
}

describe('RespDecoder: differential against redis-parser (RESP2)', () => {
  for (const buffers of [false, true]) {
    test(`same replies as redis-parser on random streams (${buffers ? 'Buffers' : 'strings'})`, () => {
      const random = prng(buffers ? 11 : 12);
      for (let round = 0; round < 60; round++) {
        const nodes = Array.from({ length: 60 }, () =>
          randomNode(random, { resp3: false, binary: buffers, safeIntegers: true }),
        );
        const chunks = randomChunks(random, writeResp(nodes));
        const theirs: unknown[] = [];
        const parser = new RedisParser({
          returnReply: (reply) => theirs.push(normalize(reply, buffers)),
          returnError: (error) => theirs.push(normalize(error, buffers)),
          returnBuffers: buffers,
        });
        for (const chunk of chunks) parser.execute(chunk);
        const ours = decodeEvents(chunks, buffers).map((reply) => normalize(reply, buffers));
        assert.equal(ours.length, nodes.length);
        assert.deepEqual(ours, theirs, `round ${round}`);
      }
    });
  }
});

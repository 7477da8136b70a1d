/**
 * Hostile bytes for the RESP decoder: random streams, RESP-shaped token soup and mutated valid streams
 * (substitutions, insertions, deletions, duplicated slices, lying lengths), fed in random chunks from
 * fixed seeds. The decoder may only ever throw ProtocolError, must return promptly from every feed,
 * must stay failed once failed, may only hand out well-formed values, and must never allocate a buffer
 * larger than maxBulkLength allows, however large a length header claims to be.
 * (test/unit/resp-fuzz.test.ts covers valid round trips and single-byte substitutions.)
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProtocolError, ReplyError } from '../../src/errors.js';
import { RespDecoder } from '../../src/resp/index.js';
import type { RespValue } from '../../src/resp/types.js';
import { prng, randomChunks, randomNode, writeResp } from '../unit/resp-writer.js';

const MAX_BULK = 4096;
const MAX_DEPTH = 32;
/** A length line, a CRLF and a little slack: nothing the decoder allocates may be bigger than this. */
const ALLOCATION_LIMIT = MAX_BULK + 64;

type Random = () => number;

const TOKENS = [
  '*', '$', '%', '~', '>', '|', ':', '+', '-', '_', '#', ',', '(', '!', '=',
  '\r\n', '\r', '\n', '0', '1', '2', '3', '9', '-1', '-2', '12', '4096', '4097',
  '4294967295', '99999999999999999999', '1e3', 'inf', 'nan', 't', 'f', 'txt:',
  'OK', 'ERR x', 'é', '\0', ' ',
]; // prettier-ignore

function randomBytes(random: Random): Buffer {
  const bytes = Buffer.alloc(1 + Math.floor(random() * 300));
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

function tokenSoup(random: Random): Buffer {
  let text = '';
  for (let n = 1 + Math.floor(random() * 60); n > 0; n--) text += TOKENS[Math.floor(random() * TOKENS.length)]!;
  return Buffer.from(text);
}

function validStream(random: Random): Buffer {
  const nodes = Array.from({ length: 1 + Math.floor(random() * 6) }, () =>
    randomNode(random, { resp3: true, binary: true }, 0, true),
  );
  return Buffer.from(writeResp(nodes));
}

/** A valid stream with one to four structural mutations. */
function mutated(random: Random): Buffer {
  let bytes = validStream(random);
  for (let m = 1 + Math.floor(random() * 4); m > 0; m--) {
    const at = Math.floor(random() * (bytes.length + 1));
    const kind = random();
    if (kind < 0.25 && bytes.length > 0) {
      bytes[Math.min(at, bytes.length - 1)] = Math.floor(random() * 256);
    } else if (kind < 0.45) {
      const token = Buffer.from(TOKENS[Math.floor(random() * TOKENS.length)]!);
      bytes = Buffer.concat([bytes.subarray(0, at), token, bytes.subarray(at)]);
    } else if (kind < 0.65) {
      bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1 + Math.floor(random() * 8))]);
    } else if (kind < 0.8) {
      const from = Math.floor(random() * bytes.length);
      const slice = bytes.subarray(from, from + 1 + Math.floor(random() * 16));
      bytes = Buffer.concat([bytes.subarray(0, at), slice, bytes.subarray(at)]);
    } else if (kind < 0.9) {
      bytes = bytes.subarray(0, at);
    } else {
      // A length that lies: replace the first length found after `at` with a huge or negative one.
      const text = bytes.toString('latin1');
      const match = /[$*%~>=!|](\d+)\r\n/.exec(text.slice(at));
      if (match !== null) {
        const start = at + match.index + 1;
        const lie = ['4294967296', '9007199254740993', '-7', String(MAX_BULK + 1), '1073741824'][
          Math.floor(random() * 5)
        ]!;
        bytes = Buffer.concat([bytes.subarray(0, start), Buffer.from(lie), bytes.subarray(start + match[1]!.length)]);
      }
    }
  }
  return bytes;
}

/** Every value the decoder hands out must be one of the RespValue shapes, with no holes in arrays. */
function assertWellFormed(value: RespValue, depth = 0): void {
  assert.ok(depth <= MAX_DEPTH + 1, 'nesting beyond maxDepth');
  if (value === null || ['string', 'number', 'bigint', 'boolean'].includes(typeof value)) return;
  if (Buffer.isBuffer(value)) return assert.ok(value.length <= MAX_BULK);
  if (value instanceof ReplyError) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      assert.ok(i in value, 'an array with a hole');
      assertWellFormed(value[i]!, depth + 1);
    }
    return;
  }
  if (value instanceof Map) {
    for (const [k, v] of value) {
      assertWellFormed(k, depth + 1);
      assertWellFormed(v, depth + 1);
    }
    return;
  }
  assert.fail(`not a RespValue: ${String(value)}`);
}

/**
 * Records the largest buffer requested through Buffer's allocating statics while `run` runs, counting only
 * requests made inside `measured(…)` sections (the decoder's feeds, not the test's own stream building).
 */
let measuring = false;
function measured<T>(fn: () => T): T {
  measuring = true;
  try {
    return fn();
  } finally {
    measuring = false;
  }
}

function largestAllocation(run: () => void): number {
  const methods = ['alloc', 'allocUnsafe', 'allocUnsafeSlow', 'concat'] as const;
  const patched = Buffer as unknown as Record<string, (...args: unknown[]) => unknown>;
  const saved = methods.map((name) => patched[name]!);
  let largest = 0;
  const note = (size: unknown) => {
    if (measuring && typeof size === 'number' && size > largest) largest = size;
  };
  methods.forEach((name, i) => {
    const original = saved[i]!;
    patched[name] = function (this: unknown, ...args: unknown[]) {
      if (name === 'concat') {
        const list = args[0] as Buffer[];
        note(typeof args[1] === 'number' ? args[1] : list.reduce((n, b) => n + b.length, 0));
      } else note(args[0]);
      return original.apply(this, args);
    };
  });
  try {
    run();
  } finally {
    methods.forEach((name, i) => (patched[name] = saved[i]!));
  }
  return largest;
}

interface FuzzStats {
  streams: number;
  rejected: number;
  replies: number;
  slowestFeedMs: number;
  largestAllocation: number;
}

function fuzz(seed: number, streams: number, generate: (random: Random) => Buffer): FuzzStats {
  const random = prng(seed);
  const stats: FuzzStats = { streams, rejected: 0, replies: 0, slowestFeedMs: 0, largestAllocation: 0 };
  stats.largestAllocation = largestAllocation(() => {
    for (let s = 0; s < streams; s++) {
      const bytes = generate(random);
      const decoder = new RespDecoder({
        onReply: (reply) => {
          assertWellFormed(reply);
          stats.replies++;
        },
        onPush: (push) => assertWellFormed(push),
        maxBulkLength: MAX_BULK,
        maxDepth: MAX_DEPTH,
      });
      decoder.returnBuffers = random() < 0.5;
      const chunks = random() < 0.3 ? [bytes] : randomChunks(random, bytes);
      for (const chunk of chunks) {
        const started = performance.now();
        try {
          measured(() => decoder.feed(chunk));
        } catch (error) {
          assert.ok(error instanceof ProtocolError, `stream ${s}: expected a ProtocolError, got ${String(error)}`);
          assert.equal(error.code, 'ERR_PROTOCOL');
          assert.throws(() => decoder.feed(Buffer.from('+OK\r\n')), ProtocolError, 'a failed decoder stays failed');
          stats.rejected++;
          break;
        } finally {
          stats.slowestFeedMs = Math.max(stats.slowestFeedMs, performance.now() - started);
        }
      }
      assert.ok(decoder.pendingBytes >= 0 && decoder.pendingBytes <= bytes.length);
    }
  });
  return stats;
}

describe('hostile bytes for the decoder', () => {
  const generators: [string, number, number, (random: Random) => Buffer][] = [
    ['random bytes', 0xb17e5, 5000, randomBytes],
    ['RESP token soup', 0x50f7, 8000, tokenSoup],
    ['mutated valid streams', 0x3a7e, 6000, mutated],
  ];
  for (const [what, seed, streams, generate] of generators) {
    test(`${what}: only ProtocolError, prompt, no allocation beyond maxBulkLength`, () => {
      const stats = fuzz(seed, streams, generate);
      console.log(`${what}:`, JSON.stringify({ ...stats, slowestFeedMs: +stats.slowestFeedMs.toFixed(2) }));
      assert.ok(stats.rejected > streams / 10, `enough streams were rejected (${stats.rejected})`);
      assert.ok(stats.largestAllocation <= ALLOCATION_LIMIT, `allocated ${stats.largestAllocation} bytes`);
      assert.ok(stats.slowestFeedMs < 500, `a feed took ${stats.slowestFeedMs.toFixed(1)} ms`);
    });
  }

  test('headers that promise more than anyone could send cost nothing up front', () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const cases = [
      `*4294967295\r\n:1\r\n`, // an array "of 4 billion": grows as elements arrive
      `%2147483647\r\n+k\r\n`,
      `~4294967295\r\n`,
      `>4294967295\r\n+message\r\n`,
      `*1024\r\n`.repeat(MAX_DEPTH), // deep and wide, never completed
    ];
    const largest = largestAllocation(() => {
      for (const wire of cases) {
        const decoder = new RespDecoder({ onReply: () => {}, maxBulkLength: MAX_BULK, maxDepth: MAX_DEPTH });
        const bytes = Buffer.from(wire);
        measured(() => decoder.feed(bytes));
        assert.ok(decoder.pendingBytes > 0, 'still waiting, not failed');
      }
    });
    assert.ok(largest <= ALLOCATION_LIMIT, `allocated ${largest} bytes`);
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 32 * 2 ** 20, 'no large array was preallocated');
    for (const wire of [`$${2 ** 30}\r\n`, `=${MAX_BULK + 1}\r\n`, `!${2 ** 53}\r\n`, `*${2 ** 40}\r\n`]) {
      const decoder = new RespDecoder({ onReply: () => {}, maxBulkLength: MAX_BULK });
      assert.throws(() => decoder.feed(Buffer.from(wire)), ProtocolError, wire.trim());
    }
  });

  test('a 4 MB soup in one chunk and byte by byte: each feed returns promptly', () => {
    const random = prng(0x4d);
    const parts: Buffer[] = [];
    let size = 0;
    while (size < 4 * 2 ** 20) {
      const part = validStream(random);
      parts.push(part);
      size += part.length;
    }
    const bytes = Buffer.concat(parts);
    let replies = 0;
    const decoder = new RespDecoder({ onReply: () => replies++, onPush: () => replies++ });
    const started = performance.now();
    decoder.feed(bytes);
    const wholeMs = performance.now() - started;
    assert.equal(decoder.pendingBytes, 0);
    const byteByByte = new RespDecoder({ onReply: () => {}, onPush: () => {} });
    const head = bytes.subarray(0, 64 * 1024);
    const started2 = performance.now();
    for (let i = 0; i < head.length; i++) byteByByte.feed(head.subarray(i, i + 1));
    const bytewiseMs = performance.now() - started2;
    console.log(
      '4 MB soup:',
      JSON.stringify({ replies, wholeMs: Math.round(wholeMs), bytewise64kMs: Math.round(bytewiseMs) }),
    );
    assert.ok(wholeMs < 5000 && bytewiseMs < 5000, 'no quadratic rescans');
  });
});

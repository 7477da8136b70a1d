/**
 * Hostile bytes for the RESP decoder: random streams, RESP-shaped token soup and mutated valid streams
 * (substitutions, insertions, deletions, duplicated slices, lying lengths), fed in random chunks from
 * fixed seeds. The decoder may only ever throw ProtocolError, must stay failed once failed, may only hand
 * out well-formed values, must never allocate a buffer larger than maxBulkLength allows, however large a
 * length header claims to be, and must copy no input byte more than a few times (no rescans of what it
 * already holds). Work is measured in bytes allocated and in CPU time, which other processes on a loaded
 * machine cannot inflate; wall-clock times are not asserted.
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
/**
 * Bytes the decoder may allocate per byte it is fed. Every allocation is a copy of input: an element
 * joined once from the chunks it spans, and a small payload copied out of its chunk. Measured: at most
 * about 2.1 (byte by byte, Buffer mode); keeping a pending buffer and re-joining it on every feed costs
 * the length of the element per byte fed.
 */
const COPIES_PER_BYTE = 4;

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
 * requests made inside `measured(…)` sections (the decoder's feeds, not the test's own stream building),
 * and adds every such request to `allocatedBytes`. The decoder allocates through these statics only.
 */
let measuring = false;
let allocatedBytes = 0;
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
    if (!measuring || typeof size !== 'number') return;
    allocatedBytes += size;
    if (size > largest) largest = size;
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
  /** CPU time of the slowest stream, ms. */
  slowestStreamCpuMs: number;
  largestAllocation: number;
  /** Most bytes allocated for one stream per byte of it. */
  mostCopiesPerByte: number;
}

function fuzz(seed: number, streams: number, generate: (random: Random) => Buffer): FuzzStats {
  const random = prng(seed);
  const stats: FuzzStats = {
    streams,
    rejected: 0,
    replies: 0,
    slowestStreamCpuMs: 0,
    largestAllocation: 0,
    mostCopiesPerByte: 0,
  };
  stats.largestAllocation = largestAllocation(() => {
    for (let s = 0; s < streams; s++) {
      const bytes = generate(random);
      const allocatedBefore = allocatedBytes;
      const cpuBefore = process.cpuUsage();
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
        try {
          measured(() => decoder.feed(chunk));
        } catch (error) {
          assert.ok(error instanceof ProtocolError, `stream ${s}: expected a ProtocolError, got ${String(error)}`);
          assert.equal(error.code, 'ERR_PROTOCOL');
          assert.throws(() => decoder.feed(Buffer.from('+OK\r\n')), ProtocolError, 'a failed decoder stays failed');
          stats.rejected++;
          break;
        }
      }
      stats.slowestStreamCpuMs = Math.max(stats.slowestStreamCpuMs, cpuMs(process.cpuUsage(cpuBefore)));
      const allocated = allocatedBytes - allocatedBefore;
      if (bytes.length > 0) stats.mostCopiesPerByte = Math.max(stats.mostCopiesPerByte, allocated / bytes.length);
      assert.ok(
        allocated <= COPIES_PER_BYTE * bytes.length,
        `stream ${s}: ${allocated} bytes allocated for a stream of ${bytes.length}`,
      );
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
    test(`${what}: only ProtocolError, linear work, no allocation beyond maxBulkLength`, () => {
      const stats = fuzz(seed, streams, generate);
      console.log(
        `${what}:`,
        JSON.stringify({
          ...stats,
          slowestStreamCpuMs: +stats.slowestStreamCpuMs.toFixed(2),
          mostCopiesPerByte: +stats.mostCopiesPerByte.toFixed(2),
        }),
      );
      assert.ok(stats.rejected > streams / 10, `enough streams were rejected (${stats.rejected})`);
      assert.ok(stats.largestAllocation <= ALLOCATION_LIMIT, `allocated ${stats.largestAllocation} bytes`);
      // Streams are at most a few KB: anything near this is a loop, not decoding.
      assert.ok(stats.slowestStreamCpuMs < 500, `a stream took ${stats.slowestStreamCpuMs.toFixed(1)} ms of CPU`);
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

  test('a 4 MB soup in one chunk and byte by byte: linear work, no rescans of what the decoder holds', () => {
    const random = prng(0x4d);
    const parts: Buffer[] = [];
    let size = 0;
    while (size < 4 * 2 ** 20) {
      const part = validStream(random);
      parts.push(part);
      size += part.length;
    }
    const bytes = Buffer.concat(parts);
    const head = bytes.subarray(0, 64 * 1024);
    for (const buffers of [false, true]) {
      let replies = 0;
      const decoder = new RespDecoder({ onReply: () => replies++, onPush: () => replies++ });
      decoder.returnBuffers = buffers;
      const whole = work(() => decoder.feed(bytes));
      assert.equal(decoder.pendingBytes, 0);
      const byteByByte = new RespDecoder({ onReply: () => {}, onPush: () => {} });
      byteByByte.returnBuffers = buffers;
      const bytewise = work(() => {
        for (let i = 0; i < head.length; i++) byteByByte.feed(head.subarray(i, i + 1));
      });
      console.log(
        `4 MB soup (${buffers ? 'Buffers' : 'strings'}):`,
        JSON.stringify({ replies, whole, bytewise64k: bytewise }),
      );
      // Byte by byte, a decoder that re-joined what it holds on every feed would allocate the length of the
      // pending element for each byte: hundreds of times the input here, where 40 KB bulk strings occur.
      assert.ok(
        whole.allocated <= COPIES_PER_BYTE * bytes.length,
        `allocated ${whole.allocated} for 4 MB in one chunk`,
      );
      assert.ok(
        bytewise.allocated <= COPIES_PER_BYTE * head.length,
        `allocated ${bytewise.allocated} for 64 KB fed byte by byte`,
      );
      assert.ok(whole.cpuMs < 5000 && bytewise.cpuMs < 5000, 'no quadratic rescans');
    }
  });
});

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

/** The bytes the decoder allocated and the CPU time it took (ms, rounded) to run `feed`. */
function work(feed: () => void): { allocated: number; cpuMs: number } {
  let allocated = 0;
  let cpu = 0;
  largestAllocation(() => {
    const before = allocatedBytes;
    const cpuBefore = process.cpuUsage();
    measured(feed);
    cpu = cpuMs(process.cpuUsage(cpuBefore));
    allocated = allocatedBytes - before;
  });
  return { allocated, cpuMs: Math.round(cpu) };
}

/**
 * Test-only RESP writer and random reply generator, independent of src/resp: a reply is described as a
 * typed node, written to bytes, and paired with the value the decoder must produce for it.
 */
import { isUtf8 } from 'node:buffer';
import { replyErrorFor } from '../../src/errors.js';
import type { RespValue } from '../../src/resp/types.js';

export type Node =
  | { t: '+'; text: string }
  | { t: '-'; text: string }
  | { t: ':'; value: number | bigint }
  | { t: '$'; data: Buffer | null }
  | { t: '*'; items: Node[] | null }
  | { t: '_' }
  | { t: '#'; value: boolean }
  | { t: ','; value: number }
  | { t: '('; value: bigint }
  | { t: '!'; text: string }
  | { t: '='; format: string; data: Buffer }
  | { t: '%'; pairs: [Node, Node][] }
  | { t: '~'; items: Node[] }
  | { t: '|'; pairs: [Node, Node][]; value: Node }
  | { t: '>'; items: Node[] };

/** A deterministic PRNG (mulberry32): the same seed gives the same test data on every run. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bulkBytes(prefix: string, data: Buffer): Buffer[] {
  return [Buffer.from(`${prefix}${data.length}\r\n`), data, Buffer.from('\r\n')];
}

function formatDouble(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return String(value);
}

function writeParts(node: Node, out: Buffer[]): void {
  switch (node.t) {
    case '+':
    case '-':
      out.push(Buffer.from(`${node.t}${node.text}\r\n`));
      return;
    case ':':
    case '(':
      out.push(Buffer.from(`${node.t}${node.value}\r\n`));
      return;
    case '_':
      out.push(Buffer.from('_\r\n'));
      return;
    case '#':
      out.push(Buffer.from(node.value ? '#t\r\n' : '#f\r\n'));
      return;
    case ',':
      out.push(Buffer.from(`,${formatDouble(node.value)}\r\n`));
      return;
    case '$':
      if (node.data === null) out.push(Buffer.from('$-1\r\n'));
      else out.push(...bulkBytes('$', node.data));
      return;
    case '!':
      out.push(...bulkBytes('!', Buffer.from(node.text)));
      return;
    case '=':
      out.push(...bulkBytes('=', Buffer.concat([Buffer.from(`${node.format}:`), node.data])));
      return;
    case '*':
    case '~':
    case '>':
      if (node.items === null) {
        out.push(Buffer.from('*-1\r\n'));
        return;
      }
      out.push(Buffer.from(`${node.t}${node.items.length}\r\n`));
      for (const item of node.items) writeParts(item, out);
      return;
    case '%':
    case '|':
      out.push(Buffer.from(`${node.t}${node.pairs.length}\r\n`));
      for (const [key, value] of node.pairs) {
        writeParts(key, out);
        writeParts(value, out);
      }
      if (node.t === '|') writeParts(node.value, out);
      return;
  }
}

export function writeResp(nodes: Node[]): Buffer {
  const out: Buffer[] = [];
  for (const node of nodes) writeParts(node, out);
  return Buffer.concat(out);
}

/** The value the decoder must produce for `node`, with bulk strings as Buffers or UTF-8 strings. */
export function expected(node: Node, buffers: boolean): RespValue {
  const bulk = (data: Buffer): RespValue => (buffers ? Buffer.from(data) : data.toString('utf8'));
  switch (node.t) {
    case '+':
      return node.text;
    case '-':
    case '!':
      return replyErrorFor(node.text);
    case ':':
      return typeof node.value === 'bigint' &&
        node.value >= BigInt(Number.MIN_SAFE_INTEGER) &&
        node.value <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(node.value)
        : node.value;
    case '(':
    case '#':
    case ',':
      return node.value;
    case '_':
      return null;
    case '$':
      return node.data === null ? null : bulk(node.data);
    case '=':
      return bulk(node.data);
    case '*':
    case '>':
      return node.items === null ? null : node.items.map((item) => expected(item, buffers));
    case '~':
      return node.items.map((item) => expected(item, buffers));
    case '%': {
      const map = new Map<RespValue, RespValue>();
      for (const [key, value] of node.pairs) {
        // A bulk key that is not valid UTF-8 stays a Buffer in string mode.
        // An attribute in front of a key is dropped; the key underneath decides (as in the decoder).
        let keyNode = key;
        while (keyNode.t === '|') keyNode = keyNode.value;
        const binaryKey = !buffers && keyNode.t === '$' && keyNode.data !== null && !isUtf8(keyNode.data);
        const k = binaryKey ? Buffer.from((keyNode as { data: Buffer }).data) : expected(key, buffers);
        map.set(k, expected(value, buffers));
      }
      return map;
    }
    case '|':
      return expected(node.value, buffers);
  }
}

export interface GenerateOptions {
  resp3: boolean;
  /** Bulk payloads as random bytes (for Buffer mode) rather than valid UTF-8 text. */
  binary: boolean;
  maxDepth?: number;
  /** Integers stay within ±2^53 (redis-parser cannot represent more). */
  safeIntegers?: boolean;
}

const ALPHABET = [...'abcXYZ019 :-_\t{}"\'/\\é中🙂'];

export function randomText(random: () => number, max: number): string {
  const length = Math.floor(random() * max);
  let text = '';
  for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(random() * ALPHABET.length)]!;
  return text;
}

/** True when the reply `node` is a push frame (possibly behind attributes). */
export function isPush(node: Node): boolean {
  return node.t === '>' || (node.t === '|' && isPush(node.value));
}

function randomData(random: () => number, binary: boolean): Buffer {
  const size = random() < 0.01 ? Math.floor(random() * 40_000) : Math.floor(random() * 40);
  if (!binary) return Buffer.from(randomText(random, size));
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = random() < 0.2 ? [13, 10, 36, 42][i % 4]! : Math.floor(random() * 256);
  return data;
}

function randomInteger(random: () => number, safe: boolean): number | bigint {
  const r = random();
  if (r < 0.5) return Math.floor(random() * 2000) - 1000;
  if (r < 0.8 || safe) return Math.floor((random() * 2 - 1) * Number.MAX_SAFE_INTEGER);
  const big = BigInt(Math.floor(random() * 2 ** 31)) * BigInt(2 ** 32) + BigInt(Math.floor(random() * 2 ** 32));
  return random() < 0.5 ? -big : big;
}

/** A random reply node; `top` allows push frames. */
export function randomNode(random: () => number, options: GenerateOptions, depth = 0, top = false): Node {
  const maxDepth = options.maxDepth ?? 4;
  const aggregate = depth < maxDepth && random() < 0.3 / (depth + 1);
  const pick = (list: string): string => list[Math.floor(random() * list.length)]!;
  const kind = aggregate
    ? pick(options.resp3 ? (top ? '**%~|>' : '**%~|') : '*')
    : pick(options.resp3 ? '+-:$$$_#,(!=' : '+-:$$$');
  const child = (): Node => randomNode(random, options, depth + 1);
  const count = (): number => Math.floor(random() * (random() < 0.1 ? 30 : 5));
  const line = (): string => randomText(random, 20).replace(/[\r\n]/g, '');
  switch (kind) {
    case '+':
      return { t: '+', text: line() };
    case '-':
      return { t: '-', text: random() < 0.5 ? `ERR ${line()}` : `WRONGTYPE ${line()}` };
    case ':':
      return { t: ':', value: randomInteger(random, options.safeIntegers ?? false) };
    case '$':
      return { t: '$', data: random() < 0.1 ? null : randomData(random, options.binary) };
    case '_':
      return { t: '_' };
    case '#':
      return { t: '#', value: random() < 0.5 };
    case ',': {
      const special = [Infinity, -Infinity, NaN, 0, 1e21, -1.5e-7];
      return {
        t: ',',
        value: random() < 0.2 ? special[Math.floor(random() * special.length)]! : (random() - 0.5) * 1e6,
      };
    }
    case '(':
      return { t: '(', value: BigInt(randomInteger(random, false)) * 1_000_000_007n };
    case '!':
      return { t: '!', text: `ERR ${line()}\r\nsecond line` };
    case '=':
      return { t: '=', format: random() < 0.5 ? 'txt' : 'mkd', data: randomData(random, options.binary) };
    case '*':
      return { t: '*', items: random() < 0.1 ? null : Array.from({ length: count() }, child) };
    case '~':
      return { t: '~', items: Array.from({ length: count() }, child) };
    case '>':
      return { t: '>', items: [{ t: '$', data: Buffer.from('message') }, ...Array.from({ length: count() }, child)] };
    case '%':
      return { t: '%', pairs: Array.from({ length: count() }, () => [child(), child()] as [Node, Node]) };
    default:
      return {
        t: '|',
        pairs: Array.from({ length: 1 + count() }, () => [child(), child()] as [Node, Node]),
        value: randomNode(random, options, depth, top),
      };
  }
}

/** Splits `bytes` into random chunks: mostly small, sometimes single bytes, sometimes large. */
export function randomChunks(random: () => number, bytes: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    const r = random();
    const size = r < 0.2 ? 1 : r < 0.7 ? 1 + Math.floor(random() * 16) : 1 + Math.floor(random() * 70_000);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

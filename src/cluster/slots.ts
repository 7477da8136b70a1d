/**
 * Redis Cluster key slots: CRC16 (XMODEM: polynomial 0x1021, initial value 0) of the key, or of its hash
 * tag, modulo 16384. The hash tag is the part between the first `{` and the first `}` after it, when that
 * part is not empty; keys sharing a tag share a slot.
 *
 * Written here instead of taken from a package: it is 40 lines, it keeps respool free of runtime
 * dependencies, and the cluster tests check it against the server's own `CLUSTER KEYSLOT`.
 */
import type { RedisArg } from '../resp/types.js';

export const SLOT_COUNT = 16384;

const TABLE = buildTable();

function buildTable(): Uint16Array {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
}

/** CRC16/XMODEM of bytes `start..end` (end exclusive). */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ bytes[i]!) & 0xff]!;
  return crc;
}

/** The slot of a key (string, Buffer or number), honouring hash tags. */
export function keySlot(key: RedisArg): number {
  if (typeof key === 'string') return stringSlot(key);
  if (Buffer.isBuffer(key)) return bufferSlot(key);
  return stringSlot(String(key));
}

function bufferSlot(bytes: Uint8Array): number {
  const open = bytes.indexOf(0x7b); // '{'
  if (open !== -1) {
    const close = bytes.indexOf(0x7d, open + 1); // '}'
    if (close > open + 1) return crc16(bytes, open + 1, close) & (SLOT_COUNT - 1);
  }
  return crc16(bytes) & (SLOT_COUNT - 1);
}

/** ASCII keys (the common case) are hashed from their char codes without encoding them. */
function stringSlot(key: string): number {
  let start = 0;
  let end = key.length;
  const open = key.indexOf('{');
  if (open !== -1) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) {
      start = open + 1;
      end = close;
    }
  }
  let crc = 0;
  for (let i = start; i < end; i++) {
    const code = key.charCodeAt(i);
    if (code > 0x7f) return bufferSlot(Buffer.from(key, 'utf8'));
    crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ code) & 0xff]!;
  }
  return crc & (SLOT_COUNT - 1);
}

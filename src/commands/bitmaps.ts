/** Bitmap commands on string values: single bits, counts, searches, bitwise ops and BITFIELD. */
import type { RedisArg } from '../resp/types.js';
import type { Command } from './command.js';
import {
  NONE,
  READONLY,
  READ_CACHEABLE,
  checkOptions,
  integer,
  invalid,
  keysAt,
  oneOf,
  optionKeys,
  pushKeys,
  type KeyOrKeys,
  type OptionKeys,
} from './arguments.js';
import { toNumberOrNullArray } from './decoders.js';

/** A range for BITCOUNT/BITPOS: byte indexes by default, bit indexes with `unit: 'BIT'`. */
export interface BitRange {
  start: number;
  end?: number;
  unit?: 'BYTE' | 'BIT';
}

/**
 * One BITFIELD step. `encoding` is `u1`…`u63` or `i1`…`i64`; `offset` a bit offset, or `'#n'`
 * for the n-th field of that width. OVERFLOW applies to the INCRBY/SET steps after it.
 */
export type BitFieldOperation =
  | { op: 'GET'; encoding: string; offset: number | string }
  | { op: 'SET'; encoding: string; offset: number | string; value: number | bigint }
  | { op: 'INCRBY'; encoding: string; offset: number | string; increment: number | bigint }
  | { op: 'OVERFLOW'; behavior: 'WRAP' | 'SAT' | 'FAIL' };

const RANGE_KEYS = optionKeys(['start', 'end', 'unit']);
const STEP_KEYS: ReadonlyMap<unknown, OptionKeys> = new Map([
  ['GET', optionKeys(['op', 'encoding', 'offset'])],
  ['SET', optionKeys(['op', 'encoding', 'offset', 'value'])],
  ['INCRBY', optionKeys(['op', 'encoding', 'offset', 'increment'])],
  ['OVERFLOW', optionKeys(['op', 'behavior'])],
]);

function bit(name: string, value: number): number {
  if (value !== 0 && value !== 1) invalid(name, '0 or 1', value);
  return value;
}

/** `SETBIT`: the bit's previous value. */
export function setBit(key: RedisArg, offset: number, value: 0 | 1): Command<number> {
  const args = ['SETBIT', key, integer('setBit offset', offset, 0), bit('setBit value', value)];
  return { args, decode: undefined, flags: NONE, keys: [key] };
}

export function getBit(key: RedisArg, offset: number): Command<number> {
  return {
    args: ['GETBIT', key, integer('getBit offset', offset, 0)],
    decode: undefined,
    flags: READ_CACHEABLE,
    keys: [key],
  };
}

function pushRange(
  args: RedisArg[],
  range: BitRange | undefined,
  method: string,
  name: string,
  needsStart: boolean,
): void {
  if (range === undefined) return;
  checkOptions(method, range, RANGE_KEYS, 'range');
  args.push(integer(`${name}.start`, range.start));
  if (range.end !== undefined) args.push(integer(`${name}.end`, range.end));
  else if (needsStart) invalid(`${name}.end`, 'given (BITCOUNT takes start and end together)', range.end);
  if (range.unit !== undefined) {
    if (range.end === undefined) invalid(`${name}.unit`, 'used with end', range.unit);
    args.push(oneOf(`${name}.unit`, range.unit, ['BYTE', 'BIT']));
  }
}

/** `BITCOUNT`: how many bits are 1 (in `range` if given). */
export function bitCount(key: RedisArg, range?: BitRange): Command<number> {
  const args: RedisArg[] = ['BITCOUNT', key];
  pushRange(args, range, 'bitCount', 'bitCount range', true);
  return { args, decode: undefined, flags: READ_CACHEABLE, keys: [key] };
}

/** `BITPOS`: the position of the first bit equal to `bit`, or -1. */
export function bitPos(key: RedisArg, bitValue: 0 | 1, range?: BitRange): Command<number> {
  const args: RedisArg[] = ['BITPOS', key, bit('bitPos bit', bitValue)];
  pushRange(args, range, 'bitPos', 'bitPos range', false);
  return { args, decode: undefined, flags: READ_CACHEABLE, keys: [key] };
}

/** `BITOP op destination keys`: the destination's length in bytes. NOT takes exactly one key. */
export function bitOp(
  operation: 'AND' | 'OR' | 'XOR' | 'NOT',
  destination: RedisArg,
  keys: KeyOrKeys,
): Command<number> {
  const args: RedisArg[] = ['BITOP', oneOf('bitOp operation', operation, ['AND', 'OR', 'XOR', 'NOT']), destination];
  const n = pushKeys(args, keys, 'bitOp keys');
  if (operation === 'NOT' && n !== 1) invalid('bitOp keys', 'exactly one key for NOT', keys);
  return { args, decode: undefined, flags: NONE, keys: keysAt(args, 2, n + 1) };
}

function pushBitField(
  args: RedisArg[],
  operations: readonly BitFieldOperation[],
  method: string,
  readOnly: boolean,
): void {
  const name = `${method} operations`;
  if (!Array.isArray(operations) || operations.length === 0)
    invalid(name, 'a non-empty list of operations', operations);
  for (let i = 0; i < operations.length; i++) {
    const step = operations[i]!;
    const keys = step !== null && typeof step === 'object' ? STEP_KEYS.get(step.op) : undefined;
    if (keys !== undefined) checkOptions(method, step, keys, `operations[${i}]`);
    switch (step?.op) {
      case 'GET':
        args.push('GET', step.encoding, step.offset);
        break;
      case 'SET':
        if (readOnly) invalid(name, 'GET operations only', step);
        args.push('SET', step.encoding, step.offset, integer(`${name} SET value`, step.value));
        break;
      case 'INCRBY':
        if (readOnly) invalid(name, 'GET operations only', step);
        args.push('INCRBY', step.encoding, step.offset, integer(`${name} INCRBY increment`, step.increment));
        break;
      case 'OVERFLOW':
        if (readOnly) invalid(name, 'GET operations only', step);
        args.push('OVERFLOW', oneOf(`${name} OVERFLOW behavior`, step.behavior, ['WRAP', 'SAT', 'FAIL']));
        break;
      default:
        invalid(name, "operations with op 'GET', 'SET', 'INCRBY' or 'OVERFLOW'", step);
    }
  }
}

/** `BITFIELD`: one result per GET/SET/INCRBY step (null where OVERFLOW FAIL stopped an increment). */
export function bitField(key: RedisArg, operations: readonly BitFieldOperation[]): Command<(number | null)[]> {
  const args: RedisArg[] = ['BITFIELD', key];
  pushBitField(args, operations, 'bitField', false);
  return { args, decode: toNumberOrNullArray, flags: NONE, keys: [key] };
}

/** `BITFIELD_RO`: GET steps only; safe on replicas. */
export function bitFieldRo(
  key: RedisArg,
  operations: readonly Extract<BitFieldOperation, { op: 'GET' }>[],
): Command<(number | null)[]> {
  const args: RedisArg[] = ['BITFIELD_RO', key];
  pushBitField(args, operations, 'bitFieldRo', true);
  return { args, decode: toNumberOrNullArray, flags: READONLY, keys: [key] };
}

/**
 * Streaming RESP2/RESP3 reply decoder. No sockets: bytes in through feed(), replies out through callbacks.
 *
 * States between feed() calls:
 *   idle        no partial reply (`frames` empty, `tail` empty, `bulk` idle).
 *   partial     a reply is half read: `frames` holds its open aggregates (outermost first), and either
 *               `tail` keeps the bytes of the element being read (until its line end or its known size
 *               arrives; nothing is re-parsed before then) or `bulk` collects a large bulk payload
 *               piece by piece (a 10 MB bulk string in 64 KB chunks is joined once).
 *   failed      malformed input was seen (or a callback threw): every feed() throws `failure` until reset().
 * feed(chunk): [partial] finish the pending element with the first bytes of the chunk and resume the
 * frames → parse the rest of the chunk in one pass → idle | partial | failed.
 *
 * The fast path is a recursive descent over the chunk. When it runs out of bytes, each open aggregate
 * saves itself as a Frame while the recursion unwinds; resuming continues those frames in place.
 *
 * RESP3 sets decode to arrays (as RESP2 sends them: duplicates and order kept). RESP3 maps decode to `Map`;
 * in string mode a key that is not valid UTF-8 stays a Buffer (see map-key.ts), so that no two distinct
 * keys ever become one entry.
 *
 * Buffer mode returns views of the received chunk for payloads of 1 KB and more (no copy; Node's socket
 * chunks are never reused, so the bytes cannot change under the caller) and copies of smaller ones, so that
 * a small value kept for long does not pin its whole chunk.
 * Callbacks must not call feed(); they may call reset(), which drops the rest of the chunk.
 */
import { InvalidArgumentError, ProtocolError, RedisError } from '../errors.js';
import type { RespValue } from './types.js';
import { BulkCollector } from './bulk-collector.js';
import { Frame, KIND_ARRAY, KIND_ATTRIBUTE, KIND_MAP, KIND_PUSH } from './frame.js';
import { mapKey, mapKeyAt } from './map-key.js';
import { Tail } from './tail.js';
import { bufferView, readBigNumber, readBoolean, readDouble, readIntegerSlow, replyError, utf8 } from './scalars.js';

export interface RespDecoderOptions {
  /** Called once per top-level reply, in order. Error replies arrive here as ReplyError values. */
  onReply: (reply: RespValue) => void;
  /** Called for each RESP3 push frame ('>'); without it, push frames go to onReply. */
  onPush?: (push: RespValue[]) => void;
  /** Longest bulk string, bulk error or verbatim string accepted, in bytes. Default 512 MiB. */
  maxBulkLength?: number;
  /** Deepest nesting of aggregates accepted. Default 128, at most 1000. */
  maxDepth?: number;
}

const CR = 13;
const LF = 10;
const MAX_AGGREGATE_LENGTH = 2 ** 32 - 1; // a JS array cannot hold more
/** Bulk strings at least this long that span chunks are collected piece by piece, not re-parsed. */
const COLLECT_THRESHOLD = 16 * 1024;
const PREALLOCATE_LIMIT = 1024; // larger arrays grow as elements arrive, so a lying header costs nothing

/** Returned by the parse methods when the buffer ends before the element does. */
const INCOMPLETE = Symbol('incomplete');
type Parsed = RespValue | typeof INCOMPLETE;

export class RespDecoder {
  /** Bulk strings of the next top-level reply decode as Buffer when true, as UTF-8 strings when false. */
  returnBuffers = false;

  private readonly onReply: (reply: RespValue) => void;
  private readonly onPush: ((push: RespValue[]) => void) | undefined;
  private readonly maxBulkLength: number;
  private readonly maxDepth: number;

  /** returnBuffers as read at the start of the reply being parsed. */
  private buffers = false;
  /** Read position in the buffer being parsed, and that buffer's offset in the stream. */
  private pos = 0;
  private base = 0;
  /** Set by the parse methods with INCOMPLETE: bytes the element needs from its start (0: a line end). */
  private need = 0;
  /** A push frame was opened at the top level of the reply being parsed. */
  private pushOpened = false;
  /** The next parseValue() reads a map key (it takes the flag, so nested values do not see it). */
  private keyNext = false;
  /** The bulk being collected is a map key in string mode: collected as bytes, then made a key. */
  private bulkIsKey = false;
  private frames: Frame[] = [];
  private readonly bulk = new BulkCollector();
  private readonly tail = new Tail();
  /** Stream offsets: bytes fed, and end of the last complete reply. */
  private received = 0;
  private consumed = 0;
  private feeding = false;
  private failure: ProtocolError | null = null;

  constructor(options: RespDecoderOptions) {
    this.onReply = options.onReply;
    this.onPush = options.onPush;
    this.maxBulkLength = options.maxBulkLength ?? 512 * 1024 * 1024;
    this.maxDepth = options.maxDepth ?? 128;
    if (!Number.isSafeInteger(this.maxBulkLength) || this.maxBulkLength < 0) {
      throw new InvalidArgumentError(`maxBulkLength must be a non-negative integer, got ${this.maxBulkLength}`);
    }
    if (!Number.isInteger(this.maxDepth) || this.maxDepth < 1 || this.maxDepth > 1000) {
      throw new InvalidArgumentError(`maxDepth must be an integer from 1 to 1000, got ${this.maxDepth}`);
    }
  }

  /** Bytes received but not yet consumed by a complete reply (exact between feed() calls). */
  get pendingBytes(): number {
    return this.received - this.consumed;
  }

  reset(): void {
    this.frames = [];
    this.bulk.reset();
    this.tail.clear();
    this.received = this.consumed = this.base = this.need = 0;
    this.pushOpened = false;
    this.keyNext = this.bulkIsKey = false;
    this.failure = null;
    // Called from a callback inside feed(): make the running loops stop at once.
    this.pos = this.feeding ? Infinity : 0;
  }

  feed(chunk: Buffer): void {
    if (this.failure !== null) throw this.failure;
    if (this.feeding) throw new RedisError('RespDecoder.feed() was called from inside its own callback', 'ERR_STATE');
    this.feeding = true;
    try {
      this.received += chunk.length;
      let data = chunk;
      for (;;) {
        if (this.bulk.type !== 0) {
          const end = this.bulk.take(data, 0, this.received - data.length);
          if (end < 0) return;
          data = data.subarray(end);
          let value = this.bulk.finish();
          if (this.bulkIsKey) {
            this.bulkIsKey = false;
            value = mapKey(value as Buffer);
          }
          if (!this.completeValue(value)) return;
          if (this.frames.length === 0) this.consumed = this.received - data.length;
          if (data.length > 0 || this.frames.length > 0) this.parse(data, this.received - data.length);
          return;
        }
        if (this.tail.length === 0 || data.length === 0) break;
        const take = this.tail.bytesFinishing(data, this.maxBulkLength);
        if (take < 0) {
          this.tail.append(data);
          return;
        }
        // Finish the tail's element (and whatever frames it completes), then carry on with the rest.
        const start = this.tail.start;
        this.parse(this.tail.join(data, take), start);
        if (this.pos === Infinity) return; // reset() from a callback
        data = data.subarray(take);
      }
      if (data.length > 0) this.parse(data, this.received - data.length);
    } catch (error) {
      this.failure =
        error instanceof ProtocolError
          ? error
          : new ProtocolError('The decoder stopped because a reply callback threw; reset() it or use a new one.');
      throw error;
    } finally {
      this.feeding = false;
    }
  }

  private parse(buf: Buffer, base: number): void {
    this.pos = 0;
    this.base = base;
    if (this.frames.length > 0 && !this.resumeFrames(buf)) return;
    const end = buf.length;
    while (this.pos < end) {
      const start = this.pos;
      this.buffers = this.returnBuffers;
      const value = this.parseValue(buf, 1);
      if (value === INCOMPLETE) {
        this.pushOpened = false;
        this.consumed = base + start;
        this.stashTail(buf, 0);
        return;
      }
      if (this.pushOpened) {
        this.pushOpened = false;
        this.deliverPush(value);
      } else this.onReply(value);
    }
    if (this.pos === end) this.consumed = base + end;
  }

  /** Puts a value finished outside parse() in its frame, or delivers it. False if a callback reset us. */
  private completeValue(value: RespValue): boolean {
    if (this.frames.length > 0) {
      this.frames[this.frames.length - 1]!.add(value);
      return true;
    }
    this.onReply(value);
    return this.pos !== Infinity;
  }

  private deliverPush(value: RespValue): void {
    if (this.onPush !== undefined) this.onPush(value as RespValue[]);
    else this.onReply(value);
  }

  /** Continues the saved frames with `buf`. True when the reply they belonged to is finished. */
  private resumeFrames(buf: Buffer): boolean {
    const frames = this.frames;
    for (;;) {
      const frame = frames[frames.length - 1]!;
      if (frame.index < frame.count) {
        const depth = frames.length;
        this.keyNext = frame.kind === KIND_MAP && (frame.index & 1) === 0;
        const value = this.parseValue(buf, depth + 1);
        if (value === INCOMPLETE) {
          this.stashTail(buf, depth);
          return false;
        }
        frame.add(value);
        continue;
      }
      frames.pop();
      if (frame.kind === KIND_ATTRIBUTE) {
        if (frames.length === 0) return true; // the reply it annotated follows
        continue;
      }
      const value = frame.items as RespValue;
      if (frames.length > 0) {
        frames[frames.length - 1]!.add(value);
        continue;
      }
      if (frame.kind === KIND_PUSH) this.deliverPush(value);
      else this.onReply(value);
      if (this.pos !== Infinity) this.consumed = this.base + this.pos;
      return true;
    }
  }

  /** Keeps the unfinished element's bytes, and puts the frames saved while unwinding outermost first. */
  private stashTail(buf: Buffer, framesBefore: number): void {
    const frames = this.frames;
    for (let i = framesBefore, j = frames.length - 1; i < j; i++, j--) {
      const outer = frames[j]!;
      frames[j] = frames[i]!;
      frames[i] = outer;
    }
    if (this.pos < buf.length) this.tail.keep(buf.subarray(this.pos), this.need, this.base + this.pos);
  }

  private protocolError(message: string, at: number): never {
    throw new ProtocolError(message, this.base + at);
  }

  private incomplete(start: number, need: number): typeof INCOMPLETE {
    this.pos = start;
    this.need = need;
    return INCOMPLETE;
  }

  /** Index of the CR ending the line that starts at `from`, or -1 when the buffer ends first. */
  private lineEnd(buf: Buffer, from: number): number {
    const end = buf.length;
    let i = from;
    while (i < end) {
      const c = buf[i]!;
      if (c === CR) break;
      if (c === LF) this.protocolError('Line feed without carriage return', i);
      i++;
    }
    if (i + 1 >= end) return -1;
    if (buf[i + 1] !== LF) this.protocolError('Carriage return not followed by line feed', i + 1);
    return i;
  }

  /**
   * Reads the decimal length after a type byte. Returns it (-1 for a null), or -2 when the line is not
   * complete; on success `pos` is just past the CRLF.
   */
  private readLength(buf: Buffer, from: number): number {
    const end = buf.length;
    let i = from;
    const negative = i < end && buf[i] === 45;
    if (negative) i++;
    const first = i;
    const limit = Math.min(end, first + 15); // 15 digits at most: every length stays an exact double
    let n = 0;
    while (i < limit) {
      const digit = buf[i]! - 48;
      if (digit >>> 0 > 9) break;
      n = n * 10 + digit;
      i++;
    }
    if (i + 1 >= end) {
      if (i < end && buf[i] !== CR) this.protocolError('Invalid length', i);
      return -2;
    }
    if (buf[i] !== CR || i === first) this.protocolError(i === first ? 'Empty or invalid length' : 'Invalid length', i);
    if (buf[i + 1] !== LF) this.protocolError('Carriage return not followed by line feed', i + 1);
    if (negative && n !== 1) this.protocolError('Negative length other than -1', from);
    this.pos = i + 2;
    return negative ? -1 : n;
  }

  /** Reads a ':' integer; `from` is just past the type byte. */
  private readInteger(buf: Buffer, from: number): number | bigint | typeof INCOMPLETE {
    const end = buf.length;
    let i = from;
    const sign = i < end ? buf[i]! : 0;
    if (sign === 45 || sign === 43) i++;
    const first = i;
    const limit = Math.min(end, first + 20); // a 64-bit integer has at most 19 digits
    let n = 0;
    while (i < limit) {
      const digit = buf[i]! - 48;
      if (digit >>> 0 > 9) break;
      n = n * 10 + digit;
      i++;
    }
    if (i + 1 >= end) {
      if (i < end && buf[i] !== CR) this.protocolError('Invalid integer', i);
      return this.incomplete(from - 1, 0);
    }
    if (buf[i] !== CR || i === first)
      this.protocolError(i === first ? 'Empty or invalid integer' : 'Invalid integer', i);
    if (buf[i + 1] !== LF) this.protocolError('Carriage return not followed by line feed', i + 1);
    this.pos = i + 2;
    if (i - first > 15) return readIntegerSlow(buf, from, i); // 16+ digits may not fit a double exactly
    return sign === 45 ? 0 - n : n; // 0 - n keeps "-0" a plain 0
  }

  /** Reads the value starting at `pos`. Aggregates opened here are at `depth` (the top level is 1). */
  private parseValue(buf: Buffer, depth: number): Parsed {
    const asKey = this.keyNext;
    this.keyNext = false;
    let start = this.pos;
    if (start >= buf.length) return this.incomplete(start, 0);
    let type = buf[start]!;
    while (type === 124) {
      // '|' attribute: it annotates the value after it; read it, drop it, and return that value instead.
      if (this.skipAttribute(buf, depth, start) === INCOMPLETE) return INCOMPLETE;
      start = this.pos;
      if (start >= buf.length) return this.incomplete(start, 0);
      type = buf[start]!;
    }
    switch (type) {
      case 36: // '$' bulk string
      case 33: // '!' bulk error
      case 61: {
        // '=' verbatim string
        const length = this.readLength(buf, start + 1);
        if (length < 0) {
          if (length === -2) return this.incomplete(start, 0);
          if (type !== 36) this.protocolError('Null is only allowed for bulk strings and arrays', start);
          return null;
        }
        if (length > this.maxBulkLength) this.protocolError(`Bulk length ${length} exceeds maxBulkLength`, start);
        const from = this.pos;
        const to = from + length;
        if (to + 2 > buf.length) {
          if (length < COLLECT_THRESHOLD) return this.incomplete(start, to + 2 - start);
          this.bulkIsKey = asKey && type === 36 && !this.buffers;
          this.bulk.start(type, length, this.buffers || this.bulkIsKey, this.base + from);
          this.bulk.take(buf, from, this.base);
          return this.incomplete(buf.length, 0);
        }
        if (buf[to] !== CR || buf[to + 1] !== LF) this.protocolError('Bulk data not followed by CRLF', to);
        this.pos = to + 2;
        if (type === 36) {
          if (this.buffers) return bufferView(buf, from, to);
          return asKey ? mapKeyAt(buf, from, to) : utf8(buf, from, to);
        }
        if (type === 33) return replyError(utf8(buf, from, to));
        if (length < 4 || buf[from + 3] !== 58) this.protocolError('Verbatim string without format prefix', from);
        return this.buffers ? bufferView(buf, from + 4, to) : utf8(buf, from + 4, to);
      }
      case 58: // ':' integer
        return this.readInteger(buf, start + 1);
      case 43: // '+' simple string
      case 45: {
        // '-' error
        const cr = this.lineEnd(buf, start + 1);
        if (cr < 0) return this.incomplete(start, 0);
        this.pos = cr + 2;
        if (type === 45) return replyError(utf8(buf, start + 1, cr));
        if (cr === start + 3 && buf[start + 1] === 79 && buf[start + 2] === 75) return 'OK';
        return asKey ? mapKeyAt(buf, start + 1, cr) : utf8(buf, start + 1, cr);
      }
      case 42: // '*' array
      case 62: // '>' push
      case 126: // '~' set
      case 37: // '%' map
        return this.parseAggregate(buf, depth, type, start);
      case 95: // '_' null
      case 35: // '#' boolean
      case 44: // ',' double
      case 40: {
        // '(' big number
        const cr = this.lineEnd(buf, start + 1);
        if (cr < 0) return this.incomplete(start, 0);
        this.pos = cr + 2;
        if (type === 95) {
          if (cr !== start + 1) this.protocolError('Null with content', start + 1);
          return null;
        }
        const at = this.base + start + 1;
        if (type === 35) return readBoolean(buf, start + 1, cr, at);
        if (type === 44) return readDouble(buf, start + 1, cr, at);
        return readBigNumber(buf, start + 1, cr, at);
      }
      default:
        return this.protocolError(`Unknown reply type byte 0x${type.toString(16).padStart(2, '0')}`, start);
    }
  }

  private parseAggregate(buf: Buffer, depth: number, type: number, start: number): Parsed {
    const length = this.readLength(buf, start + 1);
    if (length < 0) {
      if (length === -2) return this.incomplete(start, 0);
      if (type !== 42 && type !== 62) this.protocolError('Null is only allowed for bulk strings and arrays', start);
      return null;
    }
    if (depth > this.maxDepth) this.protocolError(`Nesting deeper than maxDepth (${this.maxDepth})`, start);
    if (length > MAX_AGGREGATE_LENGTH) this.protocolError(`Aggregate length ${length} is too large`, start);
    const inner = depth + 1;
    if (type !== 37) {
      // '*', '>' and '~': a set is the array of its members, as RESP2 sends it. A JS Set would merge
      // members whose bytes differ but decode to the same text (invalid UTF-8 becomes U+FFFD).
      const kind = type === 62 && depth === 1 ? KIND_PUSH : KIND_ARRAY;
      if (kind === KIND_PUSH) this.pushOpened = true;
      const items: RespValue[] = length <= PREALLOCATE_LIMIT ? new Array<RespValue>(length) : [];
      for (let i = 0; i < length; i++) {
        const value = this.parseValue(buf, inner);
        if (value === INCOMPLETE) return this.saveFrame(kind, length, i, items, null);
        items[i] = value;
      }
      return items;
    }
    const map = new Map<RespValue, RespValue>();
    const count = length * 2;
    let key: RespValue = null;
    for (let i = 0; i < count; i++) {
      this.keyNext = (i & 1) === 0;
      const value = this.parseValue(buf, inner);
      if (value === INCOMPLETE) return this.saveFrame(KIND_MAP, count, i, map, key);
      if ((i & 1) === 0) key = value;
      else map.set(key, value);
    }
    return map;
  }

  /** Reads an attribute's key/value pairs and drops them. Returns INCOMPLETE or null (done). */
  private skipAttribute(buf: Buffer, depth: number, start: number): typeof INCOMPLETE | null {
    const length = this.readLength(buf, start + 1);
    if (length === -2) return this.incomplete(start, 0);
    if (length === -1) this.protocolError('Null is only allowed for bulk strings and arrays', start);
    if (depth > this.maxDepth) this.protocolError(`Nesting deeper than maxDepth (${this.maxDepth})`, start);
    if (length > MAX_AGGREGATE_LENGTH) this.protocolError(`Aggregate length ${length} is too large`, start);
    const count = length * 2;
    for (let i = 0; i < count; i++) {
      if (this.parseValue(buf, depth + 1) === INCOMPLETE) {
        return this.saveFrame(KIND_ATTRIBUTE, count, i, null, null);
      }
    }
    return null;
  }

  private saveFrame(
    kind: number,
    count: number,
    index: number,
    items: Frame['items'],
    key: RespValue,
  ): typeof INCOMPLETE {
    this.frames.push(new Frame(kind, count, index, items, key));
    return INCOMPLETE;
  }
}

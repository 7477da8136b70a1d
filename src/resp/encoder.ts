/**
 * Command encoder: RESP arrays of bulk strings, written straight into a slab.
 *
 * The slab is written front to back. `taken` marks the end of the bytes already handed out by take();
 * nothing before it is ever written again, so a returned Buffer (a view of the slab) stays intact while
 * the socket holds it. When the slab is full, a new one is allocated and only the pending bytes
 * (taken..written) move over; the old slab lives on in the views that reference it.
 */
import { InvalidArgumentError } from '../errors.js';
import type { RedisArg } from './types.js';

const SLAB_SIZE = 64 * 1024;
/** Strings up to this many UTF-16 units are written by a JS loop when they are ASCII. */
const SHORT_STRING = 64;
/** Room for `$` or `*`, a length of up to 20 digits, and CRLF. */
const HEADER_ROOM = 24;
const EMPTY = Buffer.alloc(0);
/** A parked slab is shared only while it has this much room left, and is not an oversized one. */
const MIN_SPARE_ROOM = 4 * 1024;
const MAX_SPARE_SLABS = 16;

/**
 * Room left in the slabs of parked encoders (idle connections), shared by every encoder: an idle
 * connection then holds no slab of its own. The bytes before `at` may still be in a socket's write queue,
 * so the next owner continues after them and never writes them again.
 */
const spareSlabs: { slab: Buffer; at: number }[] = [];

interface NodeBufferWrites {
  utf8Write(text: string, offset: number, length: number): number;
}

export class CommandEncoder {
  private slab: Buffer = EMPTY;
  private written = 0;
  private taken = 0;

  /** Bytes written and not yet taken. */
  get length(): number {
    return this.written - this.taken;
  }

  /** Appends one command as a RESP array of bulk strings (strings UTF-8, Buffers as-is, numbers in decimal). */
  write(args: readonly RedisArg[]): void {
    const pendingBefore = this.written - this.taken;
    try {
      this.writeHeader(42, args.length);
      for (let i = 0; i < args.length; i++) {
        const arg = args[i];
        if (typeof arg === 'string') this.writeString(arg);
        else if (Buffer.isBuffer(arg)) this.writeBuffer(arg);
        else if (typeof arg === 'number' || typeof arg === 'bigint') this.writeString(String(arg));
        else {
          throw new InvalidArgumentError(
            `Command argument ${i} must be a string, Buffer, number or bigint; got ${arg === null ? 'null' : typeof arg}`,
          );
        }
      }
    } catch (error) {
      // Drop the half-written command (reserve() may have moved the slab; pending length is what holds).
      this.written = this.taken + pendingBefore;
      throw error;
    }
  }

  /** All bytes written since the last take(), as one Buffer that is never written again. */
  take(): Buffer {
    if (this.written === this.taken) return EMPTY;
    const out = this.slab.subarray(this.taken, this.written);
    this.taken = this.written;
    return out;
  }

  /**
   * Gives the rest of the slab to the shared spares when nothing is pending (the connection went idle),
   * so idle connections hold no memory for writing.
   */
  park(): void {
    if (this.written !== this.taken || this.slab === EMPTY) return;
    if (
      this.slab.length - this.written >= MIN_SPARE_ROOM &&
      this.slab.length <= 2 * SLAB_SIZE &&
      spareSlabs.length < MAX_SPARE_SLABS
    ) {
      spareSlabs.push({ slab: this.slab, at: this.written });
    }
    this.slab = EMPTY;
    this.written = 0;
    this.taken = 0;
  }

  /** Makes room for `bytes` more after `written`, moving pending bytes to a new slab if needed. */
  private reserve(bytes: number): void {
    if (this.written + bytes <= this.slab.length) return;
    const pending = this.written - this.taken;
    if (pending === 0) {
      const spare = spareSlabs.pop();
      if (spare !== undefined && spare.slab.length - spare.at >= bytes) {
        this.slab = spare.slab;
        this.written = spare.at;
        this.taken = spare.at;
        return;
      }
    }
    // At least doubling the pending bytes keeps a batch of many large arguments linear.
    const size = pending + bytes + Math.max(SLAB_SIZE, pending);
    const slab = Buffer.allocUnsafeSlow(size);
    if (pending > 0) this.slab.copy(slab, 0, this.taken, this.written);
    this.slab = slab;
    this.taken = 0;
    this.written = pending;
  }

  /** Writes `*<n>\r\n` or `$<n>\r\n` (`prefix` is the type byte). */
  private writeHeader(prefix: number, n: number): void {
    this.reserve(HEADER_ROOM);
    const slab = this.slab;
    let at = this.written;
    slab[at++] = prefix;
    if (n < 10) slab[at++] = 48 + n;
    else if (n < 100) {
      slab[at++] = 48 + ((n / 10) | 0);
      slab[at++] = 48 + (n % 10);
    } else {
      const digits = String(n);
      for (let i = 0; i < digits.length; i++) slab[at++] = digits.charCodeAt(i);
    }
    slab[at++] = 13;
    slab[at++] = 10;
    this.written = at;
  }

  private writeString(text: string): void {
    const units = text.length;
    if (units <= SHORT_STRING) {
      // Optimistic ASCII: write the header for `units` bytes, copy char by char, bail out on non-ASCII.
      const pendingBefore = this.written - this.taken;
      this.writeHeader(36, units);
      this.reserve(units + 2);
      const slab = this.slab;
      let at = this.written;
      let i = 0;
      for (; i < units; i++) {
        const c = text.charCodeAt(i);
        if (c > 127) break;
        slab[at++] = c;
      }
      if (i === units) {
        slab[at++] = 13;
        slab[at++] = 10;
        this.written = at;
        return;
      }
      this.written = this.taken + pendingBefore;
    }
    const bytes = Buffer.byteLength(text, 'utf8');
    this.writeHeader(36, bytes);
    this.reserve(bytes + 2);
    const slab = this.slab;
    const at = this.written + (slab as unknown as NodeBufferWrites).utf8Write(text, this.written, bytes);
    slab[at] = 13;
    slab[at + 1] = 10;
    this.written = at + 2;
  }

  private writeBuffer(data: Buffer): void {
    const bytes = data.length;
    this.writeHeader(36, bytes);
    this.reserve(bytes + 2);
    const slab = this.slab;
    let at = this.written;
    if (bytes <= SHORT_STRING) for (let i = 0; i < bytes; i++) slab[at++] = data[i]!;
    else {
      slab.set(data, at);
      at += bytes;
    }
    slab[at++] = 13;
    slab[at++] = 10;
    this.written = at;
  }
}

const shared = new CommandEncoder();

/** One command as a Buffer of its own (a view of a shared slab, never written again). */
export function encodeCommand(args: readonly RedisArg[]): Buffer {
  shared.write(args);
  return shared.take();
}

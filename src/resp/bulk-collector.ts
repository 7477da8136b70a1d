/**
 * Collects the payload of a large bulk string ('$', '!' or '=') that arrives over many chunks.
 *
 * States: idle (`type === 0`) → collecting (pieces are views of the chunks; `left` payload bytes and
 * `crlf` terminator bytes still to come) → finish() builds the value once and returns to idle.
 * Nothing is copied while collecting. Buffers are joined once; strings are decoded piece by piece and
 * concatenated (V8 keeps the result as a rope until first use, which avoids one more large copy).
 */
import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import { ProtocolError } from '../errors.js';
import type { RespValue } from './types.js';
import { latin1, replyError, utf8 } from './scalars.js';

const CR = 13;
/** Shared: a StringDecoder is costly to create, and decodePieces() always leaves it flushed by end(). */
const textDecoder = new StringDecoder('utf8');
const LF = 10;

/**
 * UTF-8 text of consecutive pieces. ASCII pieces are copied as Latin-1 (cheaper, same text); the others go
 * through a StringDecoder, which carries a character split between pieces. An ASCII byte can never continue
 * a character, so flushing the decoder before an ASCII piece gives the same text as feeding it on.
 */
function decodePieces(pieces: Buffer[]): string {
  let text = '';
  let decoding = false;
  for (const piece of pieces) {
    if (isAscii(piece)) {
      if (decoding) text += textDecoder.end();
      decoding = false;
      text += latin1(piece, 0, piece.length);
    } else {
      text += textDecoder.write(piece);
      decoding = true;
    }
  }
  return decoding ? text + textDecoder.end() : text;
}

export class BulkCollector {
  /** The bulk's type byte while collecting, 0 when idle. */
  type = 0;
  private left = 0;
  private crlf = 0;
  private length = 0;
  private asBuffer = false;
  private pieces: Buffer[] = [];
  /** Stream offset of the payload's first byte, for errors found at the end. */
  private payloadAt = 0;

  start(type: number, length: number, asBuffer: boolean, payloadAt: number): void {
    this.type = type;
    this.left = this.length = length;
    this.crlf = 2;
    this.asBuffer = asBuffer;
    this.payloadAt = payloadAt;
    this.pieces = [];
  }

  /**
   * Takes what the bulk still needs from buf[from…]. Returns the index just past the bulk's CRLF, or -1
   * when all of buf was taken and more is needed. `base` is buf's offset in the stream.
   */
  take(buf: Buffer, from: number, base: number): number {
    let i = from;
    if (this.left > 0) {
      const n = Math.min(this.left, buf.length - i);
      if (n > 0) this.pieces.push(n === buf.length ? buf : buf.subarray(i, i + n));
      this.left -= n;
      i += n;
    }
    while (this.crlf > 0 && i < buf.length) {
      if (buf[i] !== (this.crlf === 2 ? CR : LF)) throw new ProtocolError('Bulk data not followed by CRLF', base + i);
      this.crlf--;
      i++;
    }
    return this.left === 0 && this.crlf === 0 ? i : -1;
  }

  /** The collected value; the collector is idle again. */
  finish(): RespValue {
    const { type, pieces, length } = this;
    this.type = 0;
    this.pieces = [];
    if (type === 36 && !this.asBuffer) return decodePieces(pieces);
    const joined = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, length);
    if (type === 36) return joined;
    if (type === 33) return replyError(utf8(joined, 0, length));
    if (length < 4 || joined[3] !== 58)
      throw new ProtocolError('Verbatim string without format prefix', this.payloadAt);
    return this.asBuffer ? joined.subarray(4) : utf8(joined, 4, length);
  }

  reset(): void {
    this.type = 0;
    this.pieces = [];
  }
}

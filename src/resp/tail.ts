/**
 * The bytes of one unfinished element, from its type byte, kept until enough arrive to finish it: a line
 * end (`need === 0`) or `need` bytes in all. Pieces are views of the chunks; they are joined once, with
 * just the bytes that finish the element, so no input is copied or scanned twice while waiting.
 */
import { ProtocolError } from '../errors.js';

const CR = 13;
const LF = 10;

export class Tail {
  /** Bytes kept; 0 when there is no unfinished element. */
  length = 0;
  /** Stream offset of the first byte kept. */
  start = 0;
  private pieces: Buffer[] = [];
  private need = 0;

  keep(piece: Buffer, need: number, start: number): void {
    this.pieces = [piece];
    this.length = piece.length;
    this.need = need;
    this.start = start;
  }

  /** How many bytes of `data` finish the element, or -1 when all of it is not enough. */
  bytesFinishing(data: Buffer, maxLine: number): number {
    if (this.need > 0) {
      const missing = this.need - this.length;
      return data.length >= missing ? missing : -1;
    }
    const last = this.pieces[this.pieces.length - 1]!;
    if (last[last.length - 1] === CR) return data.length > 0 ? 1 : -1;
    const lf = data.indexOf(LF);
    if (lf < 0 && this.length + data.length > maxLine) {
      throw new ProtocolError('Line longer than maxBulkLength without CRLF', this.start + this.length);
    }
    return lf < 0 ? -1 : lf + 1;
  }

  append(data: Buffer): void {
    this.pieces.push(data);
    this.length += data.length;
  }

  /** The kept bytes followed by data[0, take), as one buffer; the tail is empty again. */
  join(data: Buffer, take: number): Buffer {
    this.pieces.push(data.subarray(0, take));
    const joined = Buffer.concat(this.pieces, this.length + take);
    this.clear();
    return joined;
  }

  clear(): void {
    this.pieces = [];
    this.length = 0;
  }
}

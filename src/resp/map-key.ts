/**
 * Map keys that never collide. UTF-8 decoding turns every invalid byte sequence into U+FFFD, so two
 * distinct binary keys (`\xff`, `\xfe`) would become the same string and one entry would overwrite the
 * other. A key whose bytes are not valid UTF-8 therefore stays a Buffer; every other key is its text
 * (valid UTF-8 maps bytes to text one to one, so distinct keys stay distinct strings).
 */
import { isUtf8 } from 'node:buffer';
import { bufferView, utf8 } from './scalars.js';

/** The key at buf[start…end): its text, or a Buffer when the bytes are not valid UTF-8. */
export function mapKeyAt(buf: Buffer, start: number, end: number): string | Buffer {
  const text = utf8(buf, start, end);
  // Only a decoding that replaced something can have lost bytes; a U+FFFD sent as such is valid UTF-8.
  if (!text.includes('\uFFFD') || isUtf8(buf.subarray(start, end))) return text;
  return bufferView(buf, start, end);
}

/** A key read as bytes, as a map key: see mapKeyAt. */
export function mapKey(bytes: Buffer): string | Buffer {
  return mapKeyAt(bytes, 0, bytes.length);
}

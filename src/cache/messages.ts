/** What an invalidation message looks like on the wire, in both protocols, and where it goes. */
import type { RespValue } from '../resp/types.js';

/** The channel RESP2 tracking redirects its invalidations to. */
export const INVALIDATE_CHANNEL = '__redis__:invalidate';

/** Receives what the server says about keys this client cached. */
export interface InvalidationSink {
  /** Keys that changed (an array of key names), or null: the whole database was flushed. */
  invalidate(keys: RespValue): void;
}

/**
 * The payload of an invalidation: RESP3 push `['invalidate', keys | null]`, or RESP2 pub/sub message
 * `['message', '__redis__:invalidate', keys | null]`. undefined when the frame is something else.
 */
export function invalidationPayload(frame: readonly RespValue[]): RespValue | undefined {
  const head = frame[0];
  if (head === undefined || !(typeof head === 'string' || Buffer.isBuffer(head))) return undefined;
  const kind = head.toString();
  if (kind === 'invalidate' && frame.length >= 2) return frame[1];
  if (kind === 'message' && frame.length >= 3 && String(frame[1]) === INVALIDATE_CHANNEL) return frame[2];
  return undefined;
}

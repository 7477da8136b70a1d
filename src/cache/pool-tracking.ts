/**
 * Tracking on the pool's own connections (tracking mode). The server then remembers, per connection, the
 * keys read on it, and reports their changes: as RESP3 pushes on that same connection, or (RESP2) as
 * messages on the dedicated connection the tracking redirects to. `CLIENT TRACKING ON` goes out in front
 * of a connection's first batch, in the same write, so it costs no round trip.
 *
 *   untracked ──prepare──▶ requested ──OK──▶ on(epoch)      fills read on it may be stored
 *                              └──error──▶ refused(epoch)   fills read on it are never stored
 *   on/refused(old epoch) ──prepare──▶ requested            RESP2: the redirect target was replaced
 *   any ──closed──▶ forgotten; the entries it covered are dropped (nobody reports their changes now)
 */
import type { RespValue } from '../resp/types.js';
import type { ReplySink, TrackedConnection } from './contracts.js';
import type { InvalidationConnection } from './invalidation-connection.js';
import { invalidationPayload, type InvalidationSink } from './messages.js';

/** What the pool binding calls; implemented here and nowhere else. */
export interface ConnectionTracker {
  /** The connection is about to carry a batch: enable tracking in front of it when it lacks it. */
  prepare(conn: TrackedConnection): void;
  /** A pool connection closed. */
  closed(conn: TrackedConnection): void;
}

export interface PoolTrackingOwner extends InvalidationSink {
  /** A connection's tracking ended: its entries can no longer be invalidated. */
  connectionClosed(conn: TrackedConnection): void;
  /** The server refused CLIENT TRACKING (e.g. before Redis 6); kept for stats. */
  trackingRefused(message: string): void;
}

type Status = 'requested' | 'on' | 'refused';

class TrackState implements ReplySink {
  readonly wantsBuffers = false;
  status: Status = 'requested';
  constructor(
    readonly epoch: number,
    readonly readTimeoutMs: number,
    private readonly owner: PoolTrackingOwner,
  ) {}

  onReply(reply: RespValue): void {
    if (reply instanceof Error) {
      this.status = 'refused';
      this.owner.trackingRefused(reply.message);
    } else this.status = 'on';
  }

  onError(): void {
    // The connection failed; `closed` follows and drops what it covered.
  }
}

export class PoolTracking implements ConnectionTracker {
  private readonly states = new WeakMap<TrackedConnection, TrackState>();
  private readonly onPush: (push: RespValue[]) => void;

  /** `redirect`: the RESP2 invalidation connection; undefined for RESP3 (pushes on each connection). */
  constructor(
    private readonly owner: PoolTrackingOwner,
    private readonly redirect: InvalidationConnection | undefined,
    private readonly readTimeout: number,
  ) {
    this.onPush = (push) => {
      const payload = invalidationPayload(push);
      if (payload !== undefined) owner.invalidate(payload);
    };
  }

  prepare(conn: TrackedConnection): void {
    const redirect = this.redirect;
    let epoch = 0;
    if (redirect !== undefined) {
      if (!redirect.live) return; // nowhere to send invalidations yet: fills on it are not stored
      epoch = redirect.epoch;
    }
    const current = this.states.get(conn);
    if (current !== undefined && current.epoch === epoch) return;
    const state = new TrackState(epoch, this.readTimeout, this.owner);
    this.states.set(conn, state);
    if (redirect === undefined) {
      conn.onPush = this.onPush;
      conn.enqueue(['CLIENT', 'TRACKING', 'ON'], state);
    } else {
      conn.enqueue(['CLIENT', 'TRACKING', 'ON', 'REDIRECT', redirect.serverId], state);
    }
  }

  /** True when a reply read on `conn` now is covered by tracking that is still in force. */
  covers(conn: TrackedConnection): boolean {
    if (conn.closed) return false;
    const state = this.states.get(conn);
    if (state === undefined || state.status !== 'on') return false;
    const redirect = this.redirect;
    return redirect === undefined || (redirect.live && state.epoch === redirect.epoch);
  }

  closed(conn: TrackedConnection): void {
    if (this.states.delete(conn)) this.owner.connectionClosed(conn);
  }
}

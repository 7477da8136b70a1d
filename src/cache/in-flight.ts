/**
 * Reads and writes in flight, per Redis key: the guard against the fill/invalidate race.
 *
 * A read that missed (a fill) may only store its reply when nothing could have changed the key between
 * the moment the server read it and the moment the reply is stored. The server's invalidation for a
 * change made meanwhile can arrive before that reply (it travels on another connection), so an
 * invalidation cannot simply delete an entry that does not exist yet. Instead each key in flight has an
 * epoch that every invalidation bumps; a fill compares the epochs it saw at its start with the ones at its
 * end. A full flush (FLUSHALL, lost tracking) bumps one global generation instead.
 *
 *   fill:  begin ── (invalidation of its key | own write to its key | flush) ──▶ dirty ──end──▶ not stored
 *          begin ───────────────────────────────────────────────────────────────end──▶ clean, may be stored
 *
 * Writes sent by this client count as invalidations at both ends (sent, answered), and a fill that starts
 * while a write to its key is in flight is dirty from the start: the client reads its own writes.
 */

interface KeyState {
  readonly key: string;
  fills: number;
  writes: number;
  epoch: number;
}

export class FillTicket {
  dirty: boolean;
  open = true;
  constructor(
    readonly states: readonly KeyState[],
    readonly epochs: readonly number[],
    readonly generation: number,
    dirty: boolean,
  ) {
    this.dirty = dirty;
  }
}

export class InFlight {
  /** Bumped by every full flush: a fill that saw another generation is dirty. */
  generation = 0;
  private readonly keys = new Map<string, KeyState>();

  /** `storable` false: the fill can never be stored (e.g. tracking is not established yet). */
  beginFill(keys: readonly string[], storable: boolean): FillTicket {
    const states: KeyState[] = [];
    const epochs: number[] = [];
    let dirty = !storable;
    for (const key of keys) {
      const state = this.state(key);
      state.fills++;
      if (state.writes > 0) dirty = true;
      states.push(state);
      epochs.push(state.epoch);
    }
    return new FillTicket(states, epochs, this.generation, dirty);
  }

  /** Nothing has touched the ticket's keys since it began (its reply would still be storable). */
  isClean(ticket: FillTicket): boolean {
    if (!ticket.open || ticket.dirty || ticket.generation !== this.generation) return false;
    for (let i = 0; i < ticket.states.length; i++) if (ticket.states[i]!.epoch !== ticket.epochs[i]) return false;
    return true;
  }

  /** Closes a ticket (once; later calls return false). True when its reply may be stored. */
  endFill(ticket: FillTicket): boolean {
    if (!ticket.open) return false;
    ticket.open = false;
    let clean = !ticket.dirty && ticket.generation === this.generation;
    for (let i = 0; i < ticket.states.length; i++) {
      const state = ticket.states[i]!;
      if (state.epoch !== ticket.epochs[i]) clean = false;
      state.fills--;
    }
    this.forgetIdle(ticket.states);
    return clean;
  }

  /** A write to these keys was sent: fills in flight on them are dirty, and so are fills that start before it ends. */
  beginWrite(keys: readonly string[]): KeyState[] {
    const states: KeyState[] = [];
    for (const key of keys) {
      const state = this.state(key);
      state.writes++;
      state.epoch++;
      states.push(state);
    }
    return states;
  }

  endWrite(states: readonly KeyState[]): void {
    for (const state of states) {
      state.writes--;
      state.epoch++;
    }
    this.forgetIdle(states);
  }

  /** The key changed (server invalidation): fills in flight on it are dirty. */
  invalidated(key: string): void {
    const state = this.keys.get(key);
    if (state !== undefined) state.epoch++;
  }

  /** Everything may have changed: every fill in flight is dirty. */
  flushed(): void {
    this.generation++;
  }

  /** Keys with a fill or a write in flight (for tests and stats). */
  get size(): number {
    return this.keys.size;
  }

  private state(key: string): KeyState {
    let state = this.keys.get(key);
    if (state === undefined) {
      state = { key, fills: 0, writes: 0, epoch: 0 };
      this.keys.set(key, state);
    }
    return state;
  }

  private forgetIdle(states: readonly KeyState[]): void {
    for (const state of states) {
      if (state.fills === 0 && state.writes === 0 && this.keys.get(state.key) === state) this.keys.delete(state.key);
    }
  }
}

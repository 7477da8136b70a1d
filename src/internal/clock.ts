/**
 * Time as a seam: the pool (and anything else that waits) reads `now()` and sets timers only through
 * a `Clock`, so tests drive time by hand with `ManualClock` instead of sleeping.
 */
import { performance } from 'node:perf_hooks';

/** Opaque handle returned by `Clock.setTimeout`. */
export type TimerHandle = unknown;

export interface Clock {
  /** Monotonic milliseconds (not wall time). */
  now(): number;
  /**
   * Runs `callback` once after `delayMs`. A `background` timer does not keep the process alive
   * (it is `unref`ed); use it for housekeeping, never for something a caller awaits.
   */
  setTimeout(callback: () => void, delayMs: number, background?: boolean): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout(callback, delayMs, background = false) {
    const timer = setTimeout(callback, delayMs);
    if (background) timer.unref();
    return timer;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

interface ManualTimer {
  readonly due: number;
  readonly seq: number;
  readonly callback: () => void;
  readonly background: boolean;
}

/**
 * A clock that moves only when told. `advance(ms)` fires due timers in order (by due time, then by
 * creation), synchronously, setting `now()` to each timer's due time as it fires.
 */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: ManualTimer[] = [];

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number, background = false): TimerHandle {
    const timer: ManualTimer = { due: this.current + Math.max(0, delayMs), seq: this.seq++, callback, background };
    this.timers.push(timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    const index = this.timers.indexOf(handle as ManualTimer);
    if (index !== -1) this.timers.splice(index, 1);
  }

  /** Timers not yet fired or cleared. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Timers that would keep a real process alive. */
  get pendingForegroundTimers(): number {
    return this.timers.filter((t) => !t.background).length;
  }

  /** Due time of the next timer, if any. */
  nextDue(): number | undefined {
    return this.earliest()?.due;
  }

  /** Moves time forward by `ms` without firing anything: timers held back, as by a busy event loop. */
  skip(ms: number): void {
    this.current += ms;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way (including ones they set). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (let next = this.earliest(); next !== undefined && next.due <= target; next = this.earliest()) {
      this.timers.splice(this.timers.indexOf(next), 1);
      this.current = next.due;
      next.callback();
    }
    this.current = target;
  }

  private earliest(): ManualTimer | undefined {
    let best: ManualTimer | undefined;
    for (const t of this.timers)
      if (best === undefined || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    return best;
  }
}

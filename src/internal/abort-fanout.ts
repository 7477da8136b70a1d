/**
 * One 'abort' listener per AbortSignal, however many operations wait on it.
 *
 * A request-scoped signal is often shared by dozens of concurrent commands. Adding one EventTarget
 * listener each makes Node print MaxListenersExceededWarning past 10 (a false leak alarm for the
 * user); here the signal gets a single listener that calls every registered one, and loses it again
 * when the last one unregisters, so a signal outliving its commands keeps no listener of ours.
 *
 *   no fanout ──first onAbort──▶ listening (1 listener on the signal) ──last offAbort──▶ no fanout
 *                                   └──signal aborts: every registered listener is called once──┘
 */

/** A function, or an object whose handleEvent() is called (saves a closure per caller). */
export type AbortCallback = (() => void) | { handleEvent(): void };

class Fanout {
  readonly callbacks = new Set<AbortCallback>();
  constructor(private readonly signal: AbortSignal) {}

  handleEvent(): void {
    fanouts.delete(this.signal);
    const callbacks = [...this.callbacks];
    this.callbacks.clear();
    for (const callback of callbacks) {
      if (typeof callback === 'function') callback();
      else callback.handleEvent();
    }
  }
}

const fanouts = new WeakMap<AbortSignal, Fanout>();

/** Calls `callback` once when `signal` aborts, unless offAbort() came first. The signal must not be aborted yet. */
export function onAbort(signal: AbortSignal, callback: AbortCallback): void {
  let fanout = fanouts.get(signal);
  if (fanout === undefined) {
    fanout = new Fanout(signal);
    fanouts.set(signal, fanout);
    signal.addEventListener('abort', fanout, { once: true });
  }
  fanout.callbacks.add(callback);
}

/** Unregisters `callback`; the signal's own listener goes with the last one. */
export function offAbort(signal: AbortSignal, callback: AbortCallback): void {
  const fanout = fanouts.get(signal);
  if (fanout === undefined || !fanout.callbacks.delete(callback) || fanout.callbacks.size > 0) return;
  fanouts.delete(signal);
  signal.removeEventListener('abort', fanout);
}

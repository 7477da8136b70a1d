/**
 * Identical reads while a fill is in flight: instead of each going to the server (a hot key just
 * invalidated would otherwise be read by every caller at once), they wait for that fill's reply.
 * Only while the fill is clean — nothing has invalidated or written its keys since it was sent — so a
 * waiter gets exactly what a hit would have given it; and only for calls without a signal or timeout of
 * their own, so that nobody's abort decides another caller's outcome.
 *
 *   open ──reply──▶ delivered (each waiter decodes its own copy)
 *        └─failure─▶ failed (each waiter rejects with the fill's error)
 */
import type { RespValue } from '../resp/types.js';
import type { FillTicket } from './in-flight.js';
import { cloneReply } from './keys.js';

interface Waiter {
  decode: ((reply: RespValue) => unknown) | undefined;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

export class SharedFill {
  private waiters: Waiter[] = [];

  constructor(readonly ticket: FillTicket) {}

  join<T>(decode: ((reply: RespValue) => T) | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiters.push({ decode, resolve: (value) => resolve(value as T), reject });
    });
  }

  deliver(reply: RespValue): void {
    for (const waiter of this.take()) {
      try {
        const copy = cloneReply(reply);
        waiter.resolve(waiter.decode === undefined ? copy : waiter.decode(copy));
      } catch (err) {
        waiter.reject(err);
      }
    }
  }

  fail(reason: unknown): void {
    for (const waiter of this.take()) waiter.reject(reason);
  }

  private take(): Waiter[] {
    const waiters = this.waiters;
    this.waiters = [];
    return waiters;
  }
}

/**
 * The subscriber connection's heartbeat. A subscribed connection is silent while nobody publishes, so
 * silence alone proves nothing; a PING does.
 *
 *   each tick (every `intervalMs`):  traffic since the last tick ──▶ quiet again, nothing sent
 *                                    silent, no PING out        ──▶ PING, awaiting
 *                                    silent, PING out           ──▶ dead (the owner drops the connection)
 *
 * So a connection that stopped answering is found within two to three intervals of its last traffic.
 */
export class Liveness {
  private timer: NodeJS.Timeout | undefined;
  private traffic = false;
  private awaitingPong = false;

  constructor(
    private readonly intervalMs: number,
    private readonly ping: () => void,
    private readonly dead: () => void,
  ) {}

  /** Starts watching (again); a no-op when the interval is 0 (off). */
  start(): void {
    this.stop();
    if (this.intervalMs <= 0) return;
    this.traffic = false;
    this.awaitingPong = false;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    // The socket keeps the process alive, not its heartbeat.
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Anything arrived: a message, a confirmation, a PONG. Called per frame, so it only sets a flag. */
  sawTraffic(): void {
    this.traffic = true;
  }

  private tick(): void {
    if (this.traffic) {
      this.traffic = false;
      this.awaitingPong = false;
    } else if (this.awaitingPong) {
      this.stop();
      this.dead();
    } else {
      this.awaitingPong = true;
      this.ping();
    }
  }
}

/**
 * readTimeout for SUBSCRIBE-family commands, whose replies come as pushes with no queued handler: one
 * timer, looking at the oldest unanswered command only (replies come back in order).
 */
export class ReplyDeadline {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limitMs: number,
    /** performance.now() when the oldest unanswered command was written; undefined when none. */
    private readonly oldestSentAt: () => number | undefined,
    private readonly expired: () => void,
  ) {}

  /** A command was written: make sure someone watches the oldest. A no-op when the limit is 0 (off). */
  written(): void {
    if (this.timer === undefined) this.arm(this.limitMs);
  }

  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(delay: number): void {
    if (this.limitMs <= 0) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        const sentAt = this.oldestSentAt();
        if (sentAt === undefined) return;
        const waited = performance.now() - sentAt;
        if (waited < this.limitMs) this.arm(this.limitMs - waited);
        else this.expired();
      },
      Math.max(1, delay),
    );
    this.timer.unref();
  }
}

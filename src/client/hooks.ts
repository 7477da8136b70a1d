/**
 * Hooks in the spirit of go-redis's: each hook wraps the next, so users can time, log or alter
 * dials, commands and pipelines. The first hook added is the outermost. Errors thrown inside a hook
 * reach the caller; connections are managed below the hooks, so a hook can never leak one.
 *
 * Pool events are plain notifications (no 'error' event that must be listened to).
 */
import type { Command } from '../commands/command.js';
import { InvalidArgumentError } from '../errors.js';
import type { CallOptions } from './pending.js';

/** What a dial produced, as hooks see it. */
export interface DialedConnection {
  /** respool's local connection id (the one in events and onClose). */
  readonly id: number;
  /** The server's CLIENT ID of this connection. */
  readonly serverId: number;
  readonly address: string;
}

export interface DialInfo {
  address: string;
  /** Which pool asked: 'main pool', 'blocking pool' or 'pubsub'. */
  pool: string;
  signal: AbortSignal;
}

export type DialHook = (info: DialInfo) => Promise<DialedConnection>;
export type ProcessHook = (command: Command, options: CallOptions | undefined) => Promise<unknown>;
export type PipelineKind = 'pipeline' | 'multi';
export type ProcessPipelineHook = (commands: readonly Command[], kind: PipelineKind) => Promise<unknown[]>;

export interface Hook {
  dial?: (next: DialHook) => DialHook;
  process?: (next: ProcessHook) => ProcessHook;
  processPipeline?: (next: ProcessPipelineHook) => ProcessPipelineHook;
}

export interface PoolEvents {
  /** A connection was dialed and greeted. */
  connect: { id: number; serverId: number; address: string; pool: string };
  /** A connection was closed, for any reason. */
  close: { id: number; reason: string; pool: string };
  /**
   * A batch, pipeline, transaction or withConn could not take an idle connection at once and waited `ms` for
   * one (a turn, or a dial). Gets served at once by an idle connection emit nothing.
   */
  wait: { ms: number; pool: string };
  /** A command waited poolTimeout for a connection and gave up. */
  poolTimeout: { error: Error; pool: string };
  /** A dial failed. */
  dialError: { error: Error; address: string; pool: string };
  /** A connection was dropped by the expiry sweep or the check at checkout. */
  stale: { id: number; reason: 'idle' | 'lifetime' | 'health-check'; pool: string };
  /**
   * close() or destroy() was called. Whoever holds a connection for good (a withConn callback that waits for
   * something else, such as a respool/compat face) lets it go here, so that close() can finish.
   */
  closing: Record<string, never>;
}

export type PoolEventName = keyof PoolEvents;
export type PoolEventListener<E extends PoolEventName> = (event: PoolEvents[E]) => void;

/** Every event name, once: the record's type makes the list complete. */
const POOL_EVENT_FLAGS: Record<PoolEventName, true> = {
  connect: true,
  closing: true,
  close: true,
  wait: true,
  poolTimeout: true,
  dialError: true,
  stale: true,
};
const POOL_EVENT_NAMES: ReadonlySet<string> = new Set(Object.keys(POOL_EVENT_FLAGS));

/**
 * Refuses an event nobody emits (`on('error')` would be accepted and never fire) and a listener that is not a
 * function, naming the method (`on`, `off`) and the events there are.
 */
export function checkPoolEvent(method: string, event: unknown, listener: unknown): void {
  if (typeof event !== 'string' || !POOL_EVENT_NAMES.has(event)) {
    const shown = typeof event === 'string' ? `'${event}'` : String(event);
    const hint =
      event === 'error' ? ' Errors reach the caller of each command; failed dials are reported as dialError.' : '';
    throw new InvalidArgumentError(
      `${method}(): unknown event ${shown}. The events are: ${[...POOL_EVENT_NAMES].join(', ')}.${hint}`,
    );
  }
  if (typeof listener !== 'function') {
    throw new InvalidArgumentError(`${method}('${event}'): the listener must be a function, got ${typeof listener}.`);
  }
}

/** The hook chains and event listeners of one client. */
export class HookRegistry {
  private hooks: Hook[] = [];
  private readonly listeners = new Map<PoolEventName, Set<(event: never) => void>>();
  /** The composed command chain; undefined while no process hook exists (the fast path). */
  processChain: ProcessHook | undefined;

  constructor(private readonly baseProcess: ProcessHook) {}

  add(hook: Hook): void {
    this.hooks.push(hook);
    this.processChain = this.compose('process', this.baseProcess);
  }

  remove(hook: Hook): void {
    this.hooks = this.hooks.filter((h) => h !== hook);
    this.processChain = this.compose('process', this.baseProcess);
  }

  /** Wraps a pipeline's own sending in the pipeline hooks (composed per call: pipelines are not the hot path). */
  wrapPipeline(terminal: ProcessPipelineHook): ProcessPipelineHook {
    return this.compose('processPipeline', terminal) ?? terminal;
  }

  /** Wraps a dial in the dial hooks. */
  wrapDial(terminal: DialHook): DialHook {
    return this.compose('dial', terminal) ?? terminal;
  }

  on<E extends PoolEventName>(event: E, listener: PoolEventListener<E>): void {
    checkPoolEvent('on', event, listener);
    let set = this.listeners.get(event);
    if (set === undefined) this.listeners.set(event, (set = new Set()));
    set.add(listener);
  }

  off<E extends PoolEventName>(event: E, listener: PoolEventListener<E>): void {
    checkPoolEvent('off', event, listener);
    this.listeners.get(event)?.delete(listener);
  }

  /** Whether anyone listens (so that hot paths measure only what someone will read). */
  has(event: PoolEventName): boolean {
    const set = this.listeners.get(event);
    return set !== undefined && set.size > 0;
  }

  emit<E extends PoolEventName>(event: E, payload: PoolEvents[E]): void {
    const set = this.listeners.get(event);
    if (set === undefined) return;
    for (const listener of set) {
      try {
        (listener as PoolEventListener<E>)(payload);
      } catch (err) {
        // A listener's bug must not break the pool; surface it without crashing.
        process.emitWarning(`respool ${event} listener threw: ${String(err)}`, 'RespoolListenerWarning');
      }
    }
  }

  /** Composes one kind of hook around `terminal`; undefined when no hook of that kind exists. */
  private compose<K extends keyof Hook>(
    kind: K,
    terminal: Parameters<NonNullable<Hook[K]>>[0],
  ): Parameters<NonNullable<Hook[K]>>[0] | undefined {
    let chain: Parameters<NonNullable<Hook[K]>>[0] | undefined;
    // Wrap from the last added outwards, so that the first hook added runs first.
    for (let i = this.hooks.length - 1; i >= 0; i--) {
      const wrap = this.hooks[i]![kind] as ((next: typeof terminal) => typeof terminal) | undefined;
      if (wrap !== undefined) chain = wrap(chain ?? terminal);
    }
    return chain;
  }
}

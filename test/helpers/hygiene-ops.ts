/**
 * The operations of the hygiene property test (test/integration/hygiene-property.test.ts): a program is
 * plain data (steps of operations run together), generated from a seed, printable, and shrinkable; this
 * file generates programs and runs one operation against the clients under test, checking what every
 * call returned. The invariants between steps (db, name, CLIENT LIST, pool stats) live in the test file.
 *
 * What a call may return:
 * - a valid command: exactly its value;
 * - an invalid argument (undefined, null, {}, [], true): InvalidArgumentError thrown at the call, or a
 *   rejection with a RedisError; never a value, never a crash or an unsettled promise;
 * - a connection-state command on a shared path (client, client.pipeline(), client.multi()):
 *   InvalidArgumentError; on a pinned connection (withConn): anything the server answers;
 * - an aborted or timed-out call: its value, or AbortError / TimeoutError.
 */
import { inspect, isDeepStrictEqual } from 'node:util';
import {
  AbortError,
  commands,
  InvalidArgumentError,
  RedisError,
  ReplyError,
  TimeoutError,
  type AsyncCommands,
  type PinnedConnection,
  type RedisArg,
  type RedisClient,
} from '../../src/index.js';
import type { Pipeline, Transaction } from '../../src/client/pipeline.js';
import type { SeededRandom } from './seeded-random.js';

export interface ClientProfile {
  readonly label: string;
  readonly protocol: 2 | 3;
  readonly clientName?: string;
  readonly poolSize: number;
  readonly blockingPoolSize: number;
}

/** Small pools, so that connections are reused a lot; one RESP2 and two RESP3 clients, one without a name. */
export const PROFILES: readonly ClientProfile[] = [
  { label: 'A', protocol: 2, clientName: 'hyg-a', poolSize: 2, blockingPoolSize: 2 },
  { label: 'B', protocol: 3, clientName: 'hyg-b', poolSize: 3, blockingPoolSize: 2 },
  // No blocking pool: blocking commands take turns of the main pool.
  { label: 'C', protocol: 3, poolSize: 2, blockingPoolSize: 0 },
];

export const BAD_VALUES = ['undefined', 'null', 'object', 'array', 'true'] as const;
export type BadValue = (typeof BAD_VALUES)[number];

export const INVALID_FORMS = ['set-value', 'get-key', 'hset-field', 'incrby', 'lpush', 'raw-arg', 'raw-args'] as const;
export type InvalidForm = (typeof INVALID_FORMS)[number];

export const STATE_COMMANDS = [
  'select',
  'select-raw',
  'multi-raw',
  'exec-raw',
  'discard-raw',
  'watch',
  'watch-raw',
  'setname',
  'setname-raw',
  'subscribe-raw',
  'tracking-raw',
  'hello-raw',
  'reset-raw',
  'no-evict-raw',
  'auth-raw',
] as const;
export type StateCommand = (typeof STATE_COMMANDS)[number];

export const SCENARIOS = [
  'set-get',
  'incr3',
  'hash',
  'list',
  'set-members',
  'raw-set-get',
  'echo-ping',
  'publish',
  'mset-mget',
  'get-missing',
  'unwatch',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** One entry of a pipeline or transaction ('set-get' adds two commands). */
export type Entry =
  | { type: 'set-get' | 'incr' | 'echo' | 'raw-set' | 'get-missing' | 'unwatch' | 'blpop' }
  | { type: 'invalid'; form: 'set-value' | 'raw-arg' | 'hset-field'; bad: BadValue }
  | { type: 'state'; command: StateCommand };

export type PinnedAction =
  | { type: 'set-get' | 'incr' | 'echo' | 'blpop' }
  | { type: 'state'; command: StateCommand }
  | { type: 'invalid'; form: InvalidForm; bad: BadValue }
  | { type: 'pipeline'; entries: Entry[] }
  | { type: 'multi'; entries: Entry[]; watchFirst: boolean };

export type AbortTarget = 'get' | 'set' | 'blpop' | 'raw-get' | 'pinned';
export const CROWD_WAITERS = [
  'plain',
  'abort',
  'timeout',
  'pinned-abort',
  'blocking-abort',
  'blocking-timeout',
] as const;
export type CrowdWaiter = (typeof CROWD_WAITERS)[number];
export type AbortMoment = 'before' | 'sync' | 'microtask' | 'immediate' | 'timer';

export type Op =
  | { kind: 'direct'; client: number; scenarios: Scenario[] }
  | { kind: 'invalid'; client: number; form: InvalidForm; bad: BadValue }
  | { kind: 'shared-state'; client: number; command: StateCommand }
  | { kind: 'pipeline' | 'multi'; client: number; entries: Entry[] }
  | { kind: 'pinned'; client: number; actions: PinnedAction[]; ending: 'return' | 'throw'; preAborted: boolean }
  | { kind: 'abort'; client: number; target: AbortTarget; when: AbortMoment; delayMs: number }
  | { kind: 'timeout'; client: number; target: 'debug-sleep' | 'blpop' | 'get'; ms: number }
  | { kind: 'blocking'; client: number; form: 'empty' | 'pushed' | 'raw-empty' | 'brpop-pushed' }
  /**
   * Every turn of a pool taken (pinned connections or blocking commands, each waiting BLOCK_SECONDS) and
   * `extra` more queued, while other calls wait for a turn and give up (abort, timeout) after `ms`.
   */
  | {
      kind: 'crowd';
      client: number;
      through: 'pinned' | 'blocking';
      extra: number;
      waiters: CrowdWaiter[];
      ms: number;
    };

export type OpKind = Op['kind'];
export type Step = Op[];
export type Program = Step[];

export const OP_KINDS: readonly OpKind[] = [
  'direct',
  'invalid',
  'shared-state',
  'pipeline',
  'multi',
  'pinned',
  'abort',
  'timeout',
  'blocking',
  'crowd',
];

const KIND_WEIGHTS: readonly (readonly [OpKind, number])[] = [
  ['direct', 20],
  ['invalid', 10],
  ['shared-state', 8],
  ['pipeline', 12],
  ['multi', 10],
  ['pinned', 16],
  ['abort', 9],
  ['timeout', 4],
  ['blocking', 6],
  ['crowd', 4],
];

/** Seconds a blocking command waits in these tests (the server runs with hz 100, so it ends on time). */
export const BLOCK_SECONDS = 0.02;
/** Seconds DEBUG SLEEP holds the whole server, against per-call timeouts of 1 to 20 ms. */
export const SLEEP_SECONDS = 0.05;
export const CHANNEL = 'hyg-channel';

// ---------------------------------------------------------------------------------------------------
// Generation

/**
 * What a program may contain: the operation kinds, and features to leave out (`invalid`: no invalid
 * arguments anywhere; a StateCommand name: never that command). Leaving things out is for looking past
 * a known failure while it is being fixed; by default everything is in.
 */
export interface GenerationOptions {
  readonly kinds: readonly OpKind[];
  readonly without: ReadonlySet<string>;
}

export const GENERATE_EVERYTHING: GenerationOptions = { kinds: OP_KINDS, without: new Set() };

export function generateProgram(random: SeededRandom, steps: number, options = GENERATE_EVERYTHING): Program {
  const noInvalid = options.without.has('invalid');
  const weights = KIND_WEIGHTS.filter(([kind]) => options.kinds.includes(kind) && !(noInvalid && kind === 'invalid'));
  if (weights.length === 0) throw new Error(`no operation kinds to generate from ${JSON.stringify(options.kinds)}`);
  const program: Program = [];
  for (let i = 0; i < steps; i++) {
    const size = random.weighted([
      [1, 30],
      [2, 25],
      [3, 20],
      [4, 15],
      [5, 10],
    ] as const);
    const step: Step = [];
    for (let j = 0; j < size; j++) step.push(generateOp(random, random.weighted(weights), options.without));
    program.push(step);
  }
  return program;
}

function generateOp(random: SeededRandom, kind: OpKind, without: ReadonlySet<string>): Op {
  const client = random.int(0, PROFILES.length - 1);
  const profile = PROFILES[client]!;
  switch (kind) {
    case 'direct':
      return {
        kind,
        client,
        scenarios: Array.from({ length: random.int(1, 3) }, () => random.pick(SCENARIOS)),
      };
    case 'invalid':
      return { kind, client, form: random.pick(INVALID_FORMS), bad: random.pick(BAD_VALUES) };
    case 'shared-state':
      return { kind, client, command: pickState(random, profile, 'shared', without) };
    case 'pipeline':
    case 'multi':
      return { kind, client, entries: generateEntries(random, profile, 'shared', without) };
    case 'pinned':
      return {
        kind,
        client,
        actions: Array.from({ length: random.int(1, 5) }, () => generateAction(random, profile, without)),
        ending: random.chance(0.15) ? 'throw' : 'return',
        preAborted: random.chance(0.05),
      };
    case 'abort':
      return {
        kind,
        client,
        target: random.pick(['get', 'set', 'blpop', 'raw-get', 'pinned'] as const),
        when: random.pick(['before', 'sync', 'microtask', 'immediate', 'timer'] as const),
        delayMs: random.int(0, 5),
      };
    case 'timeout':
      return {
        kind,
        client,
        target: random.weighted([
          ['debug-sleep', 4],
          ['blpop', 3],
          ['get', 3],
        ] as const),
        ms: random.pick([1, 2, 5, 20]),
      };
    case 'blocking':
      return { kind, client, form: random.pick(['empty', 'pushed', 'raw-empty', 'brpop-pushed'] as const) };
    case 'crowd':
      return {
        kind,
        client,
        through: random.pick(['pinned', 'blocking'] as const),
        extra: random.int(0, 2),
        waiters: Array.from({ length: random.int(1, 4) }, () => random.pick(CROWD_WAITERS)),
        ms: random.pick([1, 5, 20, 40]),
      };
  }
}

/** CLIENT TRACKING only on RESP3 clients; typed WATCH exists only on pinned connections. */
function pickState(
  random: SeededRandom,
  profile: ClientProfile,
  where: 'shared' | 'pinned',
  without: ReadonlySet<string>,
): StateCommand {
  const allowed = STATE_COMMANDS.filter(
    (c) => (c !== 'tracking-raw' || profile.protocol === 3) && (c !== 'watch' || where === 'pinned') && !without.has(c),
  );
  return random.pick(allowed.length > 0 ? allowed : ['select']);
}

function generateEntries(
  random: SeededRandom,
  profile: ClientProfile,
  where: 'shared' | 'pinned',
  without: ReadonlySet<string>,
): Entry[] {
  const entries: Entry[] = Array.from({ length: random.int(1, 4) }, () =>
    random.pick(['set-get', 'incr', 'echo', 'raw-set', 'get-missing', 'unwatch', 'blpop'] as const),
  ).map((type) => ({ type }));
  // Mostly valid batches, so that valid ones run end to end often; else one or two bad entries, anywhere.
  const mode = random.weighted([
    ['valid', where === 'shared' ? 6 : 4],
    ['invalid', without.has('invalid') ? 0 : 2],
    ['state', where === 'shared' ? 2 : 4],
  ] as const);
  if (mode === 'valid') return entries;
  const extra = mode === 'state' && where === 'pinned' ? random.int(1, 2) : 1;
  for (let i = 0; i < extra; i++) {
    const entry: Entry =
      mode === 'invalid'
        ? {
            type: 'invalid',
            form: random.pick(['set-value', 'raw-arg', 'hset-field'] as const),
            bad: random.pick(BAD_VALUES),
          }
        : { type: 'state', command: pickState(random, profile, 'shared', without) };
    entries.splice(random.int(0, entries.length), 0, entry);
  }
  return entries;
}

function generateAction(random: SeededRandom, profile: ClientProfile, without: ReadonlySet<string>): PinnedAction {
  const type = random.weighted([
    ['state', 35],
    ['valid', 30],
    ['invalid', without.has('invalid') ? 0 : 8],
    ['pipeline', 12],
    ['multi', 15],
  ] as const);
  switch (type) {
    case 'state':
      return { type, command: pickState(random, profile, 'pinned', without) };
    case 'valid':
      return { type: random.pick(['set-get', 'incr', 'echo', 'blpop'] as const) };
    case 'invalid':
      return { type, form: random.pick(INVALID_FORMS), bad: random.pick(BAD_VALUES) };
    case 'pipeline':
      return { type, entries: generateEntries(random, profile, 'pinned', without) };
    case 'multi':
      return { type, entries: generateEntries(random, profile, 'pinned', without), watchFirst: random.chance(0.5) };
  }
}

// ---------------------------------------------------------------------------------------------------
// Description (the step log and the minimal reproduction)

function describeEntry(entry: Entry): string {
  if (entry.type === 'invalid') return `invalid:${entry.form}=${entry.bad}`;
  if (entry.type === 'state') return `state:${entry.command}`;
  return entry.type;
}

function describeAction(action: PinnedAction): string {
  switch (action.type) {
    case 'state':
      return `state:${action.command}`;
    case 'invalid':
      return `invalid:${action.form}=${action.bad}`;
    case 'pipeline':
      return `pipeline[${action.entries.map(describeEntry).join(', ')}]`;
    case 'multi':
      return `${action.watchFirst ? 'watch+' : ''}multi[${action.entries.map(describeEntry).join(', ')}]`;
    default:
      return action.type;
  }
}

export function describeOp(op: Op): string {
  const who = PROFILES[op.client]!.label;
  switch (op.kind) {
    case 'direct':
      return `${who} direct ${op.scenarios.join(' + ')}`;
    case 'invalid':
      return `${who} invalid ${op.form}=${op.bad}`;
    case 'shared-state':
      return `${who} shared-state ${op.command}`;
    case 'pipeline':
    case 'multi':
      return `${who} ${op.kind}[${op.entries.map(describeEntry).join(', ')}]`;
    case 'pinned':
      return (
        `${who} withConn${op.preAborted ? '(pre-aborted signal)' : ''}{ ${op.actions.map(describeAction).join('; ')} }` +
        (op.ending === 'throw' ? ' then throw' : '')
      );
    case 'abort':
      return `${who} abort ${op.target} @${op.when}${op.when === 'timer' ? `(${op.delayMs} ms)` : ''}`;
    case 'timeout':
      return `${who} timeout ${op.ms} ms on ${op.target}`;
    case 'blocking':
      return `${who} blocking ${op.form}`;
    case 'crowd':
      return `${who} crowd ${op.through}+${op.extra}, waiters [${op.waiters.join(', ')}] give up after ${op.ms} ms`;
  }
}

export function describeStep(step: Step): string {
  return step.map(describeOp).join('  ‖  ');
}

// ---------------------------------------------------------------------------------------------------
// Calls and their outcomes

export type Outcome = { readonly label: string } & (
  | { readonly status: 'resolved'; readonly value: unknown }
  | { readonly status: 'rejected' | 'threw'; readonly error: unknown }
);

/** Runs API calls, recording each outcome, and knows which have not settled yet. Never rejects. */
export class CallTracker {
  private readonly pending = new Map<number, string>();
  private nextId = 0;
  private lines: string[] = [];

  call(label: string, invoke: () => unknown): Promise<Outcome> {
    let result: unknown;
    try {
      result = invoke();
    } catch (error) {
      return Promise.resolve(this.note({ label, status: 'threw', error }));
    }
    const id = ++this.nextId;
    this.pending.set(id, label);
    return Promise.resolve(result).then(
      (value) => {
        this.pending.delete(id);
        return this.note({ label, status: 'resolved', value });
      },
      (error: unknown) => {
        this.pending.delete(id);
        return this.note({ label, status: 'rejected', error });
      },
    );
  }

  /** Labels of the calls still pending. */
  unsettled(): string[] {
    return [...this.pending.values()];
  }

  /** Records a call that threw before it returned anything (building a pipeline, say). */
  threw(label: string, error: unknown): Outcome {
    return this.note({ label, status: 'threw', error });
  }

  /** Forgets pending calls (after they were reported), so the next step starts clean. */
  forget(): void {
    this.pending.clear();
  }

  /** The outcome lines since the last take. */
  takeLines(): string[] {
    const lines = this.lines;
    this.lines = [];
    return lines;
  }

  private note(outcome: Outcome): Outcome {
    this.lines.push(`${outcome.label} → ${describeOutcome(outcome)}`);
    return outcome;
  }
}

export function show(value: unknown): string {
  return inspect(value, { depth: 3, breakLength: Infinity, maxStringLength: 80, maxArrayLength: 8 });
}

export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return show(error);
  const code = (error as { code?: unknown }).code;
  const message = error.message.length > 160 ? `${error.message.slice(0, 160)}…` : error.message;
  return `${error.name}${typeof code === 'string' ? `[${code}]` : ''}: ${message}`;
}

export function describeOutcome(outcome: Outcome): string {
  if (outcome.status === 'resolved') return show(outcome.value);
  return `${outcome.status} ${describeError(outcome.error)}`;
}

/** Deep equality that ignores prototypes (decoders may build null-prototype records). */
export function sameValue(actual: unknown, expected: unknown): boolean {
  return isDeepStrictEqual(plain(actual), plain(expected));
}

function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value) || value instanceof Error) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
}

// ---------------------------------------------------------------------------------------------------
// Running operations

export type ViolationKind =
  | 'unsettled'
  | 'process-fault'
  | 'wrong-result'
  | 'failed-call'
  | 'wrong-error'
  | 'accepted-invalid'
  | 'accepted-state'
  | 'round-trip'
  | 'client-list'
  | 'pool-stats'
  | 'close';

export interface Violation {
  readonly kind: ViolationKind;
  readonly message: string;
}

export interface OpContext {
  readonly clients: readonly RedisClient[];
  readonly calls: CallTracker;
  /** The key every WATCH in the program names; the invariant check writes it between steps. */
  readonly watchKey: string;
  /** A key no other call uses. */
  key(): string;
  violation(kind: ViolationKind, message: string): void;
}

type Commands = AsyncCommands & { sendCommand(args: RedisArg[]): Promise<unknown> };

/** A user error thrown from a withConn callback; withConn must reject with this very object. */
export class HygieneUserError extends Error {
  constructor() {
    super('thrown by the test from inside withConn');
  }
}

function badValue(bad: BadValue): unknown {
  switch (bad) {
    case 'undefined':
      return undefined;
    case 'null':
      return null;
    case 'object':
      return {};
    case 'array':
      return [];
    case 'true':
      return true;
  }
}

function expectValue(ctx: OpContext, outcome: Outcome, expected: unknown): void {
  if (outcome.status !== 'resolved') {
    ctx.violation('failed-call', `${outcome.label} ${describeOutcome(outcome)}; expected ${show(expected)}`);
  } else if (!sameValue(outcome.value, expected)) {
    ctx.violation('wrong-result', `${outcome.label} returned ${show(outcome.value)}; expected ${show(expected)}`);
  }
}

/** The value, or one of the errors `errorAllowed` accepts (an abort, a timeout). */
function expectValueOr(ctx: OpContext, outcome: Outcome, expected: unknown, errorAllowed: (e: unknown) => boolean) {
  if (outcome.status === 'resolved') {
    if (!sameValue(outcome.value, expected)) {
      ctx.violation('wrong-result', `${outcome.label} returned ${show(outcome.value)}; expected ${show(expected)}`);
    }
  } else if (!errorAllowed(outcome.error)) {
    ctx.violation('wrong-error', `${outcome.label} ${describeOutcome(outcome)}; expected ${show(expected)}`);
  }
}

/** An invalid argument: InvalidArgumentError at the call, or a rejection with a RedisError. */
function expectInvalidRefused(ctx: OpContext, outcome: Outcome): void {
  if (outcome.status === 'resolved') {
    ctx.violation(
      'accepted-invalid',
      `${outcome.label} accepted an invalid argument and returned ${show(outcome.value)}`,
    );
  } else if (outcome.status === 'threw' && !(outcome.error instanceof InvalidArgumentError)) {
    ctx.violation(
      'wrong-error',
      `${outcome.label} threw ${describeError(outcome.error)}; expected InvalidArgumentError`,
    );
  } else if (outcome.status === 'rejected' && !(outcome.error instanceof RedisError)) {
    ctx.violation(
      'wrong-error',
      `${outcome.label} rejected with ${describeError(outcome.error)}; expected a RedisError`,
    );
  }
}

/** A connection-state command on a shared path: refused with InvalidArgumentError, thrown or rejected. */
function expectStateRefused(ctx: OpContext, outcome: Outcome): void {
  if (outcome.status === 'resolved') {
    ctx.violation('accepted-state', `${outcome.label} ran on a shared connection and returned ${show(outcome.value)}`);
  } else if (!(outcome.error instanceof InvalidArgumentError)) {
    ctx.violation('wrong-error', `${outcome.label} ${describeOutcome(outcome)}; expected InvalidArgumentError`);
  }
}

/**
 * On a pinned connection whose state the caller changed: anything the server answers, or an error the
 * server sent (or a closed connection, once subscribed). Never a non-Redis error, and never a read
 * timeout: the server answers every one of these commands at once.
 */
/** State commands refused even on a pinned connection (it would stop answering commands one reply each). */
const REFUSED_EVERYWHERE: ReadonlySet<string> = new Set(['subscribe-raw']);
/** State commands refused inside multi(): the server would run them at once or refuse them. */
const BREAKS_TRANSACTION: ReadonlySet<string> = new Set([
  'multi-raw',
  'exec-raw',
  'discard-raw',
  'watch',
  'watch-raw',
  'reset-raw',
]);

/** A state command on a pinned connection: refused with InvalidArgumentError when no connection may carry it. */
function expectStateOutcome(ctx: OpContext, command: string, outcome: Outcome, tainted: boolean): void {
  if (!REFUSED_EVERYWHERE.has(command)) return expectAnswered(ctx, outcome, tainted);
  if (outcome.status === 'resolved' || !(outcome.error instanceof InvalidArgumentError)) {
    ctx.violation('wrong-error', `${outcome.label} ${describeOutcome(outcome)}; expected InvalidArgumentError`);
  }
}

function expectAnswered(ctx: OpContext, outcome: Outcome, tainted: boolean): void {
  if (outcome.status === 'resolved') return;
  const e = outcome.error;
  const ok = e instanceof ReplyError || (tainted && e instanceof RedisError && !(e instanceof TimeoutError));
  if (!ok) ctx.violation('wrong-error', `${outcome.label} ${describeOutcome(outcome)}; expected a reply`);
}

const isAbort = (e: unknown) => e instanceof AbortError;
const isTimeout = (e: unknown) => e instanceof TimeoutError;

function labelOf(op: Op): string {
  return PROFILES[op.client]!.label;
}

export async function runOp(op: Op, ctx: OpContext): Promise<void> {
  const client = ctx.clients[op.client]!;
  const who = labelOf(op);
  switch (op.kind) {
    case 'direct':
      await Promise.all(op.scenarios.map((s) => runScenario(client, s, `${who}.`, ctx)));
      return;
    case 'invalid':
      return runInvalid(client, op.form, op.bad, `${who}.`, ctx, true);
    case 'shared-state':
      return runSharedState(client, op, ctx);
    case 'pipeline':
    case 'multi':
      return runSharedBatch(client, op.kind, op.entries, who, ctx);
    case 'pinned':
      return runPinned(client, op, who, ctx);
    case 'abort':
      return runAbort(client, op, who, ctx);
    case 'timeout':
      return runTimeout(client, op, who, ctx);
    case 'blocking':
      return runBlocking(client, op.form, who, ctx);
    case 'crowd':
      return runCrowd(client, op, who, ctx);
  }
}

/** Issues every call synchronously (so concurrent operations share batches), then checks the results. */
async function runScenario(c: Commands, scenario: Scenario, who: string, ctx: OpContext): Promise<void> {
  const t = ctx.calls;
  const k = ctx.key();
  switch (scenario) {
    case 'set-get': {
      const [set, get] = await Promise.all([
        t.call(`${who}set(${k})`, () => c.set(k, `v:${k}`)),
        t.call(`${who}get(${k})`, () => c.get(k)),
      ]);
      expectValue(ctx, set, 'OK');
      expectValue(ctx, get, `v:${k}`);
      return;
    }
    case 'incr3': {
      const outcomes = await Promise.all([1, 2, 3].map((i) => t.call(`${who}incr(${k})#${i}`, () => c.incr(k))));
      outcomes.forEach((o, i) => expectValue(ctx, o, i + 1)); // one batch, one connection: in order
      return;
    }
    case 'hash': {
      const [hSet, hGetAll] = await Promise.all([
        t.call(`${who}hSet(${k})`, () => c.hSet(k, { f: '1', g: '2' })),
        t.call(`${who}hGetAll(${k})`, () => c.hGetAll(k)),
      ]);
      expectValue(ctx, hSet, 2);
      expectValue(ctx, hGetAll, { f: '1', g: '2' });
      return;
    }
    case 'list': {
      const [push, range] = await Promise.all([
        t.call(`${who}lPush(${k})`, () => c.lPush(k, ['a', 'b'])),
        t.call(`${who}lRange(${k})`, () => c.lRange(k, 0, -1)),
      ]);
      expectValue(ctx, push, 2);
      expectValue(ctx, range, ['b', 'a']);
      return;
    }
    case 'set-members': {
      const [add, card] = await Promise.all([
        t.call(`${who}sAdd(${k})`, () => c.sAdd(k, ['a', 'b'])),
        t.call(`${who}sCard(${k})`, () => c.sCard(k)),
      ]);
      expectValue(ctx, add, 2);
      expectValue(ctx, card, 2);
      return;
    }
    case 'raw-set-get': {
      const [set, get] = await Promise.all([
        t.call(`${who}sendCommand(SET ${k})`, () => c.sendCommand(['SET', k, `r:${k}`])),
        t.call(`${who}sendCommand(GET ${k})`, () => c.sendCommand(['GET', k])),
      ]);
      expectValue(ctx, set, 'OK');
      expectValue(ctx, get, `r:${k}`);
      return;
    }
    case 'echo-ping': {
      const [echo, ping] = await Promise.all([
        t.call(`${who}echo(${k})`, () => c.echo(k)),
        t.call(`${who}ping()`, () => c.ping()),
      ]);
      expectValue(ctx, echo, k);
      expectValue(ctx, ping, 'PONG');
      return;
    }
    case 'publish': {
      const published = await t.call(`${who}publish(${CHANNEL})`, () => c.publish(CHANNEL, k));
      if (published.status !== 'resolved' || typeof published.value !== 'number') {
        ctx.violation('failed-call', `${published.label} ${describeOutcome(published)}; expected a count`);
      }
      return;
    }
    case 'mset-mget': {
      const [mSet, mGet] = await Promise.all([
        t.call(`${who}mSet(${k}:1,${k}:2)`, () => c.mSet({ [`${k}:1`]: 'x', [`${k}:2`]: 'y' })),
        t.call(`${who}mGet(${k}:1,${k}:2)`, () => c.mGet([`${k}:1`, `${k}:2`])),
      ]);
      expectValue(ctx, mSet, 'OK');
      expectValue(ctx, mGet, ['x', 'y']);
      return;
    }
    case 'get-missing': {
      const [get, exists] = await Promise.all([
        t.call(`${who}get(${k})`, () => c.get(k)),
        t.call(`${who}exists(${k})`, () => c.exists(k)),
      ]);
      expectValue(ctx, get, null);
      expectValue(ctx, exists, 0);
      return;
    }
    case 'unwatch':
      // UNWATCH leaves no state behind, so it is allowed everywhere.
      expectValue(ctx, await t.call(`${who}sendCommand(UNWATCH)`, () => c.sendCommand(['UNWATCH'])), 'OK');
      return;
  }
}

function invokeInvalid(c: Commands, form: InvalidForm, k: string, bad: unknown): unknown {
  const b = bad as never;
  switch (form) {
    case 'set-value':
      return c.set(k, b);
    case 'get-key':
      return c.get(b);
    case 'hset-field':
      return c.hSet(k, { f: b });
    case 'incrby':
      return c.incrBy(k, b);
    case 'lpush':
      return c.lPush(k, b);
    case 'raw-arg':
      return c.sendCommand(['SET', k, b]);
    case 'raw-args':
      return c.sendCommand(b);
  }
}

async function runInvalid(
  c: Commands,
  form: InvalidForm,
  bad: BadValue,
  who: string,
  ctx: OpContext,
  checkNothingStored: boolean,
): Promise<void> {
  const k = ctx.key();
  const outcome = await ctx.calls.call(`${who}${form}(${k}, ${bad})`, () => invokeInvalid(c, form, k, badValue(bad)));
  expectInvalidRefused(ctx, outcome);
  if (!checkNothingStored || form === 'get-key' || form === 'raw-args') return;
  // Refused means not written: an argument encoded as '' or '[object Object]' would have stored the key.
  expectValue(ctx, await ctx.calls.call(`${who}exists(${k})`, () => c.exists(k)), 0);
}

function stateArgs(command: StateCommand, ctx: OpContext, protocol: 2 | 3): string[] {
  switch (command) {
    case 'select':
    case 'select-raw':
      return ['SELECT', '1'];
    case 'multi-raw':
      return ['MULTI'];
    case 'exec-raw':
      return ['EXEC'];
    case 'discard-raw':
      return ['DISCARD'];
    case 'watch':
    case 'watch-raw':
      return ['WATCH', ctx.watchKey];
    case 'setname':
    case 'setname-raw':
      return ['CLIENT', 'SETNAME', 'hyg-renamed'];
    case 'subscribe-raw':
      return ['SUBSCRIBE', CHANNEL];
    case 'tracking-raw':
      return ['CLIENT', 'TRACKING', 'ON'];
    case 'hello-raw':
      // The other protocol: the connection's replies change shape.
      return ['HELLO', protocol === 2 ? '3' : '2'];
    case 'reset-raw':
      return ['RESET'];
    case 'no-evict-raw':
      return ['CLIENT', 'NO-EVICT', 'ON'];
    case 'auth-raw':
      return ['AUTH', 'hyg-wrong-password'];
  }
}

/** A connection-state command through the promise API (the client or a pinned connection). */
function invokeState(c: Commands, command: StateCommand, ctx: OpContext, protocol: 2 | 3): unknown {
  switch (command) {
    // Typed on pinned connections only; the shared client gets the same command raw.
    case 'select':
      return 'select' in c ? (c as PinnedConnection).select(1) : c.sendCommand(['SELECT', '1']);
    case 'setname':
      return 'clientSetName' in c
        ? (c as PinnedConnection).clientSetName('hyg-renamed')
        : c.sendCommand(['CLIENT', 'SETNAME', 'hyg-renamed']);
    case 'watch':
      return (c as unknown as PinnedConnection).watch(ctx.watchKey);
    default:
      return c.sendCommand(stateArgs(command, ctx, protocol));
  }
}

async function runSharedState(client: RedisClient, op: Extract<Op, { kind: 'shared-state' }>, ctx: OpContext) {
  const profile = PROFILES[op.client]!;
  const outcome = await ctx.calls.call(`${profile.label}.${op.command}`, () =>
    invokeState(client, op.command, ctx, profile.protocol),
  );
  expectStateRefused(ctx, outcome);
}

/** What one command slot of a pipeline or transaction must hold. */
type Slot =
  | { check: 'value'; label: string; value: unknown }
  | { check: 'invalid'; label: string }
  | { check: 'answered'; label: string };

interface BuiltBatch {
  slots: Slot[];
  /** Keys the batch would write: a refused transaction must have written none of them. */
  writes: string[];
  hasInvalid: boolean;
  hasState: boolean;
  /** The batch leaves its pinned connection in MULTI or subscribed (later replies are the caller's business). */
  taints: boolean;
  /** Set when adding an entry threw; the batch is then not executed (as a user's would not be). */
  thrown?: { entry: Entry; outcome: Outcome };
}

/** Adds the entries one by one, each as a user would; a throw stops the build. */
function buildBatch(
  batch: Pipeline | Transaction,
  entries: readonly Entry[],
  inTransaction: boolean,
  startTainted: boolean,
  protocol: 2 | 3,
  who: string,
  ctx: OpContext,
): BuiltBatch {
  const built: BuiltBatch = { slots: [], writes: [], hasInvalid: false, hasState: false, taints: false };
  let tainted = startTainted;
  for (const entry of entries) {
    const k = ctx.key();
    const add = (label: string, expected: unknown, push: () => unknown) => {
      push();
      built.slots.push(tainted ? { check: 'answered', label } : { check: 'value', label, value: expected });
    };
    try {
      switch (entry.type) {
        case 'set-get':
          built.writes.push(k);
          add(`set(${k})`, 'OK', () => batch.set(k, `v:${k}`));
          add(`get(${k})`, `v:${k}`, () => batch.get(k));
          break;
        case 'incr':
          built.writes.push(k);
          add(`incr(${k})`, 1, () => batch.incr(k));
          break;
        case 'echo':
          add(`echo(${k})`, k, () => batch.echo(k));
          break;
        case 'raw-set':
          built.writes.push(k);
          add(`sendCommand(SET ${k})`, 'OK', () => batch.sendCommand(['SET', k, 'raw']));
          break;
        case 'get-missing':
          add(`get(${k})`, null, () => batch.get(k));
          break;
        case 'unwatch':
          add('sendCommand(UNWATCH)', 'OK', () => batch.sendCommand(['UNWATCH']));
          break;
        case 'blpop':
          add(`blPop(${k})`, null, () => batch.blPop(k, BLOCK_SECONDS));
          break;
        case 'invalid': {
          built.hasInvalid = true;
          built.writes.push(k);
          const b = badValue(entry.bad) as never;
          if (entry.form === 'set-value') batch.set(k, b);
          else if (entry.form === 'hset-field') batch.hSet(k, { f: b });
          else batch.sendCommand(['SET', k, b]);
          built.slots.push({ check: 'invalid', label: `${entry.form}(${k}, ${entry.bad})` });
          break;
        }
        case 'state': {
          built.hasState = true;
          const command = entry.command;
          if (command === 'select') batch.add(commands.select(1));
          else if (command === 'setname') batch.add(commands.clientSetName('hyg-renamed'));
          else batch.sendCommand(stateArgs(command, ctx, protocol));
          built.slots.push({ check: 'answered', label: command });
          if (command === 'multi-raw' || command === 'subscribe-raw' || command === 'hello-raw') {
            built.taints = true;
            // Inside MULTI they are queued and run by EXEC: the replies after them in the batch still line up.
            if (!inTransaction) tainted = true;
          }
          break;
        }
      }
    } catch (error) {
      built.thrown = { entry, outcome: ctx.calls.threw(`${who}add ${describeEntry(entry)}`, error) };
      return built;
    }
  }
  return built;
}

/** Checks a resolved pipeline or EXEC result against the slots. */
function checkSlots(ctx: OpContext, outcome: Outcome & { status: 'resolved' }, slots: readonly Slot[]): void {
  const results = outcome.value;
  if (!Array.isArray(results) || results.length !== slots.length) {
    ctx.violation('wrong-result', `${outcome.label} returned ${show(results)}; expected ${slots.length} entries`);
    return;
  }
  slots.forEach((slot, i) => {
    const got: unknown = results[i];
    const where = `${outcome.label} entry ${i} (${slot.label})`;
    if (slot.check === 'value') {
      if (!sameValue(got, slot.value)) {
        ctx.violation('wrong-result', `${where} is ${show(got)}; expected ${show(slot.value)}`);
      }
    } else if (slot.check === 'invalid') {
      if (!(got instanceof RedisError)) ctx.violation('accepted-invalid', `${where} accepted it: ${show(got)}`);
    } else if (got instanceof Error && !(got instanceof RedisError)) {
      ctx.violation('wrong-error', `${where} is ${describeError(got)}`);
    }
  });
}

/** A build that threw: only a bad entry may make it throw, and only with InvalidArgumentError. */
function checkBuildThrow(
  ctx: OpContext,
  thrown: NonNullable<BuiltBatch['thrown']>,
  where: 'shared' | 'pinned' | 'pinned-multi',
) {
  const { entry, outcome } = thrown;
  const error = outcome.status === 'resolved' ? undefined : outcome.error;
  // SUBSCRIBE is refused on every connection: a pinned one could not answer commands after it. Inside
  // multi(), commands that would end, nest or break the transaction are refused too.
  const mayThrow =
    entry.type === 'invalid' ||
    (entry.type === 'state' &&
      (where === 'shared' ||
        REFUSED_EVERYWHERE.has(entry.command) ||
        (where === 'pinned-multi' && BREAKS_TRANSACTION.has(entry.command))));
  if (!mayThrow) {
    ctx.violation('wrong-error', `${outcome.label} threw ${describeError(error)} for an entry that is valid here`);
  } else if (!(error instanceof InvalidArgumentError)) {
    ctx.violation('wrong-error', `${outcome.label} threw ${describeError(error)}; expected InvalidArgumentError`);
  }
}

async function runSharedBatch(
  client: RedisClient,
  kind: 'pipeline' | 'multi',
  entries: readonly Entry[],
  who: string,
  ctx: OpContext,
): Promise<void> {
  const batch = kind === 'pipeline' ? client.pipeline() : client.multi();
  const protocol = PROFILES.find((p) => p.label === who)!.protocol;
  const built = buildBatch(batch, entries, kind === 'multi', false, protocol, `${who}.${kind} `, ctx);
  if (built.thrown !== undefined) {
    checkBuildThrow(ctx, built.thrown, 'shared');
    return;
  }
  const outcome = await ctx.calls.call(`${who}.${kind}.exec`, () => batch.exec());
  if (built.hasState) {
    // Not refused while building (today's behaviour): it must be refused before anything is sent.
    expectStateRefused(ctx, outcome);
  } else if (outcome.status === 'resolved') {
    checkSlots(ctx, outcome, built.slots);
  } else if (!built.hasInvalid) {
    ctx.violation('failed-call', `${outcome.label} ${describeOutcome(outcome)}; every entry was valid`);
  } else if (!(outcome.error instanceof RedisError)) {
    ctx.violation('wrong-error', `${outcome.label} ${describeOutcome(outcome)}; expected a RedisError`);
  }
  if (kind === 'multi' && outcome.status !== 'resolved' && built.writes.length > 0) {
    await expectNothingWritten(client, built.writes, `${who}.`, ctx);
  }
}

/** A refused transaction ran nothing: none of its keys exist. */
async function expectNothingWritten(c: Commands, keys: string[], who: string, ctx: OpContext): Promise<void> {
  expectValue(ctx, await ctx.calls.call(`${who}exists(${keys.join(' ')})`, () => c.exists(keys)), 0);
}

async function runPinned(
  client: RedisClient,
  op: Extract<Op, { kind: 'pinned' }>,
  who: string,
  ctx: OpContext,
): Promise<void> {
  const userError = new HygieneUserError();
  let ran = false;
  const options = op.preAborted ? { signal: AbortSignal.abort() } : undefined;
  const outcome = await ctx.calls.call(`${who}.withConn`, () =>
    client.withConn(async (conn) => {
      ran = true;
      await runActions(conn, PROFILES[op.client]!.protocol, op.actions, `${who}.pinned.`, ctx);
      if (op.ending === 'throw') throw userError;
      return 'done';
    }, options),
  );
  if (op.preAborted) {
    if (outcome.status === 'resolved' || !(outcome.error instanceof AbortError)) {
      ctx.violation('wrong-error', `${outcome.label} with an aborted signal: ${describeOutcome(outcome)}`);
    }
    if (ran) ctx.violation('wrong-result', `${outcome.label} ran its callback although the signal was aborted`);
  } else if (op.ending === 'throw') {
    if (outcome.status === 'resolved' || outcome.error !== userError) {
      ctx.violation('wrong-error', `${outcome.label} ${describeOutcome(outcome)}; expected the callback's own error`);
    }
  } else {
    expectValue(ctx, outcome, 'done');
  }
}

async function runActions(
  conn: PinnedConnection,
  protocol: 2 | 3,
  actions: readonly PinnedAction[],
  who: string,
  ctx: OpContext,
): Promise<void> {
  const t = ctx.calls;
  // After MULTI or SUBSCRIBE by hand, later replies are QUEUED, refusals or messages: only "answered" holds.
  let tainted = false;
  const check = (outcome: Outcome, expected: unknown) =>
    tainted ? expectAnswered(ctx, outcome, true) : expectValue(ctx, outcome, expected);
  for (const action of actions) {
    switch (action.type) {
      case 'state': {
        const outcome = await t.call(`${who}${action.command}`, () => invokeState(conn, action.command, ctx, protocol));
        expectStateOutcome(ctx, action.command, outcome, tainted);
        // Later replies are QUEUED, refused, or in the other protocol's shapes.
        if (['multi-raw', 'hello-raw'].includes(action.command)) tainted = true;
        break;
      }
      case 'set-get': {
        const k = ctx.key();
        const [set, get] = await Promise.all([
          t.call(`${who}set(${k})`, () => conn.set(k, `v:${k}`)),
          t.call(`${who}get(${k})`, () => conn.get(k)),
        ]);
        check(set, 'OK');
        check(get, `v:${k}`);
        break;
      }
      case 'incr': {
        const k = ctx.key();
        check(await t.call(`${who}incr(${k})`, () => conn.incr(k)), 1);
        break;
      }
      case 'echo': {
        const k = ctx.key();
        check(await t.call(`${who}echo(${k})`, () => conn.echo(k)), k);
        break;
      }
      case 'blpop': {
        const k = ctx.key();
        check(await t.call(`${who}blPop(${k})`, () => conn.blPop(k, BLOCK_SECONDS)), null);
        break;
      }
      case 'invalid':
        await runInvalid(conn, action.form, action.bad, who, ctx, !tainted);
        break;
      case 'pipeline': {
        const batch = conn.pipeline();
        const built = buildBatch(batch, action.entries, false, tainted, protocol, `${who}pipeline `, ctx);
        if (built.thrown !== undefined) {
          checkBuildThrow(ctx, built.thrown, 'pinned');
          break;
        }
        const outcome = await t.call(`${who}pipeline.exec`, () => batch.exec());
        if (outcome.status === 'resolved') checkSlots(ctx, outcome, built.slots);
        else if (!built.hasInvalid) expectAnswered(ctx, outcome, tainted);
        else if (!(outcome.error instanceof RedisError)) {
          ctx.violation('wrong-error', `${outcome.label} ${describeOutcome(outcome)}; expected a RedisError`);
        }
        if (built.taints) tainted = true;
        break;
      }
      case 'multi': {
        if (action.watchFirst) check(await t.call(`${who}watch`, () => conn.watch(ctx.watchKey)), 'OK');
        const batch = conn.multi();
        const built = buildBatch(batch, action.entries, true, tainted, protocol, `${who}multi `, ctx);
        if (built.thrown !== undefined) {
          checkBuildThrow(ctx, built.thrown, 'pinned-multi');
          break;
        }
        const outcome = await t.call(`${who}multi.exec`, () => batch.exec());
        if (outcome.status === 'resolved') checkSlots(ctx, outcome, built.slots);
        else if (built.hasInvalid || built.hasState || tainted) {
          // EXECABORT, a nested MULTI, EXEC without MULTI…: the server refused what the caller built.
          if (!(outcome.error instanceof RedisError) || outcome.error instanceof TimeoutError) {
            ctx.violation('wrong-error', `${outcome.label} ${describeOutcome(outcome)}; expected a RedisError`);
          }
        } else {
          // Nobody writes the watched key during a step: a WatchError here would be a WATCH from elsewhere.
          ctx.violation('failed-call', `${outcome.label} ${describeOutcome(outcome)}; every entry was valid`);
        }
        if (built.taints) tainted = true;
        break;
      }
    }
  }
}

async function runAbort(
  client: RedisClient,
  op: Extract<Op, { kind: 'abort' }>,
  who: string,
  ctx: OpContext,
): Promise<void> {
  const controller = new AbortController();
  if (op.when === 'before') controller.abort();
  const view = client.with({ signal: controller.signal });
  const k = ctx.key();
  const label = `${who}.abort@${op.when} ${op.target}(${k})`;
  let expected: unknown = null;
  const pending = ctx.calls.call(label, () => {
    switch (op.target) {
      case 'get':
        return view.get(k);
      case 'set':
        expected = 'OK';
        return view.set(k, 'v');
      case 'blpop':
        return view.blPop(k, BLOCK_SECONDS);
      case 'raw-get':
        return view.sendCommand(['GET', k]);
      case 'pinned':
        return client.withConn((conn) => conn.get(k), { signal: controller.signal });
    }
  });
  switch (op.when) {
    case 'sync':
      controller.abort();
      break;
    case 'microtask':
      queueMicrotask(() => controller.abort());
      break;
    case 'immediate':
      setImmediate(() => controller.abort());
      break;
    case 'timer':
      setTimeout(() => controller.abort(), op.delayMs);
      break;
    case 'before':
      break;
  }
  const outcome = await pending;
  if (op.when === 'before') {
    if (outcome.status === 'resolved' || !isAbort(outcome.error)) {
      ctx.violation('wrong-error', `${label} with an aborted signal: ${describeOutcome(outcome)}`);
    }
  } else {
    expectValueOr(ctx, outcome, expected, isAbort);
  }
}

async function runTimeout(
  client: RedisClient,
  op: Extract<Op, { kind: 'timeout' }>,
  who: string,
  ctx: OpContext,
): Promise<void> {
  const view = client.with({ timeout: op.ms });
  const k = ctx.key();
  const label = `${who}.timeout(${op.ms} ms) ${op.target}`;
  if (op.target === 'debug-sleep') {
    const outcome = await ctx.calls.call(label, () => view.sendCommand(['DEBUG', 'SLEEP', String(SLEEP_SECONDS)]));
    expectValueOr(ctx, outcome, 'OK', isTimeout);
  } else if (op.target === 'blpop') {
    expectValueOr(ctx, await ctx.calls.call(label, () => view.blPop(k, BLOCK_SECONDS)), null, isTimeout);
  } else {
    expectValueOr(ctx, await ctx.calls.call(label, () => view.get(k)), null, isTimeout);
  }
}

async function runBlocking(
  client: RedisClient,
  form: Extract<Op, { kind: 'blocking' }>['form'],
  who: string,
  ctx: OpContext,
): Promise<void> {
  const t = ctx.calls;
  const k = ctx.key();
  switch (form) {
    case 'empty':
      expectValue(ctx, await t.call(`${who}.blPop(${k})`, () => client.blPop(k, BLOCK_SECONDS)), null);
      return;
    case 'raw-empty':
      expectValue(
        ctx,
        await t.call(`${who}.sendCommand(BLPOP ${k})`, () => client.sendCommand(['BLPOP', k, String(BLOCK_SECONDS)])),
        null,
      );
      return;
    case 'pushed':
      expectValue(ctx, await t.call(`${who}.lPush(${k})`, () => client.lPush(k, 'x')), 1);
      expectValue(ctx, await t.call(`${who}.blPop(${k})`, () => client.blPop(k, BLOCK_SECONDS)), {
        key: k,
        element: 'x',
      });
      return;
    case 'brpop-pushed':
      expectValue(ctx, await t.call(`${who}.rPush(${k})`, () => client.rPush(k, ['x', 'y'])), 2);
      expectValue(ctx, await t.call(`${who}.brPop(${k})`, () => client.brPop(k, BLOCK_SECONDS)), {
        key: k,
        element: 'y',
      });
      return;
  }
}

// ---------------------------------------------------------------------------------------------------
// Shrinking

/** Simpler variants of an operation, each with one part removed or one option turned off. */
export function simplerOps(op: Op): Op[] {
  const out: Op[] = [];
  const without = <T>(items: readonly T[], i: number): T[] => items.filter((_, j) => j !== i);
  switch (op.kind) {
    case 'direct':
      if (op.scenarios.length > 1)
        op.scenarios.forEach((_, i) => out.push({ ...op, scenarios: without(op.scenarios, i) }));
      break;
    case 'pipeline':
    case 'multi':
      if (op.entries.length > 1) op.entries.forEach((_, i) => out.push({ ...op, entries: without(op.entries, i) }));
      break;
    case 'crowd':
      if (op.extra > 0) out.push({ ...op, extra: op.extra - 1 });
      if (op.waiters.length > 1) op.waiters.forEach((_, i) => out.push({ ...op, waiters: without(op.waiters, i) }));
      break;
    case 'pinned': {
      if (op.ending === 'throw') out.push({ ...op, ending: 'return' });
      if (op.preAborted) out.push({ ...op, preAborted: false });
      if (op.actions.length > 1) op.actions.forEach((_, i) => out.push({ ...op, actions: without(op.actions, i) }));
      op.actions.forEach((action, i) => {
        const replace = (simpler: PinnedAction) =>
          out.push({ ...op, actions: op.actions.map((a, j) => (j === i ? simpler : a)) });
        if (action.type === 'multi' && action.watchFirst) replace({ ...action, watchFirst: false });
        if ((action.type === 'pipeline' || action.type === 'multi') && action.entries.length > 1) {
          action.entries.forEach((_, k) => replace({ ...action, entries: without(action.entries, k) }));
        }
      });
      break;
    }
    default:
      break;
  }
  return out;
}

async function runCrowd(
  client: RedisClient,
  op: Extract<Op, { kind: 'crowd' }>,
  who: string,
  ctx: OpContext,
): Promise<void> {
  const t = ctx.calls;
  const profile = PROFILES[op.client]!;
  const turns = op.through === 'blocking' && profile.blockingPoolSize > 0 ? profile.blockingPoolSize : profile.poolSize;
  const holders = Array.from({ length: turns + op.extra }, (_, i) => {
    const k = ctx.key();
    return op.through === 'pinned'
      ? t.call(`${who}.crowd withConn#${i}(blPop ${k})`, () => client.withConn((conn) => conn.blPop(k, BLOCK_SECONDS)))
      : t.call(`${who}.crowd blPop#${i}(${k})`, () => client.blPop(k, BLOCK_SECONDS));
  });
  const waiters = op.waiters.map(async (waiter, i) => {
    const k = ctx.key();
    const label = `${who}.crowd ${waiter}#${i}(${k})`;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), op.ms);
    const signal = controller.signal;
    let outcome: Outcome;
    try {
      switch (waiter) {
        case 'plain':
          return expectValue(ctx, await t.call(label, () => client.get(k)), null);
        case 'abort':
          outcome = await t.call(label, () => client.with({ signal }).get(k));
          return expectValueOr(ctx, outcome, null, isAbort);
        case 'timeout':
          outcome = await t.call(label, () => client.with({ timeout: op.ms }).get(k));
          return expectValueOr(ctx, outcome, null, isTimeout);
        case 'pinned-abort':
          outcome = await t.call(label, () => client.withConn((conn) => conn.get(k), { signal }));
          return expectValueOr(ctx, outcome, null, isAbort);
        case 'blocking-abort':
          outcome = await t.call(label, () => client.with({ signal }).blPop(k, BLOCK_SECONDS));
          return expectValueOr(ctx, outcome, null, isAbort);
        case 'blocking-timeout':
          outcome = await t.call(label, () => client.with({ timeout: op.ms }).blPop(k, BLOCK_SECONDS));
          return expectValueOr(ctx, outcome, null, isTimeout);
      }
    } finally {
      clearTimeout(timer);
    }
  });
  for (const outcome of await Promise.all(holders)) expectValue(ctx, outcome, null);
  await Promise.all(waiters);
}

/** Placeholder until the registry lands: the state-effect type and raw-command description. */
import type { RedisArg } from '../resp/types.js';
import { CommandFlags } from './command.js';

export type StateEffect =
  | 'db'
  | 'transaction'
  | 'watch'
  | 'unwatch'
  | 'subscribe'
  | 'monitor'
  | 'protocol'
  | 'auth'
  | 'name'
  | 'tracking'
  | 'reply'
  | 'reset'
  | 'quit'
  | 'readonly'
  | 'no-evict'
  | 'no-touch';

export interface RawCommandInfo {
  name: string;
  flags: number;
  blockMs: number | undefined;
  state: StateEffect | undefined;
}

const STATE: Record<string, StateEffect> = {
  SELECT: 'db',
  MULTI: 'transaction',
  EXEC: 'transaction',
  DISCARD: 'transaction',
  WATCH: 'watch',
  UNWATCH: 'unwatch',
  SUBSCRIBE: 'subscribe',
  PSUBSCRIBE: 'subscribe',
  SSUBSCRIBE: 'subscribe',
  UNSUBSCRIBE: 'subscribe',
  PUNSUBSCRIBE: 'subscribe',
  SUNSUBSCRIBE: 'subscribe',
  MONITOR: 'monitor',
  HELLO: 'protocol',
  AUTH: 'auth',
  RESET: 'reset',
  QUIT: 'quit',
  READONLY: 'readonly',
  READWRITE: 'readonly',
  'CLIENT SETNAME': 'name',
  'CLIENT SETINFO': 'name',
  'CLIENT TRACKING': 'tracking',
  'CLIENT CACHING': 'tracking',
  'CLIENT REPLY': 'reply',
  'CLIENT NO-EVICT': 'no-evict',
  'CLIENT NO-TOUCH': 'no-touch',
};

export function describeRaw(args: readonly RedisArg[]): RawCommandInfo {
  const upper = String(args[0]).toUpperCase();
  const sub = args.length > 1 ? `${upper} ${String(args[1]).toUpperCase()}` : upper;
  const name = STATE[sub] !== undefined ? sub : upper;
  const state = STATE[sub] ?? STATE[upper];
  const seconds = (v: RedisArg | undefined) => Math.max(0, Number(v) * 1000) || 0;
  let blockMs: number | undefined;
  switch (upper) {
    case 'BLPOP':
    case 'BRPOP':
    case 'BZPOPMIN':
    case 'BZPOPMAX':
    case 'BRPOPLPUSH':
    case 'BLMOVE':
      blockMs = seconds(args[args.length - 1]);
      break;
    case 'BLMPOP':
    case 'BZMPOP':
      blockMs = seconds(args[1]);
      break;
    case 'WAIT':
    case 'WAITAOF':
      blockMs = Math.max(0, Number(args[args.length - 1])) || 0;
      break;
    case 'XREAD':
    case 'XREADGROUP':
      for (let i = 1; i < args.length - 1; i++) {
        if (String(args[i]).toUpperCase() === 'BLOCK') blockMs = Math.max(0, Number(args[i + 1])) || 0;
      }
      break;
  }
  let flags = blockMs === undefined ? CommandFlags.NONE : CommandFlags.BLOCKING;
  if (state !== undefined && state !== 'unwatch') flags |= CommandFlags.CONNECTION_STATE;
  return { name, flags, blockMs, state };
}

/**
 * The typed commands that change the state of their connection (SELECT, CLIENT SETNAME, CLIENT TRACKING…).
 * They exist on pinned connections only (`client.withConn`): on a shared connection that state would reach
 * other callers. The lease undoes the state or discards the connection when the pinned connection is released.
 * One line per method, as in CommandSet.
 */
import { guardMethods } from '../commands/method-guard.js';
import * as server from '../commands/server.js';
import type { ClientTrackingOptions } from '../commands/server.js';
import { AsyncCommands } from './async-commands.js';

// prettier-ignore
export abstract class PinnedCommands extends AsyncCommands {
  /** `SELECT db`: this connection's database (the connection leaves the pool at release). */
  select(db: number) { return this.execute(server.select(db)); }
  /** `CLIENT SETNAME name`: this connection's name. */
  clientSetName(name: string) { return this.execute(server.clientSetName(name)); }
  /** `CLIENT SETINFO LIB-NAME|LIB-VER value` (Redis ≥ 7.2): overrides what the handshake set. */
  clientSetInfo(attribute: 'LIB-NAME' | 'LIB-VER', value: string) { return this.execute(server.clientSetInfo(attribute, value)); }
  /** `CLIENT NO-EVICT ON|OFF`: spares this connection from client eviction. */
  clientNoEvict(on: boolean) { return this.execute(server.clientNoEvict(on)); }
  /** `CLIENT NO-TOUCH ON|OFF` (Redis ≥ 7.2): reads on this connection leave keys' access time alone. */
  clientNoTouch(on: boolean) { return this.execute(server.clientNoTouch(on)); }
  /** `CLIENT TRACKING ON|OFF [options]`: server-assisted caching for this connection. */
  clientTracking(on: boolean, options?: ClientTrackingOptions) { return this.execute(server.clientTracking(on, options)); }
  /** `CLIENT CACHING YES|NO`: whether the next read is tracked (with optIn / optOut tracking). */
  clientCaching(yes: boolean) { return this.execute(server.clientCaching(yes)); }
}

// Same guard as CommandSet's methods: extra arguments refused, argument errors name the method.
guardMethods(PinnedCommands.prototype, []);

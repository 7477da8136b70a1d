/** The decision table (src/client/policy.ts) as a table: each row a failure, a context and the expected call. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decide, isRetryableDialError, type FailureAction, type FailureContext } from '../../src/client/policy.js';
import {
  AbortError,
  AskError,
  ClientClosedError,
  ConnectionError,
  InvalidArgumentError,
  MovedError,
  PoolTimeoutError,
  ProtocolError,
  ReplyError,
  TimeoutError,
  WatchError,
} from '../../src/errors.js';

const written: FailureContext = { written: true, mayRunTwice: false, retriesLeft: 3 };
const writtenRead: FailureContext = { written: true, mayRunTwice: true, retriesLeft: 3 };
const unwritten: FailureContext = { written: false, mayRunTwice: false, retriesLeft: 3 };
const cluster: FailureContext = { ...written, cluster: true };
const exhausted: FailureContext = { written: false, mayRunTwice: true, retriesLeft: 0 };

function execAbort(refused: ReplyError): ReplyError {
  const error = new ReplyError('EXECABORT Transaction discarded because of previous errors.');
  error.refusedWith = refused;
  return error;
}

const poolTimeout = new PoolTimeoutError({ poolSize: 1, inUse: 1, idle: 0, waiters: 1, timeoutMs: 10 });
const dialTimeout = new ConnectionError('main pool of h:1: dial timed out', {
  duringDial: true,
  cause: new TimeoutError('dial timed out'),
});
const refused = new ConnectionError('ECONNREFUSED', { duringDial: true });
const reset = new ConnectionError('ECONNRESET');

const rows: [name: string, error: unknown, context: FailureContext, action: FailureAction, discard: boolean][] = [
  ['MOVED, standalone', new MovedError('MOVED 1 h:1'), written, 'fail', false],
  ['MOVED, cluster', new MovedError('MOVED 1 h:1'), cluster, 'redirect', false],
  ['ASK, cluster', new AskError('ASK 1 h:1'), cluster, 'ask', false],
  ['ASK, standalone', new AskError('ASK 1 h:1'), written, 'fail', false],
  [
    'READONLY retries elsewhere and discards',
    new ReplyError('READONLY You cannot write'),
    written,
    'retry-elsewhere',
    true,
  ],
  ['TRYAGAIN', new ReplyError('TRYAGAIN multi-key'), cluster, 'retry-elsewhere', false],
  ['CLUSTERDOWN', new ReplyError('CLUSTERDOWN hash slot not served'), written, 'retry-elsewhere', false],
  ['LOADING', new ReplyError('LOADING dataset'), written, 'retry', false],
  ['MASTERDOWN', new ReplyError('MASTERDOWN link down'), written, 'retry', false],
  ['max clients', new ReplyError('ERR max number of clients reached'), written, 'retry', false],
  ['EXECABORT by MOVED, cluster', execAbort(new MovedError('MOVED 1 h:1')), cluster, 'redirect', false],
  ['EXECABORT by MOVED, standalone', execAbort(new MovedError('MOVED 1 h:1')), written, 'fail', false],
  ['EXECABORT by ASK, cluster', execAbort(new AskError('ASK 1 h:1')), cluster, 'retry-elsewhere', false],
  ['EXECABORT by a syntax error', execAbort(new ReplyError('ERR syntax error')), cluster, 'fail', false],
  ['WRONGTYPE', new ReplyError('WRONGTYPE Operation'), writtenRead, 'fail', false],
  ['dial timed out: not retried', dialTimeout, unwritten, 'fail', true],
  ['dial refused: retried', refused, unwritten, 'retry', true],
  ['closed before the write', reset, unwritten, 'retry', true],
  ['closed after a write', reset, written, 'fail', true],
  ['closed after a read', reset, writtenRead, 'retry', true],
  ['retries spent', refused, exhausted, 'fail', true],
  ['READONLY with retries spent still discards', new ReplyError('READONLY x'), exhausted, 'fail', true],
  ['read timeout', new TimeoutError('No reply'), writtenRead, 'fail', true],
  ['protocol error', new ProtocolError('bad byte'), writtenRead, 'fail', true],
  ['caller aborted', new AbortError(), unwritten, 'fail', false],
  ['pool timeout', poolTimeout, unwritten, 'fail', false],
  ['client closed', new ClientClosedError(), unwritten, 'fail', false],
  ['invalid argument', new InvalidArgumentError('bad'), unwritten, 'fail', false],
  ['watch conflict', new WatchError(), written, 'fail', false],
  ['not an Error', 'boom', unwritten, 'fail', false],
];

for (const [name, error, context, action, discard] of rows) {
  test(`decide: ${name} → ${action}${discard ? ', discard the connection' : ''}`, () => {
    const decision = decide(error, context);
    assert.equal(decision.action, action, decision.rule);
    assert.equal(decision.discardConnection, discard, decision.rule);
  });
}

test('handshake refusals are not dialed again; busy servers and network failures are', () => {
  assert.equal(isRetryableDialError(new ReplyError('WRONGPASS invalid username-password pair')), false);
  assert.equal(isRetryableDialError(new ReplyError('ERR DB index is out of range')), false);
  assert.equal(isRetryableDialError(new ReplyError('LOADING dataset')), true);
  assert.equal(isRetryableDialError(new ReplyError('ERR max number of clients reached')), true);
  assert.equal(isRetryableDialError(refused), true);
  assert.equal(isRetryableDialError(dialTimeout), false);
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AskError, InvalidArgumentError, MovedError, ProtocolError, ReplyError } from '../../src/errors.js';
import { RespDecoder, type RespDecoderOptions } from '../../src/resp/index.js';
import type { RespValue } from '../../src/resp/types.js';

interface Decoded {
  replies: RespValue[];
  pushes: RespValue[][];
  decoder: RespDecoder;
}

function decoderFor(options: Partial<RespDecoderOptions> & { buffers?: boolean } = {}): Decoded {
  const replies: RespValue[] = [];
  const pushes: RespValue[][] = [];
  const decoder = new RespDecoder({
    onReply: (reply) => replies.push(reply),
    onPush: (push) => pushes.push(push),
    ...options,
  });
  decoder.returnBuffers = options.buffers ?? false;
  return { replies, pushes, decoder };
}

function decode(input: string | Buffer | (string | Buffer)[], buffers = false): RespValue[] {
  const { replies, decoder } = decoderFor({ buffers });
  for (const chunk of Array.isArray(input) ? input : [input]) decoder.feed(Buffer.from(chunk));
  assert.equal(decoder.pendingBytes, 0);
  return replies;
}

function decodeOne(input: string | Buffer, buffers = false): RespValue {
  const replies = decode(input, buffers);
  assert.equal(replies.length, 1);
  return replies[0]!;
}

/** Every reply type: wire bytes, value with string bulks, value with Buffer bulks. */
const TYPES: [name: string, wire: string, asString: RespValue, asBuffer: RespValue][] = [
  ['simple string', '+OK\r\n', 'OK', 'OK'],
  ['simple string (other)', '+PONG é\r\n', 'PONG é', 'PONG é'],
  ['empty simple string', '+\r\n', '', ''],
  ['integer', ':1234\r\n', 1234, 1234],
  ['negative integer', ':-42\r\n', -42, -42],
  ['integer with plus sign', ':+7\r\n', 7, 7],
  ['zero', ':0\r\n', 0, 0],
  ['largest safe integer', ':9007199254740991\r\n', 9007199254740991, 9007199254740991],
  ['integer beyond 2^53', ':9007199254740993\r\n', 9007199254740993n, 9007199254740993n],
  ['negative integer beyond 2^53', ':-9223372036854775808\r\n', -9223372036854775808n, -9223372036854775808n],
  ['16-digit safe integer', ':1000000000000000\r\n', 1000000000000000, 1000000000000000],
  ['bulk string', '$5\r\nhello\r\n', 'hello', Buffer.from('hello')],
  ['empty bulk string', '$0\r\n\r\n', '', Buffer.alloc(0)],
  ['bulk string with CRLF inside', '$4\r\na\r\nb\r\n', 'a\r\nb', Buffer.from('a\r\nb')],
  ['unicode bulk string', '$6\r\nhé中\r\n', 'hé中', Buffer.from('hé中')],
  ['null bulk string', '$-1\r\n', null, null],
  ['array', '*3\r\n:1\r\n$1\r\na\r\n+b\r\n', [1, 'a', 'b'], [1, Buffer.from('a'), 'b']],
  ['empty array', '*0\r\n', [], []],
  ['null array', '*-1\r\n', null, null],
  ['nested array', '*2\r\n*1\r\n:1\r\n*0\r\n', [[1], []], [[1], []]],
  ['RESP3 null', '_\r\n', null, null],
  ['boolean true', '#t\r\n', true, true],
  ['boolean false', '#f\r\n', false, false],
  ['double', ',3.25\r\n', 3.25, 3.25],
  ['double with exponent', ',-1.5e-3\r\n', -0.0015, -0.0015],
  ['integral double', ',10\r\n', 10, 10],
  ['double inf', ',inf\r\n', Infinity, Infinity],
  ['double -inf', ',-inf\r\n', -Infinity, -Infinity],
  ['double nan', ',nan\r\n', NaN, NaN],
  [
    'big number',
    '(3492890328409238509324850943850943825024385\r\n',
    3492890328409238509324850943850943825024385n,
    3492890328409238509324850943850943825024385n,
  ],
  ['negative big number', '(-12\r\n', -12n, -12n],
  ['verbatim string', '=15\r\ntxt:Some string\r\n', 'Some string', Buffer.from('Some string')],
  ['empty verbatim string', '=4\r\nmkd:\r\n', '', Buffer.alloc(0)],
  [
    'map',
    '%2\r\n+a\r\n:1\r\n$1\r\nb\r\n#t\r\n',
    new Map<RespValue, RespValue>([
      ['a', 1],
      ['b', true],
    ]),
    new Map<RespValue, RespValue>([
      ['a', 1],
      [Buffer.from('b'), true],
    ]),
  ],
  ['empty map', '%0\r\n', new Map(), new Map()],
  ['set (an array, as RESP2 sends it)', '~3\r\n+a\r\n:1\r\n+a\r\n', ['a', 1, 'a'], ['a', 1, 'a']],
  ['empty set', '~0\r\n', [], []],
  ['attribute before a value', '|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n:42\r\n', 42, 42],
  ['attribute inside an array', '*2\r\n|1\r\n+ttl\r\n:3600\r\n+x\r\n:1\r\n', ['x', 1], ['x', 1]],
  ['two attributes in a row', '|0\r\n|1\r\n+a\r\n+b\r\n+c\r\n', 'c', 'c'],
];

describe('RespDecoder: every type', () => {
  for (const [name, wire, asString, asBuffer] of TYPES) {
    test(name, () => {
      assert.deepEqual(decodeOne(wire), asString);
      assert.deepEqual(decodeOne(wire, true), asBuffer);
    });
  }

  test('error replies are ReplyError values in place, with the server code', () => {
    const stackTraceLimit = Error.stackTraceLimit;
    const [plain, wrongType, moved, ask, bulkError, lower] = decode(
      '-ERR unknown command\r\n-WRONGTYPE Operation against a key\r\n-MOVED 3999 127.0.0.1:6381\r\n' +
        '-ASK 3999 127.0.0.1:6381\r\n!21\r\nSYNTAX invalid syntax\r\n-oops\r\n',
    );
    assert.ok(plain instanceof ReplyError);
    assert.equal(plain.code, 'ERR');
    assert.equal(plain.message, 'ERR unknown command');
    assert.ok(wrongType instanceof ReplyError);
    assert.equal(wrongType.code, 'WRONGTYPE');
    assert.ok(moved instanceof MovedError);
    assert.equal(moved.slot, 3999);
    assert.equal(moved.address, '127.0.0.1:6381');
    assert.ok(ask instanceof AskError);
    assert.ok(bulkError instanceof ReplyError);
    assert.equal(bulkError.code, 'SYNTAX');
    assert.equal(bulkError.message, 'SYNTAX invalid syntax');
    assert.ok(lower instanceof ReplyError);
    assert.equal(lower.code, 'ERR');
    // Built without a stack (it would only show decoder internals), and the global limit is restored.
    assert.doesNotMatch(plain.stack ?? '', /decoder/);
    assert.equal(Error.stackTraceLimit, stackTraceLimit);
  });

  test('errors inside arrays stay in place (a pipeline or EXEC reply carries them)', () => {
    const reply = decodeOne('*3\r\n+OK\r\n-ERR no\r\n:1\r\n') as RespValue[];
    assert.equal(reply[0], 'OK');
    assert.ok(reply[1] instanceof ReplyError);
    assert.equal(reply[2], 1);
  });

  test('push frames go to onPush, or to onReply when there is no onPush', () => {
    const wire = '>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n+OK\r\n|1\r\n+a\r\n+b\r\n>1\r\n+x\r\n';
    const { replies, pushes, decoder } = decoderFor();
    decoder.feed(Buffer.from(wire));
    assert.deepEqual(pushes, [['message', 'ch', 'hi'], ['x']]);
    assert.deepEqual(replies, ['OK']);
    const all: RespValue[] = [];
    new RespDecoder({ onReply: (reply) => all.push(reply) }).feed(Buffer.from(wire));
    assert.deepEqual(all, [['message', 'ch', 'hi'], 'OK', ['x']]);
  });

  test('a push nested inside a reply is an ordinary array', () => {
    const { replies, pushes, decoder } = decoderFor();
    decoder.feed(Buffer.from('*1\r\n>1\r\n:1\r\n'));
    assert.deepEqual(replies, [[[1]]]);
    assert.deepEqual(pushes, []);
  });

  test('returnBuffers is read at the start of each reply; onReply may flip it for the next one', () => {
    const replies: RespValue[] = [];
    const decoder: RespDecoder = new RespDecoder({
      onReply: (reply) => {
        replies.push(reply);
        decoder.returnBuffers = !decoder.returnBuffers;
      },
    });
    const wire = Buffer.from('$1\r\na\r\n*2\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n');
    for (let i = 0; i < wire.length; i++) {
      if (i === 12) decoder.returnBuffers = true; // flipping it mid-reply has no effect on that reply
      decoder.feed(wire.subarray(i, i + 1));
    }
    assert.deepEqual(replies, ['a', [Buffer.from('b'), Buffer.from('c')], 'd']);
  });

  test('simple strings stay strings in Buffer mode', () => {
    assert.equal(decodeOne('+OK\r\n', true), 'OK');
  });

  test('thousands of replies in one chunk are all delivered, in order', () => {
    let wire = '';
    for (let i = 0; i < 5000; i++) wire += `:${i}\r\n$${String(i).length}\r\n${i}\r\n`;
    const replies = decode(wire);
    assert.equal(replies.length, 10_000);
    for (let i = 0; i < 5000; i++) {
      assert.equal(replies[2 * i], i);
      assert.equal(replies[2 * i + 1], String(i));
    }
  });
});

/** A stream holding every type, several times, in RESP2 and RESP3 shapes. */
const SAMPLE = Buffer.from(
  TYPES.map(([, wire]) => wire).join('') +
    '-ERR a\r\n!5\r\nERR b\r\n>2\r\n+p\r\n:1\r\n' +
    `$${20_000}\r\n${'z'.repeat(20_000)}\r\n` +
    `*2\r\n$${17_000}\r\n${'y'.repeat(17_000)}\r\n=20004\r\ntxt:${'v'.repeat(20_000)}\r\n`,
);

/** True when `at` is deep inside the filler of one of SAMPLE's long payloads. */
function insideFiller(at: number): boolean {
  const filler = SAMPLE[at];
  if (filler !== 0x7a && filler !== 0x79 && filler !== 0x76) return false; // 'z', 'y', 'v'
  return SAMPLE[at - 4] === filler && SAMPLE[at + 4] === filler;
}

function events(chunks: Buffer[], buffers: boolean): unknown[] {
  const out: unknown[] = [];
  const decoder = new RespDecoder({
    onReply: (reply) => out.push(reply),
    onPush: (push) => out.push({ push }),
  });
  decoder.returnBuffers = buffers;
  for (const chunk of chunks) decoder.feed(chunk);
  assert.equal(decoder.pendingBytes, 0);
  return out;
}

/** Bytes from a list of strings (latin1, so that '\xff' is the byte 0xff) and Buffers. */
function wire(...parts: (string | Buffer)[]): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));
}

describe('RespDecoder: RESP3 sets and maps keep distinct binary members apart', () => {
  const ff = Buffer.from([0xff]);
  const fe = Buffer.from([0xfe]);

  test('a set of two members that both decode to U+FFFD gives both, in order', () => {
    const reply = decodeOne(wire('~2\r\n$1\r\n', ff, '\r\n$1\r\n', fe, '\r\n'));
    assert.deepEqual(reply, ['\uFFFD', '\uFFFD']);
    assert.deepEqual(decodeOne(wire('~2\r\n$1\r\n', ff, '\r\n$1\r\n', fe, '\r\n'), true), [ff, fe]);
  });

  test('map keys that are not valid UTF-8 stay Buffers, so two of them stay two entries', () => {
    const bytes = wire('%3\r\n$1\r\n', ff, '\r\n:1\r\n$1\r\n', fe, '\r\n:2\r\n$3\r\n\xef\xbf\xbd\r\n:3\r\n');
    const reply = decodeOne(bytes);
    assert.ok(reply instanceof Map);
    assert.equal(reply.size, 3);
    assert.deepEqual(
      [...reply],
      [
        [ff, 1],
        [fe, 2],
        ['\uFFFD', 3], // a U+FFFD sent as such is valid UTF-8: its key stays a string
      ],
    );
    // Values are never affected: only keys need to stay apart.
    assert.deepEqual(
      [...(decodeOne(wire('%1\r\n+k\r\n$1\r\n', ff, '\r\n')) as Map<RespValue, RespValue>)],
      [['k', '\uFFFD']],
    );
  });

  test('a binary simple-string key, and a key inside a nested map, are kept too', () => {
    const reply = decodeOne(wire('%1\r\n+\xff\r\n%2\r\n$1\r\n', ff, '\r\n_\r\n$1\r\n', fe, '\r\n_\r\n'));
    assert.ok(reply instanceof Map);
    const [[key, inner]] = [...reply] as [[RespValue, RespValue]];
    assert.deepEqual(key, ff);
    assert.ok(inner instanceof Map);
    assert.deepEqual([...inner.keys()], [ff, fe]);
  });

  test('the same holds at every split point, byte by byte, and for a key collected over many chunks', () => {
    const big = Buffer.alloc(40_000, 0xff);
    const bytes = wire(
      '%3\r\n$1\r\n',
      ff,
      '\r\n~2\r\n$1\r\n',
      ff,
      '\r\n$1\r\n',
      fe,
      '\r\n$1\r\n',
      fe,
      `\r\n:2\r\n$${big.length}\r\n`,
      big,
      '\r\n:3\r\n',
    );
    const expected = new Map<RespValue, RespValue>([
      [ff, ['\uFFFD', '\uFFFD']],
      [fe, 2],
      [big, 3],
    ]);
    assert.deepEqual(decodeOne(bytes), expected);
    for (const at of [3, 8, 9, 10, 20, 30, 40, 50, 1000, 30_000, bytes.length - 5]) {
      assert.deepEqual(decode([bytes.subarray(0, at), bytes.subarray(at)]), [expected], `split at ${at}`);
    }
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 7) chunks.push(bytes.subarray(i, i + 7));
    assert.deepEqual(decode(chunks), [expected], '7-byte chunks');
    // A valid UTF-8 key collected over chunks is still a string.
    const text = 'é'.repeat(20_000);
    const textBytes = wire(`%1\r\n$${Buffer.byteLength(text)}\r\n`, Buffer.from(text), '\r\n:1\r\n');
    const pieces: Buffer[] = [];
    for (let i = 0; i < textBytes.length; i += 4096) pieces.push(textBytes.subarray(i, i + 4096));
    assert.deepEqual(decode(pieces), [new Map([[text, 1]])]);
  });

  test('only keys are checked: a value after an attribute, and array members, are plain strings', () => {
    const reply = decodeOne(wire('%1\r\n|1\r\n+a\r\n+b\r\n$1\r\n', ff, '\r\n*1\r\n$1\r\n', fe, '\r\n'));
    assert.deepEqual([...(reply as Map<RespValue, RespValue>)], [[ff, ['\uFFFD']]]);
  });
});

describe('RespDecoder: split input', () => {
  for (const buffers of [false, true]) {
    test(`every split point of a sample stream gives the same replies (${buffers ? 'Buffers' : 'strings'})`, () => {
      const whole = events([SAMPLE], buffers);
      assert.equal(whole.length, TYPES.length + 5);
      for (let at = 0; at <= SAMPLE.length; at++) {
        if (insideFiller(at) && at % 997 !== 0) continue; // all splits inside a long payload take one path
        assert.deepEqual(events([SAMPLE.subarray(0, at), SAMPLE.subarray(at)], buffers), whole, `split at ${at}`);
      }
    });

    test(`byte by byte gives the same replies (${buffers ? 'Buffers' : 'strings'})`, () => {
      const bytes: Buffer[] = [];
      for (let i = 0; i < SAMPLE.length; i++) bytes.push(SAMPLE.subarray(i, i + 1));
      assert.deepEqual(events(bytes, buffers), events([SAMPLE], buffers));
    });
  }

  test('pendingBytes counts the bytes of an unfinished reply', () => {
    const { replies, decoder } = decoderFor();
    decoder.feed(Buffer.from('+OK\r\n*2\r\n:1'));
    assert.equal(decoder.pendingBytes, 6);
    decoder.feed(Buffer.from('\r\n$3\r\nab'));
    assert.equal(decoder.pendingBytes, 14);
    decoder.feed(Buffer.from('c\r\n'));
    assert.equal(decoder.pendingBytes, 0);
    assert.deepEqual(replies, ['OK', [1, 'abc']]);
    decoder.feed(Buffer.from(`$100000\r\n${'a'.repeat(50_000)}`));
    assert.equal(decoder.pendingBytes, 50_009);
  });

  test('a 10 MB bulk string in 64 KB chunks is collected once (and a UTF-8 char split across chunks survives)', () => {
    const size = 10 * 1024 * 1024;
    const body = Buffer.alloc(size, 'é');
    const wire = Buffer.concat([Buffer.from(`*2\r\n$${size}\r\n`), body, Buffer.from('\r\n:1\r\n')]);
    for (const buffers of [false, true]) {
      const { replies, decoder } = decoderFor({ buffers });
      const started = process.hrtime.bigint();
      for (let at = 0; at < wire.length; at += 65_535) decoder.feed(wire.subarray(at, at + 65_535));
      // A quadratic decoder would take minutes here; the bound is only a guard against that.
      assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 5000);
      const [reply] = replies as [RespValue[]];
      assert.equal(reply[1], 1);
      if (buffers) assert.ok(body.equals(reply[0] as Buffer));
      else assert.equal(reply[0], body.toString());
    }
  });

  test('long strings mixing ASCII and multi-byte characters decode the same in any chunking', () => {
    const text = `${'a'.repeat(70_000)}é${'b'.repeat(5)}中${'c'.repeat(65_530)}🙂\u0080${'d'.repeat(30_000)}`;
    const body = Buffer.from(text);
    const invalid = Buffer.concat([Buffer.alloc(40_000, 'x'), Buffer.from([0xc3]), Buffer.alloc(40_000, 'y')]);
    const wire = Buffer.concat([
      Buffer.from(`$${body.length}\r\n`),
      body,
      Buffer.from(`\r\n$${invalid.length}\r\n`),
      invalid,
      Buffer.from('\r\n'),
    ]);
    const want = [text, invalid.toString()];
    for (const size of [7, 1000, 65_536, 70_001, wire.length]) {
      const { replies, decoder } = decoderFor();
      for (let at = 0; at < wire.length; at += size) decoder.feed(wire.subarray(at, at + size));
      assert.deepEqual(replies, want, `chunks of ${size}`);
    }
    // Splits inside and around every non-ASCII character, in 64 KB chunks elsewhere.
    for (let at = 0; at < wire.length; at++) {
      if (wire[at]! < 0x80) continue;
      for (let split = at - 1; split <= at + 2; split++) {
        const { replies, decoder } = decoderFor();
        decoder.feed(wire.subarray(0, split));
        for (let from = split; from < wire.length; from += 65_536) decoder.feed(wire.subarray(from, from + 65_536));
        assert.deepEqual(replies, want, `split at ${split}`);
      }
    }
  });

  test('a big array of small elements split in many chunks is not re-parsed from its start', () => {
    const count = 200_000;
    let wire = `*${count}\r\n`;
    for (let i = 0; i < count; i++) wire += `$1\r\n${i % 10}\r\n`;
    const bytes = Buffer.from(wire);
    const { replies, decoder } = decoderFor();
    const started = process.hrtime.bigint();
    for (let at = 0; at < bytes.length; at += 1000) decoder.feed(bytes.subarray(at, at + 1000));
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 5000);
    const [reply] = replies as [string[]];
    assert.equal(reply.length, count);
    assert.equal(reply[count - 1], String((count - 1) % 10));
  });

  test('Buffer mode views are not changed by later input', () => {
    const { replies, decoder } = decoderFor({ buffers: true });
    decoder.feed(Buffer.from('$3\r\nabc\r\n$3\r\nde'));
    decoder.feed(Buffer.from('f\r\n'));
    assert.deepEqual(replies, [Buffer.from('abc'), Buffer.from('def')]);
  });
});

describe('RespDecoder: state', () => {
  test('reset() drops a partial reply', () => {
    const { replies, decoder } = decoderFor();
    decoder.feed(Buffer.from('*2\r\n:1\r\n$5\r\nab'));
    decoder.reset();
    assert.equal(decoder.pendingBytes, 0);
    decoder.feed(Buffer.from(':7\r\n'));
    assert.deepEqual(replies, [7]);
  });

  test('reset() from inside onReply stops the rest of the chunk', () => {
    const replies: RespValue[] = [];
    const decoder: RespDecoder = new RespDecoder({
      onReply: (reply) => {
        replies.push(reply);
        if (reply === 2) decoder.reset();
      },
    });
    decoder.feed(Buffer.from(':1\r\n:2\r\n:3\r\n'));
    assert.deepEqual(replies, [1, 2]);
    assert.equal(decoder.pendingBytes, 0);
    decoder.feed(Buffer.from(':4\r\n'));
    assert.deepEqual(replies, [1, 2, 4]);
  });

  test('a callback that throws stops the decoder', () => {
    const decoder = new RespDecoder({
      onReply: () => {
        throw new Error('boom');
      },
    });
    assert.throws(() => decoder.feed(Buffer.from(':1\r\n')), /boom/);
    assert.throws(() => decoder.feed(Buffer.from(':1\r\n')), ProtocolError);
  });

  test('options are validated', () => {
    assert.throws(() => new RespDecoder({ onReply: () => {}, maxDepth: 0 }), InvalidArgumentError);
    assert.throws(() => new RespDecoder({ onReply: () => {}, maxBulkLength: -1 }), InvalidArgumentError);
  });
});

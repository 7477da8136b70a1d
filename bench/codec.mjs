// Decoder throughput of respool's RESP codec side by side with redis-parser, on the same bytes in the
// same chunks. Imports the compiled codec (run `npm run build` first).
//   node bench/codec.mjs [--quick]     prints a table; runCodecBench({ quick }) returns the numbers.
// RESPOOL_CODEC=<path to resp/index.js> measures another build (e.g. one compiled to a temp folder);
// CODEC_BENCH_ONLY=<scenario>[,<scenario>…] runs only those scenarios.
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const RedisParser = require('redis-parser');
const codecUrl = process.env.RESPOOL_CODEC
  ? pathToFileURL(process.env.RESPOOL_CODEC).href
  : new URL('../dist/resp/index.js', import.meta.url).href;

const CHUNK = 64 * 1024;

/** A deterministic PRNG, so every run measures the same bytes. */
function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bulk(text) {
  return `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
}

/** Many small replies: +OK, integers, short bulk strings, small arrays of bulk strings, a few nulls. */
function smallReplies(count) {
  const random = prng(42);
  const parts = [];
  for (let i = 0; i < count; i++) {
    const r = random();
    if (r < 0.25) parts.push('+OK\r\n');
    else if (r < 0.45) parts.push(`:${Math.floor(random() * 1e6)}\r\n`);
    else if (r < 0.75) parts.push(bulk(`value:${Math.floor(random() * 1e9)}:${'x'.repeat(Math.floor(random() * 24))}`));
    else if (r < 0.95) {
      const n = 1 + Math.floor(random() * 5);
      let s = `*${n}\r\n`;
      for (let j = 0; j < n; j++) s += bulk(`field:${j}:${Math.floor(random() * 1e6)}`);
      parts.push(s);
    } else parts.push('$-1\r\n');
  }
  return { bytes: Buffer.from(parts.join('')), replies: count };
}

function largeBulks(size, count) {
  const body = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(Math.ceil(size / 36)).slice(0, size);
  return { bytes: Buffer.from(bulk(body).repeat(count)), replies: count };
}

function chunked(bytes) {
  const chunks = [];
  for (let i = 0; i < bytes.length; i += CHUNK) chunks.push(bytes.subarray(i, i + CHUNK));
  return chunks;
}

function makeRespool(RespDecoder, returnBuffers) {
  const state = { replies: 0 };
  const decoder = new RespDecoder({ onReply: () => state.replies++ });
  decoder.returnBuffers = returnBuffers;
  return { state, feed: (chunk) => decoder.feed(chunk) };
}

function makeRedisParser(returnBuffers) {
  const state = { replies: 0 };
  const parser = new RedisParser({
    returnReply: () => state.replies++,
    returnError: () => state.replies++,
    returnFatalError: (e) => {
      throw e;
    },
    returnBuffers,
  });
  return { state, feed: (chunk) => parser.execute(chunk) };
}

/**
 * Feeds the whole stream `passes` times; returns ms per pass. Time is this process's CPU time (user +
 * system, GC threads included), so other programs sharing the machine disturb the ratio less.
 */
function timePasses(target, chunks, passes, expected) {
  const start = process.cpuUsage();
  for (let p = 0; p < passes; p++) for (const chunk of chunks) target.feed(chunk);
  const used = process.cpuUsage(start);
  const ms = (used.user + used.system) / 1000;
  if (target.state.replies !== expected * passes) {
    throw new Error(`decoded ${target.state.replies} replies, expected ${expected * passes}`);
  }
  target.state.replies = 0;
  return ms / passes;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function runCodecBench({ quick = false } = {}) {
  const { RespDecoder } = await import(codecUrl);
  const only = process.env.CODEC_BENCH_ONLY;
  const scenarios = [
    { name: 'small replies', returnBuffers: false, ...smallReplies(quick ? 20_000 : 100_000) },
    { name: 'small replies (Buffers)', returnBuffers: true, ...smallReplies(quick ? 20_000 : 100_000) },
    { name: 'bulk 100 KB', returnBuffers: false, ...largeBulks(100 * 1024, quick ? 40 : 200) },
    { name: 'bulk 1 MB', returnBuffers: false, ...largeBulks(1024 * 1024, quick ? 8 : 40) },
    { name: 'bulk 1 MB (Buffers)', returnBuffers: true, ...largeBulks(1024 * 1024, quick ? 8 : 40) },
  ];
  const rounds = quick ? 5 : 15;
  const results = {};
  for (const scenario of scenarios.filter((s) => !only || only.split(',').includes(s.name))) {
    const chunks = chunked(scenario.bytes);
    const mb = scenario.bytes.length / (1024 * 1024);
    const passes = Math.max(1, Math.round((quick ? 8 : mb > 10 ? 80 : 40) / mb));
    const ours = makeRespool(RespDecoder, scenario.returnBuffers);
    const theirs = makeRedisParser(scenario.returnBuffers);
    timePasses(ours, chunks, passes, scenario.replies); // warm up both
    timePasses(theirs, chunks, passes, scenario.replies);
    const oursMs = [];
    const theirsMs = [];
    for (let r = 0; r < rounds; r++) {
      // Alternate the order so that neither side always runs on a warmer (or more fragmented) heap.
      if (r % 2 === 0) {
        oursMs.push(timePasses(ours, chunks, passes, scenario.replies));
        theirsMs.push(timePasses(theirs, chunks, passes, scenario.replies));
      } else {
        theirsMs.push(timePasses(theirs, chunks, passes, scenario.replies));
        oursMs.push(timePasses(ours, chunks, passes, scenario.replies));
      }
    }
    const rate = (ms) => ({
      mbPerSec: mb / (ms / 1000),
      repliesPerSec: scenario.replies / (ms / 1000),
    });
    const respool = rate(median(oursMs));
    const redisParser = rate(median(theirsMs));
    results[scenario.name] = {
      bytes: scenario.bytes.length,
      replies: scenario.replies,
      chunkSize: CHUNK,
      respool,
      redisParser,
      ratio: respool.mbPerSec / redisParser.mbPerSec,
    };
  }
  return results;
}

function printTable(results) {
  const rows = Object.entries(results).map(([name, r]) => ({
    scenario: name,
    'respool MB/s': r.respool.mbPerSec.toFixed(0),
    'respool replies/s': Math.round(r.respool.repliesPerSec).toLocaleString('en-US'),
    'redis-parser MB/s': r.redisParser.mbPerSec.toFixed(0),
    'redis-parser replies/s': Math.round(r.redisParser.repliesPerSec).toLocaleString('en-US'),
    'ratio respool/redis-parser': `${r.ratio.toFixed(2)}x`,
  }));
  console.table(rows);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quick = process.argv.includes('--quick');
  printTable(await runCodecBench({ quick }));
}

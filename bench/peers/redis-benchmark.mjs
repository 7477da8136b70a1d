// The ceiling: redis-benchmark (C client shipped with redis-server) with 16-deep
// pipelines, GET/SET of 64 B values on the same private server. W3 is reported as a
// fraction of it: how close a Node client gets to what the server can do here.
import { spawn, spawnSync } from 'node:child_process';
import { SMALL_VALUE_BYTES, N_SMALL_KEYS } from './workloads.mjs';

export const CEILING_ID = 'redis-benchmark -P 16';

export function haveRedisBenchmark() {
  return spawnSync('redis-benchmark', ['--version'], { stdio: 'ignore' }).status === 0;
}

export function ceilingArgv(server, quick) {
  return [
    '-h', server.host,
    '-p', String(server.port),
    '-t', 'get,set',
    '-d', String(SMALL_VALUE_BYTES),
    '-r', String(N_SMALL_KEYS),
    '-c', '50',
    '-P', '16',
    '-n', quick ? '200000' : '1000000',
    '-q',
  ]; // prettier-ignore
}

/** Runs it once; resolves { ok, rps: { GET, SET }, mixRps, argv } (mixRps = 50/50 mix, harmonic mean). */
export function runCeiling(server, quick, liveChildren) {
  const argv = ceilingArgv(server, quick);
  return new Promise((resolve) => {
    const child = spawn('redis-benchmark', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    liveChildren.add(child);
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', (e) => (text += String(e)));
    child.on('close', (code) => {
      clearTimeout(timer);
      liveChildren.delete(child);
      const rps = {};
      // -q prints e.g. "SET: 812345.69 requests per second, p50=0.607 msec"
      for (const m of text.matchAll(/([A-Z]+): ([\d.]+) requests per second/g)) rps[m[1]] = Number(m[2]);
      const ok = Number.isFinite(rps.GET) && Number.isFinite(rps.SET);
      resolve({
        ok,
        argv,
        rps,
        mixRps: ok ? 2 / (1 / rps.GET + 1 / rps.SET) : NaN,
        error: ok ? undefined : `exit ${code}: ${text.trim().slice(-300)}`,
      });
    });
  });
}

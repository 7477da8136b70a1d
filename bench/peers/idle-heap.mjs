// Parent side of the idle-heap measurement: one fresh `node --expose-gc` child.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { IDLE_HEAP_ENTRY, REPO_DIR } from './harness/paths.mjs';

export const IDLE_HEAP_TARGET_BYTES = 50 * 1024;

export function measureIdleHeap({ server, conns, liveChildren }) {
  const distPath = path.join(REPO_DIR, 'dist', 'index.js');
  if (!existsSync(distPath))
    return Promise.resolve({ ok: false, conns, error: 'dist/index.js missing: npm run build' });
  const spec = { distPath, host: server.host, port: server.port, conns };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', IDLE_HEAP_ENTRY, JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    liveChildren.add(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      liveChildren.delete(child);
      const line = out.split('\n').find((l) => l.startsWith('@@RESULT '));
      if (line) return resolve(JSON.parse(line.slice('@@RESULT '.length)));
      const tail = (err || out).trim().split('\n').slice(-3).join(' | ');
      resolve({ ok: false, conns, error: `exit ${code}${signal ? ' ' + signal : ''}: ${tail}` });
    });
  });
}

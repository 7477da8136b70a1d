// Derived from the team's peer-bench (../shared/peer-bench, not in this repo): same workloads and method.
// Helpers shared by the built-in adapters (not part of the adapter contract).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);

/**
 * Version of an installed package. Reads package.json found above the resolved
 * entry point, because some packages (valkey-glide) hide package.json from "exports".
 */
export function pkgVersion(name) {
  try {
    return require(`${name}/package.json`).version;
  } catch {
    // fall through
  }
  try {
    let dir = path.dirname(require.resolve(name));
    for (let i = 0; i < 5; i++, dir = path.dirname(dir)) {
      try {
        const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
        if (pkg.name === name) return pkg.version;
      } catch {
        // keep walking up
      }
    }
  } catch {
    // not installed
  }
  return 'unknown';
}

/**
 * ioredis' pipeline().exec() resolves [[err, reply], ...] instead of rejecting;
 * the contract wants a rejection on any failed command, so that a broken
 * adapter cannot look fast. Commands are added one by one as lower-case
 * methods (ioredis looks them up that way).
 */
export async function ioredisPipeline(redis, cmds) {
  const p = redis.pipeline();
  for (const c of cmds) p[c[0].toLowerCase()](...c.slice(1));
  const res = await p.exec();
  const out = new Array(res.length);
  for (let i = 0; i < res.length; i++) {
    if (res[i][0]) throw res[i][0];
    out[i] = res[i][1];
  }
  return out;
}

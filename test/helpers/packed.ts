/**
 * The package as a user installs it: `npm pack` of the built tree (no build here: `npm test` builds first),
 * unpacked into a temporary `node_modules/respool`, with its dependencies and peers linked from this
 * checkout. Children run from that folder, so `require('respool')` resolves through the published `exports`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface PackageJson {
  name: string;
  engines: { node: string };
  exports: Record<string, unknown>;
  typesVersions?: Record<string, Record<string, string[]>>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export function packageJson(): PackageJson {
  return JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson;
}

export interface Installed {
  /** The folder whose node_modules holds the packed package; run children here. */
  dir: string;
  /** The unpacked package itself. */
  packageDir: string;
  remove(): void;
}

/** Packs and unpacks the package; throws with what to do when dist/ is missing. */
export function installPacked(): Installed {
  if (!existsSync(path.join(ROOT, 'dist', 'index.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'respool-packed-'));
  const packed = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
  const packageDir = path.join(dir, 'node_modules', 'respool');
  mkdirSync(packageDir, { recursive: true });
  const untar = spawnSync('tar', ['xzf', path.join(dir, filename), '-C', packageDir, '--strip-components=1']);
  if (untar.status !== 0) throw new Error(`tar failed: ${String(untar.stderr)}`);
  const pkg = packageJson();
  for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies })) {
    const from = path.join(ROOT, 'node_modules', dep);
    const to = path.join(dir, 'node_modules', dep);
    mkdirSync(path.dirname(to), { recursive: true });
    if (existsSync(from)) symlinkSync(from, to, 'dir');
  }
  return { dir, packageDir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end (killed after `timeoutMs`) and collects its output. */
export function runChild(
  command: string,
  args: string[],
  options: { cwd: string; timeoutMs?: number; env?: NodeJS.ProcessEnv },
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...options.env };
    delete env['NODE_TEST_CONTEXT']; // the child is a program, not a test file
    delete env['NODE_OPTIONS']; // no tsx loader: the child sees what a user's program sees
    const child = spawn(command, args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

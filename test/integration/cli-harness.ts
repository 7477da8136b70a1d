/**
 * Runs the `respool` CLI as a child process from its TypeScript source (through tsx, so no build is
 * needed); `REDIS_URL` is removed from its environment so that nothing can default to 6379.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI_ARGS = ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts')];

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['REDIS_URL'];
  delete env['NODE_TEST_CONTEXT']; // the child is a program, not a test file
  return env;
}

/** Runs a command and collects its output; kills it after `timeoutMs`. */
export function run(command: string, args: string[], timeoutMs = 20_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function cli(args: string[], timeoutMs?: number): Promise<CliRun> {
  return run(process.execPath, [...CLI_ARGS, ...args], timeoutMs);
}

/** Quotes one argument for `sh -c`. */
export function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

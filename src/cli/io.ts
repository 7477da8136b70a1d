/** What every command gets from main: where to write, and a signal for Ctrl-C. */
export interface CliIO {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Aborted on SIGINT/SIGTERM: commands end early, clean up and still report. */
  signal: AbortSignal;
}

export function logTo(io: CliIO): (line: string) => void {
  return (line) => io.stderr.write(`${line}\n`);
}

/** Resolves after `ms`, or as soon as the signal fires. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

export function printJson(io: CliIO, value: unknown, pretty = true): void {
  io.stdout.write(`${JSON.stringify(value, jsonSafe, pretty ? 2 : undefined)}\n`);
}

/** NaN and Infinity become null in JSON anyway; say so explicitly so scripts see a consistent shape. */
function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

#!/usr/bin/env node
/**
 * The `respool` command: load, doctor, advise, stats. Argument parsing by commander.
 *
 * Exit codes: 0 done (doctor: nothing to fix); 1 the command ran and found a problem (doctor
 * warnings, a load in which nothing succeeded) or an unexpected error; 2 the command could not
 * start: a usage error, an invalid URL or option, an unreachable or unusable server. Errors are
 * one line on stderr: `respool: <what went wrong>`.
 */
import { createRequire } from 'node:module';
import { Command, CommanderError, InvalidArgumentError as FlagError, Option } from 'commander';
import { runAdvise } from './advise.js';
import { runDoctor } from './doctor.js';
import type { CliIO } from './io.js';
import type { ClientOptions } from './library.js';
import { runLoad } from './load.js';
import { runStats } from './stats.js';
import { CliError, DEFAULT_URL, firstLine } from './target.js';
import { LOAD_COMMANDS, type LoadCommandName } from './workloads.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (text: string): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new FlagError(max === Number.MAX_SAFE_INTEGER ? `expected an integer >= ${min}` : `expected ${min}–${max}`);
    }
    return n;
  };
}

function seconds(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 86_400) {
    throw new FlagError('expected a number of seconds > 0');
  }
  return n;
}

/** `-o name=value`, repeatable: numbers and booleans are converted, everything else stays a string. */
function optionPair(text: string, previous: ClientOptions): ClientOptions {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new FlagError('expected name=value, e.g. poolTimeout=100');
  const name = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1).trim();
  const value: unknown = /^-?\d+(\.\d+)?$/.test(raw)
    ? Number(raw)
    : raw === 'true'
      ? true
      : raw === 'false'
        ? false
        : raw;
  return { ...previous, [name]: value };
}

const urlOption = () =>
  new Option('--url <url>', 'server URL: redis://[user:pass@]host[:port][/db], rediss://… or unix:///path.sock')
    .env('REDIS_URL')
    .default(DEFAULT_URL);

const commandOption = () => new Option('--command <name>', 'workload').choices(LOAD_COMMANDS).default('mixed');

export function buildProgram(io: CliIO, setExitCode: (code: number) => void): Command {
  const program = new Command('respool')
    .description('See the respool pool at work: drive load, diagnose a server, size the pool, watch connections.')
    .version(version, '-V, --version')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  program
    .command('load')
    .description('drive load against a server with the real client; live progress, then a summary and a histogram')
    .addOption(urlOption())
    .option('--pool-size <n>', 'poolSize of the client (default: the client default, 10 × CPUs)', integer(1))
    .option('-c, --concurrency <n>', 'closed-loop callers', integer(1, 100_000), 50)
    .option('-d, --duration <s>', 'seconds to run (Ctrl-C ends early and still reports)', seconds, 10)
    .addOption(commandOption())
    .option('--value-size <bytes>', 'value size for SET and the pre-filled keys', integer(0, 64 * 1024 * 1024), 64)
    .option('--pipeline <p>', 'commands per operation: P > 1 sends explicit pipelines of P', integer(1, 100_000), 1)
    .option('--keys <n>', 'size of the key space (written before, removed after)', integer(1, 10_000_000), 1000)
    .option('--json', 'print the summary as JSON on stdout (progress stays on stderr)', false)
    .option('--spawn', 'start a private redis-server on the URL port when nothing answers there', false)
    .option('--no-progress', 'no live status line')
    .action(async (opts: Record<string, unknown>) => {
      setExitCode(
        await runLoad(
          {
            url: opts['url'] as string,
            ...(opts['poolSize'] === undefined ? {} : { poolSize: opts['poolSize'] as number }),
            concurrency: opts['concurrency'] as number,
            duration: opts['duration'] as number,
            command: opts['command'] as LoadCommandName,
            valueSize: opts['valueSize'] as number,
            pipeline: opts['pipeline'] as number,
            keys: opts['keys'] as number,
            json: opts['json'] === true,
            spawn: opts['spawn'] === true,
            progress: opts['progress'] !== false,
          },
          io,
        ),
      );
    });

  program
    .command('doctor')
    .description('check a server and client options: version, protocol, TLS, RTT, client headroom, idle timeouts')
    .addOption(urlOption())
    .option(
      '-o, --option <name=value>',
      'a client option to check, repeatable (e.g. -o poolTimeout=100)',
      optionPair,
      {},
    )
    .option('--json', 'print the report as JSON', false)
    .option('--spawn', 'start a private redis-server on the URL port when nothing answers there', false)
    .action(async (opts: Record<string, unknown>) => {
      setExitCode(
        await runDoctor(
          {
            url: opts['url'] as string,
            spawn: opts['spawn'] === true,
            json: opts['json'] === true,
            options: opts['option'] as ClientOptions,
          },
          io,
        ),
      );
    });

  program
    .command('advise')
    .description("measure RTT and throughput, then recommend poolSize, minIdleConns and timeouts (Little's law)")
    .addOption(urlOption())
    .requiredOption('--target-ops <n>', 'the command rate the application needs, per second', integer(1))
    .option('-d, --duration <s>', 'seconds of measurement under load', seconds, 3)
    .option('-c, --concurrency <n>', 'callers during the measurement', integer(1, 100_000), 64)
    .addOption(commandOption())
    .option('--value-size <bytes>', 'value size during the measurement', integer(0, 64 * 1024 * 1024), 64)
    .option('--json', 'print the recommendation as JSON', false)
    .action(async (opts: Record<string, unknown>) => {
      setExitCode(
        await runAdvise(
          {
            url: opts['url'] as string,
            targetOps: opts['targetOps'] as number,
            duration: opts['duration'] as number,
            concurrency: opts['concurrency'] as number,
            command: opts['command'] as LoadCommandName,
            valueSize: opts['valueSize'] as number,
            json: opts['json'] === true,
          },
          io,
        ),
      );
    });

  program
    .command('stats')
    .description("sample the server's INFO clients/stats, once or every interval with --watch")
    .addOption(urlOption())
    .option('-w, --watch', 'keep sampling until Ctrl-C', false)
    .option('-i, --interval <s>', 'seconds between samples', seconds, 1)
    .option('-n, --count <n>', 'with --watch: stop after n samples', integer(1))
    .option('--json', 'one JSON object per sample (one per line)', false)
    .action(async (opts: Record<string, unknown>) => {
      setExitCode(
        await runStats(
          {
            url: opts['url'] as string,
            watch: opts['watch'] === true,
            interval: opts['interval'] as number,
            ...(opts['count'] === undefined ? {} : { count: opts['count'] as number }),
            json: opts['json'] === true,
          },
          io,
        ),
      );
    });

  program.addHelpText(
    'after',
    '\nExamples:\n' +
      '  respool load --spawn                      drive load (starts a private server if none answers on 6379)\n' +
      '  respool doctor --url redis://cache:6379   check a server\n' +
      '  respool advise --target-ops 50000         recommend pool options\n' +
      '  respool stats --watch                     watch connections while an app runs\n',
  );
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    // First Ctrl-C: stop and report; second: leave now.
    if (++interrupts > 1) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const io: CliIO = { stdout: process.stdout, stderr: process.stderr, signal: controller.signal };
  let exitCode = 0;
  try {
    await buildProgram(io, (code) => (exitCode = code)).parseAsync(argv);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander printed its message already; help and version are successes.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2;
    }
    io.stderr.write(`respool: ${firstLine(err)}\n`);
    return err instanceof CliError ? err.exitCode : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

// Exit explicitly: the output is written (pipes and terminals are synchronous on POSIX) and nothing else matters.
main(process.argv).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`respool: ${firstLine(err)}\n`);
    process.exit(1);
  },
);

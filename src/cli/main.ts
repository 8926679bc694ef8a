#!/usr/bin/env node
/**
 * The `digitnet` command. Every failure a user can cause ends as one line on
 * stderr and a non-zero exit: 2 for bad usage, 1 for bad data; a stack trace
 * only with DIGITNET_DEBUG=1.
 */
import { Command, CommanderError } from 'commander';
import { DigitNetError } from '../errors.js';
import { exitCodeOf } from './exit-codes.js';
import { VERSION } from '../version.js';
import { evalCommand } from './eval-command.js';
import { exportCommand } from './export-command.js';
import { predictCommand } from './predict-command.js';
import { serveCommand } from './serve-command.js';
import { trainCommand } from './train-command.js';

export function buildProgram(): Command {
  const program = new Command('digitnet')
    .description('DigitNet: handwritten digit recognition with a from-scratch neural network')
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      // Commander's own errors ("error: unknown option '--x'") become one "digitnet: …" line.
      outputError: (message, write) => write(`digitnet: ${message.replace(/^error: /, '')}`),
    });
  for (const command of [trainCommand(), evalCommand(), predictCommand(), serveCommand(), exportCommand()]) {
    program.addCommand(command.exitOverride().configureOutput(program.configureOutput()));
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    // A command may end with a code of its own (predict: 3 when a picture is not a digit).
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are "errors" to commander; they exit 0.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof DigitNetError) {
      process.stderr.write(`digitnet: ${e.message}\n`);
      return exitCodeOf(e);
    }
    const err = e as Error;
    process.stderr.write(`digitnet: internal error: ${err?.message ?? String(e)} (run with DIGITNET_DEBUG=1 for details)\n`);
    if (process.env.DIGITNET_DEBUG) process.stderr.write(`${err?.stack}\n`);
    return 1;
  }
}

// A reader that goes away (`digitnet train | head`) is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

process.exitCode = await main(process.argv.slice(2));

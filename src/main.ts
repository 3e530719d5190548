/**
 * The one top-level handler: parses argv with the registry, runs the command, renders its result to
 * stdout, and turns every error into a message + hint on stderr and an exit code.
 */
import { CommanderError, type Command } from 'commander';
import { buildProgram, type CommandSpec } from './cli.js';
import type { CommandContext, GlobalOptions } from './commands/types.js';
import { ExitCode, MskctlError } from './output/errors.js';
import { createLogger, type Logger } from './output/log.js';
import { redactString } from './output/redact.js';
import { renderResult, type OutputFormat } from './output/render.js';
import { packageVersion } from './version.js';


function globalOptionsOf(command: Command): GlobalOptions {
  const all = command.optsWithGlobals<Record<string, unknown>>();
  const quiet = Boolean(all.quiet);
  const verbose = Boolean(all.verbose) && !quiet;
  return {
    output: (all.output as OutputFormat | undefined) ?? 'table',
    context: all.context as string | undefined,
    region: all.region as string | undefined,
    profile: all.profile as string | undefined,
    endpointUrl: all.endpointUrl as string | undefined,
    verbose,
    quiet,
    color: all.color !== false && process.stdout.isTTY === true && process.env.NO_COLOR === undefined,
  };
}

/** Outcome of a run, for main() and for tests that call run() in-process. */
export interface RunOutcome {
  exitCode: number;
}

export interface RunIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

function reportError(error: unknown, format: OutputFormat | undefined, verbose: boolean, io: RunIo): number {
  const known =
    error instanceof MskctlError
      ? error
      : new MskctlError(`internal error: ${error instanceof Error ? error.message : String(error)}`, {
          code: 'INTERNAL',
          exitCode: ExitCode.OPERATIONAL,
          hint: 'this is a bug in mskctl; run again with --verbose and report the output',
        });
  if (format === 'json') {
    io.stderr.write(redactString(JSON.stringify(known.toJSON())) + '\n');
  } else {
    let text = `error: ${known.message}`;
    if (known.hint) text += `\nhint: ${known.hint}`;
    io.stderr.write(redactString(text) + '\n');
  }
  if (verbose && error instanceof Error && error.stack) {
    io.stderr.write(redactString(error.stack) + '\n');
    if (error.cause instanceof Error && error.cause.stack) io.stderr.write(redactString(`caused by: ${error.cause.stack}`) + '\n');
  }
  return known.exitCode;
}

export async function run(argv: string[], io: RunIo = { stdout: process.stdout, stderr: process.stderr }): Promise<RunOutcome> {
  let exitCode: number = ExitCode.OK;
  let format: OutputFormat | undefined;
  let verbose = argv.includes('--verbose') || argv.includes('-v');
  const controller = new AbortController();
  let interruptions = 0;
  const onSignal = (): void => {
    interruptions += 1;
    if (interruptions > 1) process.exit(ExitCode.INTERRUPTED);
    controller.abort();
  };

  const program = buildProgram(packageVersion(), async (spec: CommandSpec, command: Command, args: unknown[]) => {
    const global = globalOptionsOf(command);
    format = global.output;
    verbose = global.verbose;
    const log: Logger = createLogger({
      level: global.quiet ? 'quiet' : global.verbose ? 'verbose' : 'normal',
      color: global.color,
      stream: io.stderr,
    });
    const handlerModule = await spec.load!();
    const ctx: CommandContext = {
      args: args as CommandContext['args'],
      // a parent command that has its own options (mskctl replicate) parses them even after the subcommand name
      options: command.parent?.parent ? { ...command.parent.opts(), ...command.opts() } : command.opts(),
      global,
      log,
      signal: controller.signal,
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const result = await handlerModule.run(ctx);
      io.stdout.write(renderResult(result.data, global.output, result.table, { color: global.color }));
      exitCode = result.exitCode ?? ExitCode.OK;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  });
  program.exitOverride();
  program.configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
    outputError: (s, write) => write(s),
  });
  // commander's own usage errors should also carry exit 2
  const applyExitOverride = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
    for (const sub of cmd.commands) applyExitOverride(sub);
  };
  applyExitOverride(program);

  try {
    await program.parseAsync(argv, { from: 'node' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') {
        return { exitCode: ExitCode.OK };
      }
      // commander already printed its message; usage errors are exit 2
      return { exitCode: ExitCode.USAGE };
    }
    return { exitCode: reportError(error, format, verbose, io) };
  }
  return { exitCode };
}

export async function main(argv: string[] = process.argv): Promise<void> {
  // `mskctl ... | head` closes stdout early: stop quietly instead of printing an EPIPE stack trace
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const outcome = await run(argv);
  process.exitCode = outcome.exitCode;
}


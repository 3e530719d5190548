/** The contract between the registry (src/cli.ts) and the thin command adapters in this folder. */
import type { Logger } from '../output/log.js';
import type { OutputFormat, RenderOptions } from '../output/render.js';

export interface GlobalOptions {
  output: OutputFormat;
  context?: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  verbose: boolean;
  quiet: boolean;
  color: boolean;
}

export interface CommandContext<O = Record<string, unknown>> {
  /** positional arguments, in the order the spec declares them */
  args: Array<string | string[] | undefined>;
  /** the command's own options (camelCased by commander), without the global ones */
  options: O;
  global: GlobalOptions;
  log: Logger;
  /** aborted on SIGINT/SIGTERM: long-running commands flush, save state and throw interrupted() */
  signal: AbortSignal;
}

export interface CommandResult<T = unknown> {
  data: T;
  /** human rendering for --output table; json/yaml render `data` */
  table?: (data: T, options: RenderOptions) => string;
  /** diagram for --output mermaid, for commands that draw one */
  mermaid?: (data: T) => string;
  /** 0 by default; 1 when a check ran and found a problem */
  exitCode?: 0 | 1;
}

export type CommandHandler<O = Record<string, unknown>> = (ctx: CommandContext<O>) => Promise<CommandResult<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface CommandModule {
  run: CommandHandler<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

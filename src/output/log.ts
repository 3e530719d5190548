/**
 * Diagnostics go to stderr, results to stdout (aws-cdk's convention). The logger honours
 * --quiet / --verbose and redacts every line it writes.
 */
import { redactString } from './redact.js';

export type LogLevel = 'quiet' | 'normal' | 'verbose';

export interface Logger {
  readonly level: LogLevel;
  /** progress and notes; hidden by --quiet */
  info(message: string): void;
  /** shown unless --quiet */
  warn(message: string): void;
  /** always shown */
  error(message: string): void;
  /** only with --verbose */
  debug(message: string): void;
  /** true when live (rewriting) progress is allowed: stderr is a TTY and CI is unset */
  readonly live: boolean;
}

export interface LoggerOptions {
  level?: LogLevel;
  color?: boolean;
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stderr;
  const env = options.env ?? process.env;
  const level = options.level ?? 'normal';
  const color = options.color ?? (Boolean(stream.isTTY) && env.NO_COLOR === undefined);
  const paint = (code: string, text: string): string => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const write = (text: string): void => {
    stream.write(redactString(text) + '\n');
  };
  return {
    level,
    live: Boolean(stream.isTTY) && !env.CI,
    info: (m) => {
      if (level !== 'quiet') write(m);
    },
    warn: (m) => {
      if (level !== 'quiet') write(paint('33', `warning: ${m}`));
    },
    error: (m) => write(paint('31', m)),
    debug: (m) => {
      if (level === 'verbose') write(paint('2', m));
    },
  };
}

/** A logger that records lines, for unit tests of cores that report progress. */
export function memoryLogger(level: LogLevel = 'verbose'): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    level,
    live: false,
    lines,
    info: (m) => lines.push(m),
    warn: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(m),
    debug: (m) => lines.push(m),
  };
}

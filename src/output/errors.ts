/**
 * The one error type of mskctl. Every failure a user can act on is thrown as an MskctlError;
 * the top-level handler in src/main.ts prints it (text or JSON) and exits with its exit code.
 */

/** Exit codes, as documented in the README and design.md. */
export const ExitCode = {
  /** success, every check passed */
  OK: 0,
  /** a check ran and found a problem (quota exceeded, connectivity failed, preflight not met, lag not zero) */
  CHECK_FAILED: 1,
  /** usage or input error; nothing was changed */
  USAGE: 2,
  /** operational error: an AWS or Kafka call failed, a timeout */
  OPERATIONAL: 3,
  /** interrupted (SIGINT/SIGTERM) after a clean shutdown */
  INTERRUPTED: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface MskctlErrorOptions {
  /** stable, machine-readable code such as INPUT_INVALID or KAFKA_TIMEOUT */
  code: string;
  exitCode: ExitCodeValue;
  /** what would be right, or what to do next */
  hint?: string;
  /** extra structured detail for --output json (never secrets) */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class MskctlError extends Error {
  readonly code: string;
  readonly exitCode: ExitCodeValue;
  readonly hint?: string;
  readonly details?: Record<string, unknown>;

  constructor(message: string, options: MskctlErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MskctlError';
    this.code = options.code;
    this.exitCode = options.exitCode;
    this.hint = options.hint;
    this.details = options.details;
  }

  toJSON(): { code: string; message: string; hint?: string; details?: Record<string, unknown> } {
    return { code: this.code, message: this.message, hint: this.hint, details: this.details };
  }
}

/** Where in an input a problem sits: a file, and a line or a field path. */
export interface InputLocation {
  file?: string;
  line?: number;
  column?: number;
  /** field path such as workloads[1].avgSize or the flag name --rate */
  path?: string;
}

export function formatLocation(loc: InputLocation): string {
  const parts: string[] = [];
  if (loc.file !== undefined) {
    let where = loc.file;
    if (loc.line !== undefined) where += `:${loc.line}`;
    if (loc.line !== undefined && loc.column !== undefined) where += `:${loc.column}`;
    parts.push(where);
  }
  if (loc.path !== undefined) parts.push(loc.path);
  return parts.join(' ');
}

/**
 * Bad input (exit 2): says where, what was found and what was expected.
 * Example message: "workloads.yaml:7 workloads[0].avgSize: found "30", expected a size with a unit such as 30KB or 30KiB"
 */
export function inputError(
  loc: InputLocation,
  problem: string,
  expected?: string,
  code = 'INPUT_INVALID',
): MskctlError {
  const where = formatLocation(loc);
  const message = where ? `${where}: ${problem}` : problem;
  return new MskctlError(message, {
    code,
    exitCode: ExitCode.USAGE,
    hint: expected === undefined ? undefined : `expected ${expected}`,
    details: { ...loc },
  });
}

export function usageError(message: string, hint?: string, code = 'USAGE'): MskctlError {
  return new MskctlError(message, { code, exitCode: ExitCode.USAGE, hint });
}

export function operationalError(message: string, hint?: string, code = 'OPERATIONAL', cause?: unknown): MskctlError {
  return new MskctlError(message, { code, exitCode: ExitCode.OPERATIONAL, hint, cause });
}

/** A check ran and found a problem (exit 1). */
export function checkFailed(message: string, hint?: string, code = 'CHECK_FAILED'): MskctlError {
  return new MskctlError(message, { code, exitCode: ExitCode.CHECK_FAILED, hint });
}

export function interrupted(message = 'interrupted'): MskctlError {
  return new MskctlError(message, { code: 'INTERRUPTED', exitCode: ExitCode.INTERRUPTED });
}

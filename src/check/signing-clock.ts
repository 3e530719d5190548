/**
 * TEST ONLY: `MSKCTL_TEST_SIGNING_CLOCK_OFFSET` (a duration such as -20m, or milliseconds) shifts the clock
 * that aws-msk-iam-sasl-signer reads while it signs, so the integration tests can make the real signer
 * produce an expired (or not yet valid) token, the way a machine with a wrong clock would. The signer
 * (via @smithy/signature-v4) reads `new Date()` and `Date.now()`, so the global Date is swapped for the
 * duration of one signing call only. mskctl warns on stderr whenever the variable is set.
 */
import { parseDurationMs } from '../sizing/units.js';
import { usageError } from '../output/errors.js';

export const SIGNING_CLOCK_OFFSET_ENV = 'MSKCTL_TEST_SIGNING_CLOCK_OFFSET';

/** The offset in ms, or undefined when the variable is not set. */
export function signingClockOffset(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env[SIGNING_CLOCK_OFFSET_ENV]?.trim();
  if (!text) return undefined;
  const negative = text.startsWith('-');
  const body = negative || text.startsWith('+') ? text.slice(1) : text;
  let ms: number;
  try {
    ms = /^\d+$/.test(body) ? Number(body) : parseDurationMs(body);
  } catch {
    throw usageError(`${SIGNING_CLOCK_OFFSET_ENV}: found ${JSON.stringify(text)}`, 'a signed duration such as -20m or +90s (test only)', 'INPUT_INVALID');
  }
  return negative ? -ms : ms;
}

/** Runs body with Date (constructor without arguments, and Date.now) shifted by offsetMs. */
export async function withShiftedClock<T>(offsetMs: number, body: () => Promise<T>): Promise<T> {
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + offsetMs);
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return RealDate.now() + offsetMs;
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
  try {
    return await body();
  } finally {
    globalThis.Date = RealDate;
  }
}

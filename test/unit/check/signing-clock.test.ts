import { describe, expect, it } from 'vitest';
import { signingClockOffset, withShiftedClock, SIGNING_CLOCK_OFFSET_ENV } from '../../../src/check/signing-clock.js';
import { MskctlError } from '../../../src/output/errors.js';

describe('MSKCTL_TEST_SIGNING_CLOCK_OFFSET (test only)', () => {
  it('is absent unless set; reads signed durations and plain milliseconds', () => {
    expect(signingClockOffset({})).toBeUndefined();
    expect(signingClockOffset({ [SIGNING_CLOCK_OFFSET_ENV]: '-20m' })).toBe(-1_200_000);
    expect(signingClockOffset({ [SIGNING_CLOCK_OFFSET_ENV]: '+90s' })).toBe(90_000);
    expect(signingClockOffset({ [SIGNING_CLOCK_OFFSET_ENV]: '1500' })).toBe(1500);
  });

  it('rejects anything else as a usage error naming the variable', () => {
    expect(() => signingClockOffset({ [SIGNING_CLOCK_OFFSET_ENV]: 'yesterday' })).toThrow(MskctlError);
    expect(() => signingClockOffset({ [SIGNING_CLOCK_OFFSET_ENV]: 'yesterday' })).toThrow(SIGNING_CLOCK_OFFSET_ENV);
  });

  it('shifts new Date() and Date.now() only while the body runs, and restores Date even when it throws', async () => {
    const RealDate = Date;
    const seen = await withShiftedClock(-3_600_000, async () => ({ now: Date.now(), constructed: new Date().getTime(), explicit: new Date(0).getTime() }));
    expect(RealDate.now() - seen.now).toBeGreaterThanOrEqual(3_600_000 - 1000);
    expect(RealDate.now() - seen.constructed).toBeGreaterThanOrEqual(3_600_000 - 1000);
    expect(seen.explicit).toBe(0);
    expect(globalThis.Date).toBe(RealDate);
    await expect(
      withShiftedClock(1000, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(globalThis.Date).toBe(RealDate);
  });
});

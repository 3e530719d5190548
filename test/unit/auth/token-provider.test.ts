import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoizeCredentials, type AwsCredentials } from '../../../src/auth/credentials.js';
import { inspectToken } from '../../../src/auth/token-inspect.js';
import { defaultRefreshMargin, mapCredentialError, MskTokenProvider } from '../../../src/auth/token-provider.js';
import { MskctlError } from '../../../src/output/errors.js';
import { memoryLogger } from '../../../src/output/log.js';
import { FAKE_CREDENTIALS, FAKE_TEMPORARY_CREDENTIALS, FIXED_TIME, freezeClock } from './fixtures.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A static credentials source that counts its calls and can be made slow or failing. */
function countingSource(credentials: AwsCredentials = FAKE_CREDENTIALS) {
  let calls = 0;
  let failNext: Error | undefined;
  let gate: Promise<void> | undefined;
  const source = async (): Promise<AwsCredentials> => {
    calls += 1;
    if (gate) await gate;
    if (failNext) {
      const error = failNext;
      failNext = undefined;
      throw error;
    }
    return credentials;
  };
  return {
    source,
    calls: () => calls,
    failOnce: (error: Error) => {
      failNext = error;
    },
    hold: () => {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

describe('MskTokenProvider with the real signer', () => {
  it('generates a valid token once and serves it from the cache', async () => {
    const clock = freezeClock();
    const counting = countingSource();
    const provider = new MskTokenProvider({ region: 'eu-west-1', credentials: memoizeCredentials(counting.source, { now: clock.now }), now: clock.now });
    const first = await provider.getToken();
    clock.set(FIXED_TIME + 60_000);
    const second = await provider.getToken();
    expect(second.token).toBe(first.token);
    expect(provider.generatedCount).toBe(1);
    expect(counting.calls()).toBe(1);
    expect(first.expiryTime).toBe(FIXED_TIME + 900_000);
    const inspection = inspectToken(first.token, { now: clock.now(), expectedRegion: 'eu-west-1', secretAccessKey: FAKE_CREDENTIALS.secretAccessKey });
    expect(inspection.valid).toBe(true);
    expect(inspection.signature).toBe('verified');
  });

  it('refreshes exactly at the margin before expiry (20% of 900 s = 180 s), with a new X-Amz-Date', async () => {
    const clock = freezeClock();
    const provider = new MskTokenProvider({ region: 'eu-west-1', credentials: async () => FAKE_CREDENTIALS, now: clock.now });
    const first = await provider.getToken();
    clock.set(FIXED_TIME + 720_000 - 1);
    expect((await provider.getToken()).token).toBe(first.token);
    clock.set(FIXED_TIME + 720_000);
    const refreshed = await provider.getToken();
    expect(refreshed.token).not.toBe(first.token);
    expect(refreshed.expiryTime).toBe(FIXED_TIME + 720_000 + 900_000);
    expect(inspectToken(refreshed.token, { now: clock.now() }).issuedAt).toBe(new Date(FIXED_TIME + 720_000).toISOString());
    expect(provider.generatedCount).toBe(2);
  });

  it('shares one in-flight generation between concurrent callers', async () => {
    const clock = freezeClock();
    const counting = countingSource();
    const release = counting.hold();
    const provider = new MskTokenProvider({ region: 'eu-west-1', credentials: memoizeCredentials(counting.source, { now: clock.now }), now: clock.now });
    const oauth = provider.kafkajsOauthBearerProvider();
    const pending = Array.from({ length: 20 }, () => oauth());
    release();
    const results = await Promise.all(pending);
    expect(new Set(results.map((r) => r.value)).size).toBe(1);
    expect(results[0]).toEqual({ value: expect.stringMatching(/^aHR0cHM6Ly9rYWZrYS/) });
    expect(provider.generatedCount).toBe(1);
    expect(counting.calls()).toBe(1);
  });

  it('does not cache a failure: concurrent callers all see it, the next call retries', async () => {
    const clock = freezeClock();
    const counting = countingSource();
    counting.failOnce(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    const provider = new MskTokenProvider({ region: 'eu-west-1', credentials: memoizeCredentials(counting.source, { now: clock.now }), now: clock.now });
    const outcomes = await Promise.allSettled([provider.getToken(), provider.getToken()]);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      const reason = (outcome as PromiseRejectedResult).reason as MskctlError;
      expect(reason).toBeInstanceOf(MskctlError);
      expect(reason.code).toBe('AWS_NO_CREDENTIALS');
      expect(reason.exitCode).toBe(3);
      expect(reason.hint).toMatch(/AWS_PROFILE|--profile/);
    }
    expect(counting.calls()).toBe(1);
    await expect(provider.getToken()).resolves.toMatchObject({ expiryTime: FIXED_TIME + 900_000 });
    expect(counting.calls()).toBe(2);
  });

  it('warns when the signer produces a token MSK would reject (credentials expiring within 15 minutes)', async () => {
    const clock = freezeClock();
    const log = memoryLogger();
    const expiring = { ...FAKE_TEMPORARY_CREDENTIALS, expiration: new Date(FIXED_TIME + 300_500) };
    const provider = new MskTokenProvider({ region: 'eu-west-1', credentials: async () => expiring, now: clock.now, log });
    const token = await provider.getToken();
    expect(token.expiryTime).toBe(FIXED_TIME + 300_500);
    expect(log.lines.some((l) => l.startsWith('warning: the generated token will be rejected: X-Amz-Expires is 300.5'))).toBe(true);
    expect(log.lines.join('\n')).not.toContain(token.token);
  });

  it('uses a margin of 20% of the lifetime, at least 60 s and at most half', () => {
    expect(defaultRefreshMargin(900_000)).toBe(180_000);
    expect(defaultRefreshMargin(200_000)).toBe(60_000);
    expect(defaultRefreshMargin(60_000)).toBe(30_000);
  });
});

describe('memoizeCredentials', () => {
  it('keeps credentials without an expiration for the life of the process', async () => {
    let t = 0;
    const counting = countingSource();
    const memo = memoizeCredentials(counting.source, { now: () => t });
    await memo();
    t = 10 * 24 * 3600_000;
    await memo();
    expect(counting.calls()).toBe(1);
  });

  it('refreshes temporary credentials 16 minutes before they expire, so tokens keep a full 900 s', async () => {
    let t = 0;
    const counting = countingSource({ ...FAKE_TEMPORARY_CREDENTIALS, expiration: new Date(3600_000) });
    const memo = memoizeCredentials(counting.source, { now: () => t });
    await memo();
    t = 3600_000 - 16 * 60_000 - 1;
    await memo();
    expect(counting.calls()).toBe(1);
    t += 1;
    await memo();
    expect(counting.calls()).toBe(2);
  });

  it('does not hammer a source that can only return short-lived credentials', async () => {
    let t = 0;
    const counting = countingSource({ ...FAKE_TEMPORARY_CREDENTIALS, expiration: new Date(300_000) });
    const memo = memoizeCredentials(counting.source, { now: () => t });
    await memo();
    t = 29_999;
    await memo();
    expect(counting.calls()).toBe(1);
    t = 30_000;
    await memo();
    expect(counting.calls()).toBe(2);
  });
});

describe('mapCredentialError', () => {
  it('maps SDK failures to hints and never repeats a secret from the message', () => {
    const leaky = new Error(
      'request to https://sts.amazonaws.com/?X-Amz-Security-Token=IQoJb3JpZ2luSECRET&X-Amz-Signature=0123456789abcdef0123456789abcdef failed: connect ECONNREFUSED',
    );
    const mapped = mapCredentialError(leaky);
    expect(mapped.code).toBe('AWS_UNREACHABLE');
    expect(mapped.message).not.toContain('IQoJb3JpZ2luSECRET');
    expect(mapped.message).not.toContain('0123456789abcdef0123');

    const denied = Object.assign(new Error('User: arn:aws:iam::123456789012:user/dev is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/kafka'), { name: 'AccessDenied' });
    expect(mapCredentialError(denied).code).toBe('AWS_ASSUME_ROLE_DENIED');
    expect(mapCredentialError(new Error('Profile nope could not be found in shared credentials file.')).code).toBe('AWS_PROFILE_NOT_FOUND');
  });
});

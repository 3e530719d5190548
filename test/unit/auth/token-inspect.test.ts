import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeToken, inspectToken, shortenAccessKey, type TokenInspection } from '../../../src/auth/token-inspect.js';
import { MskctlError } from '../../../src/output/errors.js';
import {
  FAKE_CREDENTIALS,
  FAKE_TEMPORARY_CREDENTIALS,
  FIXED_TIME,
  freezeClock,
  realToken,
  tokenToUrl,
  urlToToken,
  withParam,
} from './fixtures.js';

afterEach(() => {
  vi.useRealTimers();
});

function codes(inspection: TokenInspection): string[] {
  return inspection.findings.map((f) => f.code);
}

describe('inspectToken on tokens from the real signer', () => {
  it('reports every field of a fresh token and finds nothing wrong', async () => {
    freezeClock();
    const { token, expiryTime } = await realToken('eu-west-1');
    const inspection = inspectToken(token, { now: FIXED_TIME + 5_000, expectedRegion: 'eu-west-1' });
    expect(inspection.findings).toEqual([]);
    expect(inspection.valid).toBe(true);
    expect(inspection.url.host).toBe('kafka.eu-west-1.amazonaws.com');
    expect(inspection.hostRegion).toBe('eu-west-1');
    expect(inspection.action).toBe('kafka-cluster:Connect');
    expect(inspection.credentialScope).toEqual({
      accessKey: 'AKIA…MPLE',
      accessKeyKind: 'long-term',
      date: '20260301',
      region: 'eu-west-1',
      service: 'kafka-cluster',
      terminator: 'aws4_request',
    });
    expect(inspection.issuedAt).toBe('2026-03-01T12:00:00.000Z');
    expect(inspection.expiresSeconds).toBe(900);
    expect(inspection.expiresAt).toBe(new Date(expiryTime).toISOString());
    expect(inspection.secondsLeft).toBe(895);
    expect(inspection.signedHeaders).toEqual(['host']);
    expect(inspection.userAgent).toMatch(/^aws-msk-iam-sasl-signer-js\/\d+\.\d+\.\d+$/);
    expect(inspection.sessionTokenPresent).toBe(false);
    expect(inspection.signature).toBe('not-checked');
  });

  it('says a session token is present without ever showing it', async () => {
    freezeClock();
    const { token } = await realToken('us-east-1', FAKE_TEMPORARY_CREDENTIALS);
    const inspection = inspectToken(token, { now: FIXED_TIME });
    expect(inspection.sessionTokenPresent).toBe(true);
    expect(inspection.credentialScope?.accessKeyKind).toBe('temporary');
    expect(JSON.stringify(inspection)).not.toContain('IQoJb3JpZ2lu');
    expect(JSON.stringify(inspection)).not.toContain(FAKE_TEMPORARY_CREDENTIALS.accessKeyId);
  });

  it('verifies the SigV4 signature with the right secret, with and without a session token', async () => {
    freezeClock();
    for (const [region, credentials] of [
      ['eu-central-1', FAKE_CREDENTIALS],
      ['ap-southeast-2', FAKE_TEMPORARY_CREDENTIALS],
    ] as const) {
      const { token } = await realToken(region, credentials);
      const inspection = inspectToken(token, { now: FIXED_TIME, secretAccessKey: credentials.secretAccessKey });
      expect(inspection.signature).toBe('verified');
      expect(inspection.valid).toBe(true);
    }
  });

  it('rejects the signature for a wrong secret and for a token altered after signing', async () => {
    freezeClock();
    const { token } = await realToken('eu-west-1', FAKE_TEMPORARY_CREDENTIALS);
    const wrongSecret = inspectToken(token, { now: FIXED_TIME, secretAccessKey: FAKE_CREDENTIALS.secretAccessKey });
    expect(wrongSecret.signature).toBe('mismatch');
    expect(codes(wrongSecret)).toEqual(['SIGNATURE_MISMATCH']);
    expect(wrongSecret.valid).toBe(false);

    const altered = withParam(token, 'X-Amz-Security-Token', 'another-session-token');
    const alteredInspection = inspectToken(altered, { now: FIXED_TIME, secretAccessKey: FAKE_TEMPORARY_CREDENTIALS.secretAccessKey });
    expect(alteredInspection.signature).toBe('mismatch');
  });

  it('does not count the unsigned User-Agent in the signature', async () => {
    freezeClock();
    const { token } = await realToken('eu-west-1');
    const otherAgent = withParam(token, 'User-Agent', 'something-else/9.9');
    expect(inspectToken(otherAgent, { now: FIXED_TIME, secretAccessKey: FAKE_CREDENTIALS.secretAccessKey }).signature).toBe('verified');
  });

  it('flags an expired token, and one dated in the future', async () => {
    freezeClock();
    const { token } = await realToken('eu-west-1');
    const expired = inspectToken(token, { now: FIXED_TIME + 901_000 });
    expect(codes(expired)).toEqual(['EXPIRED']);
    expect(expired.secondsLeft).toBe(-1);
    expect(expired.valid).toBe(false);

    const early = inspectToken(token, { now: FIXED_TIME - 120_000 });
    expect(codes(early)).toEqual(['NOT_YET_VALID']);
    expect(early.findings[0]!.message).toContain('2 min 0 s in the future');
  });

  it('warns, without failing, when the token is about to expire', async () => {
    freezeClock();
    const { token } = await realToken('eu-west-1');
    const inspection = inspectToken(token, { now: FIXED_TIME + 870_000 });
    expect(codes(inspection)).toEqual(['EXPIRING_SOON']);
    expect(inspection.valid).toBe(true);
  });

  it('flags the fractional X-Amz-Expires the signer writes when credentials expire within 15 minutes', async () => {
    freezeClock();
    const { token } = await realToken('eu-west-1', { ...FAKE_TEMPORARY_CREDENTIALS, expiration: new Date(FIXED_TIME + 300_500) });
    const inspection = inspectToken(token, { now: FIXED_TIME });
    expect(inspection.expiresSeconds).toBe(300.5);
    expect(codes(inspection)).toEqual(['EXPIRES_FRACTIONAL']);
    expect(inspection.findings[0]!.hint).toMatch(/signer defect/);
  });

  it('flags a token whose credentials had already expired when it was signed', async () => {
    freezeClock();
    const { token } = await realToken('eu-west-1', { ...FAKE_TEMPORARY_CREDENTIALS, expiration: new Date(FIXED_TIME - 10_000) });
    const inspection = inspectToken(token, { now: FIXED_TIME });
    expect(codes(inspection)).toContain('EXPIRES_TOO_SHORT');
    expect(inspection.valid).toBe(false);
  });
});

describe('inspectToken on hand-built defects', () => {
  it('flags X-Amz-Expires over 900 s', async () => {
    freezeClock();
    const { token } = await realToken('eu-west-1');
    const inspection = inspectToken(withParam(token, 'X-Amz-Expires', '3600'), { now: FIXED_TIME });
    expect(codes(inspection)).toEqual(['EXPIRES_TOO_LONG']);
    expect(inspection.expiresSeconds).toBe(3600);
  });

  it('flags X-Amz-Expires that is not a number', async () => {
    freezeClock();
    const { token } = await realToken('eu-west-1');
    expect(codes(inspectToken(withParam(token, 'X-Amz-Expires', 'soon'), { now: FIXED_TIME }))).toEqual(['MALFORMED']);
  });

  it('flags a credential scope in another region than the host', async () => {
    freezeClock();
    const { token } = await realToken('eu-west-1');
    const scope = 'AKIAIOSFODNN7EXAMPLE/20260301/us-east-1/kafka-cluster/aws4_request';
    const inspection = inspectToken(withParam(token, 'X-Amz-Credential', scope), { now: FIXED_TIME });
    expect(codes(inspection)).toEqual(['REGION_MISMATCH']);
  });

  it('flags a token for another region than the expected one', async () => {
    freezeClock();
    const { token } = await realToken('eu-west-1');
    const inspection = inspectToken(token, { now: FIXED_TIME, expectedRegion: 'us-east-1' });
    expect(codes(inspection)).toEqual(['UNEXPECTED_REGION']);
    expect(inspection.findings[0]!.hint).toBe('generate the token with --region us-east-1');
  });

  it('flags the wrong service, action, algorithm and unsigned host', async () => {
    freezeClock();
    const { token } = await realToken('eu-west-1');
    let bad = withParam(token, 'X-Amz-Credential', 'AKIAIOSFODNN7EXAMPLE/20260301/eu-west-1/kafka/aws4_request');
    bad = withParam(bad, 'Action', 'kafka:Connect');
    bad = withParam(bad, 'X-Amz-Algorithm', 'AWS4-HMAC-SHA1');
    bad = withParam(bad, 'X-Amz-SignedHeaders', 'x-amz-date');
    expect(codes(inspectToken(bad, { now: FIXED_TIME })).sort()).toEqual(['HOST_NOT_SIGNED', 'WRONG_ACTION', 'WRONG_ALGORITHM', 'WRONG_SERVICE']);
  });

  it('flags another host, and a scope dated another day', async () => {
    freezeClock();
    const { token } = await realToken('eu-west-1');
    const otherHost = urlToToken(tokenToUrl(token).replace('kafka.eu-west-1.amazonaws.com', 'sts.eu-west-1.amazonaws.com'));
    expect(codes(inspectToken(otherHost, { now: FIXED_TIME }))).toEqual(['WRONG_HOST']);
    const otherDay = withParam(token, 'X-Amz-Credential', 'AKIAIOSFODNN7EXAMPLE/20260228/eu-west-1/kafka-cluster/aws4_request');
    expect(codes(inspectToken(otherDay, { now: FIXED_TIME }))).toEqual(['SCOPE_DATE_MISMATCH']);
  });

  it('reports missing parameters as malformed (a token, but not a valid one)', () => {
    const url = 'https://kafka.eu-west-1.amazonaws.com/?Action=kafka-cluster%3AConnect';
    const inspection = inspectToken(urlToToken(url), { now: FIXED_TIME });
    expect(inspection.valid).toBe(false);
    expect(inspection.findings[0]!.code).toBe('MALFORMED');
    expect(inspection.findings[0]!.message).toContain('X-Amz-Credential');
  });

  it('accepts the presigned URL itself as well as its base64url form', async () => {
    freezeClock();
    const { token } = await realToken('eu-west-1');
    expect(inspectToken(tokenToUrl(token), { now: FIXED_TIME }).valid).toBe(true);
  });
});

describe('decodeToken on things that are not tokens', () => {
  for (const [label, text] of [
    ['empty input', '   '],
    ['a JWT-ish string with dots', 'eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl'],
    ['base64 that is not a URL', Buffer.from('hello world').toString('base64url')],
    ['a URL without a query', urlToToken('https://kafka.eu-west-1.amazonaws.com/')],
  ] as const) {
    it(`throws an exit-2 input error for ${label}`, () => {
      let caught: unknown;
      try {
        decodeToken(text);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(MskctlError);
      expect((caught as MskctlError).exitCode).toBe(2);
      expect((caught as MskctlError).message).toMatch(/^--inspect: not an MSK IAM token/);
    });
  }
});

describe('shortenAccessKey', () => {
  it('keeps the first and last four characters only', () => {
    expect(shortenAccessKey('AKIAIOSFODNN7EXAMPLE')).toBe('AKIA…MPLE');
    expect(shortenAccessKey('SHORT')).toBe('…');
  });
});

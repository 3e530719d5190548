import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCredentialsProvider, defaultSessionName, describeCredentialSource } from '../../../src/auth/credentials.js';
import { inspectToken } from '../../../src/auth/token-inspect.js';
import { createMskTokenProvider, credentialSourceFor, MskTokenProvider, resolveRegion, sharedMskTokenProvider } from '../../../src/auth/token-provider.js';
import { MskctlError } from '../../../src/output/errors.js';
import { startFakeSts, type FakeSts } from './fake-sts.js';
import { FAKE_CREDENTIALS, FAKE_TEMPORARY_CREDENTIALS, FIXED_TIME, freezeClock } from './fixtures.js';

let dir: string;
let sts: FakeSts;

/** Static credentials in the environment, and no AWS settings from the machine running the tests. */
function stubAwsEnv(extra: Record<string, string> = {}): void {
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) vi.stubEnv(key, undefined);
  vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'config'));
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'credentials'));
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  for (const [key, value] of Object.entries(extra)) vi.stubEnv(key, value);
}

const STATIC = { AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mskctl-credentials-'));
  writeFileSync(join(dir, 'config'), '[profile dev]\nregion = ap-south-1\n');
  writeFileSync(join(dir, 'credentials'), `[dev]\naws_access_key_id = ${FAKE_TEMPORARY_CREDENTIALS.accessKeyId}\naws_secret_access_key = ${FAKE_TEMPORARY_CREDENTIALS.secretAccessKey}\n`);
  sts = await startFakeSts();
});
afterAll(() => {
  sts.server.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
  sts.requests.length = 0;
  sts.deny = false;
});

describe('credential sources', () => {
  it('pins a stable default session name for assumed roles', () => {
    const a = describeCredentialSource({ region: 'eu-west-1', roleArn: 'arn:aws:iam::123456789012:role/kafka-client' });
    const b = describeCredentialSource({ region: 'eu-west-1', roleArn: 'arn:aws:iam::123456789012:role/kafka-client' });
    expect(a.sessionName).toBe(b.sessionName);
    expect(a.sessionName).toMatch(/^mskctl(-[\w+=,.@-]+)?$/);
    expect(defaultSessionName('jane doe/ops')).toBe('mskctl-jane-doe-ops');
    expect(defaultSessionName('x'.repeat(100))).toHaveLength(64);
  });

  it('rejects an invalid session name with exit 2', () => {
    let caught: unknown;
    try {
      describeCredentialSource({ region: 'eu-west-1', roleArn: 'arn:aws:iam::123456789012:role/r', sessionName: 'has space' });
    } catch (error) {
      caught = error;
    }
    expect((caught as MskctlError).exitCode).toBe(2);
  });
});

describe('assume-role through the real STS client against a local endpoint', () => {
  it('keeps the same session name on every refresh, so re-authentication keeps the same principal', async () => {
    stubAwsEnv(STATIC);
    const clock = freezeClock();
    const source = describeCredentialSource({ region: 'eu-west-1', roleArn: 'arn:aws:iam::123456789012:role/kafka-client', sessionName: 'billing-app', stsEndpointUrl: sts.url });
    const credentials = await createCredentialsProvider(source, { now: clock.now });
    const provider = new MskTokenProvider({ region: 'eu-west-1', credentials, now: clock.now });

    const first = await provider.getToken();
    // the STS answer expires 1 h after issue: credentials are refreshed 16 min before, tokens every 12 min
    for (let minutes = 12; minutes <= 60; minutes += 12) {
      clock.set(FIXED_TIME + minutes * 60_000);
      await provider.getToken();
    }
    expect(provider.generatedCount).toBe(6);
    expect(sts.requests.map((r) => r.RoleSessionName)).toEqual(['billing-app', 'billing-app']);
    expect(sts.requests.every((r) => r.RoleArn === 'arn:aws:iam::123456789012:role/kafka-client')).toBe(true);
    const inspection = inspectToken(first.token, { now: FIXED_TIME, secretAccessKey: FAKE_TEMPORARY_CREDENTIALS.secretAccessKey });
    expect(inspection).toMatchObject({ valid: true, signature: 'verified', sessionTokenPresent: true });
  });

  it('maps AccessDenied from STS to an exit-3 error with a hint about the trust policy', async () => {
    stubAwsEnv(STATIC);
    sts.deny = true;
    const provider = await createMskTokenProvider({ region: 'eu-west-1', roleArn: 'arn:aws:iam::123456789012:role/kafka-client', endpointUrl: sts.url });
    const error = (await provider.getToken().catch((e: unknown) => e)) as MskctlError;
    expect(error).toBeInstanceOf(MskctlError);
    expect(error.code).toBe('AWS_ASSUME_ROLE_DENIED');
    expect(error.exitCode).toBe(3);
    expect(error.hint).toMatch(/trust policy/);
  });
});

describe('createMskTokenProvider with the SDK default chain and profiles', () => {
  it('signs with credentials from the environment (default chain)', async () => {
    stubAwsEnv(STATIC);
    const provider = await createMskTokenProvider({ region: 'eu-west-1' });
    const { token } = await provider.getToken();
    expect(inspectToken(token, { now: Date.now(), secretAccessKey: FAKE_CREDENTIALS.secretAccessKey }).signature).toBe('verified');
    expect(provider.kafkajsSasl().mechanism).toBe('oauthbearer');
    await expect(provider.kafkajsSasl().oauthBearerProvider()).resolves.toEqual({ value: token });
  });

  it('signs with a named profile from the shared files, and takes the region from the profile', async () => {
    stubAwsEnv(STATIC);
    const provider = await createMskTokenProvider({ profile: 'dev' });
    expect(provider.region).toBe('ap-south-1');
    const { token } = await provider.getToken();
    const inspection = inspectToken(token, { now: Date.now(), secretAccessKey: FAKE_TEMPORARY_CREDENTIALS.secretAccessKey });
    expect(inspection.signature).toBe('verified');
    expect(inspection.hostRegion).toBe('ap-south-1');
  });

  it('resolves the region: flag > AWS_REGION > AWS_DEFAULT_REGION > context', async () => {
    stubAwsEnv();
    const context = { region: 'ca-central-1' };
    expect(await resolveRegion({ region: 'eu-west-3', context, env: { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'us-east-2' } })).toBe('eu-west-3');
    expect(await resolveRegion({ context, env: { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'us-east-2' } })).toBe('us-west-2');
    expect(await resolveRegion({ context, env: { AWS_DEFAULT_REGION: 'us-east-2' } })).toBe('us-east-2');
    expect(await resolveRegion({ context, env: {} })).toBe('ca-central-1');
    await expect(resolveRegion({ env: {} })).rejects.toMatchObject({ code: 'REGION_MISSING', exitCode: 2 });
  });

  it('shares one provider per credential source within a process', async () => {
    stubAwsEnv(STATIC);
    const a = await sharedMskTokenProvider({ region: 'eu-west-1' });
    const b = await sharedMskTokenProvider({ region: 'eu-west-1' });
    const c = await sharedMskTokenProvider({ region: 'eu-west-2' });
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });
});

describe('credentialSourceFor: flags over environment over context', () => {
  const roleA = 'arn:aws:iam::123456789012:role/a';
  const roleB = 'arn:aws:iam::123456789012:role/b';

  it('uses the context role with its session name, but not that session name for a role given by flag', () => {
    const context = { roleArn: roleA, sessionName: 'ctx-session', profile: 'ctx-profile' };
    expect(credentialSourceFor({ context, env: {} }, 'eu-west-1')).toMatchObject({ kind: 'assume-role', roleArn: roleA, sessionName: 'ctx-session', profile: 'ctx-profile' });
    const byFlag = credentialSourceFor({ roleArn: roleB, context, env: {} }, 'eu-west-1');
    expect(byFlag).toMatchObject({ roleArn: roleB });
    expect(byFlag.sessionName).not.toBe('ctx-session');
  });

  it('ignores a session name in a context without a role, and lets AWS_PROFILE beat the context profile', () => {
    expect(credentialSourceFor({ context: { sessionName: 'orphan' }, env: {} }, 'eu-west-1')).toMatchObject({ kind: 'default-chain' });
    expect(credentialSourceFor({ context: { profile: 'ctx' }, env: { AWS_PROFILE: 'from-env' } }, 'eu-west-1')).toMatchObject({ kind: 'default-chain' });
    expect(credentialSourceFor({ context: { profile: 'ctx' }, env: {} }, 'eu-west-1')).toMatchObject({ kind: 'profile', profile: 'ctx' });
    expect(credentialSourceFor({ profile: 'flag', context: { profile: 'ctx' }, env: { AWS_PROFILE: 'from-env' } }, 'eu-west-1')).toMatchObject({ kind: 'profile', profile: 'flag' });
  });
});

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { inspectToken } from '../../src/auth/token-inspect.js';
import { startFakeSts, type FakeSts } from '../unit/auth/fake-sts.js';
import { FAKE_CREDENTIALS, FAKE_TEMPORARY_CREDENTIALS, freezeClock, realToken } from '../unit/auth/fixtures.js';
import { BIN, mskctl, ROOT, type CliRun } from './run-cli.js';

const CLUSTER_ARN = 'arn:aws:kafka:eu-west-1:123456789012:cluster/orders/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5';
let home: string;

/** An environment with no AWS settings from the machine running the tests, and no instance metadata calls. */
function isolatedEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('AWS_') && !key.startsWith('MSKCTL_')) env[key] = value;
  return {
    ...env,
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    NO_COLOR: '1',
    ...extra,
  };
}

function run(args: string[], extra: Record<string, string> = {}, input?: string): CliRun {
  // run-cli merges process.env first; pass every AWS_ key explicitly so the isolated values win
  const env = isolatedEnv(extra);
  for (const key of Object.keys(process.env)) if ((key.startsWith('AWS_') || key.startsWith('MSKCTL_')) && !(key in env)) env[key] = undefined;
  return mskctl(args, { env, input });
}

const STATIC_ENV = {
  AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
  AWS_REGION: 'eu-west-1',
};

function noStackTrace(stderr: string): void {
  expect(stderr).not.toMatch(/\n\s+at /);
}

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'mskctl-auth-'));
});
afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('mskctl auth token (generation with static credentials from the environment)', () => {
  it('prints only the token on stdout; it verifies with the secret; stderr tells the expiry but not the token', () => {
    const result = run(['auth', 'token'], STATIC_ENV);
    expect(result.status).toBe(0);
    const token = result.stdout.trim();
    expect(result.stdout).toBe(`${token}\n`);
    const inspection = inspectToken(token, { now: Date.now(), expectedRegion: 'eu-west-1', secretAccessKey: FAKE_CREDENTIALS.secretAccessKey });
    expect(inspection.valid).toBe(true);
    expect(inspection.signature).toBe('verified');
    expect(inspection.expiresSeconds).toBe(900);
    expect(result.stderr).toMatch(/MSK IAM token for eu-west-1 from the default credential chain; expires \d{4}-\d\d-\d\dT/);
    expect(result.stderr).not.toContain(token);
    expect(result.stderr).not.toContain(FAKE_CREDENTIALS.secretAccessKey);
  });

  it('--output json adds the expiry; --region beats AWS_REGION', () => {
    const before = Date.now();
    const result = run(['auth', 'token', '--output', 'json', '--region', 'ap-southeast-2'], STATIC_ENV);
    expect(result.status).toBe(0);
    const data = JSON.parse(result.stdout) as { token: string; expiryTime: number; expiresAt: string; region: string; credentialSource: string };
    expect(data.region).toBe('ap-southeast-2');
    expect(data.credentialSource).toBe('default-chain');
    expect(new Date(data.expiresAt).getTime()).toBe(data.expiryTime);
    expect(data.expiryTime).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 900_000);
    expect(inspectToken(data.token, { now: Date.now() }).hostRegion).toBe('ap-southeast-2');
    expect(result.stderr).not.toContain(data.token);
  });

  it('without credentials: exit 3 with a hint, no stack trace', () => {
    const result = run(['auth', 'token'], { AWS_REGION: 'eu-west-1' });
    expect(result.status).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('error: no AWS credentials found');
    expect(result.stderr).toMatch(/hint: .*AWS_PROFILE/);
    noStackTrace(result.stderr);
  });

  it('with an unknown profile: exit 3 naming the profile problem', () => {
    const result = run(['auth', 'token', '--profile', 'does-not-exist'], { AWS_REGION: 'eu-west-1' });
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/error: .*does-not-exist/);
    noStackTrace(result.stderr);
  });

  it('--profile reads the shared files and the profile region; stderr is one line (no SDK warnings)', () => {
    writeFileSync(join(home, 'profile-config'), '[profile dev]\nregion = ap-south-1\n');
    writeFileSync(join(home, 'profile-credentials'), `[dev]\naws_access_key_id = ${FAKE_TEMPORARY_CREDENTIALS.accessKeyId}\naws_secret_access_key = ${FAKE_TEMPORARY_CREDENTIALS.secretAccessKey}\n`);
    const result = run(['auth', 'token', '--profile', 'dev'], { AWS_CONFIG_FILE: join(home, 'profile-config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'profile-credentials') });
    expect(result.status).toBe(0);
    const inspection = inspectToken(result.stdout, { now: Date.now(), secretAccessKey: FAKE_TEMPORARY_CREDENTIALS.secretAccessKey });
    expect(inspection).toMatchObject({ valid: true, signature: 'verified', hostRegion: 'ap-south-1' });
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^MSK IAM token for ap-south-1 from profile dev; expires /)]);
  });

  it('without a region: exit 2', () => {
    const { AWS_REGION: _unused, ...noRegion } = STATIC_ENV;
    const result = run(['auth', 'token'], noRegion);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('error: no AWS region');
  });

  it('rejects a bad region, a bad role ARN, and --session-name without --role-arn with exit 2', () => {
    expect(run(['auth', 'token', '--region', 'Europe'], STATIC_ENV)).toMatchObject({ status: 2, stderr: expect.stringContaining('is not an AWS region') });
    expect(run(['auth', 'token', '--role-arn', 'kafka-client'], STATIC_ENV)).toMatchObject({ status: 2, stderr: expect.stringContaining('is not an IAM role ARN') });
    expect(run(['auth', 'token', '--session-name', 'x1'], STATIC_ENV)).toMatchObject({ status: 2, stderr: expect.stringContaining('--session-name needs --role-arn') });
  });
});

/** The built binary, asynchronously: the fake STS in this process must keep serving while it runs. */
function runAsync(args: string[], extra: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: isolatedEnv(extra) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('mskctl auth token --role-arn (real STS client against a local STS endpoint)', () => {
  let sts: FakeSts;
  beforeAll(async () => {
    sts = await startFakeSts();
  });
  afterAll(() => {
    sts.server.close();
  });

  it('assumes the role with the pinned session name and signs with the temporary credentials', async () => {
    const roleArn = 'arn:aws:iam::123456789012:role/kafka-client';
    const args = ['auth', 'token', '--role-arn', roleArn, '--session-name', 'billing-app', '--endpoint-url', sts.url, '--output', 'json'];
    const first = await runAsync(args, STATIC_ENV);
    const second = await runAsync(args, STATIC_ENV);
    expect(first.stderr).not.toContain('error');
    expect(first.status).toBe(0);
    expect(second.status).toBe(0);
    expect(sts.requests).toHaveLength(2);
    for (const request of sts.requests) {
      expect(request).toMatchObject({ Action: 'AssumeRole', RoleArn: roleArn, RoleSessionName: 'billing-app' });
      // signed with the caller's (environment) credentials
      expect(request.authorization).toContain(`Credential=${FAKE_CREDENTIALS.accessKeyId}/`);
    }
    const data = JSON.parse(first.stdout) as { token: string; credentialSource: string; roleArn: string; sessionName: string };
    expect(data).toMatchObject({ credentialSource: 'assume-role', roleArn, sessionName: 'billing-app' });
    const inspection = inspectToken(data.token, { now: Date.now(), secretAccessKey: FAKE_TEMPORARY_CREDENTIALS.secretAccessKey });
    expect(inspection).toMatchObject({ valid: true, signature: 'verified', sessionTokenPresent: true, credentialScope: { accessKeyKind: 'temporary' } });
    expect(first.stderr.trim().split('\n')).toEqual([expect.stringContaining('from role arn:aws:iam::123456789012:role/kafka-client as session billing-app')]);
    for (const secret of [FAKE_TEMPORARY_CREDENTIALS.secretAccessKey, FAKE_TEMPORARY_CREDENTIALS.sessionToken!, data.token]) {
      expect(first.stderr).not.toContain(secret);
    }
  });
});

describe('mskctl auth token --inspect', () => {
  it('a valid token: exit 0, fields in the table, signature verified with --secret-env', () => {
    const token = run(['auth', 'token'], STATIC_ENV).stdout.trim();
    const result = run(['auth', 'token', '--inspect', token, '--region', 'eu-west-1', '--secret-env', 'MSK_TEST_SECRET'], { MSK_TEST_SECRET: FAKE_CREDENTIALS.secretAccessKey });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/│ valid\s+│ yes/);
    expect(result.stdout).toMatch(/│ access key\s+│ AKIA…MPLE \(long-term\)/);
    expect(result.stdout).toMatch(/│ signature\s+│ verified/);
    expect(result.stdout).not.toContain(FAKE_CREDENTIALS.accessKeyId);
  });

  it('reads the token from stdin with "-", and a wrong expected region is exit 1', () => {
    const token = run(['auth', 'token'], STATIC_ENV).stdout;
    const result = run(['auth', 'token', '--inspect', '-', '--region', 'us-east-1', '--output', 'json'], {}, token);
    expect(result.status).toBe(1);
    const data = JSON.parse(result.stdout) as { valid: boolean; findings: Array<{ code: string }> };
    expect(data.valid).toBe(false);
    expect(data.findings.map((f) => f.code)).toEqual(['UNEXPECTED_REGION']);
  });

  it('an expired token: exit 1 with EXPIRED', async () => {
    freezeClock(Date.now() - 2 * 3600_000);
    const { token } = await realToken('eu-west-1');
    vi.useRealTimers();
    const result = run(['auth', 'token', '--inspect', token, '--output', 'json']);
    expect(result.status).toBe(1);
    const data = JSON.parse(result.stdout) as { findings: Array<{ code: string; message: string }> };
    expect(data.findings.map((f) => f.code)).toEqual(['EXPIRED']);
    expect(data.findings[0]!.message).toMatch(/^the token expired 1\d\d min \d+ s ago/);
  });

  it('garbage: exit 2, a clear message, no stack trace, and the input is not echoed', () => {
    const garbage = 'not-a-token-at-all-but-a-secret-looking-string!';
    const result = run(['auth', 'token', '--inspect', garbage]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('error: --inspect: not an MSK IAM token: it contains characters that are not base64url');
    expect(result.stderr).not.toContain(garbage);
    noStackTrace(result.stderr);
  });
});

describe('mskctl auth policy', () => {
  it('prints a consumer policy as JSON (table and json output alike)', () => {
    const args = ['auth', 'policy', '--role', 'consumer', '--cluster-arn', CLUSTER_ARN, '--topics', 'orders.*,payments', '--groups', 'billing'];
    const table = run(args);
    const json = run([...args, '--output', 'json']);
    expect(table.status).toBe(0);
    expect(JSON.parse(table.stdout)).toEqual(JSON.parse(json.stdout));
    const policy = JSON.parse(json.stdout) as { Statement: Array<{ Sid: string; Action: string[]; Resource: string[] }> };
    const groups = policy.Statement.find((s) => s.Sid === 'Groups')!;
    expect(groups.Action).toContain('kafka-cluster:AlterGroup');
    expect(groups.Resource).toEqual(['arn:aws:kafka:eu-west-1:123456789012:group/orders/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5/billing']);
    expect(policy.Statement.find((s) => s.Sid === 'Topics')!.Resource).toHaveLength(2);
    expect(json.stdout).not.toContain('kafka-cluster:*');
    expect(json.stderr).toContain('IAM policy for a consumer on ' + CLUSTER_ARN);
  });

  it('builds the cluster ARN from its parts', () => {
    const result = run([
      'auth', 'policy', '--role', 'producer', '--region', 'eu-west-1', '--account', '123456789012', '--cluster-name', 'orders',
      '--cluster-uuid', '6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5', '--topics', 'orders', '--output', 'json',
    ]);
    expect(result.status).toBe(0);
    const policy = JSON.parse(result.stdout) as { Statement: Array<{ Resource: string[] }> };
    expect(policy.Statement[0]!.Resource).toEqual([CLUSTER_ARN]);
  });

  it('a malformed ARN is exit 2 with the expected form, and nothing on stdout', () => {
    const result = run(['auth', 'policy', '--role', 'consumer', '--cluster-arn', 'arn:aws:kafka:eu-west-1:123456789012:cluster/orders', '--topics', 'a', '--groups', 'g']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('error: --cluster-arn: "arn:aws:kafka:eu-west-1:123456789012:cluster/orders" is not an MSK cluster ARN (the cluster UUID is missing)');
    expect(result.stderr).toContain('hint: expected arn:aws:kafka:<region>:<12-digit account>:cluster/<cluster name>/<cluster uuid>');
    noStackTrace(result.stderr);
  });

  it('an unknown role or a missing --role is exit 2', () => {
    expect(run(['auth', 'policy', '--role', 'superuser', '--cluster-arn', CLUSTER_ARN]).status).toBe(2);
    const missing = run(['auth', 'policy', '--cluster-arn', CLUSTER_ARN, '--topics', 'a']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('error: --role is required');
  });
});

describe('offline commands do not load the AWS SDK', () => {
  const recorder = pathToFileURL(fileURLToPath(new URL('./fixtures/import-recorder.mjs', import.meta.url))).href;

  function loadedModules(args: string[], extra: Record<string, string> = {}): { status: number | null; urls: string[] } {
    const log = join(home, `imports-${Math.random().toString(36).slice(2)}.log`);
    const result = run(args, { ...extra, MSKCTL_IMPORT_LOG: log, NODE_OPTIONS: `--import=${recorder}` });
    let urls: string[] = [];
    try {
      urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    } catch {
      urls = [];
    }
    return { status: result.status, urls };
  }
  const heavy = (urls: string[]): string[] => urls.filter((u) => /node_modules\/(@aws-sdk|@smithy|aws-msk-iam-sasl-signer-js|kafkajs)\//.test(u));

  it('token generation loads the signer (the recorder works)', () => {
    const { status, urls } = loadedModules(['auth', 'token'], STATIC_ENV);
    expect(status).toBe(0);
    expect(urls.some((u) => u.includes('/dist/commands/auth-token.js'))).toBe(true);
    expect(urls.some((u) => u.includes('node_modules/aws-msk-iam-sasl-signer-js/'))).toBe(true);
  });

  it('auth policy and auth token --inspect load neither the AWS SDK, the signer nor kafkajs', async () => {
    freezeClock();
    const { token } = await realToken('eu-west-1');
    vi.useRealTimers();
    const policy = loadedModules(['auth', 'policy', '--role', 'consumer', '--cluster-arn', CLUSTER_ARN, '--topics', 'a', '--groups', 'g']);
    expect(policy.status).toBe(0);
    expect(policy.urls.some((u) => u.includes('/dist/commands/auth-policy.js'))).toBe(true);
    expect(heavy(policy.urls)).toEqual([]);
    const inspect = loadedModules(['auth', 'token', '--inspect', token]);
    expect(inspect.status).toBe(1); // the token is from 2026-03-01 and has expired
    expect(inspect.urls.some((u) => u.includes('/dist/commands/auth-token.js'))).toBe(true);
    expect(heavy(inspect.urls)).toEqual([]);
  });
});

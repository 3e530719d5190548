/**
 * `mskctl check` (the built binary) against the harness's real brokers: success on every listener, and each
 * failure from the diagnosis table asserting the failing step, the cause and the exit code. IAM tokens come
 * from the real signer with the harness's test credentials in the environment; STS is the project's local AWS
 * stand-in (test/aws/fake-aws.ts, via --endpoint-url) answering GetCallerIdentity, or a closed port (STS
 * unreachable → the step is skipped).
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckReport, StepResult } from '../../src/check/types.js';
import { BIN, ROOT } from '../cli/run-cli.js';
import { FakeAws, fixtureText } from '../aws/fake-aws.js';
import { harnessEndpoints, iamDenialReason } from '../kafka/harness.js';
import type { IamTestIdentity } from '../kafka/credentials.js';

const h = harnessEndpoints();

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  report?: CheckReport;
}

/** Runs the binary without blocking this process (the fake STS below answers from it). */
function check(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'check', '--output', 'json', ...args], {
      cwd: ROOT,
      env: { ...isolatedEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => {
      let report: CheckReport | undefined;
      try {
        report = JSON.parse(stdout) as CheckReport;
      } catch {
        report = undefined;
      }
      resolve({ status, stdout, stderr, report });
    });
  });
}

/** No real AWS configuration leaks in: no profile files, no instance metadata, no ambient keys. */
function isolatedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const key of Object.keys(env)) if (key.startsWith('AWS_') || key === 'MSKCTL_SCRAM_PASSWORD' || key === 'MSKCTL_TEST_SIGNING_CLOCK_OFFSET') delete env[key];
  return { ...env, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent/mskctl-config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/mskctl-credentials' };
}

function awsEnv(identity: Pick<IamTestIdentity, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>): NodeJS.ProcessEnv {
  return {
    AWS_ACCESS_KEY_ID: identity.accessKeyId,
    AWS_SECRET_ACCESS_KEY: identity.secretAccessKey,
    ...(identity.sessionToken ? { AWS_SESSION_TOKEN: identity.sessionToken } : {}),
  };
}

function step(run: Run, name: string): StepResult {
  const found = run.report?.steps.find((s) => s.step === name);
  if (!found) throw new Error(`no step ${name} in the report; exit ${run.status}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  return found;
}

/** asserts: exit 1, the report names the failing step and the cause, and stderr says it too */
function expectFailure(run: Run, failedStep: string, cause: string): StepResult {
  expect(run.report, run.stderr).toBeDefined();
  expect({ status: run.status, failedStep: run.report!.failedStep, cause: run.report!.cause }).toEqual({ status: 1, failedStep, cause });
  expect(run.stderr).toContain(`check failed at step ${failedStep}: ${cause}`);
  const failed = step(run, failedStep);
  expect(failed.status).toBe('fail');
  expect(failed.hint).toBeTruthy();
  return failed;
}

function expectNoSecrets(run: Run, ...secrets: string[]): void {
  for (const secret of secrets) {
    expect(run.stdout).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
  }
  // no MSK IAM token (base64url of "https://kafka…") in any output
  expect(run.stdout + run.stderr).not.toMatch(/aHR0cHM6Ly9rYWZrY[A-Za-z0-9_-]{40,}/);
}

// --- STS whose clock is off: only the Date header matters here (test/aws/fake-aws.ts answers with the real
// time), so this one answers GetCallerIdentity with a Date header skewMs ahead
async function startSkewedSts(skewMs: number): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/xml', date: new Date(Date.now() + skewMs).toUTCString() });
      res.end(fixtureText('sts/get-caller-identity.xml'));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** a port nothing listens on (bound, then released) */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const sts = new FakeAws();
let noSts: string;
beforeAll(async () => {
  await sts.start();
  sts.caller = { account: '000000000000', arn: h.iam.admin.principal };
  noSts = `http://127.0.0.1:${await closedPort()}`;
});
afterAll(async () => {
  await sts.stop();
});

const admin = h.iam.admin;
const iamArgs = (listener: string, ...more: string[]): string[] => ['--bootstrap', listener, '--auth', 'iam', '--region', h.iam.region, '--ca', h.tls.caFile, ...more];

describe('mskctl check: success on each listener', () => {
  it('plaintext, with a produce/consume round trip that creates and deletes its topic', async () => {
    const run = await check(['--bootstrap', h.source.plaintext, '--produce-consume']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.report!.ok).toBe(true);
    expect(run.report!.auth).toBe('plaintext');
    expect(step(run, 'tls').status).toBe('skip');
    expect(step(run, 'metadata').data).toMatchObject({ brokers: [{ nodeId: 1 }], controller: 1 });
    const rt = step(run, 'produce-consume');
    expect(rt.status).toBe('pass');
    expect(rt.data).toMatchObject({ topicCreated: true, cleanedUp: true, sent: 1, received: 1 });
    expect((rt.data as { latencyMs: { max: number } }).latencyMs.max).toBeGreaterThan(0);
    // cleaned up: a second check lists no mskctl-check-* topic left behind
    const topic = (rt.data as { topic: string }).topic;
    const again = await check(['--bootstrap', h.source.plaintext, '--topic', topic]);
    expectFailure(again, 'topic', 'TOPIC_NOT_FOUND');
  });

  it('SCRAM-SHA-512 (password from the environment, never in the output)', async () => {
    const password = h.scram.admin.password;
    const run = await check(['--bootstrap', h.source.scram, '--auth', 'scram', '--no-tls', '--username', h.scram.admin.username, '--verbose'], { MSKCTL_SCRAM_PASSWORD: password });
    expect(run.stderr).toContain('SASL SCRAM SHA512 authentication successful');
    expect(run.status, run.stderr).toBe(0);
    expect(step(run, 'sasl')).toMatchObject({ status: 'pass' });
    expect(step(run, 'sasl').detail).toContain('SCRAM-SHA-512 accepted');
    expect(step(run, 'metadata').status).toBe('pass');
    expectNoSecrets(run, password);
  });

  it('SCRAM password from another variable named by --password-env; without one it is a usage error', async () => {
    const run = await check(['--bootstrap', h.source.scram, '--auth', 'scram', '--no-tls', '--username', h.scram.admin.username, '--password-env', 'MY_PW'], { MY_PW: h.scram.admin.password });
    expect(run.status, run.stderr).toBe(0);
    const missing = await check(['--bootstrap', h.source.scram, '--auth', 'scram', '--no-tls', '--username', h.scram.admin.username]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('MSKCTL_SCRAM_PASSWORD');
  });

  it('MSK IAM over SASL_SSL: identity from STS, real signer token, round trip; no secret or token in the output', async () => {
    const before = sts.requests.length;
    // --verbose: kafkajs' own protocol log goes to stderr too, and must not carry the token either
    const run = await check(iamArgs(h.source.iam, '--endpoint-url', sts.url, '--produce-consume', '--verbose'), awsEnv(admin));
    expect(run.status, run.stderr).toBe(0);
    // one GetCallerIdentity, signed with the admin's key (the same credentials that sign the token)
    const asked = sts.requests.slice(before);
    expect(asked.map((r) => `${r.service}:${r.operation}`)).toEqual(['sts:GetCallerIdentity']);
    expect(String(asked[0]!.headers.authorization)).toContain(`Credential=${admin.accessKeyId}/`);
    expect(run.stderr).toContain('SASL OAUTHBEARER authentication successful');
    const credentials = step(run, 'credentials');
    expect(credentials.status).toBe('pass');
    expect(credentials.detail).toContain(admin.principal);
    expect(credentials.detail).toContain('environment variables');
    expect(step(run, 'tls')).toMatchObject({ status: 'pass' });
    expect(step(run, 'tls').detail).toContain('verified against --ca');
    expect(step(run, 'token')).toMatchObject({ status: 'pass', data: { region: h.iam.region, expiresSeconds: 900 } });
    expect(step(run, 'sasl').detail).toContain('OAUTHBEARER');
    expect(step(run, 'produce-consume').data).toMatchObject({ sent: 1, received: 1, cleanedUp: true });
    expectNoSecrets(run, admin.secretAccessKey, admin.accessKeyId);
  });

  it('MSK IAM with temporary credentials (session token) and STS unreachable: credentials skipped with a note', async () => {
    const role = h.iam.role;
    const run = await check(iamArgs(h.target.iam, '--endpoint-url', noSts), awsEnv(role));
    expect(run.status, run.stderr).toBe(0);
    const credentials = step(run, 'credentials');
    expect(credentials.status).toBe('skip');
    expect(credentials.detail).toMatch(/STS not reachable .*ECONNREFUSED/);
    expect(credentials.detail).toContain('temporary');
    expect(step(run, 'token').data).toMatchObject({ sessionTokenPresent: true });
    expectNoSecrets(run, role.secretAccessKey, role.sessionToken!);
  });

  it('SCRAM-SHA-512 over TLS (the shape of MSK 9096), verified against --ca', async () => {
    const run = await check(['--bootstrap', h.source.scramTls, '--auth', 'scram', '--ca', h.tls.caFile, '--username', h.scram.admin.username], { MSKCTL_SCRAM_PASSWORD: h.scram.admin.password });
    expect(run.status, run.stderr).toBe(0);
    expect(step(run, 'tls').status).toBe('pass');
    expect(step(run, 'sasl').detail).toContain('SCRAM-SHA-512 accepted');
  });

  it('--produce-consume --duration on the short-session IAM listener: the binary keeps working across re-authentications', async () => {
    const durationS = 16;
    const run = await check(iamArgs(h.source.iamReauth, '--endpoint-url', noSts, '--produce-consume', '--duration', `${durationS}s`), awsEnv(admin));
    expect(run.status, run.stderr).toBe(0);
    const rt = step(run, 'produce-consume').data as { sent: number; received: number; connections: number; reauthentications: number };
    expect(rt.sent).toBeGreaterThanOrEqual(durationS - 2);
    expect(rt.received).toBe(rt.sent);
    // the producer's and the consumer's connections outlive the broker's session (reauthMs) at least once each
    expect(rt.reauthentications).toBeGreaterThanOrEqual(2 * Math.floor((durationS * 1000) / h.iam.reauthMs));
    expect(step(run, 'produce-consume').detail).toMatch(/\d+ re-authentications on \d+ connections/);
  });

  it('mutual TLS with a client certificate', async () => {
    const run = await check(['--bootstrap', h.source.tls, '--auth', 'tls', '--ca', h.tls.caFile, '--cert', h.tls.clientCertFile, '--key', h.tls.clientKeyFile]);
    expect(run.status, run.stderr).toBe(0);
    expect(step(run, 'sasl').detail).toContain('mutual TLS client certificate accepted');
  });
});

describe('mskctl check: failures → step, cause, exit 1', () => {
  it('an IAM client pointed at the plaintext listener: TLS step, the port does not speak TLS, use 9098/9198', async () => {
    const run = await check(iamArgs(h.source.plaintext, '--endpoint-url', noSts), awsEnv(admin));
    const failed = expectFailure(run, 'tls', 'TLS_NOT_SPOKEN');
    expect(failed.hint).toContain('9098');
    expect(failed.hint).toContain('9198');
    // stopped at the first failure: later steps are reported as not run
    expect(step(run, 'sasl')).toMatchObject({ status: 'skip' });
    expect(step(run, 'sasl').detail).toContain('step tls failed');
  });

  it('an IAM client on the TLS listener (MSK 9094): SASL step, ILLEGAL_SASL_STATE → use 9098/9198', async () => {
    const run = await check(iamArgs(h.source.tls, '--endpoint-url', noSts), awsEnv(admin));
    expect(step(run, 'tls').status).toBe('pass');
    const failed = expectFailure(run, 'sasl', 'ILLEGAL_SASL_STATE');
    expect(failed.hint).toContain('9098 (private) or 9198 (public)');
  });

  it('an IAM client on the SASL_SSL/SCRAM listener (MSK 9096): SASL step, UNSUPPORTED_SASL_MECHANISM', async () => {
    const run = await check(iamArgs(h.source.scramTls, '--endpoint-url', noSts), awsEnv(admin));
    const failed = expectFailure(run, 'sasl', 'UNSUPPORTED_SASL_MECHANISM');
    expect(failed.hint).toContain('OAUTHBEARER');
  });

  it('a client certificate from a CA the TLS listener does not trust: rejected', async () => {
    const run = await check(['--bootstrap', h.source.tls, '--auth', 'tls', '--ca', h.tls.caFile, '--cert', h.tls.untrustedClientCertFile, '--key', h.tls.untrustedClientKeyFile]);
    const failed = expectFailure(run, 'tls', 'TLS_CLIENT_CERT_REJECTED');
    expect(failed.detail).toMatch(/alert certificate unknown|alert unknown ca|alert bad certificate/);
  });

  it('a plaintext client on the IAM (TLS) listener: metadata step, the port expects TLS', async () => {
    const run = await check(['--bootstrap', h.source.iam, '--auth', 'plaintext']);
    const failed = expectFailure(run, 'metadata', 'TLS_EXPECTED');
    expect(failed.hint).toContain('completed a TLS handshake');
  });

  it('a plaintext client on the SCRAM (SASL_PLAINTEXT) listener: metadata step, the listener expects SASL', async () => {
    const run = await check(['--bootstrap', h.source.scram, '--auth', 'plaintext']);
    const failed = expectFailure(run, 'metadata', 'SASL_EXPECTED');
    expect(failed.hint).toContain('--auth');
  });

  it('a closed port: TCP step, connection refused', async () => {
    const port = await closedPort();
    const run = await check(['--bootstrap', `127.0.0.1:${port}`]);
    const failed = expectFailure(run, 'tcp', 'CONNECTION_REFUSED');
    expect(failed.detail).toContain('ECONNREFUSED');
  });

  it('a wrong SCRAM password: SASL step', async () => {
    const run = await check(['--bootstrap', h.source.scram, '--auth', 'scram', '--no-tls', '--username', h.scram.admin.username], { MSKCTL_SCRAM_PASSWORD: 'not-the-password' });
    expectFailure(run, 'sasl', 'SCRAM_AUTH_FAILED');
    expectNoSecrets(run, 'not-the-password');
  });

  it('a SCRAM client on the IAM listener: the mechanism is not offered', async () => {
    const run = await check(['--bootstrap', h.source.iam, '--auth', 'scram', '--ca', h.tls.caFile, '--username', h.scram.admin.username], { MSKCTL_SCRAM_PASSWORD: h.scram.admin.password });
    expectFailure(run, 'sasl', 'UNSUPPORTED_SASL_MECHANISM');
  });

  it('an expired token (signing clock 20 minutes behind, test-only variable): token step; with --keep-going the broker denies it too', async () => {
    const run = await check(iamArgs(h.source.iam, '--endpoint-url', noSts, '--keep-going'), { ...awsEnv(admin), MSKCTL_TEST_SIGNING_CLOCK_OFFSET: '-20m' });
    const failed = expectFailure(run, 'token', 'TOKEN_EXPIRED');
    expect(failed.hint).toMatch(/clock/);
    expect(run.stderr).toContain('MSKCTL_TEST_SIGNING_CLOCK_OFFSET is set');
    expect(step(run, 'sasl')).toMatchObject({ status: 'fail', cause: 'ACCESS_DENIED' });
    // the broker's validator says why it denied the token
    expect(iamDenialReason(h.source, step(run, 'sasl').detail)).toMatch(/^token expired at/);
  });

  it('a token signed with the wrong secret: SASL step, access denied', async () => {
    const run = await check(iamArgs(h.source.iam, '--endpoint-url', noSts), awsEnv({ accessKeyId: admin.accessKeyId, secretAccessKey: 'wrong/secret/NOT-THE-ONE-THE-BROKER-KNOWS' }));
    expect(step(run, 'token').status).toBe('pass');
    const failed = expectFailure(run, 'sasl', 'ACCESS_DENIED');
    expect(failed.hint).toMatch(/access key or secret is wrong/);
    expect(iamDenialReason(h.source, failed.detail)).toMatch(/^signature does not match/);
    expectNoSecrets(run, 'wrong/secret/NOT-THE-ONE-THE-BROKER-KNOWS');
  });

  it('a wrong region: the token is signed for it, the broker denies it, the hint names the region', async () => {
    const run = await check(['--bootstrap', h.source.iam, '--auth', 'iam', '--region', 'eu-west-1', '--ca', h.tls.caFile, '--endpoint-url', noSts], awsEnv(admin));
    expect(step(run, 'token').data).toMatchObject({ region: 'eu-west-1' });
    const failed = expectFailure(run, 'sasl', 'ACCESS_DENIED');
    expect(failed.hint).toContain('signed for eu-west-1');
    expect(iamDenialReason(h.source, failed.detail)).toMatch(/token is for region eu-west-1/);
  });

  it('a CA that does not match: TLS step, certificate not trusted', async () => {
    const run = await check(iamArgs(h.source.iam, '--endpoint-url', noSts).map((a) => (a === h.tls.caFile ? h.tls.otherCaFile : a)), awsEnv(admin));
    const failed = expectFailure(run, 'tls', 'TLS_UNTRUSTED');
    expect(failed.hint).toContain('--ca');
  });

  it('--insecure-skip-verify with the wrong CA: TLS passes with a warning that the broker is not verified', async () => {
    const run = await check(['--bootstrap', h.source.iam, '--auth', 'iam', '--region', h.iam.region, '--ca', h.tls.otherCaFile, '--insecure-skip-verify', '--endpoint-url', noSts], awsEnv(admin));
    expect(run.status, run.stderr).toBe(0);
    expect(step(run, 'tls')).toMatchObject({ status: 'warn', data: { peers: { [h.source.iam]: { verified: false } } } });
    expect(step(run, 'tls').detail).toContain('NOT verified');
  });

  it('clock skew reported by STS (Date header 20 minutes ahead): credentials step', async () => {
    const skewed = await startSkewedSts(20 * 60_000);
    try {
      const run = await check(iamArgs(h.source.iam, '--endpoint-url', skewed.url), awsEnv(admin));
      const failed = expectFailure(run, 'credentials', 'CLOCK_SKEW');
      expect(failed.detail).toMatch(/clock is (19|20) min \d+ s behind AWS/);
      // the Date header has whole seconds
      const skew = (failed.data as { identity: { clockSkewMs: number } }).identity.clockSkewMs;
      expect(Math.abs(skew - 20 * 60_000)).toBeLessThan(2000);
    } finally {
      await new Promise<void>((r) => skewed.server.close(() => r()));
    }
  });

  it('STS rejects the credentials (InvalidClientTokenId): credentials step, before any Kafka authentication', async () => {
    sts.script('GetCallerIdentity', { status: 403, error: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.' });
    const run = await check(iamArgs(h.source.iam, '--endpoint-url', sts.url), awsEnv(admin));
    const failed = expectFailure(run, 'credentials', 'CREDENTIALS_INVALID');
    expect(failed.hint).toContain('secret is wrong');
    expect(step(run, 'sasl').status).toBe('skip');
  });

  it('authorization (ACLs on the IAM listener): the restricted identity may not describe a topic or group outside allowed-*', async () => {
    const restricted = h.iam.restricted;
    const run = await check(iamArgs(h.source.iam, '--endpoint-url', noSts, '--topic', 'payments', '--group', 'billing', '--keep-going'), awsEnv(restricted));
    const topic = expectFailure(run, 'topic', 'TOPIC_AUTHORIZATION_FAILED');
    expect(topic.hint).toContain('kafka-cluster:DescribeTopic');
    expect(topic.hint).toContain('topic payments');
    expect(step(run, 'group')).toMatchObject({ status: 'fail', cause: 'GROUP_AUTHORIZATION_FAILED' });
    expect(step(run, 'group').hint).toContain('kafka-cluster:DescribeGroup');
    // authenticated fine: only authorization failed
    expect(step(run, 'sasl').status).toBe('pass');
  });

  it('authorization: the restricted identity cannot create the round-trip topic, but can use an allowed-* one', async () => {
    const restricted = h.iam.restricted;
    const denied = await check(iamArgs(h.source.iam, '--endpoint-url', noSts, '--produce-consume'), awsEnv(restricted));
    const failed = expectFailure(denied, 'produce-consume', 'TOPIC_AUTHORIZATION_FAILED');
    expect(failed.hint).toContain('kafka-cluster:CreateTopic');
    const allowedTopic = `${h.restrictedAllowedPrefix}check-${Date.now()}`;
    const allowed = await check(iamArgs(h.source.iam, '--endpoint-url', noSts, '--produce-consume', '--test-topic', allowedTopic), awsEnv(restricted));
    expect(allowed.status, allowed.stderr).toBe(0);
    expect(step(allowed, 'produce-consume').data).toMatchObject({ topic: allowedTopic, group: allowedTopic, topicCreated: true, cleanedUp: true, sent: 1, received: 1 });
  });
});

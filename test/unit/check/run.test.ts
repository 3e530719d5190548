/**
 * The step runner over injected probes: order, timing, pass/warn/fail/skip, stop at the first failure or
 * keep going, per-broker reporting, clock skew thresholds, token lint (with tokens from the real signer).
 */
import { generateAuthTokenFromCredentialsProvider } from 'aws-msk-iam-sasl-signer-js';
import { describe, expect, it } from 'vitest';
import { parseBootstrap } from '../../../src/kafka/bootstrap.js';
import { runCheck, type CheckPlan } from '../../../src/check/run.js';
import { ProbeError, type CheckProbes, type CredentialsInfo, type StepResult } from '../../../src/check/types.js';

const HOST1 = 'b-1.orders.a1b2c3.c2.kafka.eu-west-1.amazonaws.com';
const HOST2 = 'b-2.orders.a1b2c3.c2.kafka.eu-west-1.amazonaws.com';

function plan(overrides: Partial<CheckPlan> = {}): CheckPlan {
  const bootstrapText = overrides.bootstrapText ?? `${HOST1}:9098,${HOST2}:9098`;
  return {
    bootstrapText,
    bootstrap: parseBootstrap(bootstrapText),
    auth: 'iam',
    tls: true,
    region: 'eu-west-1',
    insecureSkipVerify: false,
    timeoutMs: 5000,
    keepGoing: false,
    ...overrides,
  };
}

async function signedToken(region: string): Promise<{ token: string; expiryTime: number }> {
  return generateAuthTokenFromCredentialsProvider({
    region,
    awsCredentialsProvider: async () => ({ accessKeyId: 'AKIAUNITTEST00000001', secretAccessKey: 'unit-test-secret-NOT-REAL' }),
  });
}

const CREDENTIALS: CredentialsInfo = {
  accessKey: 'AKIA…0001',
  keyKind: 'long-term',
  source: 'environment variables',
  sessionToken: false,
  identity: { arn: 'arn:aws:iam::123456789012:user/dev', account: '123456789012', clockSkewMs: 0 },
};

/** healthy probes that record the calls; individual tests replace what they break */
function probes(overrides: Partial<CheckProbes> = {}): CheckProbes & { calls: string[] } {
  const calls: string[] = [];
  const base: CheckProbes = {
    lookup: async (host) => {
      calls.push(`lookup ${host}`);
      return ['10.0.1.5'];
    },
    tcpConnect: async (b) => void calls.push(`tcp ${b.host}`),
    tlsHandshake: async (b) => {
      calls.push(`tls ${b.host}`);
      return { protocol: 'TLSv1.3', subject: `CN=${b.host}`, issuer: 'CN=Amazon RSA 2048 M02', altNames: [], validFrom: '2026-01-01T00:00:00.000Z', validTo: '2027-01-01T00:00:00.000Z', daysLeft: 200, verified: true };
    },
    speaksTls: async () => true,
    credentials: async () => {
      calls.push('credentials');
      return CREDENTIALS;
    },
    token: async () => {
      calls.push('token');
      return signedToken('eu-west-1');
    },
    authenticate: async (b) => void calls.push(`sasl ${b.host}`),
    metadata: async () => {
      calls.push('metadata');
      return { clusterId: 'abc', controller: 2, brokers: [{ nodeId: 1, host: HOST1, port: 9098 }, { nodeId: 2, host: HOST2, port: 9098 }], topicCount: 7 };
    },
    roundTrip: async (rt) => {
      calls.push('roundTrip');
      return { topic: rt.topic ?? 'mskctl-check-1', group: rt.topic ?? 'mskctl-check-1', topicCreated: true, sent: 1, received: 1, latencyMs: { min: 12, p50: 12, max: 12 }, cleanedUp: true };
    },
    describeTopic: async () => ({ partitions: 6 }),
    describeGroup: async () => ({ state: 'Stable', members: 2 }),
    close: async () => undefined,
  };
  return Object.assign({ ...base, ...overrides }, { calls });
}

const statuses = (steps: StepResult[]): Record<string, string> => Object.fromEntries(steps.map((s) => [s.step, s.status]));

/** a clock that advances 5 ms per reading: durations are deterministic */
function steppingClock(): () => number {
  let t = 0;
  return () => (t += 5);
}

describe('runCheck', () => {
  it('runs every step in order and passes a healthy IAM cluster', async () => {
    const p = probes();
    const report = await runCheck(plan(), p, { clock: steppingClock() });
    expect(report.ok).toBe(true);
    expect(report.failedStep).toBeUndefined();
    expect(report.steps.map((s) => s.step)).toEqual(['parse', 'dns', 'tcp', 'tls', 'credentials', 'token', 'sasl', 'metadata']);
    expect(Object.values(statuses(report.steps)).every((s) => s === 'pass')).toBe(true);
    expect(p.calls).toEqual([`lookup ${HOST1}`, `lookup ${HOST2}`, `tcp ${HOST1}`, `tcp ${HOST2}`, `tls ${HOST1}`, `tls ${HOST2}`, 'credentials', 'token', `sasl ${HOST1}`, `sasl ${HOST2}`, 'metadata']);
    // timed with the injected clock: each step reads it twice
    expect(report.steps.every((s) => s.durationMs === 5)).toBe(true);
    expect(report.steps.find((s) => s.step === 'dns')!.detail).toContain('private');
    expect(report.steps.find((s) => s.step === 'metadata')!.detail).toBe(`cluster abc: 2 brokers (1@${HOST1}:9098, 2@${HOST2}:9098), controller 2, 7 topics`);
  });

  it('metadata fails when the cluster advertises a broker this machine cannot reach (bootstrap brokers are not probed twice)', async () => {
    const HOST3 = 'b-3.orders.a1b2c3.c2.kafka.eu-west-1.amazonaws.com';
    const p = probes({
      metadata: async () => ({ clusterId: 'abc', controller: 2, brokers: [{ nodeId: 1, host: HOST1, port: 9098 }, { nodeId: 3, host: HOST3, port: 9098 }], topicCount: 7 }),
      tcpConnect: async (b) => {
        p.calls.push(`tcp ${b.host}`);
        if (b.host === HOST3) throw Object.assign(new Error('connect timed out after 5000 ms'), { code: 'ETIMEDOUT' });
      },
    });
    const report = await runCheck(plan(), p);
    expect(report).toMatchObject({ failedStep: 'metadata', cause: 'ADVERTISED_BROKER_UNREACHABLE' });
    const metadata = report.steps.find((s) => s.step === 'metadata')!;
    expect(metadata.detail).toContain(`not reachable from here: 3@${HOST3}:9098 (connect timed out after 5000 ms)`);
    expect(metadata.hint).toContain('advertised');
    expect(p.calls.filter((c) => c === `tcp ${HOST1}`)).toHaveLength(1);
    expect(p.calls).toContain(`lookup ${HOST3}`);
  });

  it('the optional steps run only when asked', async () => {
    const report = await runCheck(plan({ produceConsume: { durationMs: 0, intervalMs: 1000 }, topic: 'orders', group: 'billing' }), probes());
    expect(report.steps.slice(-3).map((s) => [s.step, s.status])).toEqual([
      ['produce-consume', 'pass'],
      ['topic', 'pass'],
      ['group', 'pass'],
    ]);
    expect(report.steps.find((s) => s.step === 'produce-consume')!.detail).toContain('latency 12 ms');
  });

  it('stops at the first failure: later steps are skipped and not called; one broker of two failing is a failure', async () => {
    const p = probes({
      tcpConnect: async (b) => {
        if (b.host === HOST2) throw Object.assign(new Error('connect timed out after 5000 ms'), { code: 'ETIMEDOUT' });
      },
    });
    const report = await runCheck(plan(), p);
    expect(report).toMatchObject({ ok: false, failedStep: 'tcp', cause: 'CONNECTION_TIMEOUT' });
    const tcp = report.steps.find((s) => s.step === 'tcp')!;
    expect(tcp.detail).toContain(`${HOST1}:9098: connected`);
    expect(tcp.detail).toContain(`${HOST2}:9098: connect timed out`);
    expect(statuses(report.steps)).toMatchObject({ tls: 'skip', credentials: 'skip', token: 'skip', sasl: 'skip', metadata: 'skip' });
    expect(report.steps.find((s) => s.step === 'sasl')!.detail).toContain('step tcp failed');
    expect(p.calls.filter((c) => c.startsWith('tls') || c === 'token' || c === 'metadata')).toEqual([]);
  });

  it('--keep-going runs the remaining steps after a failure; the first failure is the one reported', async () => {
    const p = probes({
      tlsHandshake: async () => {
        throw Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
      },
      authenticate: async () => {
        throw new ProbeError('SASL OAUTHBEARER authentication failed: [x]: Access denied', 'connect');
      },
    });
    const report = await runCheck(plan({ keepGoing: true }), p);
    expect(report).toMatchObject({ ok: false, failedStep: 'tls', cause: 'TLS_UNTRUSTED' });
    expect(statuses(report.steps)).toMatchObject({ tls: 'fail', token: 'pass', sasl: 'fail', metadata: 'pass' });
    expect(report.steps.find((s) => s.step === 'sasl')!.cause).toBe('ACCESS_DENIED');
  });

  it('steps that do not apply to the auth mode are skipped', async () => {
    const p = probes();
    const report = await runCheck(plan({ bootstrapText: 'localhost:9092', bootstrap: parseBootstrap('localhost:9092'), auth: 'plaintext', tls: false, region: undefined }), p);
    expect(report.ok).toBe(true);
    expect(statuses(report.steps)).toEqual({ parse: 'pass', dns: 'pass', tcp: 'pass', tls: 'skip', credentials: 'skip', token: 'skip', sasl: 'skip', metadata: 'pass' });
    expect(p.calls).not.toContain('token');
  });

  it.each([
    [true, 'TLS_EXPECTED', /completed a TLS handshake/],
    [false, 'SASL_EXPECTED', /expects SASL authentication/],
  ] as const)('a plaintext connection the broker closes: the port speaks TLS = %s → %s', async (tls, cause, hint) => {
    const p = probes({
      speaksTls: async () => tls,
      metadata: async () => {
        throw Object.assign(new Error('Closed connection'), { name: 'KafkaJSConnectionClosedError' });
      },
    });
    const report = await runCheck(plan({ bootstrapText: 'localhost:9094', bootstrap: parseBootstrap('localhost:9094'), auth: 'plaintext', tls: false, region: undefined }), p);
    expect(report).toMatchObject({ failedStep: 'metadata', cause });
    expect(report.steps.find((s) => s.step === 'metadata')!.hint).toMatch(hint);
  });

  it('parse warns (and does not fail) on a port that serves another auth mode, naming the right ports', async () => {
    const text = `${HOST1}:9094`;
    const report = await runCheck(plan({ bootstrapText: text, bootstrap: parseBootstrap(text) }), probes());
    const parse = report.steps[0]!;
    expect(parse).toMatchObject({ step: 'parse', status: 'warn', cause: 'PORT_AUTH_MISMATCH' });
    expect(parse.detail).toContain('9098 (private) or 9198 (public)');
    expect(report.ok).toBe(true);
  });

  it('parse warns when the region in use differs from the host name; the token lint then fails', async () => {
    const p = probes({ token: () => signedToken('us-east-1') });
    const report = await runCheck(plan({ region: 'us-east-1' }), p);
    expect(report.steps[0]).toMatchObject({ status: 'warn', cause: 'REGION_MISMATCH' });
    expect(report.steps[0]!.hint).toContain('--region eu-west-1');
    expect(report).toMatchObject({ failedStep: 'token', cause: 'TOKEN_WRONG_REGION' });
  });

  it.each([
    [0, 'pass', undefined],
    [90_000, 'warn', 'CLOCK_SKEW'],
    [-6 * 60_000, 'fail', 'CLOCK_SKEW'],
  ] as const)('clock skew %d ms → credentials %s', async (skew, status, cause) => {
    const p = probes({ credentials: async () => ({ ...CREDENTIALS, identity: { ...CREDENTIALS.identity!, clockSkewMs: skew } }) });
    const step = (await runCheck(plan(), p)).steps.find((s) => s.step === 'credentials')!;
    expect(step.status).toBe(status);
    expect(step.cause).toBe(cause);
    expect(step.detail).toContain('arn:aws:iam::123456789012:user/dev');
  });

  it('STS unreachable: credentials skipped with a note, and the check goes on', async () => {
    const p = probes({ credentials: async () => ({ ...CREDENTIALS, identity: undefined, stsUnreachable: 'sts.eu-west-1.amazonaws.com: ETIMEDOUT' }) });
    const report = await runCheck(plan(), p);
    expect(report.ok).toBe(true);
    const step = report.steps.find((s) => s.step === 'credentials')!;
    expect(step.status).toBe('skip');
    expect(step.detail).toContain('STS not reachable (sts.eu-west-1.amazonaws.com: ETIMEDOUT)');
  });

  it('no credentials: the credentials step fails before any Kafka I/O', async () => {
    const { operationalError } = await import('../../../src/output/errors.js');
    const p = probes({
      credentials: async () => {
        throw operationalError('no AWS credentials found', undefined, 'AWS_NO_CREDENTIALS');
      },
    });
    const report = await runCheck(plan(), p);
    expect(report).toMatchObject({ failedStep: 'credentials', cause: 'CREDENTIALS_MISSING' });
    expect(p.calls.some((c) => c.startsWith('sasl'))).toBe(false);
  });

  it('an expired token from the real signer fails the token step with a clock hint; the token is not in the report', async () => {
    const token = await signedToken('eu-west-1');
    const report = await runCheck(plan(), probes({ token: async () => token }), { now: () => Date.now() + 16 * 60_000 });
    expect(report).toMatchObject({ failedStep: 'token', cause: 'TOKEN_EXPIRED' });
    expect(report.steps.find((s) => s.step === 'token')!.hint).toContain('clock');
    expect(JSON.stringify(report)).not.toContain(token.token);
  });

  it('a token step that cannot produce a token leaves SASL skipped under --keep-going', async () => {
    const p = probes({
      token: async () => {
        throw new Error('Could not load credentials from any providers');
      },
    });
    const report = await runCheck(plan({ keepGoing: true }), p);
    expect(report.steps.find((s) => s.step === 'token')).toMatchObject({ status: 'fail', cause: 'CREDENTIALS_MISSING' });
    expect(report.steps.find((s) => s.step === 'sasl')).toMatchObject({ status: 'skip', detail: 'no IAM token was generated' });
  });

  it('a round trip that could not clean up is a warning with a hint', async () => {
    const p = probes({
      roundTrip: async () => ({ topic: 't', group: 't', topicCreated: true, sent: 3, received: 3, latencyMs: { min: 1, p50: 2, max: 9 }, cleanedUp: false, cleanupNote: 'topic t not deleted (denied)' }),
    });
    const step = (await runCheck(plan({ produceConsume: { durationMs: 3000, intervalMs: 1000 } }), p)).steps.find((s) => s.step === 'produce-consume')!;
    expect(step.status).toBe('warn');
    expect(step.detail).toContain('min 1 / p50 2 / max 9 ms');
    expect(step.detail).toContain('topic t not deleted');
  });

  it('a long round trip reports the re-authentications it went through', async () => {
    const p = probes({
      roundTrip: async () => ({ topic: 't', group: 't', topicCreated: true, sent: 30, received: 30, latencyMs: { min: 3, p50: 5, max: 14 }, cleanedUp: true, connections: 4, reauthentications: 16 }),
    });
    const step = (await runCheck(plan({ produceConsume: { durationMs: 30_000, intervalMs: 1000 } }), p)).steps.find((s) => s.step === 'produce-consume')!;
    expect(step.status).toBe('pass');
    expect(step.detail).toBe('topic t (created, cleaned up): 30/30 messages round trip, latency min 3 / p50 5 / max 14 ms; 16 re-authentications on 4 connections');
  });

  it('a round trip that completed after a consumer restart is a warning naming the error', async () => {
    const p = probes({
      roundTrip: async () => ({ topic: 't', group: 't', topicCreated: true, sent: 1, received: 1, latencyMs: { min: 900, p50: 900, max: 900 }, cleanedUp: true, consumerRestarts: ["The coordinator is loading and hence can't process requests for this group"] }),
    });
    const step = (await runCheck(plan({ produceConsume: { durationMs: 0, intervalMs: 1000 } }), p)).steps.find((s) => s.step === 'produce-consume')!;
    expect(step.status).toBe('warn');
    expect(step.detail).toContain('the consumer restarted 1 time after: The coordinator is loading');
  });

  it('authorization failures in the round trip name the operation that failed', async () => {
    const denied = Object.assign(new Error('Topic authorization failed'), { type: 'TOPIC_AUTHORIZATION_FAILED' });
    const p = probes({
      roundTrip: async () => {
        throw new ProbeError('Topic authorization failed', 'produce', { cause: denied });
      },
    });
    const report = await runCheck(plan({ produceConsume: { topic: 'orders', durationMs: 0, intervalMs: 1000 } }), p);
    expect(report).toMatchObject({ failedStep: 'produce-consume', cause: 'TOPIC_AUTHORIZATION_FAILED' });
    expect(report.steps.at(-1)!.hint).toContain('kafka-cluster:WriteData');
    expect(report.steps.at(-1)!.hint).toContain('topic orders');
  });

  it('an unverified certificate (--insecure-skip-verify) and a certificate about to expire are warnings', async () => {
    const unverified = probes({
      tlsHandshake: async () => ({ protocol: 'TLSv1.3', subject: 'CN=x', issuer: 'CN=y', altNames: [], validFrom: '-', validTo: '-', daysLeft: 300, verified: false, verifyError: 'SELF_SIGNED_CERT_IN_CHAIN' }),
    });
    const a = (await runCheck(plan({ insecureSkipVerify: true }), unverified)).steps.find((s) => s.step === 'tls')!;
    expect(a.status).toBe('warn');
    expect(a.detail).toContain('NOT verified');
    const expiring = probes({
      tlsHandshake: async () => ({ protocol: 'TLSv1.3', subject: 'CN=x', issuer: 'CN=y', altNames: [], validFrom: '-', validTo: '-', daysLeft: 3, verified: true }),
    });
    const b = (await runCheck(plan(), expiring)).steps.find((s) => s.step === 'tls')!;
    expect(b.status).toBe('warn');
    expect(b.detail).toContain('expires in 3 days');
  });
});

/**
 * Re-authentication (KIP-368) with MSK IAM: the check's produce/consume round trip runs for 30 s against the
 * harness's IAM_REAUTH listener (short connections.max.reauth.ms). kafkajs re-authenticates its long-lived
 * connections several times, asking mskctl's token provider (src/auth/token-provider.ts, real signer) each
 * time; the provider here refreshes its token every few seconds so re-authentications carry fresh tokens.
 * Nothing may fail: every message sent is consumed, and kafkajs logs no error.
 */
import { describe, expect, it } from 'vitest';
import { memoizeCredentials } from '../../src/auth/credentials.js';
import { MskTokenProvider } from '../../src/auth/token-provider.js';
import { inspectToken } from '../../src/auth/token-inspect.js';
import { parseBootstrap } from '../../src/kafka/bootstrap.js';
import { createCheckProbes } from '../../src/check/probes.js';
import { runCheck, type CheckPlan } from '../../src/check/run.js';
import type { RoundTripResult } from '../../src/check/types.js';
import { memoryLogger } from '../../src/output/log.js';
import { harnessEndpoints } from '../kafka/harness.js';

const h = harnessEndpoints();
const DURATION_MS = 30_000;
const TOKEN_REFRESH_MS = 4000;

describe('mskctl check: MSK IAM re-authentication', () => {
  it(`a ${DURATION_MS / 1000} s round trip keeps working across several re-authentications with fresh tokens`, async () => {
    const identity = h.iam.admin;
    const credentials = memoizeCredentials(async () => ({ accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey }));
    // a fresh token every TOKEN_REFRESH_MS instead of shortly before the 15-minute expiry
    const provider = new MskTokenProvider({ region: h.iam.region, credentials, refreshMarginMs: (lifetimeMs) => lifetimeMs - TOKEN_REFRESH_MS });
    const served: string[] = [];
    const tokens = async (): Promise<{ token: string; expiryTime: number }> => {
      const token = await provider.getToken();
      served.push(token.token);
      return token;
    };
    const plan: CheckPlan = {
      bootstrapText: h.source.iamReauth,
      bootstrap: parseBootstrap(h.source.iamReauth),
      auth: 'iam',
      tls: true,
      region: h.iam.region,
      insecureSkipVerify: false,
      caFile: h.tls.caFile,
      timeoutMs: 10_000,
      keepGoing: false,
      produceConsume: { durationMs: DURATION_MS, intervalMs: 500 },
    };
    // warm-up: on a fresh cluster the first consumer group creates __consumer_offsets (the coordinator is not
    // available for a moment, which kafkajs logs as errors); the measured run below must meet a settled cluster
    const warmup = await createCheckProbes({ plan: { ...plan, produceConsume: { durationMs: 0, intervalMs: 500 } }, tokens, credentials: async () => ({ accessKey: 'AKIA…0001', keyKind: 'long-term', source: 'test', sessionToken: false }) });
    try {
      const warm = await runCheck({ ...plan, produceConsume: { durationMs: 0, intervalMs: 500 } }, warmup);
      expect(warm.ok, JSON.stringify(warm.steps.filter((s) => s.status === 'fail'))).toBe(true);
    } finally {
      await warmup.close();
    }
    served.length = 0;

    const log = memoryLogger('verbose');
    const probes = await createCheckProbes({
      plan,
      tokens,
      credentials: async () => ({ accessKey: 'AKIA…0001', keyKind: 'long-term', source: 'test', sessionToken: false, stsUnreachable: 'not asked in this test' }),
      logger: log,
    });
    let report;
    try {
      report = await runCheck(plan, probes);
    } finally {
      await probes.close();
    }

    expect(report.ok, JSON.stringify(report.steps, null, 2)).toBe(true);
    const rt = report.steps.find((s) => s.step === 'produce-consume')!.data as unknown as RoundTripResult;
    expect(rt.sent).toBeGreaterThanOrEqual(DURATION_MS / 500 / 2);
    expect(rt.received).toBe(rt.sent);

    // several tokens were generated during the run, each valid for the harness's validator (real signer, right region)
    const distinct = [...new Set(served)];
    expect(distinct.length).toBeGreaterThan(1);
    expect(provider.generatedCount).toBeGreaterThanOrEqual(distinct.length);
    for (const token of distinct) expect(inspectToken(token, { now: Date.now() - 60_000, expectedRegion: h.iam.region }).findings.filter((f) => f.code !== 'NOT_YET_VALID')).toEqual([]);

    // the broker ends each session after reauthMs: the producer's and the consumer's connections lived through
    // the whole run, so each re-authenticated at least DURATION / reauthMs times. A re-authentication is a
    // successful SASL exchange on an existing connection: successes minus TCP connections kafkajs opened.
    const connections = log.lines.filter((l) => /^kafkajs Connection: Connecting\b/.test(l)).length;
    const authentications = log.lines.filter((l) => l.includes('SASL OAUTHBEARER authentication successful')).length;
    const reauthsAtLeast = 2 * Math.floor(DURATION_MS / h.iam.reauthMs);
    process.stderr.write(`re-auth run: ${connections} connections, ${authentications} authentications, ${served.length} token requests, ${provider.generatedCount} tokens generated\n`);
    expect(connections).toBeGreaterThan(0);
    expect(authentications - connections).toBeGreaterThanOrEqual(reauthsAtLeast);
    // every authentication (and the token step) asked the provider
    expect(served.length).toBe(authentications + 1);

    // no request failed: kafkajs logged no error (its errors and warnings reach the logger as warnings)
    expect(log.lines.filter((l) => l.startsWith('warning: kafkajs'))).toEqual([]);
  });
});

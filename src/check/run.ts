/**
 * The stepwise diagnosis of `mskctl check`: parse → DNS → TCP → TLS → credentials/clock → token → SASL →
 * metadata → optional produce/consume round trip and topic/group authorization probes. Plain functions over
 * injected probes (src/check/types.ts): every step is timed, and every failure is mapped to a cause and a
 * hint (causes.ts). Stops at the first failure unless keepGoing; later steps are then reported as skipped.
 */
import { isIP } from 'node:net';
import { inspectToken } from '../auth/token-inspect.js';
import type { AuthMode } from '../config/contexts.js';
import { portMeaning, type BrokerAddress, type ParsedBootstrap } from '../kafka/bootstrap.js';
import { portAuthWarnings } from './bootstrap.js';
import { classifyFailure, saslExpectedHint, tlsExpectedHint, tokenFindingCause, type FailureContext, type Operation } from './causes.js';
import { ProbeError, type CheckProbes, type CheckReport, type RoundTripOptions, type StepName, type StepResult, type StepStatus } from './types.js';

export interface CheckPlan {
  /** the bootstrap string as given */
  bootstrapText: string;
  bootstrap: ParsedBootstrap;
  auth: AuthMode;
  /** TLS on the Kafka connections */
  tls: boolean;
  /** the region IAM tokens are signed for */
  region?: string;
  insecureSkipVerify: boolean;
  /** a CA file was given (else the system roots verify) */
  caFile?: string;
  timeoutMs: number;
  keepGoing: boolean;
  produceConsume?: RoundTripOptions;
  topic?: string;
  group?: string;
}

export interface RunCheckOptions {
  /** monotonic clock for durations, ms (default performance.now) */
  clock?: () => number;
  /** wall clock for token linting, epoch ms (default Date.now) */
  now?: () => number;
  /** called after each step (progress on stderr) */
  onStep?: (result: StepResult) => void;
}

/** Thresholds: SigV4 (and MSK IAM) reject requests more than 5 minutes off; warn well before. */
export const CLOCK_SKEW_FAIL_MS = 5 * 60_000;
export const CLOCK_SKEW_WARN_MS = 60_000;
/** warn when a broker certificate expires within this many days */
export const CERT_WARN_DAYS = 14;

interface StepOutcome {
  status: StepStatus;
  detail: string;
  hint?: string;
  cause?: StepResult['cause'];
  data?: Record<string, unknown>;
}

interface State {
  tokenGenerated: boolean;
}

function label(b: BrokerAddress): string {
  return `${b.host}:${b.port}`;
}

function describeSeconds(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

function isPrivateIp(address: string): boolean {
  return /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|127\.|169\.254\.|fd|fc)/i.test(address);
}

export async function runCheck(plan: CheckPlan, probes: CheckProbes, options: RunCheckOptions = {}): Promise<CheckReport> {
  const clock = options.clock ?? (() => performance.now());
  const now = options.now ?? Date.now;
  const began = clock();
  const state: State = { tokenGenerated: false };
  const steps: StepResult[] = [];
  let stopped: StepName | undefined;

  const context = (operation: Operation | undefined, broker?: BrokerAddress): FailureContext => ({
    auth: plan.auth,
    tls: plan.tls,
    operation,
    host: broker?.host ?? plan.bootstrap.brokers[0]?.host,
    port: broker?.port ?? plan.bootstrap.brokers[0]?.port,
    topic: plan.topic ?? plan.produceConsume?.topic,
    group: plan.group,
    region: plan.region,
    ...(plan.bootstrap.clusterName ? { clusterName: plan.bootstrap.clusterName } : {}),
    timeoutMs: plan.timeoutMs,
  });

  const fail = (error: unknown, operation: Operation | undefined, broker?: BrokerAddress, prefix?: string): StepOutcome => {
    const op = error instanceof ProbeError ? error.operation : operation;
    const diagnosis = classifyFailure(error, context(op, broker));
    return { status: 'fail', cause: diagnosis.cause, detail: prefix ? `${prefix}: ${diagnosis.detail}` : diagnosis.detail, hint: diagnosis.hint };
  };

  /** runs body for every bootstrap broker; the first failure decides the cause, every broker is reported */
  const perBroker = async (operation: Operation | undefined, body: (b: BrokerAddress) => Promise<string>): Promise<StepOutcome & { lines: string[] }> => {
    const lines: string[] = [];
    let failure: StepOutcome | undefined;
    for (const broker of plan.bootstrap.brokers) {
      try {
        lines.push(`${label(broker)}: ${await body(broker)}`);
      } catch (error) {
        const outcome = fail(error, operation, broker);
        failure ??= outcome;
        lines.push(`${label(broker)}: ${outcome.detail}`);
      }
    }
    const detail = lines.join('; ');
    if (failure) return { ...failure, detail, lines };
    return { status: 'pass', detail, lines };
  };

  /** a plaintext connection the broker closed: TLS listener, or a SASL listener? Ask the port. */
  const refineClosedConnection = async (outcome: StepOutcome): Promise<StepOutcome> => {
    const broker = b.brokers[0]!;
    const tls = await probes.speaksTls(broker).catch(() => undefined);
    if (tls === false) return { ...outcome, cause: 'SASL_EXPECTED', hint: saslExpectedHint(plan) };
    if (tls === true) return { ...outcome, hint: `${outcome.hint ?? tlsExpectedHint(plan)} (${label(broker)} completed a TLS handshake)` };
    return outcome;
  };

  const run = async (step: StepName, body: () => Promise<StepOutcome>): Promise<void> => {
    if (stopped !== undefined) {
      steps.push({ step, status: 'skip', durationMs: 0, detail: `not run: step ${stopped} failed (--keep-going runs every step)` });
      options.onStep?.(steps[steps.length - 1]!);
      return;
    }
    const start = clock();
    let outcome: StepOutcome;
    try {
      outcome = await body();
    } catch (error) {
      outcome = fail(error, undefined);
    }
    if (outcome.cause === 'TLS_EXPECTED') outcome = await refineClosedConnection(outcome);
    const result: StepResult = { step, status: outcome.status, durationMs: Math.round((clock() - start) * 10) / 10, detail: outcome.detail };
    if (outcome.cause) result.cause = outcome.cause;
    if (outcome.hint) result.hint = outcome.hint;
    if (outcome.data) result.data = outcome.data;
    steps.push(result);
    options.onStep?.(result);
    if (result.status === 'fail' && !plan.keepGoing) stopped = step;
  };

  const b = plan.bootstrap;

  await run('parse', async () => {
    const port = b.brokers[0]!.port;
    const meaning = portMeaning(port);
    const portWarnings = portAuthWarnings(b, plan.auth);
    if (!plan.tls && b.kind !== 'other' && plan.auth !== 'plaintext') portWarnings.push(`MSK serves ${plan.auth} over TLS only`);
    const regionWarning =
      plan.auth === 'iam' && plan.region && b.region && plan.region !== b.region
        ? `the host names are in ${b.region} but tokens would be signed for ${plan.region}: IAM tokens must be signed for the cluster's region`
        : undefined;
    const warnings = [...b.warnings, ...portWarnings, ...(regionWarning ? [regionWarning] : [])];
    const cause = portWarnings.length > 0 ? 'PORT_AUTH_MISMATCH' : regionWarning ? 'REGION_MISMATCH' : warnings.length > 0 ? 'BOOTSTRAP_SUSPICIOUS' : undefined;
    const hint =
      cause === 'PORT_AUTH_MISMATCH'
        ? 'check --auth and the port: copy the bootstrap string for this auth mode from `aws kafka get-bootstrap-brokers`'
        : cause === 'REGION_MISMATCH'
          ? `drop --region (the host name says ${b.region}) or pass --region ${b.region}`
          : 'use the bootstrap string of one cluster and one listener';
    const kind = b.kind === 'other' ? 'not an MSK host name' : `MSK ${b.kind}${b.clusterName ? ` (cluster ${b.clusterName})` : ''}`;
    const detail =
      `${b.brokers.length} broker${b.brokers.length === 1 ? '' : 's'}, ${kind}` +
      `${b.region ? `, region ${b.region} (from the host name)` : plan.region ? `, region ${plan.region}` : ''}` +
      `, port ${port}: ${meaning.description}; auth ${plan.auth}${plan.tls ? ' over TLS' : ' without TLS'}` +
      (warnings.length > 0 ? ` — ${warnings.join('; ')}` : '');
    return {
      status: warnings.length > 0 ? 'warn' : 'pass',
      detail,
      ...(cause ? { cause, hint } : {}),
      data: { brokers: b.brokers, endpointKind: b.kind, hostRegion: b.region, clusterName: b.clusterName, port: { number: port, ...meaning }, warnings },
    };
  });

  await run('dns', async () => {
    const addresses: Record<string, string[]> = {};
    const outcome = await perBroker(undefined, async (broker) => {
      if (isIP(broker.host)) {
        addresses[broker.host] = [broker.host];
        return 'an IP address (no lookup)';
      }
      const found = await probes.lookup(broker.host);
      addresses[broker.host] = found;
      const privateNote = b.kind !== 'other' && found.length > 0 && found.every(isPrivateIp) ? ' (private: reachable only from inside the VPC or a connected network)' : '';
      return `${found.join(', ')}${privateNote}`;
    });
    return { ...outcome, data: { addresses } };
  });

  await run('tcp', async () => perBroker('connect', async (broker) => {
    await probes.tcpConnect(broker);
    return 'connected';
  }));

  await run('tls', async () => {
    if (!plan.tls) return { status: 'skip', detail: plan.auth === 'plaintext' ? 'auth plaintext: no TLS on this listener' : `${plan.auth} without TLS (--no-tls)` };
    const peers: Record<string, unknown> = {};
    let warning: string | undefined;
    const outcome = await perBroker('connect', async (broker) => {
      const peer = await probes.tlsHandshake(broker);
      peers[label(broker)] = peer;
      if (!peer.verified) warning ??= `certificate NOT verified (--insecure-skip-verify)${peer.verifyError ? `: ${peer.verifyError}` : ''}`;
      else if (peer.daysLeft < CERT_WARN_DAYS) warning ??= `the certificate expires in ${peer.daysLeft} days`;
      const by = peer.verified ? (plan.caFile ? 'verified against --ca' : 'verified against the system roots') : 'NOT verified';
      return `${peer.protocol}, subject ${peer.subject}, issuer ${peer.issuer}, expires ${peer.validTo} (${peer.daysLeft} days), ${by}`;
    });
    if (outcome.status === 'pass' && warning) return { ...outcome, status: 'warn', detail: `${warning} — ${outcome.detail}`, data: { peers } };
    return { ...outcome, data: { peers } };
  });

  await run('credentials', async () => {
    if (plan.auth !== 'iam') return { status: 'skip', detail: `auth ${plan.auth}: no AWS credentials needed` };
    const creds = await probes.credentials();
    const who = `${creds.accessKey} (${creds.keyKind}, ${creds.source}${creds.sessionToken ? ', with session token' : ''}${creds.expiresAt ? `, expires ${creds.expiresAt}` : ''})`;
    const data = { ...creds } as Record<string, unknown>;
    if (!creds.identity) {
      return { status: 'skip', detail: `credentials ${who}; STS not reachable (${creds.stsUnreachable ?? 'unknown reason'}): identity and clock skew not checked`, data };
    }
    const skew = creds.identity.clockSkewMs;
    const base = `${who} is ${creds.identity.arn}`;
    if (skew === undefined) return { status: 'pass', detail: `${base}; clock skew unknown (no Date header)`, data };
    const skewText = `this machine's clock is ${describeSeconds(skew)} ${skew > 0 ? 'behind' : 'ahead of'} AWS`;
    if (Math.abs(skew) > CLOCK_SKEW_FAIL_MS) {
      return { status: 'fail', cause: 'CLOCK_SKEW', detail: `${base}; ${skewText}`, hint: 'SigV4 and MSK IAM reject tokens more than 5 minutes off: sync the clock (NTP, chrony, w32time)', data };
    }
    if (Math.abs(skew) > CLOCK_SKEW_WARN_MS) return { status: 'warn', cause: 'CLOCK_SKEW', detail: `${base}; ${skewText}`, hint: 'sync the clock (NTP) before it drifts past 5 minutes', data };
    return { status: 'pass', detail: `${base}; clock skew ${(skew / 1000).toFixed(1)} s`, data };
  });

  await run('token', async () => {
    if (plan.auth !== 'iam') return { status: 'skip', detail: `auth ${plan.auth}: no IAM token` };
    const token = await probes.token();
    state.tokenGenerated = true;
    const inspection = inspectToken(token.token, { now: now(), expectedRegion: b.region ?? plan.region });
    const scope = inspection.credentialScope;
    const data = {
      region: scope?.region,
      accessKey: scope?.accessKey,
      issuedAt: inspection.issuedAt,
      expiresAt: inspection.expiresAt,
      expiresSeconds: inspection.expiresSeconds,
      secondsLeft: inspection.secondsLeft,
      sessionTokenPresent: inspection.sessionTokenPresent,
      findings: inspection.findings,
    };
    const summary = `signed for ${scope?.region ?? '?'} with ${scope?.accessKey ?? '?'}, X-Amz-Expires ${inspection.expiresSeconds ?? '?'} s, ${inspection.secondsLeft !== undefined && inspection.secondsLeft > 0 ? `expires in ${describeSeconds(inspection.secondsLeft * 1000)}` : `expired at ${inspection.expiresAt ?? '?'}`}, session token ${inspection.sessionTokenPresent ? 'present' : 'absent'}`;
    const error = inspection.findings.find((f) => f.severity === 'error');
    if (error) {
      const cause = tokenFindingCause(error.code);
      // mskctl signed this token a moment ago: an expired or future token means the signing clock is off
      const hint =
        cause === 'TOKEN_EXPIRED' || cause === 'TOKEN_NOT_YET_VALID'
          ? 'the token was signed just now, so the clock used for signing is off: sync this machine\'s clock (NTP); MSK rejects tokens outside their X-Amz-Date + X-Amz-Expires window'
          : (error.hint ?? 'generate a new token; check the region');
      return { status: 'fail', cause, detail: `${error.message} (${summary})`, hint, data };
    }
    const warning = inspection.findings.find((f) => f.severity === 'warning');
    if (warning) return { status: 'warn', detail: `${warning.message} (${summary})`, data };
    return { status: 'pass', detail: summary, data };
  });

  await run('sasl', async () => {
    if (plan.auth === 'plaintext') return { status: 'skip', detail: 'auth plaintext: no authentication' };
    if (plan.auth === 'iam' && !state.tokenGenerated) return { status: 'skip', detail: 'no IAM token was generated' };
    const mechanism = plan.auth === 'iam' ? 'SASL/OAUTHBEARER (MSK IAM)' : plan.auth === 'scram' ? 'SASL/SCRAM-SHA-512' : 'mutual TLS client certificate';
    const outcome = await perBroker('connect', async (broker) => {
      await probes.authenticate(broker);
      return `${mechanism} accepted`;
    });
    return outcome;
  });

  await run('metadata', async () => {
    const meta = await probes.metadata();
    const summary = `cluster ${meta.clusterId}: ${meta.brokers.length} broker${meta.brokers.length === 1 ? '' : 's'} (${meta.brokers.map((x) => `${x.nodeId}@${x.host}:${x.port}`).join(', ')}), controller ${meta.controller ?? 'unknown'}, ${meta.topicCount} topic${meta.topicCount === 1 ? '' : 's'}`;
    // clients talk to every broker the metadata advertises, not only to the bootstrap ones: through a tunnel,
    // port forward or load balancer the advertised addresses are often the ones that cannot be reached
    const bootstrapAddresses = new Set(b.brokers.map(label));
    const unreachable: string[] = [];
    for (const advertised of meta.brokers) {
      const address = { host: advertised.host, port: advertised.port };
      if (bootstrapAddresses.has(label(address))) continue;
      try {
        if (!isIP(address.host)) await probes.lookup(address.host);
        await probes.tcpConnect(address);
      } catch (error) {
        unreachable.push(`${advertised.nodeId}@${label(address)} (${classifyFailure(error, context('connect', address)).detail})`);
      }
    }
    if (unreachable.length > 0) {
      return {
        status: 'fail',
        cause: 'ADVERTISED_BROKER_UNREACHABLE',
        detail: `${summary}; not reachable from here: ${unreachable.join(', ')}`,
        hint: 'the cluster advertises brokers this machine cannot reach, and clients connect to each of them (partition leaders, the group coordinator): every broker needs a route (for MSK: from inside the VPC, peering, multi-VPC private connectivity or public access), or the advertised listeners must point through the tunnel/load balancer',
        data: { ...meta, unreachable },
      };
    }
    return { status: 'pass', detail: summary, data: { ...meta } };
  });

  if (plan.produceConsume) {
    const rt = plan.produceConsume;
    await run('produce-consume', async () => {
      const result = await probes.roundTrip(rt);
      const lat = result.latencyMs;
      const detail =
        `topic ${result.topic} (${result.topicCreated ? 'created' : 'existing'}${result.cleanedUp ? ', cleaned up' : ''}): ` +
        `${result.received}/${result.sent} message${result.sent === 1 ? '' : 's'} round trip, latency ${result.sent === 1 ? `${lat.max} ms` : `min ${lat.min} / p50 ${lat.p50} / max ${lat.max} ms`}` +
        (result.reauthentications !== undefined && result.reauthentications > 0 ? `; ${result.reauthentications} re-authentication${result.reauthentications === 1 ? '' : 's'} on ${result.connections} connection${result.connections === 1 ? '' : 's'}` : '') +
        (result.cleanupNote ? `; ${result.cleanupNote}` : '') +
        (result.consumerRestarts ? `; the consumer restarted ${result.consumerRestarts.length} time${result.consumerRestarts.length === 1 ? '' : 's'} after: ${result.consumerRestarts[0]}` : '');
      const hint = !result.cleanedUp ? 'delete the test topic and group by hand' : result.consumerRestarts ? 'retriable consumer errors: normal right after a cluster starts, otherwise look at the broker load' : undefined;
      return { status: result.cleanedUp && !result.consumerRestarts ? 'pass' : 'warn', detail, data: { ...result }, ...(hint ? { hint } : {}) };
    });
  }
  if (plan.topic !== undefined) {
    const topic = plan.topic;
    await run('topic', async () => {
      const info = await probes.describeTopic(topic);
      return { status: 'pass', detail: `topic ${topic}: ${info.partitions} partition${info.partitions === 1 ? '' : 's'}, describe allowed`, data: { topic, ...info } };
    });
  }
  if (plan.group !== undefined) {
    const group = plan.group;
    await run('group', async () => {
      const info = await probes.describeGroup(group);
      return { status: 'pass', detail: `group ${group}: state ${info.state}, ${info.members} member${info.members === 1 ? '' : 's'}, describe allowed`, data: { group, ...info } };
    });
  }

  const failed = steps.find((s) => s.status === 'fail');
  return {
    bootstrap: plan.bootstrapText,
    auth: plan.auth,
    tls: plan.tls,
    endpointKind: b.kind,
    ...(plan.region ? { region: plan.region } : {}),
    ok: failed === undefined,
    ...(failed ? { failedStep: failed.step, cause: failed.cause } : {}),
    steps,
    durationMs: Math.round(clock() - began),
  };
}

/**
 * The real probes of `mskctl check`: network (DNS, TCP, TLS) from network.ts and Kafka from
 * src/kafka/check-probes.ts, wired with the IAM token and credentials functions of the command.
 */
import type { KafkaClientOptions } from '../kafka/client.js';
import type { Logger } from '../output/log.js';
import type { CheckPlan } from './run.js';
import type { CheckProbes, CredentialsInfo, GeneratedToken } from './types.js';

export interface ProbeSettings {
  plan: CheckPlan;
  username?: string;
  password?: string;
  certFile?: string;
  keyFile?: string;
  /** IAM: the (cached) token function kafkajs and the token step share, and the credentials report */
  tokens?: () => Promise<GeneratedToken>;
  credentials?: () => Promise<CredentialsInfo>;
  logger?: Logger;
  /** extra client settings (tests: a shorter re-authentication threshold) */
  kafka?: Partial<KafkaClientOptions>;
}

export async function createCheckProbes(settings: ProbeSettings): Promise<CheckProbes> {
  const { plan } = settings;
  const { lookupHost, tcpConnect, tlsHandshake, speaksTls, readPemFile } = await import('./network.js');
  const { checkKafkaProbes } = await import('../kafka/check-probes.js');
  const mutualTls = plan.auth === 'tls';
  const [caPem, certPem, keyPem] = await Promise.all([
    plan.caFile ? readPemFile(plan.caFile, '--ca') : undefined,
    mutualTls && settings.certFile ? readPemFile(settings.certFile, '--cert') : undefined,
    mutualTls && settings.keyFile ? readPemFile(settings.keyFile, '--key') : undefined,
  ]);
  const kafka = checkKafkaProbes({
    brokers: plan.bootstrap.brokers.map((b) => `${b.host}:${b.port}`),
    auth: plan.auth,
    ssl: plan.tls,
    ...(settings.username !== undefined ? { username: settings.username } : {}),
    ...(settings.password !== undefined ? { password: settings.password } : {}),
    ...(plan.caFile ? { caFile: plan.caFile } : {}),
    ...(mutualTls ? { certFile: settings.certFile, keyFile: settings.keyFile } : {}),
    insecureSkipVerify: plan.insecureSkipVerify,
    ...(plan.region ? { region: plan.region } : {}),
    ...(settings.tokens ? { tokenProvider: settings.tokens } : {}),
    timeoutMs: plan.timeoutMs,
    ...(settings.logger ? { logger: settings.logger } : {}),
    ...settings.kafka,
  });
  const notIam = (): never => {
    throw new Error('auth is not iam: no token or AWS credentials in this check');
  };
  return {
    lookup: (host) => lookupHost(host, plan.timeoutMs),
    tcpConnect: (b) => tcpConnect(b, plan.timeoutMs),
    tlsHandshake: (b) => tlsHandshake(b, { timeoutMs: plan.timeoutMs, caPem, certPem, keyPem, insecureSkipVerify: plan.insecureSkipVerify }),
    speaksTls: (b) => speaksTls(b, plan.timeoutMs),
    credentials: settings.credentials ?? notIam,
    token: settings.tokens ?? notIam,
    authenticate: (b) => kafka.authenticate(`${b.host}:${b.port}`),
    metadata: () => kafka.metadata(),
    roundTrip: (rt) => kafka.roundTrip(rt),
    describeTopic: (t) => kafka.describeTopic(t),
    describeGroup: (g) => kafka.describeGroup(g),
    close: () => kafka.close(),
  };
}

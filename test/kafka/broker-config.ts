/**
 * server.properties and logging configuration for one single-node KRaft cluster (combined broker+controller)
 * of the harness, with the listeners MSK offers: PLAINTEXT, SASL_PLAINTEXT/SCRAM-SHA-512, SASL_SSL/OAUTHBEARER
 * (MSK IAM, validated by our Java handler), the same with a short re-authentication interval, SASL_SSL/SCRAM
 * (MSK's 9096) and TLS with optional client certificates (MSK's 9094: mutual TLS when a certificate is given).
 * The StandardAuthorizer is on: the harness's principals are super users except the "restricted" ones.
 */
import { IAM_IDENTITIES, SCRAM_USERS } from './credentials.js';
import type { TlsMaterial } from './tls.js';

/** listener names as Kafka sees them (upper case) → security protocol */
export const LISTENERS = {
  PLAINTEXT: 'PLAINTEXT',
  SCRAM: 'SASL_PLAINTEXT',
  SCRAM_TLS: 'SASL_SSL',
  IAM: 'SASL_SSL',
  IAM_REAUTH: 'SASL_SSL',
  TLS: 'SSL',
  CONTROLLER: 'PLAINTEXT',
} as const;
export type ListenerName = keyof typeof LISTENERS;

export type ListenerPorts = Record<ListenerName, number>;

export const IAM_HANDLER_CLASS = 'mskctl.harness.MskIamValidatorCallbackHandler';

export interface BrokerConfigInput {
  ports: ListenerPorts;
  dataDir: string;
  tls: TlsMaterial;
  iamCredentialsFile: string;
  iamRegion: string;
  /** connections.max.reauth.ms of the IAM_REAUTH listener */
  reauthMs: number;
  kafkaMajor: number;
}

export function superUsers(tls: TlsMaterial): string[] {
  return [
    'User:ANONYMOUS', // PLAINTEXT clients, and the broker talking to its own controller
    `User:${SCRAM_USERS.admin.username}`,
    `User:${IAM_IDENTITIES.admin.principal}`,
    `User:${IAM_IDENTITIES.role.principal}`,
    `User:${tls.clientPrincipal}`,
  ];
}

function oauthJaas(input: BrokerConfigInput): string {
  // unsecuredLoginStringClaim_sub: the broker's own (unused) OAUTHBEARER login needs a subject
  return (
    'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required ' +
    `unsecuredLoginStringClaim_sub="broker" credentialsFile="${input.iamCredentialsFile}" region="${input.iamRegion}";`
  );
}

export function brokerProperties(input: BrokerConfigInput): string {
  const { ports, tls } = input;
  const host = '127.0.0.1';
  const listenerNames = Object.keys(LISTENERS) as ListenerName[];
  const brokerListeners = listenerNames.filter((n) => n !== 'CONTROLLER');
  const lines: Array<[string, string | number]> = [
    ['process.roles', 'broker,controller'],
    ['node.id', 1],
    ['controller.quorum.voters', `1@${host}:${ports.CONTROLLER}`],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['listeners', listenerNames.map((n) => `${n}://${host}:${ports[n]}`).join(',')],
    ['advertised.listeners', brokerListeners.map((n) => `${n}://${host}:${ports[n]}`).join(',')],
    ['listener.security.protocol.map', listenerNames.map((n) => `${n}:${LISTENERS[n]}`).join(',')],
    ['log.dirs', input.dataDir],
    // single node: every internal topic with one replica; no rebalance delay; MSK's default of no auto-creation
    ['num.partitions', 1],
    ['default.replication.factor', 1],
    ['min.insync.replicas', 1],
    ['offsets.topic.replication.factor', 1],
    ['offsets.topic.num.partitions', 10],
    ['transaction.state.log.replication.factor', 1],
    ['transaction.state.log.min.isr', 1],
    ['transaction.state.log.num.partitions', 5],
    ['group.initial.rebalance.delay.ms', 0],
    // tests of replication scale-out kill processes: a 3 s group session ends their membership quickly
    ['group.min.session.timeout.ms', 1000],
    ['auto.create.topics.enable', 'false'],
    // a small machine shared by several brokers: few threads, small buffers
    ['num.network.threads', 2],
    ['num.io.threads', 2],
    ['num.recovery.threads.per.data.dir', 1],
    ['background.threads', 2],
    ['log.cleaner.threads', 1],
    ['log.cleaner.dedupe.buffer.size', 8 * 1024 * 1024],
    ['log.segment.bytes', 64 * 1024 * 1024],
    // SCRAM (users are created when the storage is formatted)
    ['listener.name.scram.sasl.enabled.mechanisms', 'SCRAM-SHA-512'],
    ['listener.name.scram.scram-sha-512.sasl.jaas.config', 'org.apache.kafka.common.security.scram.ScramLoginModule required;'],
    ['listener.name.scram_tls.sasl.enabled.mechanisms', 'SCRAM-SHA-512'],
    ['listener.name.scram_tls.scram-sha-512.sasl.jaas.config', 'org.apache.kafka.common.security.scram.ScramLoginModule required;'],
    // MSK IAM over SASL_SSL/OAUTHBEARER
    ['listener.name.iam.sasl.enabled.mechanisms', 'OAUTHBEARER'],
    ['listener.name.iam.oauthbearer.sasl.jaas.config', oauthJaas(input)],
    ['listener.name.iam.oauthbearer.sasl.server.callback.handler.class', IAM_HANDLER_CLASS],
    ['listener.name.iam_reauth.sasl.enabled.mechanisms', 'OAUTHBEARER'],
    ['listener.name.iam_reauth.oauthbearer.sasl.jaas.config', oauthJaas(input)],
    ['listener.name.iam_reauth.oauthbearer.sasl.server.callback.handler.class', IAM_HANDLER_CLASS],
    ['listener.name.iam_reauth.oauthbearer.connections.max.reauth.ms', input.reauthMs],
    // TLS for the SASL_SSL and SSL listeners. The TLS listener verifies a client certificate when one is
    // given (principal: its subject) and lets clients without one in as ANONYMOUS, like MSK's 9094 with
    // unauthenticated access on: so an IAM client there meets ILLEGAL_SASL_STATE, as on MSK
    ['ssl.keystore.type', 'PKCS12'],
    ['ssl.keystore.location', tls.brokerKeystoreFile],
    ['ssl.keystore.password', tls.brokerKeystorePassword],
    ['ssl.truststore.type', 'PEM'],
    ['ssl.truststore.location', tls.caFile],
    ['listener.name.tls.ssl.client.auth', 'requested'],
    // authorization
    ['authorizer.class.name', 'org.apache.kafka.metadata.authorizer.StandardAuthorizer'],
    ['super.users', superUsers(tls).join(';')],
    ['allow.everyone.if.no.acl.found', 'false'],
  ];
  if (input.kafkaMajor >= 4) {
    lines.push(['share.coordinator.state.topic.replication.factor', 1], ['share.coordinator.state.topic.min.isr', 1]);
  }
  return lines.map(([k, v]) => `${k}=${String(v)}`).join('\n') + '\n';
}

/** The broker's INFO loggers: start-up and authentication lines. */
const BROKER_INFO_LOGGERS = ['kafka.server', 'kafka.Kafka$', 'mskctl.harness', 'org.apache.kafka.common.network.Selector', 'kafka.network.SocketServer'];
// the full configuration dump (hundreds of lines) only hides what matters in the log
const BROKER_WARN_LOGGERS = ['kafka.server.KafkaConfig'];

/**
 * Console logging (the process's stdout goes to its log file): warnings, plus the `info` loggers (by default the
 * broker's start-up and authentication lines; MirrorMaker 2 passes its own, see mirror-maker.ts).
 */
export function loggingConfig(
  kind: 'reload4j' | 'log4j2',
  loggers: { info: string[]; warn: string[] } = { info: BROKER_INFO_LOGGERS, warn: BROKER_WARN_LOGGERS },
): { file: string; text: string; systemProperty: string } {
  const infoLoggers = loggers.info;
  const warnLoggers = loggers.warn;
  if (kind === 'reload4j') {
    return {
      file: 'log4j.properties',
      systemProperty: 'log4j.configuration',
      text: [
        'log4j.rootLogger=WARN, stdout',
        'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
        'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
        'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
        ...infoLoggers.map((l) => `log4j.logger.${l}=INFO`),
        ...warnLoggers.map((l) => `log4j.logger.${l}=WARN`),
      ].join('\n') + '\n',
    };
  }
  return {
    file: 'log4j2.properties',
    systemProperty: 'log4j2.configurationFile',
    text: [
      'status=warn',
      'appender.stdout.type=Console',
      'appender.stdout.name=STDOUT',
      'appender.stdout.layout.type=PatternLayout',
      'appender.stdout.layout.pattern=[%d] %p %m (%c)%n',
      'rootLogger.level=warn',
      'rootLogger.appenderRef.stdout.ref=STDOUT',
      ...infoLoggers.flatMap((l, i) => [`logger.i${i}.name=${l}`, `logger.i${i}.level=info`]),
      ...warnLoggers.flatMap((l, i) => [`logger.w${i}.name=${l}`, `logger.w${i}.level=warn`]),
    ].join('\n') + '\n',
  };
}

/**
 * The one kafkajs client factory every Kafka-facing command uses. It maps mskctl's auth modes onto kafkajs
 * (plaintext, SCRAM-SHA-512, mutual TLS, MSK IAM over SASL/OAUTHBEARER with a token provider), verifies TLS
 * unless the caller explicitly opts out, uses a connection timeout long enough for a cross-region diagnosis,
 * and routes kafkajs' own log lines through mskctl's stderr logger (which redacts them).
 *
 * kafkajs is imported lazily, so importing this module costs nothing for commands that never connect.
 */
import { readFile } from 'node:fs/promises';
import type { ConnectionOptions } from 'node:tls';
import type { Kafka, KafkaConfig, LogEntry, RetryOptions, SASLOptions } from 'kafkajs';
import type { AuthMode } from '../config/contexts.js';
import { usageError, inputError } from '../output/errors.js';
import type { Logger } from '../output/log.js';
import { redact } from '../output/redact.js';
import { clientOptionsFor, type ResolvedConnection } from './connection.js';

/** What an MSK IAM token provider returns (the shape of aws-msk-iam-sasl-signer-js results). */
export interface IamToken {
  token: string;
  /** epoch milliseconds */
  expiryTime: number;
}
export type IamTokenProvider = () => Promise<IamToken>;

export type KafkaLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

export interface KafkaClientOptions {
  /** host:port bootstrap addresses */
  brokers: string[];
  auth: AuthMode;
  /** TLS on the connection. Default: on for scram, tls and iam; off for plaintext. iam and tls cannot turn it off. */
  ssl?: boolean;
  /** SCRAM user name and password (never logged) */
  username?: string;
  password?: string;
  /** SCRAM mechanism; MSK uses SCRAM-SHA-512 */
  scramMechanism?: 'scram-sha-512' | 'scram-sha-256';
  /** PEM CA bundle to verify the brokers against (default: Node's trusted CAs) */
  caFile?: string;
  /** client certificate and key (PEM) for mutual TLS */
  certFile?: string;
  keyFile?: string;
  /** skip broker certificate verification: an explicit opt-out, warned about on every use */
  insecureSkipVerify?: boolean;
  /** the AWS region the IAM tokens are signed for (named in debug lines) */
  region?: string;
  /** MSK IAM: returns a (cached) token; called by kafkajs on every authentication and re-authentication */
  tokenProvider?: IamTokenProvider;
  /** TCP/TLS connect timeout, ms (default 5000: kafkajs' 1000 ms is too short across regions) */
  connectionTimeoutMs?: number;
  authenticationTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** re-authenticate this long before the broker's session expires, ms (kafkajs default 10000) */
  reauthenticationThresholdMs?: number;
  retry?: RetryOptions;
  clientId?: string;
  /** kafkajs' own log lines: default 'nothing', or 'info' when the logger is verbose */
  logLevel?: KafkaLogLevel;
  logger?: Logger;
}

export const DEFAULT_CONNECTION_TIMEOUT_MS = 5000;

const LEVELS: Record<KafkaLogLevel, number> = { nothing: 0, error: 1, warn: 2, info: 4, debug: 5 };

async function readPem(file: string, flag: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw inputError({ file, path: flag }, `cannot read the file (${code ?? 'error'})`, 'a readable PEM file');
  }
}

async function tlsOptions(options: KafkaClientOptions): Promise<ConnectionOptions> {
  const tls: ConnectionOptions = { rejectUnauthorized: options.insecureSkipVerify !== true };
  if (options.insecureSkipVerify === true) {
    options.logger?.warn('TLS certificate verification is OFF (--insecure-skip-verify): the brokers are not authenticated');
  }
  if (options.caFile) tls.ca = [await readPem(options.caFile, '--ca-file')];
  if (options.certFile) tls.cert = await readPem(options.certFile, '--cert-file');
  if (options.keyFile) tls.key = await readPem(options.keyFile, '--key-file');
  return tls;
}

function saslOptions(options: KafkaClientOptions): SASLOptions | undefined {
  switch (options.auth) {
    case 'plaintext':
    case 'tls':
      return undefined;
    case 'scram': {
      if (!options.username || options.password === undefined) {
        throw usageError('SCRAM authentication needs a user name and a password', 'give --username and the password through the environment or the prompt');
      }
      return { mechanism: options.scramMechanism ?? 'scram-sha-512', username: options.username, password: options.password };
    }
    case 'iam': {
      const provider = options.tokenProvider;
      if (!provider) throw usageError('IAM authentication needs an MSK IAM token provider', 'build one with src/auth/token-provider.ts');
      // no authorizationIdentity: a kafkajs bug corrupts the GS2 header when it is set
      return { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: (await provider()).token }) };
    }
  }
}

function logCreatorFor(logger: Logger) {
  return () =>
    ({ namespace, level, log }: LogEntry): void => {
      const { message, timestamp: _timestamp, logger: _name, ...extra } = log;
      const detail = Object.keys(extra).length > 0 ? ' ' + JSON.stringify(redact(extra)) : '';
      const line = `kafkajs ${namespace}: ${String(message)}${detail}`;
      if (level <= LEVELS.warn) logger.warn(line);
      else logger.debug(line);
    };
}

/** Builds the kafkajs config (exported for tests of the mapping); createKafka() is what commands call. */
export async function kafkaConfig(options: KafkaClientOptions): Promise<KafkaConfig> {
  if (options.brokers.length === 0) throw usageError('no bootstrap brokers given', 'give --bootstrap host:port[,host:port...]');
  const sasl = saslOptions(options);
  const wantsTls = options.ssl ?? options.auth !== 'plaintext';
  if (!wantsTls && (options.auth === 'iam' || options.auth === 'tls')) {
    throw usageError(`auth ${options.auth} always uses TLS`, 'drop the TLS opt-out, or use --auth plaintext/scram for a listener without TLS');
  }
  if (options.auth === 'tls' && (!options.certFile || !options.keyFile)) {
    throw usageError('mutual TLS needs a client certificate and key', 'give --cert-file and --key-file (PEM)');
  }
  const level = options.logLevel ?? (options.logger?.level === 'verbose' ? 'info' : 'nothing');
  const config: KafkaConfig = {
    clientId: options.clientId ?? 'mskctl',
    brokers: options.brokers,
    ssl: wantsTls ? await tlsOptions(options) : false,
    sasl,
    connectionTimeout: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    logLevel: LEVELS[level],
  };
  if (options.authenticationTimeoutMs !== undefined) config.authenticationTimeout = options.authenticationTimeoutMs;
  if (options.requestTimeoutMs !== undefined) config.requestTimeout = options.requestTimeoutMs;
  if (options.reauthenticationThresholdMs !== undefined) config.reauthenticationThreshold = options.reauthenticationThresholdMs;
  if (options.retry !== undefined) config.retry = options.retry;
  if (options.logger) config.logCreator = logCreatorFor(options.logger);
  options.logger?.debug(
    `kafka: ${options.auth} auth, TLS ${wantsTls ? (options.insecureSkipVerify ? 'on (unverified)' : 'on') : 'off'}, ` +
      `brokers ${options.brokers.join(',')}${options.auth === 'iam' && options.region ? `, region ${options.region}` : ''}`,
  );
  return config;
}

export async function createKafka(options: KafkaClientOptions): Promise<Kafka> {
  const config = await kafkaConfig(options);
  const { Kafka: KafkaClass } = (await import('kafkajs')).default;
  return new KafkaClass(config);
}

/**
 * Client options for a resolved connection (src/kafka/connection.ts), with the shared MSK IAM token provider
 * when the auth mode is iam (region: the connection's, else environment, context, profile).
 */
export async function connectionClientOptions(
  connection: ResolvedConnection,
  extra: Parameters<typeof clientOptionsFor>[1] & { endpointUrl?: string },
): Promise<KafkaClientOptions> {
  const { endpointUrl, ...rest } = extra;
  const options = clientOptionsFor(connection, rest);
  if (connection.auth === 'iam') {
    const { sharedMskTokenProvider } = await import('../auth/token-provider.js');
    const provider = await sharedMskTokenProvider({
      region: connection.region,
      profile: connection.profile,
      roleArn: connection.roleArn,
      sessionName: connection.sessionName,
      endpointUrl,
      context: connection.context,
      log: extra.logger,
    });
    options.tokenProvider = () => provider.getToken();
    options.region = provider.region;
  }
  return options;
}

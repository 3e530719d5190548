/**
 * The one connection resolver of every Kafka-facing command (check, split inventory, replicate, cutover):
 * a bootstrap flag or a context, the auth flags and the environment → what the client factory needs.
 * Precedence: flag > context > default. The default auth mode follows MSK's ports (src/kafka/bootstrap.ts);
 * a SCRAM password comes from an environment variable only, never from a flag. Commands spell their flags
 * differently (--ca for check, --source-ca-file for replicate): errors name the command's own flags.
 * Pure: no I/O, no kafkajs; the IAM token provider is attached by src/kafka/client.ts.
 */
import { AUTH_MODES, type AuthMode, type Context } from '../config/contexts.js';
import { usageError } from '../output/errors.js';
import { brokerAddress, defaultAuthFor, parseBootstrap, type ParsedBootstrap } from './bootstrap.js';
import type { KafkaClientOptions } from './client.js';

/** The connection flags a command received (undefined: not given). */
export interface ConnectionFlags {
  auth?: string;
  username?: string;
  passwordEnv?: string;
  /** false: --no-tls (SCRAM over SASL_PLAINTEXT, self-managed clusters only) */
  tls?: boolean;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  insecureSkipVerify?: boolean;
  region?: string;
  profile?: string;
  roleArn?: string;
  sessionName?: string;
}

/** The connection options of the commands that take --bootstrap (check, split inventory), as commander delivers them. */
export interface BootstrapOptions {
  bootstrap?: string;
  auth?: string;
  username?: string;
  passwordEnv?: string;
  /** false with --no-tls (SCRAM over SASL_PLAINTEXT) */
  tls?: boolean;
  ca?: string;
  cert?: string;
  key?: string;
  insecureSkipVerify?: boolean;
  roleArn?: string;
  sessionName?: string;
}

/** --ca/--cert/--key and the rest as connection flags. */
export function bootstrapFlags(o: BootstrapOptions): ConnectionFlags {
  return {
    auth: o.auth,
    username: o.username,
    passwordEnv: o.passwordEnv,
    tls: o.tls,
    caFile: o.ca,
    certFile: o.cert,
    keyFile: o.key,
    insecureSkipVerify: o.insecureSkipVerify,
    roleArn: o.roleArn,
    sessionName: o.sessionName,
  };
}

/** How a command spells each connection flag, for error messages. */
export type FlagNames = Record<keyof ConnectionFlags | 'bootstrap', string>;

/** The flags of `mskctl check` and `mskctl split inventory`. */
export const BOOTSTRAP_FLAG_NAMES: FlagNames = {
  bootstrap: '--bootstrap',
  auth: '--auth',
  username: '--username',
  passwordEnv: '--password-env',
  tls: '--no-tls',
  caFile: '--ca',
  certFile: '--cert',
  keyFile: '--key',
  insecureSkipVerify: '--insecure-skip-verify',
  region: '--region',
  profile: '--profile',
  roleArn: '--role-arn',
  sessionName: '--session-name',
};

/** The per-side flags of `mskctl replicate`: --source, --source-auth, --target-ca-file, ... */
export function sideFlagNames(side: string): FlagNames {
  return {
    bootstrap: `--${side}`,
    auth: `--${side}-auth`,
    username: `--${side}-username`,
    passwordEnv: `--${side}-password-env`,
    tls: `--${side}-no-tls`,
    caFile: `--${side}-ca-file`,
    certFile: `--${side}-cert-file`,
    keyFile: `--${side}-key-file`,
    insecureSkipVerify: `--${side}-insecure-skip-verify`,
    region: `--${side}-region`,
    profile: `--${side}-profile`,
    roleArn: `--${side}-role-arn`,
    sessionName: `--${side}-session-name`,
  };
}

/** The variable holding the SCRAM password when neither a flag nor the context names one. */
export function defaultPasswordEnv(side?: string): string {
  return side === undefined ? 'MSKCTL_SCRAM_PASSWORD' : `MSKCTL_${side.toUpperCase()}_PASSWORD`;
}

export interface ConnectionRequest {
  /** the bootstrap flag's value; the context's bootstrap when undefined */
  bootstrap?: string;
  context?: Context;
  flags: ConnectionFlags;
  /** default: the flags of check and split inventory */
  names?: FlagNames;
  /** default: MSKCTL_SCRAM_PASSWORD */
  passwordEnv?: string;
  env: NodeJS.ProcessEnv;
  /** the global --region / --profile, below the connection's own flags */
  global?: { region?: string; profile?: string };
  /** leave `password` undefined instead of failing when the variable is unset (the caller prompts on a terminal) */
  passwordMayBePrompted?: boolean;
}

export interface ResolvedConnection {
  bootstrap: ParsedBootstrap;
  /** host:port addresses */
  brokers: string[];
  context?: Context;
  auth: AuthMode;
  /** TLS on the connection: off for plaintext and for SCRAM with --no-tls */
  tls: boolean;
  username?: string;
  /** SCRAM: the environment variable the password comes from */
  passwordEnv?: string;
  /** SCRAM: the password (never logged); undefined only when passwordMayBePrompted and the variable is unset */
  password?: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  insecureSkipVerify: boolean;
  /** IAM signing region known without AWS: the flag, else the MSK host name (else the token provider resolves it) */
  region?: string;
  /** flag profile, else the global one (the token provider falls back to AWS_PROFILE, then the context) */
  profile?: string;
  roleArn?: string;
  sessionName?: string;
  /** an MSK Serverless bootstrap (boot-….kafka-serverless.<region>.amazonaws.com) */
  serverless: boolean;
}

/** Flags of one mode given with another: all of them named, as "--cert and --key are for --auth tls". */
function onlyFor(auth: AuthMode, wanted: AuthMode, given: Array<[string | undefined, string]>, names: FlagNames): void {
  if (auth === wanted || given.every(([value]) => value === undefined)) return;
  const all = given.map(([, name]) => name);
  const found = given.filter(([value]) => value !== undefined).map(([, name]) => name);
  throw usageError(`${all.join(' and ')} are for ${names.auth} ${wanted}`, `drop ${found.join(' and ')}, or give ${names.auth} ${wanted}`, 'INPUT_INVALID');
}

export function missingPasswordError(variable: string, names: FlagNames = BOOTSTRAP_FLAG_NAMES) {
  return usageError(
    `SCRAM needs a password: ${variable} is not set`,
    `export ${variable}=... (the password is never taken as a flag), or name another variable with ${names.passwordEnv}`,
    'INPUT_INVALID',
  );
}

/** Flags, context and environment → one connection, or a usage error (exit 2) naming the flag. */
export function resolveConnection(request: ConnectionRequest): ResolvedConnection {
  const { flags, context, env } = request;
  const names = request.names ?? BOOTSTRAP_FLAG_NAMES;
  const bootstrapText = request.bootstrap ?? context?.bootstrap;
  if (!bootstrapText) {
    throw usageError(
      context ? `context "${context.name}" has no bootstrap` : `no bootstrap brokers: ${names.bootstrap} is required`,
      `give ${names.bootstrap} host:port[,host:port...]${context ? ' or add bootstrap: host:port to the context' : ' or a context with a bootstrap'}`,
      'INPUT_INVALID',
    );
  }
  const bootstrap = parseBootstrap(bootstrapText, request.bootstrap !== undefined ? names.bootstrap : `context ${context?.name}.bootstrap`);
  const authText = flags.auth ?? context?.auth ?? defaultAuthFor(bootstrap);
  if (!(AUTH_MODES as readonly string[]).includes(authText)) throw usageError(`${names.auth} ${JSON.stringify(authText)} is not an auth mode`, `one of ${AUTH_MODES.join(', ')}`, 'INPUT_INVALID');
  const auth = authText as AuthMode;

  if (flags.tls === false && (auth === 'iam' || auth === 'tls')) {
    throw usageError(`${names.tls}: auth ${auth} always uses TLS`, `${names.tls} only applies to ${names.auth} scram (SASL_PLAINTEXT listeners outside MSK)`, 'INPUT_INVALID');
  }
  // a flag that the chosen mode ignores is a mistake worth saying; context values may cover several modes
  onlyFor(auth, 'tls', [[flags.certFile, names.certFile], [flags.keyFile, names.keyFile]], names);
  onlyFor(auth, 'scram', [[flags.username, names.username], [flags.passwordEnv, names.passwordEnv]], names);
  onlyFor(auth, 'iam', [[flags.roleArn, names.roleArn], [flags.sessionName, names.sessionName]], names);

  const resolved: ResolvedConnection = {
    bootstrap,
    brokers: bootstrap.brokers.map(brokerAddress),
    context,
    auth,
    tls: auth !== 'plaintext' && flags.tls !== false,
    caFile: flags.caFile ?? context?.caFile,
    certFile: flags.certFile ?? context?.certFile,
    keyFile: flags.keyFile ?? context?.keyFile,
    insecureSkipVerify: flags.insecureSkipVerify === true || context?.insecureSkipVerify === true,
    region: flags.region ?? request.global?.region ?? bootstrap.region,
    profile: flags.profile ?? request.global?.profile,
    roleArn: flags.roleArn,
    sessionName: flags.sessionName,
    serverless: bootstrap.kind === 'serverless',
  };
  if (auth === 'tls' && (!resolved.certFile || !resolved.keyFile)) {
    throw usageError(`${names.auth} tls needs a client certificate and key`, `give ${names.certFile} and ${names.keyFile} (PEM files)`, 'INPUT_INVALID');
  }
  if (auth === 'scram') {
    resolved.username = flags.username ?? context?.username;
    if (!resolved.username) throw usageError(`${names.auth} scram needs a user name`, `give ${names.username} (or username in the context)`, 'INPUT_INVALID');
    const variable = flags.passwordEnv ?? context?.passwordEnv ?? request.passwordEnv ?? defaultPasswordEnv();
    resolved.passwordEnv = variable;
    // an empty variable counts as unset: an empty SCRAM password is a forgotten export, not a password
    const password = env[variable];
    if (password !== undefined && password !== '') resolved.password = password;
    else if (request.passwordMayBePrompted !== true) throw missingPasswordError(variable, names);
  }
  return resolved;
}

/** What the client factory needs, except the IAM token provider (src/kafka/client.ts adds it). */
export function clientOptionsFor(
  connection: ResolvedConnection,
  extra: Pick<KafkaClientOptions, 'clientId' | 'logger' | 'logLevel' | 'retry' | 'requestTimeoutMs'>,
): KafkaClientOptions {
  return {
    brokers: connection.brokers,
    auth: connection.auth,
    ssl: connection.tls,
    ...(connection.username !== undefined ? { username: connection.username } : {}),
    ...(connection.password !== undefined ? { password: connection.password } : {}),
    ...(connection.caFile !== undefined ? { caFile: connection.caFile } : {}),
    ...(connection.certFile !== undefined ? { certFile: connection.certFile } : {}),
    ...(connection.keyFile !== undefined ? { keyFile: connection.keyFile } : {}),
    insecureSkipVerify: connection.insecureSkipVerify,
    ...(connection.region !== undefined ? { region: connection.region } : {}),
    ...extra,
  };
}

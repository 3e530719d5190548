/**
 * The two sides of a flow: `--source` / `--target` name a context or give bootstrap addresses, and each side
 * has its own auth options (--source-auth, --target-username, ...). Pure: resolves options, contexts and
 * environment into what the client factory needs; passwords come from the environment, never from a flag.
 */
import { AUTH_MODES, type AuthMode, type Context } from '../config/contexts.js';
import { usageError } from '../output/errors.js';

export type Side = 'source' | 'target';

/** the per-side option names, camelCased as commander delivers them */
export interface SideOptions {
  auth?: string;
  username?: string;
  passwordEnv?: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  region?: string;
  profile?: string;
  roleArn?: string;
  insecureSkipVerify?: boolean;
  /** SCRAM on a listener without TLS (SASL_PLAINTEXT, self-managed clusters only) */
  noTls?: boolean;
}

export interface ResolvedSide {
  side: Side;
  /** what the user gave: a context name or the bootstrap list */
  given: string;
  context?: string;
  brokers: string[];
  auth: AuthMode;
  username?: string;
  /** name of the environment variable holding the SCRAM password */
  passwordEnv?: string;
  password?: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  region?: string;
  profile?: string;
  roleArn?: string;
  sessionName?: string;
  insecureSkipVerify: boolean;
  /** TLS off for SCRAM (SASL_PLAINTEXT) */
  noTls: boolean;
  /** MSK Serverless bootstrap (boot-….kafka-serverless.<region>.amazonaws.com) */
  serverless: boolean;
}

const HOST_PORT = /^[A-Za-z0-9._-]+:\d{1,5}$|^\[[0-9A-Fa-f:]+\]:\d{1,5}$/;

export function parseBootstrap(value: string, flag: string): string[] {
  const brokers = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const bad = brokers.find((b) => !HOST_PORT.test(b));
  if (brokers.length === 0 || bad !== undefined) {
    throw usageError(`${flag} ${JSON.stringify(value)}: ${bad === undefined ? 'empty' : `"${bad}" is not host:port`}`, `a context name or bootstrap addresses host:port[,host:port...]`, 'INPUT_INVALID');
  }
  return brokers;
}

export function isServerlessBootstrap(brokers: string[]): boolean {
  return brokers.some((b) => /\.kafka-serverless\.[a-z0-9-]+\.amazonaws\.com(:\d+)?$/i.test(b));
}

/** Option keys of one side in commander's camelCase: sourceAuth, targetPasswordEnv, ... */
export function sideOptions(options: Record<string, unknown>, side: Side): SideOptions {
  const get = (name: string): unknown => options[side + name];
  return {
    auth: get('Auth') as string | undefined,
    username: get('Username') as string | undefined,
    passwordEnv: get('PasswordEnv') as string | undefined,
    caFile: get('CaFile') as string | undefined,
    certFile: get('CertFile') as string | undefined,
    keyFile: get('KeyFile') as string | undefined,
    region: get('Region') as string | undefined,
    profile: get('Profile') as string | undefined,
    roleArn: get('RoleArn') as string | undefined,
    insecureSkipVerify: get('InsecureSkipVerify') === true,
    noTls: get('NoTls') === true,
  };
}

/**
 * Flag > context > default. `given` is a context name when one with that name exists, else bootstrap addresses.
 * Default auth: the context's, else iam for a Serverless bootstrap, else plaintext.
 */
export function resolveSide(side: Side, given: string | undefined, opts: SideOptions, contexts: Context[], env: NodeJS.ProcessEnv, global: { region?: string; profile?: string } = {}): ResolvedSide {
  const flag = `--${side}`;
  if (!given) throw usageError(`${flag} is required`, `${flag} <context|host:port[,host:port]>`, 'USAGE');
  const context = contexts.find((c) => c.name === given);
  let brokers: string[];
  if (context) {
    if (!context.bootstrap) throw usageError(`context "${context.name}" has no bootstrap`, 'add bootstrap: host:port to the context', 'INPUT_INVALID');
    brokers = parseBootstrap(context.bootstrap, `context ${context.name} bootstrap`);
  } else brokers = parseBootstrap(given, flag);
  const serverless = isServerlessBootstrap(brokers);
  const authText = opts.auth ?? context?.auth ?? (serverless ? 'iam' : 'plaintext');
  if (!AUTH_MODES.includes(authText as AuthMode)) throw usageError(`--${side}-auth ${JSON.stringify(authText)} is not an auth mode`, `one of ${AUTH_MODES.join(', ')}`, 'INPUT_INVALID');
  const auth = authText as AuthMode;
  const resolved: ResolvedSide = {
    side,
    given,
    context: context?.name,
    brokers,
    auth,
    caFile: opts.caFile ?? context?.caFile,
    certFile: opts.certFile ?? context?.certFile,
    keyFile: opts.keyFile ?? context?.keyFile,
    region: opts.region ?? context?.region ?? global.region,
    profile: opts.profile ?? context?.profile ?? global.profile,
    roleArn: opts.roleArn ?? context?.roleArn,
    sessionName: context?.sessionName,
    insecureSkipVerify: opts.insecureSkipVerify === true || context?.insecureSkipVerify === true,
    noTls: opts.noTls === true,
    serverless,
  };
  if (resolved.noTls && auth !== 'scram') throw usageError(`--${side}-no-tls applies to SCRAM only`, `${auth} ${auth === 'plaintext' ? 'has no TLS anyway' : 'always uses TLS'}`, 'USAGE');
  if (auth === 'scram') {
    resolved.username = opts.username ?? context?.username;
    const passwordEnv = opts.passwordEnv ?? context?.passwordEnv ?? `MSKCTL_${side.toUpperCase()}_PASSWORD`;
    resolved.passwordEnv = passwordEnv;
    resolved.password = env[passwordEnv];
    if (!resolved.username) throw usageError(`--${side}-auth scram needs a user name`, `give --${side}-username (or username in the context)`, 'USAGE');
    if (resolved.password === undefined) {
      throw usageError(`--${side}-auth scram: the password variable ${passwordEnv} is not set`, `export ${passwordEnv}=... (passwords are never taken from a flag), or name another variable with --${side}-password-env`, 'USAGE');
    }
  }
  if (auth === 'tls' && (!resolved.certFile || !resolved.keyFile)) {
    throw usageError(`--${side}-auth tls needs a client certificate and key`, `give --${side}-cert-file and --${side}-key-file (PEM)`, 'USAGE');
  }
  return resolved;
}

/** A description without secrets, for logs and results. */
export function describeSide(s: ResolvedSide): string {
  return `${s.context ? `context ${s.context} ` : ''}${s.brokers.join(',')} (${s.auth}${s.serverless ? ', MSK Serverless' : ''})`;
}

/**
 * The two sides of a flow: `--source` / `--target` name a context or give bootstrap addresses, and each side
 * has its own auth options (--source-auth, --target-username, ...). Resolved by the one connection resolver
 * (src/kafka/connection.ts) with per-side flag names and password variables (MSKCTL_SOURCE_PASSWORD, ...).
 */
import type { Context } from '../config/contexts.js';
import { defaultPasswordEnv, resolveConnection, sideFlagNames, type ConnectionFlags, type ResolvedConnection } from '../kafka/connection.js';
import { usageError } from '../output/errors.js';

export type Side = 'source' | 'target';

export interface ResolvedSide extends ResolvedConnection {
  side: Side;
  /** what the user gave: a context name or the bootstrap list */
  given: string;
}

/** The per-side options in commander's camelCase (sourceAuth, targetPasswordEnv, sourceNoTls, ...) as connection flags. */
export function sideOptions(options: Record<string, unknown>, side: Side): ConnectionFlags {
  const text = (name: string): string | undefined => {
    const value = options[side + name];
    return typeof value === 'string' ? value : undefined;
  };
  return {
    auth: text('Auth'),
    username: text('Username'),
    passwordEnv: text('PasswordEnv'),
    caFile: text('CaFile'),
    certFile: text('CertFile'),
    keyFile: text('KeyFile'),
    region: text('Region'),
    profile: text('Profile'),
    roleArn: text('RoleArn'),
    ...(options[`${side}InsecureSkipVerify`] === true ? { insecureSkipVerify: true } : {}),
    ...(options[`${side}NoTls`] === true ? { tls: false } : {}),
  };
}

/** `given` is a context name when a context of that name exists, else bootstrap addresses. */
export function resolveSide(side: Side, given: string | undefined, flags: ConnectionFlags, contexts: Context[], env: NodeJS.ProcessEnv, global: { region?: string; profile?: string } = {}): ResolvedSide {
  if (!given) throw usageError(`--${side} is required`, `--${side} <context|host:port[,host:port]>`, 'USAGE');
  const context = contexts.find((c) => c.name === given);
  const connection = resolveConnection({
    ...(context ? {} : { bootstrap: given }),
    context,
    flags,
    names: sideFlagNames(side),
    passwordEnv: defaultPasswordEnv(side),
    env,
    global,
  });
  return { ...connection, side, given };
}

/** A description without secrets, for logs and results. */
export function describeSide(s: ResolvedSide): string {
  return `${s.context ? `context ${s.context.name} ` : ''}${s.brokers.join(',')} (${s.auth}${s.serverless ? ', MSK Serverless' : ''})`;
}

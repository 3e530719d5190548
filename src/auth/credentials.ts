/**
 * AWS credentials for MSK IAM: ONE memoized provider per source (default chain, a profile, or an assumed
 * role with a pinned session name), so tokens and re-authentications reuse the same credentials and the
 * same principal. The AWS SDK is imported only when a provider is actually created.
 */
import { userInfo } from 'node:os';
import { usageError } from '../output/errors.js';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export type CredentialsProvider = () => Promise<AwsCredentials>;

export type CredentialSourceKind = 'default-chain' | 'profile' | 'assume-role';

export interface CredentialSource {
  kind: CredentialSourceKind;
  /** region for STS calls (assume-role) */
  region: string;
  profile?: string;
  roleArn?: string;
  /** pinned role session name (assume-role); MSK rejects a re-authentication whose principal changed */
  sessionName?: string;
  /** STS endpoint override (tests, VPC endpoints) */
  stsEndpointUrl?: string;
}

/** IAM's rule for role session names. */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const ROLE_ARN = /^arn:aws(?:-cn|-us-gov|-iso|-iso-b)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** A stable default: the same user gets the same principal on every run and every re-authentication. */
export function defaultSessionName(username: string = safeUsername()): string {
  const cleaned = username.replace(/[^\w+=,.@-]/g, '-');
  const name = cleaned ? `mskctl-${cleaned}` : 'mskctl';
  return name.slice(0, 64);
}

function safeUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return '';
  }
}

export function validateRoleArn(arn: string): void {
  if (!ROLE_ARN.test(arn)) {
    throw usageError(`--role-arn ${JSON.stringify(arn)} is not an IAM role ARN`, 'expected arn:aws:iam::<12-digit account>:role/<name>, e.g. arn:aws:iam::123456789012:role/kafka-client', 'INPUT_INVALID');
  }
}

export function validateSessionName(name: string): void {
  if (!SESSION_NAME.test(name)) {
    throw usageError(`--session-name ${JSON.stringify(name)} is not a valid role session name`, '2-64 characters from letters, digits and _+=,.@-', 'INPUT_INVALID');
  }
}

/** Which source the options select; validation only, no SDK. */
export function describeCredentialSource(options: {
  region: string;
  profile?: string;
  roleArn?: string;
  sessionName?: string;
  stsEndpointUrl?: string;
}): CredentialSource {
  if (options.sessionName !== undefined && options.roleArn === undefined) {
    throw usageError('--session-name needs --role-arn', 'the session name is pinned for the role that --role-arn assumes', 'INPUT_INVALID');
  }
  if (options.roleArn !== undefined) {
    validateRoleArn(options.roleArn);
    const sessionName = options.sessionName ?? defaultSessionName();
    validateSessionName(sessionName);
    return { kind: 'assume-role', region: options.region, profile: options.profile, roleArn: options.roleArn, sessionName, stsEndpointUrl: options.stsEndpointUrl };
  }
  if (options.profile !== undefined) return { kind: 'profile', region: options.region, profile: options.profile };
  return { kind: 'default-chain', region: options.region };
}

export interface MemoizeOptions {
  now?: () => number;
  /** refresh credentials this long before they expire; longer than a token's 900 s, so tokens get a full TTL */
  refreshBeforeMs?: number;
  /** never fetch again sooner than this after a fetch (credentials that cannot be refreshed further) */
  minReuseMs?: number;
}

/**
 * Caches credentials until `refreshBeforeMs` before their expiration (forever when they have none) and shares
 * one in-flight fetch between concurrent callers. A failed fetch is not cached.
 */
export function memoizeCredentials(source: CredentialsProvider, options: MemoizeOptions = {}): CredentialsProvider & { fetches: () => number } {
  const now = options.now ?? Date.now;
  const refreshBeforeMs = options.refreshBeforeMs ?? 16 * 60_000;
  const minReuseMs = options.minReuseMs ?? 30_000;
  let cached: { credentials: AwsCredentials; refreshAt: number } | undefined;
  let inFlight: Promise<AwsCredentials> | undefined;
  let fetches = 0;

  const provider = async (): Promise<AwsCredentials> => {
    if (cached && now() < cached.refreshAt) return cached.credentials;
    if (!inFlight) {
      fetches += 1;
      const fetchedAt = now();
      inFlight = source()
        .then((credentials) => {
          const expiresAt = credentials.expiration?.getTime();
          const refreshAt = expiresAt === undefined ? Number.POSITIVE_INFINITY : Math.max(expiresAt - refreshBeforeMs, Math.min(fetchedAt + minReuseMs, expiresAt));
          cached = { credentials, refreshAt };
          return credentials;
        })
        .finally(() => {
          inFlight = undefined;
        });
    }
    return inFlight;
  };
  return Object.assign(provider, { fetches: () => fetches });
}

/**
 * mskctl targets Node 20; the SDK's "upgrade to Node 22" process warning would otherwise land in the middle of
 * a diagnostic's stderr. An explicit setting by the user wins.
 */
export function quietSdkNodeVersionWarning(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

/** The SDK provider for a source, memoized. Imports @aws-sdk/credential-providers on first use. */
export async function createCredentialsProvider(source: CredentialSource, memo: MemoizeOptions = {}): Promise<CredentialsProvider> {
  quietSdkNodeVersionWarning();
  const sdk = await import('@aws-sdk/credential-providers');
  let raw: CredentialsProvider;
  switch (source.kind) {
    case 'default-chain':
      raw = sdk.fromNodeProviderChain({ clientConfig: { region: source.region } });
      break;
    case 'profile':
      raw = sdk.fromIni({ profile: source.profile, clientConfig: { region: source.region } });
      break;
    case 'assume-role': {
      // the caller's own credentials: the profile when given, else the default chain
      const masterCredentials = source.profile !== undefined ? sdk.fromIni({ profile: source.profile }) : sdk.fromNodeProviderChain();
      raw = sdk.fromTemporaryCredentials({
        masterCredentials,
        params: { RoleArn: source.roleArn!, RoleSessionName: source.sessionName! },
        clientConfig: { region: source.region, ...(source.stsEndpointUrl ? { endpoint: source.stsEndpointUrl } : {}) },
      });
      break;
    }
  }
  return memoizeCredentials(raw, memo);
}

/**
 * The MSK IAM token provider every Kafka-facing command uses. kafkajs asks for a token on every connection
 * and every re-authentication; this provider answers from a cache and generates a new token (with the real
 * aws-msk-iam-sasl-signer-js) only a margin before the cached one expires. Concurrent callers share one
 * generation. Credentials come from ONE memoized provider (see credentials.ts).
 */
import { operationalError, MskctlError, usageError } from '../output/errors.js';
import type { Logger } from '../output/log.js';
import { redactString } from '../output/redact.js';
import {
  createCredentialsProvider,
  describeCredentialSource,
  type CredentialsProvider,
  quietSdkNodeVersionWarning,
  type CredentialSource,
} from './credentials.js';
import { inspectToken } from './token-inspect.js';

export interface MskToken {
  token: string;
  /** epoch ms, as the signer reports it (X-Amz-Date + TTL) */
  expiryTime: number;
  /** epoch ms when this provider generated it */
  generatedAt: number;
}

export interface MskTokenProviderOptions {
  region: string;
  credentials: CredentialsProvider;
  /** injected clock (epoch ms); the signer itself reads Date.now() for X-Amz-Date */
  now?: () => number;
  /** how long before expiryTime a cached token is replaced; default: 20% of its lifetime, at least 60 s, at most half */
  refreshMarginMs?: (lifetimeMs: number) => number;
  log?: Logger;
}

export function defaultRefreshMargin(lifetimeMs: number): number {
  return Math.min(Math.max(60_000, lifetimeMs * 0.2), lifetimeMs / 2);
}

type GenerateFromProvider = (options: {
  region: string;
  awsCredentialsProvider: CredentialsProvider;
}) => Promise<{ token: string; expiryTime: number }>;

let signerModule: Promise<GenerateFromProvider> | undefined;

/** The signer is CommonJS and pulls in the SDK: loaded on first use only. */
function loadSigner(): Promise<GenerateFromProvider> {
  quietSdkNodeVersionWarning();
  signerModule ??= import('aws-msk-iam-sasl-signer-js').then((mod) => {
    const fn = (mod as { generateAuthTokenFromCredentialsProvider?: unknown; default?: { generateAuthTokenFromCredentialsProvider?: unknown } })
      .generateAuthTokenFromCredentialsProvider ?? (mod as { default?: { generateAuthTokenFromCredentialsProvider?: unknown } }).default?.generateAuthTokenFromCredentialsProvider;
    if (typeof fn !== 'function') throw new Error('aws-msk-iam-sasl-signer-js does not export generateAuthTokenFromCredentialsProvider');
    return fn as GenerateFromProvider;
  });
  return signerModule;
}

export class MskTokenProvider {
  readonly region: string;
  private readonly credentials: CredentialsProvider;
  private readonly now: () => number;
  private readonly refreshMargin: (lifetimeMs: number) => number;
  private readonly log?: Logger;
  private cached?: MskToken & { refreshAt: number };
  private inFlight?: Promise<MskToken>;
  private generated = 0;

  constructor(options: MskTokenProviderOptions) {
    this.region = options.region;
    this.credentials = options.credentials;
    this.now = options.now ?? Date.now;
    this.refreshMargin = options.refreshMarginMs ?? defaultRefreshMargin;
    this.log = options.log;
  }

  /** how many tokens this provider has generated (for tests and --verbose) */
  get generatedCount(): number {
    return this.generated;
  }

  /** A valid token: the cached one unless it is within the refresh margin of its expiry. */
  async getToken(): Promise<MskToken> {
    if (this.cached && this.now() < this.cached.refreshAt) return this.cached;
    this.inFlight ??= this.generate().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Drops the cached token, e.g. after the broker rejected it. */
  invalidate(): void {
    this.cached = undefined;
  }

  /** The kafkajs `sasl.oauthBearerProvider`: `{ mechanism: 'oauthbearer', oauthBearerProvider: p.kafkajsOauthBearerProvider() }`. */
  kafkajsOauthBearerProvider(): () => Promise<{ value: string }> {
    return async () => ({ value: (await this.getToken()).token });
  }

  /** kafkajs `sasl` settings for MSK IAM (use with `ssl: true`); never kafkajs' own mechanism 'aws', which is not MSK IAM. */
  kafkajsSasl(): { mechanism: 'oauthbearer'; oauthBearerProvider: () => Promise<{ value: string }> } {
    return { mechanism: 'oauthbearer', oauthBearerProvider: this.kafkajsOauthBearerProvider() };
  }

  private async generate(): Promise<MskToken> {
    const generate = await loadSigner();
    const generatedAt = this.now();
    let result: { token: string; expiryTime: number };
    try {
      result = await generate({ region: this.region, awsCredentialsProvider: this.credentials });
    } catch (error) {
      throw mapCredentialError(error);
    }
    this.generated += 1;
    const lifetimeMs = Math.max(0, result.expiryTime - generatedAt);
    const token: MskToken & { refreshAt: number } = {
      token: result.token,
      expiryTime: result.expiryTime,
      generatedAt,
      refreshAt: result.expiryTime - this.refreshMargin(lifetimeMs),
    };
    this.warnAboutDefects(token);
    this.cached = token;
    this.log?.debug(`generated an MSK IAM token for ${this.region}, expires ${new Date(result.expiryTime).toISOString()}`);
    return token;
  }

  /** The signer's known defects (fractional or non-positive X-Amz-Expires) make MSK reject the token: say so. */
  private warnAboutDefects(token: MskToken): void {
    const inspection = inspectToken(token.token, { now: token.generatedAt, expectedRegion: this.region });
    for (const finding of inspection.findings) {
      if (finding.severity === 'error' && finding.code !== 'NOT_YET_VALID') {
        this.log?.warn(`the generated token will be rejected: ${finding.message}${finding.hint ? ` (${finding.hint})` : ''}`);
      }
    }
  }
}

/** Maps SDK/signer failures to an MskctlError with a hint; messages are redacted, never carry secrets. */
export function mapCredentialError(error: unknown): MskctlError {
  if (error instanceof MskctlError) return error;
  const name = error instanceof Error ? error.name : '';
  const raw = error instanceof Error ? error.message : String(error);
  const message = redactString(raw.split('\n')[0] ?? raw).slice(0, 300);
  const code = (error as { Code?: string; code?: string } | undefined)?.Code ?? name;
  if (/Could not load credentials from any providers/i.test(raw) || /credentials cannot be empty/i.test(raw)) {
    return operationalError(
      'no AWS credentials found',
      'set AWS_PROFILE or pass --profile, run `aws sso login`, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
      'AWS_NO_CREDENTIALS',
      error,
    );
  }
  if (/profile .* could not be found|could not resolve credentials using profile/i.test(raw)) {
    return operationalError(`AWS profile problem: ${message}`, 'check the profile name in ~/.aws/config and ~/.aws/credentials (`aws configure list-profiles`)', 'AWS_PROFILE_NOT_FOUND', error);
  }
  if (/sso.*(expired|refresh)|token.*expired.*sso|sso session/i.test(raw)) {
    return operationalError(`AWS SSO session problem: ${message}`, 'run `aws sso login` for this profile', 'AWS_SSO_EXPIRED', error);
  }
  if (code === 'AccessDenied' || /not authorized to perform: sts:AssumeRole/i.test(raw)) {
    return operationalError(
      `assuming the role was denied: ${message}`,
      "the caller needs sts:AssumeRole on the role, and the role's trust policy must allow the caller",
      'AWS_ASSUME_ROLE_DENIED',
      error,
    );
  }
  if (code === 'ExpiredToken' || code === 'ExpiredTokenException') {
    return operationalError(`the AWS credentials have expired: ${message}`, 'refresh the credentials (aws sso login, or new temporary credentials)', 'AWS_CREDENTIALS_EXPIRED', error);
  }
  if (code === 'InvalidClientTokenId' || code === 'SignatureDoesNotMatch') {
    return operationalError(`AWS rejected the credentials: ${message}`, 'the access key id or secret is wrong or deactivated', 'AWS_CREDENTIALS_INVALID', error);
  }
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|socket hang up/i.test(raw)) {
    return operationalError(`could not reach AWS STS: ${message}`, 'check the network path to STS (proxy, VPC endpoint) or --endpoint-url', 'AWS_UNREACHABLE', error);
  }
  return operationalError(`could not get AWS credentials or sign the token: ${message}`, 'run with --verbose for details; check the credential source', 'AWS_CREDENTIALS_FAILED', error);
}

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;

export function validateRegion(region: string, where = '--region'): void {
  if (!REGION.test(region)) {
    throw usageError(`${where} ${JSON.stringify(region)} is not an AWS region`, 'expected a region code such as us-east-1 or eu-west-1', 'INPUT_INVALID');
  }
}

export interface TokenSourceOptions {
  region?: string;
  profile?: string;
  roleArn?: string;
  sessionName?: string;
  /** STS endpoint override for --role-arn */
  endpointUrl?: string;
  /** context values, below flags and environment in precedence */
  context?: { region?: string; profile?: string; roleArn?: string; sessionName?: string };
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  now?: () => number;
}

/** Region: flag > AWS_REGION > AWS_DEFAULT_REGION > context > the profile's region in the shared config. */
export async function resolveRegion(options: TokenSourceOptions): Promise<string> {
  const env = options.env ?? process.env;
  const explicit = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? options.context?.region;
  let region = explicit;
  if (region === undefined) {
    quietSdkNodeVersionWarning();
    const { STSClient } = await import('@aws-sdk/client-sts');
    const profile = options.profile ?? (env.AWS_PROFILE ? undefined : options.context?.profile);
    try {
      region = await new STSClient(profile ? { profile } : {}).config.region();
    } catch {
      region = undefined;
    }
  }
  if (!region) {
    throw usageError('no AWS region: MSK IAM tokens are signed for the region of the cluster', 'pass --region, set AWS_REGION, or set region in the profile or the context', 'REGION_MISSING');
  }
  validateRegion(region);
  return region;
}

/** Which credential source the flags, environment and context select (profile: flag > AWS_PROFILE > context). */
export function credentialSourceFor(options: TokenSourceOptions, region: string): CredentialSource {
  const env = options.env ?? process.env;
  const profile = options.profile ?? (env.AWS_PROFILE ? undefined : options.context?.profile);
  const roleArn = options.roleArn ?? options.context?.roleArn;
  // the context's session name belongs to the context's role, not to a role given by flag
  const roleFromContext = options.roleArn === undefined && options.context?.roleArn !== undefined;
  const sessionName = options.sessionName ?? (roleFromContext ? options.context?.sessionName : undefined);
  return describeCredentialSource({ region, profile, roleArn, sessionName, stsEndpointUrl: options.endpointUrl });
}

const shared = new Map<string, Promise<MskTokenProvider>>();

/**
 * The token provider for these options, created once per process and credential source: every Kafka client
 * of a command (and every connection of each) shares its credentials and its cached token.
 */
export function sharedMskTokenProvider(options: TokenSourceOptions): Promise<MskTokenProvider> {
  const key = JSON.stringify([options.region, options.profile, options.roleArn, options.sessionName, options.endpointUrl, options.context]);
  let provider = shared.get(key);
  if (!provider) {
    provider = createMskTokenProvider(options);
    shared.set(key, provider);
    provider.catch(() => shared.delete(key));
  }
  return provider;
}

export async function createMskTokenProvider(options: TokenSourceOptions): Promise<MskTokenProvider> {
  const region = await resolveRegion(options);
  const source = credentialSourceFor(options, region);
  options.log?.debug(`AWS credentials: ${source.kind}${source.profile ? ` profile ${source.profile}` : ''}${source.roleArn ? ` role ${source.roleArn} session ${source.sessionName}` : ''}`);
  const credentials = await createCredentialsProvider(source, { now: options.now });
  return new MskTokenProvider({ region, credentials, now: options.now, log: options.log });
}

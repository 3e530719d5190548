/**
 * The IAM side of `mskctl check`: the signing region (flag > bootstrap host name > environment, context,
 * profile), ONE memoized credentials provider and ONE token provider (src/auth/) shared by the token step and
 * every kafkajs connection, and the credentials report (key kind, source, identity and clock skew from STS).
 * Loaded only for --auth iam: it pulls in the AWS SDK.
 */
import type { Context } from '../config/contexts.js';
import type { Logger } from '../output/log.js';
import { createCredentialsProvider } from '../auth/credentials.js';
import { shortenAccessKey } from '../auth/token-inspect.js';
import { credentialSourceFor, mapCredentialError, MskTokenProvider, resolveRegion, validateRegion } from '../auth/token-provider.js';
import { isUnreachable, probeCallerIdentity } from '../aws/sts.js';
import { SIGNING_CLOCK_OFFSET_ENV, signingClockOffset, withShiftedClock } from './signing-clock.js';
import type { CredentialsInfo, GeneratedToken } from './types.js';

export interface IamSourceOptions {
  flagRegion?: string;
  /** the region in the bootstrap host name (MSK names) */
  hostRegion?: string;
  profile?: string;
  roleArn?: string;
  sessionName?: string;
  /** --endpoint-url: STS for AssumeRole and GetCallerIdentity */
  endpointUrl?: string;
  context?: Context;
  stsTimeoutMs: number;
  log: Logger;
  env?: NodeJS.ProcessEnv;
}

export interface IamSources {
  region: string;
  tokens: () => Promise<GeneratedToken>;
  credentials: () => Promise<CredentialsInfo>;
}

const realNow = Date.now;

function describeDefaultChain(accessKeyId: string, env: NodeJS.ProcessEnv): string {
  if (env.AWS_ACCESS_KEY_ID === accessKeyId) return 'environment variables';
  if (env.AWS_PROFILE) return `profile ${env.AWS_PROFILE}`;
  return 'default credential chain';
}

export async function createIamSources(options: IamSourceOptions): Promise<IamSources> {
  const env = options.env ?? process.env;
  const sourceOptions = {
    region: options.flagRegion,
    profile: options.profile,
    roleArn: options.roleArn,
    sessionName: options.sessionName,
    endpointUrl: options.endpointUrl,
    context: options.context,
    log: options.log,
    env,
  };
  if (options.flagRegion) validateRegion(options.flagRegion);
  const region = options.flagRegion ?? options.hostRegion ?? (await resolveRegion(sourceOptions));
  const source = credentialSourceFor(sourceOptions, region);
  const offset = signingClockOffset(env);
  if (offset !== undefined) options.log.warn(`${SIGNING_CLOCK_OFFSET_ENV} is set: the IAM signer's clock is shifted by ${offset} ms (test only)`);
  // with the test-only offset, the caches live in the shifted time too, so the shifted token stays in use
  const now = (): number => realNow() + (offset ?? 0);
  const credentials = await createCredentialsProvider(source, { now });
  const provider = new MskTokenProvider({ region, credentials, now, log: options.log });
  const sourceName = source.kind === 'assume-role' ? `role ${source.roleArn} as session ${source.sessionName}` : source.kind === 'profile' ? `profile ${source.profile}` : undefined;

  return {
    region,
    tokens: () => (offset === undefined ? provider.getToken() : withShiftedClock(offset, () => provider.getToken())),
    credentials: async () => {
      let c;
      try {
        c = await credentials();
      } catch (error) {
        throw mapCredentialError(error);
      }
      const info: CredentialsInfo = {
        accessKey: shortenAccessKey(c.accessKeyId),
        keyKind: c.accessKeyId.startsWith('ASIA') ? 'temporary' : c.accessKeyId.startsWith('AKIA') ? 'long-term' : 'unknown',
        source: sourceName ?? describeDefaultChain(c.accessKeyId, env),
        sessionToken: c.sessionToken !== undefined && c.sessionToken !== '',
        ...(c.expiration ? { expiresAt: c.expiration.toISOString() } : {}),
      };
      try {
        info.identity = await probeCallerIdentity({ region, credentials, endpointUrl: options.endpointUrl, timeoutMs: options.stsTimeoutMs });
      } catch (error) {
        if (!isUnreachable(error)) throw error;
        const e = error as { code?: string; name?: string };
        info.stsUnreachable = `${options.endpointUrl ?? `sts.${region}.amazonaws.com`}: ${e.code ?? e.name ?? 'error'}`;
      }
      return info;
    },
  };
}

/**
 * The one AWS SDK client factory. Commands import this module lazily (await import()), so offline commands
 * never load the SDK. Region, profile, endpoint, retries and the user agent are resolved here once.
 *
 * Region precedence: --region > AWS_REGION > the context's region > the cluster ARN's region (for commands
 * about one cluster) > the profile's region (resolved by the SDK from the shared config file).
 */
import type { KafkaClient } from '@aws-sdk/client-kafka';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { GlobalOptions } from '../commands/types.js';
import { resolveContext } from '../config/contexts.js';
import { usageError } from '../output/errors.js';
import { packageVersion } from '../version.js';

export interface AwsSettings {
  region?: string;
  profile?: string;
  endpointUrl?: string;
  /** total attempts per call, including the first (throttling and 5xx are retried with backoff) */
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive';
  userAgent: string;
}

const DEFAULT_MAX_ATTEMPTS = 5;


/** Settings from flags, environment and context; `arnRegion` is the region of the cluster the command targets. */
export function resolveAwsSettings(global: GlobalOptions, env: NodeJS.ProcessEnv = process.env, arnRegion?: string): AwsSettings {
  const context = resolveContext(global.context, env);
  const region = global.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? context?.region ?? arnRegion;
  const profile = global.profile ?? context?.profile;
  // --endpoint-url applies to every client (a local emulator serves them all on one port); without it the
  // SDK itself honours AWS_ENDPOINT_URL and the per-service AWS_ENDPOINT_URL_KAFKA / _EC2 / _STS (VPC endpoints)
  const endpointUrl = global.endpointUrl;
  if (endpointUrl !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(endpointUrl);
    } catch {
      throw usageError(`--endpoint-url: "${endpointUrl}" is not a URL`, 'give a full URL such as https://kafka.us-east-1.amazonaws.com');
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw usageError(`--endpoint-url: unsupported scheme ${parsed.protocol}`, 'use an http:// or https:// URL');
    }
  }
  const attemptsText = env.AWS_MAX_ATTEMPTS;
  const attempts = attemptsText === undefined ? DEFAULT_MAX_ATTEMPTS : Number(attemptsText);
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw usageError(`AWS_MAX_ATTEMPTS: found "${attemptsText}"`, 'a whole number of attempts, 1 or more');
  }
  const mode = env.AWS_RETRY_MODE ?? 'standard';
  if (mode !== 'standard' && mode !== 'adaptive') {
    throw usageError(`AWS_RETRY_MODE: found "${mode}"`, 'standard or adaptive');
  }
  return { region, profile, endpointUrl, maxAttempts: attempts, retryMode: mode, userAgent: `mskctl/${packageVersion()}` };
}

/** Configuration shared by every client. */
async function commonConfig(settings: AwsSettings): Promise<Record<string, unknown>> {
  let credentials: AwsCredentialIdentityProvider | undefined;
  if (settings.profile !== undefined) {
    const { fromIni } = await import('@aws-sdk/credential-providers');
    credentials = fromIni({ profile: settings.profile });
  }
  return {
    ...(settings.region !== undefined ? { region: settings.region } : {}),
    ...(settings.profile !== undefined ? { profile: settings.profile } : {}),
    ...(credentials !== undefined ? { credentials } : {}),
    ...(settings.endpointUrl !== undefined ? { endpoint: settings.endpointUrl } : {}),
    maxAttempts: settings.maxAttempts,
    retryMode: settings.retryMode,
    customUserAgent: settings.userAgent,
  };
}

export interface AwsClients {
  settings: AwsSettings;
  kafka(): Promise<KafkaClient>;
  ec2(): Promise<EC2Client>;
  sts(): Promise<STSClient>;
  /** the region the clients call, once resolved (an exit-2 error when none can be found) */
  region(): Promise<string>;
  destroy(): void;
}

/** Creates clients on first use and reuses them; destroy() closes their sockets so the process can exit. */
export function createAwsClients(settings: AwsSettings, env: NodeJS.ProcessEnv = process.env): AwsClients {
  // mskctl supports the Node versions in package.json "engines"; the SDK's own Node-version notice is noise
  // for users of a CLI (they cannot act on it here), so it is off unless the user sets the variable
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let kafka: KafkaClient | undefined;
  let ec2: EC2Client | undefined;
  let sts: STSClient | undefined;
  const regionMissing = (): Error =>
    usageError('no AWS region: none given and none found in AWS_REGION, the context or the profile', 'pass --region (for example --region us-east-1) or set AWS_REGION', 'AWS_NO_REGION');
  const checkRegion = async (client: { config: { region: () => Promise<string> } }): Promise<void> => {
    try {
      const region = await client.config.region();
      if (!region) throw regionMissing();
    } catch {
      throw regionMissing();
    }
  };
  return {
    settings,
    async kafka() {
      if (!kafka) {
        const { KafkaClient } = await import('@aws-sdk/client-kafka');
        kafka = new KafkaClient(await commonConfig(settings));
        await checkRegion(kafka);
      }
      return kafka;
    },
    async ec2() {
      if (!ec2) {
        const { EC2Client } = await import('@aws-sdk/client-ec2');
        ec2 = new EC2Client(await commonConfig(settings));
        await checkRegion(ec2);
      }
      return ec2;
    },
    async sts() {
      if (!sts) {
        const { STSClient } = await import('@aws-sdk/client-sts');
        sts = new STSClient(await commonConfig(settings));
        await checkRegion(sts);
      }
      return sts;
    },
    async region() {
      const client = await this.kafka();
      return client.config.region();
    },
    destroy() {
      kafka?.destroy();
      ec2?.destroy();
      sts?.destroy();
    },
  };
}

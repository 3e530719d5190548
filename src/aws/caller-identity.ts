/**
 * STS GetCallerIdentity for `mskctl check`: who the MSK IAM credentials belong to, and how far this machine's
 * clock is from AWS's (the Date header of the answer). One attempt with a short timeout: a diagnosis must not
 * hang on an unreachable STS (it reports "skipped" instead). Uses the same memoized credentials provider as
 * the token, so the identity shown is the one that signs. The SDK is imported on first use only.
 */
import type { CredentialsProvider } from '../auth/credentials.js';
import { quietSdkNodeVersionWarning } from '../auth/credentials.js';

export interface CallerIdentityAnswer {
  arn: string;
  account: string;
  /** AWS's clock minus this machine's clock, ms (positive: this machine is behind); undefined without a Date header */
  clockSkewMs?: number;
}

export interface CallerIdentityOptions {
  region: string;
  credentials: CredentialsProvider;
  /** --endpoint-url (tests, VPC endpoints) */
  endpointUrl?: string;
  timeoutMs: number;
  now?: () => number;
}

/** Network errors that mean "STS cannot be reached from here" rather than "STS said no". */
export function isUnreachable(error: unknown): boolean {
  const e = error as { code?: string; name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  if (e?.$metadata?.httpStatusCode !== undefined) return false;
  return /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|ENETUNREACH|TimeoutError|RequestTimeout|socket hang up|timed out|aborted/i.test(
    `${e?.code ?? ''} ${e?.name ?? ''} ${e?.message ?? ''}`,
  );
}

export async function getCallerIdentity(options: CallerIdentityOptions): Promise<CallerIdentityAnswer> {
  quietSdkNodeVersionWarning();
  const now = options.now ?? Date.now;
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const client = new STSClient({
    region: options.region,
    credentials: options.credentials,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: options.timeoutMs, requestTimeout: options.timeoutMs },
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
  });
  let serverDate: string | undefined;
  let receivedAt = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const headers = (result.response as { headers?: Record<string, string> } | undefined)?.headers;
      receivedAt = now();
      serverDate = headers?.date ?? headers?.Date;
      return result;
    },
    { step: 'deserialize', name: 'mskctlServerDate', priority: 'low' },
  );
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutMs + 500);
  try {
    const out = await client.send(new GetCallerIdentityCommand({}), { abortSignal: abort.signal });
    const serverMs = serverDate ? Date.parse(serverDate) : NaN;
    // the Date header has whole seconds: skews under a second are noise
    const skew = Number.isNaN(serverMs) ? undefined : serverMs - receivedAt;
    return {
      arn: out.Arn ?? '',
      account: out.Account ?? '',
      ...(skew === undefined ? {} : { clockSkewMs: Math.abs(skew) < 1000 ? 0 : skew }),
    };
  } finally {
    clearTimeout(timer);
    client.destroy();
  }
}

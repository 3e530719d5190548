/**
 * STS GetCallerIdentity, the one place mskctl asks it: `vpc-connection` needs the caller's account (through
 * the command's shared STS client, with its retries), `mskctl check` who the MSK IAM credentials belong to and
 * how far this machine's clock is from AWS's (the Date header of the answer), in one attempt with a short
 * timeout so that a diagnosis never hangs on an unreachable STS. The SDK is imported on first use only.
 */
import type { STSClient } from '@aws-sdk/client-sts';
import type { CredentialsProvider } from '../auth/credentials.js';
import { quietSdkNodeVersionWarning } from '../auth/credentials.js';
import type { AwsClients } from './clients.js';
import { awsError } from './errors.js';

export interface CallerIdentity {
  account: string;
  arn: string;
  /** AWS's clock minus this machine's clock, ms (positive: this machine is behind); undefined without a Date header */
  clockSkewMs?: number;
}

/** The one GetCallerIdentity call, on a given client; the answer's Date header gives the clock skew. */
async function askCallerIdentity(client: STSClient, options: { now?: () => number; abortSignal?: AbortSignal } = {}): Promise<CallerIdentity> {
  const now = options.now ?? Date.now;
  const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const command = new GetCallerIdentityCommand({});
  let serverDate: string | undefined;
  let receivedAt = 0;
  // on the command, not the client: a shared client keeps no per-call state
  command.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const headers = (result.response as { headers?: Record<string, string> } | undefined)?.headers;
      receivedAt = now();
      serverDate = headers?.date ?? headers?.Date;
      return result;
    },
    { step: 'deserialize', name: 'mskctlServerDate', priority: 'low' },
  );
  const out = await client.send(command, options.abortSignal ? { abortSignal: options.abortSignal } : {});
  const serverMs = serverDate ? Date.parse(serverDate) : NaN;
  // the Date header has whole seconds: skews under a second are noise
  const skew = Number.isNaN(serverMs) ? undefined : serverMs - receivedAt;
  return {
    account: out.Account ?? '',
    arn: out.Arn ?? '',
    ...(skew === undefined ? {} : { clockSkewMs: Math.abs(skew) < 1000 ? 0 : skew }),
  };
}

/** The caller's identity through the command's AWS clients; a failure is an MskctlError naming sts:GetCallerIdentity. */
export async function callerIdentity(clients: AwsClients): Promise<CallerIdentity> {
  const sts = await clients.sts();
  try {
    return await askCallerIdentity(sts);
  } catch (error) {
    throw awsError(error, 'sts:GetCallerIdentity');
  }
}

export interface ProbeCallerIdentityOptions {
  region: string;
  /** the memoized provider that also signs the MSK IAM token: the identity shown is the one that signs */
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

/** For `mskctl check`: one attempt with these credentials and a timeout; SDK errors are thrown as they are (see isUnreachable). */
export async function probeCallerIdentity(options: ProbeCallerIdentityOptions): Promise<CallerIdentity> {
  quietSdkNodeVersionWarning();
  const { STSClient } = await import('@aws-sdk/client-sts');
  const client = new STSClient({
    region: options.region,
    credentials: options.credentials,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: options.timeoutMs, requestTimeout: options.timeoutMs },
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
  });
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutMs + 500);
  try {
    return await askCallerIdentity(client, { now: options.now, abortSignal: abort.signal });
  } finally {
    clearTimeout(timer);
    client.destroy();
  }
}

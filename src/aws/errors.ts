/**
 * Turns AWS SDK errors into MskctlError with a hint a person can act on. Only the error's name, HTTP status
 * and message are used (the SDK never puts credentials there; messages still pass through redaction).
 */
import { ExitCode, MskctlError } from '../output/errors.js';

interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number; requestId?: string };
}

const ACCESS_DENIED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'ForbiddenException',
  'UnauthorizedException',
  'UnauthorizedOperation',
  'AuthFailure',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
]);
const THROTTLED = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling', 'RequestLimitExceeded', 'ThrottledException']);
const NOT_FOUND_SUFFIX = /(NotFound|NotFoundException)$/;

export function isAwsNotFound(error: unknown): boolean {
  const e = error as SdkErrorLike;
  return typeof e?.name === 'string' && (NOT_FOUND_SUFFIX.test(e.name) || e.$metadata?.httpStatusCode === 404);
}

export function isAwsConflict(error: unknown): boolean {
  const e = error as SdkErrorLike;
  return e?.name === 'ConflictException' || e?.$metadata?.httpStatusCode === 409;
}

export function isAwsAccessDenied(error: unknown): boolean {
  const e = error as SdkErrorLike;
  return (typeof e?.name === 'string' && ACCESS_DENIED.has(e.name)) || e?.$metadata?.httpStatusCode === 403;
}

/**
 * Maps an SDK error from `operation` (e.g. "kafka:DescribeClusterV2") to an MskctlError (exit 3).
 * `resource` names what the call was about, for the message.
 */
export function awsError(error: unknown, operation: string, resource?: string): MskctlError {
  if (error instanceof MskctlError) return error;
  const e = (error ?? {}) as SdkErrorLike;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const attempts = e.$metadata?.attempts;
  const about = resource ? ` (${resource})` : '';
  const detail = e.message ? `: ${e.message}` : '';
  const details: Record<string, unknown> = { operation, awsError: name };
  if (status !== undefined) details.httpStatus = status;
  if (attempts !== undefined) details.attempts = attempts;
  if (e.$metadata?.requestId) details.requestId = e.$metadata.requestId;

  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(e.message ?? '')) {
    return new MskctlError(`${operation}: no AWS credentials found`, {
      code: 'AWS_NO_CREDENTIALS',
      exitCode: ExitCode.OPERATIONAL,
      hint: 'set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, pass --profile NAME, or run `aws sso login`',
      details,
      cause: error,
    });
  }
  if (ACCESS_DENIED.has(name) || status === 403 || status === 401) {
    return new MskctlError(`${operation}${about}: access denied (${name})${detail}`, {
      code: 'AWS_ACCESS_DENIED',
      exitCode: ExitCode.OPERATIONAL,
      hint: `the caller's IAM identity needs ${operation} on ${resource ?? 'the resource'}; for a cluster in another account, its cluster policy must also allow the caller's account (see \`mskctl cluster-policy generate\`)`,
      details,
      cause: error,
    });
  }
  if (THROTTLED.has(name) || status === 429) {
    return new MskctlError(`${operation}${about}: throttled by AWS${attempts ? ` after ${attempts} attempts` : ''}`, {
      code: 'AWS_THROTTLED',
      exitCode: ExitCode.OPERATIONAL,
      hint: 'retry later, or allow more retries with AWS_MAX_ATTEMPTS (and AWS_RETRY_MODE=adaptive)',
      details,
      cause: error,
    });
  }
  if (isAwsNotFound(error)) {
    return new MskctlError(`${operation}${about}: not found${detail}`, {
      code: 'AWS_NOT_FOUND',
      exitCode: ExitCode.OPERATIONAL,
      hint: 'check the ARN or ID and the region (--region)',
      details,
      cause: error,
    });
  }
  if (isAwsConflict(error)) {
    return new MskctlError(`${operation}${about}: conflict (${name})${detail}`, {
      code: 'AWS_CONFLICT',
      exitCode: ExitCode.OPERATIONAL,
      hint: 'the resource changed or is busy; read its current state and run the command again',
      details,
      cause: error,
    });
  }
  const code = (e as { code?: string }).code;
  if (code && ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN'].includes(code)) {
    return new MskctlError(`${operation}: cannot reach the AWS endpoint (${code})`, {
      code: 'AWS_UNREACHABLE',
      exitCode: ExitCode.OPERATIONAL,
      hint: 'check the network, proxy settings, --region and --endpoint-url',
      details,
      cause: error,
    });
  }
  return new MskctlError(`${operation}${about} failed: ${name}${detail}`, {
    code: 'AWS_ERROR',
    exitCode: ExitCode.OPERATIONAL,
    hint: status !== undefined && status >= 500 ? 'an AWS service error; retry later' : 'run again with --verbose for details',
    details,
    cause: error,
  });
}

/** Runs one SDK call and maps its failure. */
export async function call<T>(operation: string, resource: string | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw awsError(error, operation, resource);
  }
}

/**
 * Decodes and lints an MSK IAM token (base64url of a SigV4-presigned URL for kafka-cluster:Connect), the
 * way MSK validates it: host and credential-scope region, service, action, X-Amz-Date + X-Amz-Expires
 * window, and optionally the SigV4 signature when the secret key is known. Pure: no I/O, no AWS SDK.
 */
import { createHash, createHmac } from 'node:crypto';
import { inputError } from '../output/errors.js';

export const MSK_SIGNING_SERVICE = 'kafka-cluster';
export const MSK_CONNECT_ACTION = 'kafka-cluster:Connect';
export const MAX_TOKEN_EXPIRES_SECONDS = 900;
const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
/** host region anchored at the end: kafka.<region>.amazonaws.com (or .com.cn in China) */
const MSK_HOST = /^kafka\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');
/** query parameters that are not covered by the signature: the signature itself and the signer's User-Agent */
const UNSIGNED_PARAMS = new Set(['X-Amz-Signature', 'User-Agent']);
const REQUIRED_PARAMS = [
  'Action',
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
] as const;
/** tokens with less time left than this get a warning */
const EXPIRING_SOON_SECONDS = 60;

export type FindingSeverity = 'error' | 'warning';

export interface TokenFinding {
  code:
    | 'MALFORMED'
    | 'WRONG_HOST'
    | 'WRONG_ACTION'
    | 'WRONG_SERVICE'
    | 'WRONG_ALGORITHM'
    | 'HOST_NOT_SIGNED'
    | 'REGION_MISMATCH'
    | 'UNEXPECTED_REGION'
    | 'SCOPE_DATE_MISMATCH'
    | 'EXPIRES_FRACTIONAL'
    | 'EXPIRES_TOO_LONG'
    | 'EXPIRES_TOO_SHORT'
    | 'NOT_YET_VALID'
    | 'EXPIRED'
    | 'EXPIRING_SOON'
    | 'SIGNATURE_MISMATCH';
  severity: FindingSeverity;
  message: string;
  hint?: string;
}

export interface TokenInspection {
  /** true when no finding is an error */
  valid: boolean;
  url: {
    host: string;
    path: string;
  };
  /** region in the host name */
  hostRegion?: string;
  action?: string;
  algorithm?: string;
  credentialScope?: {
    /** access key id shortened to its first and last four characters, e.g. AKIA…WXYZ */
    accessKey: string;
    /** AKIA: long-term IAM user key · ASIA: temporary (STS) credentials */
    accessKeyKind: 'long-term' | 'temporary' | 'unknown';
    date: string;
    region: string;
    service: string;
    terminator: string;
  };
  /** ISO time of X-Amz-Date */
  issuedAt?: string;
  /** X-Amz-Expires as written in the token (may be fractional: a known signer defect) */
  expiresSeconds?: number;
  expiresAt?: string;
  /** seconds until expiry at the time of inspection; negative when expired */
  secondsLeft?: number;
  signedHeaders: string[];
  userAgent?: string;
  sessionTokenPresent: boolean;
  /** 'not-checked' unless a secret key was given */
  signature: 'verified' | 'mismatch' | 'not-checked';
  findings: TokenFinding[];
}

export interface InspectOptions {
  /** the inspection time, epoch ms */
  now: number;
  /** the region the token should be for (e.g. from --region or the bootstrap host) */
  expectedRegion?: string;
  /** when given, the SigV4 signature is recomputed and compared */
  secretAccessKey?: string;
}

export interface DecodedToken {
  url: URL;
  /** query parameters in order, percent-decoded */
  params: Array<[string, string]>;
}

/** "AKIAIOSFODNN7EXAMPLE" → "AKIA…MPLE": enough to recognise a key, never enough to use it. */
export function shortenAccessKey(accessKeyId: string): string {
  if (accessKeyId.length <= 8) return '…';
  return `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}`;
}

function notAToken(problem: string): Error {
  return inputError(
    { path: '--inspect' },
    `not an MSK IAM token: ${problem}`,
    'the base64url token printed by `mskctl auth token` (or by aws-msk-iam-sasl-signer), or the presigned https URL it encodes',
    'TOKEN_NOT_RECOGNISED',
  );
}

/** Splits a raw query string without URLSearchParams, which would turn '+' into a space. */
function parseQuery(search: string): Array<[string, string]> {
  const raw = search.startsWith('?') ? search.slice(1) : search;
  if (raw === '') return [];
  return raw.split('&').map((part) => {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    try {
      return [decodeURIComponent(key), decodeURIComponent(value)];
    } catch {
      throw notAToken(`the query parameter ${JSON.stringify(key.slice(0, 40))} is not valid percent-encoding`);
    }
  });
}

/**
 * base64url token (or the https URL itself) → URL and parameters. Throws an input error (exit 2) when the
 * text is not a token at all; a token with wrong or missing fields decodes and is reported by inspectToken.
 */
export function decodeToken(text: string): DecodedToken {
  const input = text.trim();
  if (input === '') throw notAToken('the input is empty');
  let urlText: string;
  if (/^https?:\/\//i.test(input)) {
    urlText = input;
  } else {
    if (!/^[A-Za-z0-9_-]+={0,2}$/.test(input)) throw notAToken('it contains characters that are not base64url');
    urlText = Buffer.from(input, 'base64url').toString('utf8');
    if (!/^https?:\/\//i.test(urlText)) throw notAToken('it does not decode to an https URL');
  }
  let url: URL;
  try {
    url = new URL(urlText);
  } catch {
    throw notAToken('it decodes to text that is not a URL');
  }
  if (!url.search) throw notAToken('the decoded URL has no query parameters, so it is not presigned');
  return { url, params: parseQuery(url.search) };
}

/** RFC 3986 encoding as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
function sigv4Encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface SignatureInput {
  host: string;
  /** every query parameter of the presigned URL (unsigned ones are skipped) */
  params: Array<[string, string]>;
  secretAccessKey: string;
  /** from X-Amz-Credential: yyyymmdd, region, service */
  scopeDate: string;
  scopeRegion: string;
  scopeService: string;
  /** X-Amz-Date */
  amzDate: string;
}

/** The SigV4 signature (hex) of a presigned GET / with only the host header signed. */
export function computeSignature(input: SignatureInput): string {
  const canonicalQuery = input.params
    .filter(([key]) => !UNSIGNED_PARAMS.has(key))
    .map(([key, value]) => [sigv4Encode(key), sigv4Encode(value)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const canonicalRequest = ['GET', '/', canonicalQuery, `host:${input.host}`, '', 'host', EMPTY_SHA256].join('\n');
  const scope = `${input.scopeDate}/${input.scopeRegion}/${input.scopeService}/aws4_request`;
  const stringToSign = [SIGV4_ALGORITHM, input.amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
  let key = hmac(`AWS4${input.secretAccessKey}`, input.scopeDate);
  key = hmac(key, input.scopeRegion);
  key = hmac(key, input.scopeService);
  key = hmac(key, 'aws4_request');
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

function parseAmzDate(value: string): number | undefined {
  const m = AMZ_DATE.exec(value);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return Number.isNaN(ms) ? undefined : ms;
}

function describeSeconds(seconds: number): string {
  const abs = Math.abs(Math.round(seconds));
  const m = Math.floor(abs / 60);
  const s = abs % 60;
  return m > 0 ? `${m} min ${s} s` : `${s} s`;
}

/** Decodes and lints a token. Throws an input error (exit 2) only when the text is not a token at all. */
export function inspectToken(text: string, options: InspectOptions): TokenInspection {
  const { url, params } = decodeToken(text);
  const findings: TokenFinding[] = [];
  const error = (code: TokenFinding['code'], message: string, hint?: string): void => {
    findings.push({ code, severity: 'error', message, hint });
  };

  const counts = new Map<string, number>();
  for (const [key] of params) counts.set(key, (counts.get(key) ?? 0) + 1);
  const get = (key: string): string | undefined => params.find(([k]) => k === key)?.[1];

  const inspection: TokenInspection = {
    valid: false,
    url: { host: url.host, path: url.pathname },
    signedHeaders: [],
    sessionTokenPresent: get('X-Amz-Security-Token') !== undefined,
    signature: 'not-checked',
    findings,
  };

  if (url.protocol !== 'https:') error('MALFORMED', `the URL scheme is ${url.protocol.replace(':', '')}, MSK expects https`);
  if (url.pathname !== '/') error('MALFORMED', `the URL path is ${url.pathname}, MSK expects /`);
  const missing = REQUIRED_PARAMS.filter((key) => get(key) === undefined);
  if (missing.length > 0) {
    error('MALFORMED', `missing query parameter${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, 'generate a new token with `mskctl auth token`');
  }
  const duplicated = [...counts].filter(([, n]) => n > 1).map(([k]) => k);
  if (duplicated.length > 0) error('MALFORMED', `query parameter${duplicated.length > 1 ? 's' : ''} given more than once: ${duplicated.join(', ')}`);

  const hostMatch = MSK_HOST.exec(url.hostname);
  if (url.port !== '') error('WRONG_HOST', `the host has a port (${url.port}); MSK expects kafka.<region>.amazonaws.com`);
  if (hostMatch) inspection.hostRegion = hostMatch[1];
  else error('WRONG_HOST', `the host is ${url.hostname}, MSK expects kafka.<region>.amazonaws.com`);

  const action = get('Action');
  inspection.action = action;
  if (action !== undefined && action !== MSK_CONNECT_ACTION) error('WRONG_ACTION', `Action is ${action}, MSK expects ${MSK_CONNECT_ACTION}`);

  const algorithm = get('X-Amz-Algorithm');
  inspection.algorithm = algorithm;
  if (algorithm !== undefined && algorithm !== SIGV4_ALGORITHM) error('WRONG_ALGORITHM', `X-Amz-Algorithm is ${algorithm}, MSK expects ${SIGV4_ALGORITHM}`);

  const signedHeaders = get('X-Amz-SignedHeaders');
  if (signedHeaders !== undefined) {
    inspection.signedHeaders = signedHeaders.split(';').filter((h) => h !== '');
    if (!inspection.signedHeaders.includes('host')) error('HOST_NOT_SIGNED', `X-Amz-SignedHeaders is "${signedHeaders}"; the host header must be signed`);
  }
  inspection.userAgent = get('User-Agent');

  const credential = get('X-Amz-Credential');
  if (credential !== undefined) {
    const parts = credential.split('/');
    if (parts.length !== 5 || parts.some((p) => p === '')) {
      error('MALFORMED', 'X-Amz-Credential is not <access key>/<yyyymmdd>/<region>/<service>/aws4_request');
    } else {
      const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
      inspection.credentialScope = {
        accessKey: shortenAccessKey(accessKeyId),
        accessKeyKind: accessKeyId.startsWith('ASIA') ? 'temporary' : accessKeyId.startsWith('AKIA') ? 'long-term' : 'unknown',
        date,
        region,
        service,
        terminator,
      };
      if (terminator !== 'aws4_request') error('MALFORMED', `the credential scope ends in ${terminator}, expected aws4_request`);
      if (service !== MSK_SIGNING_SERVICE) {
        error('WRONG_SERVICE', `the credential scope names the service ${service}, MSK expects ${MSK_SIGNING_SERVICE}`, 'sign for kafka-cluster (aws-msk-iam-sasl-signer does; kafkajs mechanism "aws" does not produce MSK tokens)');
      }
      if (inspection.hostRegion !== undefined && region !== inspection.hostRegion) {
        error('REGION_MISMATCH', `the host is in ${inspection.hostRegion} but the credential scope is for ${region}`);
      }
    }
  }
  if (options.expectedRegion !== undefined) {
    const tokenRegion = inspection.hostRegion ?? inspection.credentialScope?.region;
    if (tokenRegion !== undefined && tokenRegion !== options.expectedRegion) {
      error('UNEXPECTED_REGION', `the token is for ${tokenRegion}, expected ${options.expectedRegion}`, `generate the token with --region ${options.expectedRegion}`);
    }
  }

  const amzDate = get('X-Amz-Date');
  const issuedMs = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (amzDate !== undefined && issuedMs === undefined) error('MALFORMED', `X-Amz-Date is "${amzDate}", expected yyyymmddThhmmssZ`);
  if (issuedMs !== undefined) {
    inspection.issuedAt = new Date(issuedMs).toISOString();
    if (inspection.credentialScope && inspection.credentialScope.date !== amzDate!.slice(0, 8)) {
      error('SCOPE_DATE_MISMATCH', `the credential scope date ${inspection.credentialScope.date} is not the day of X-Amz-Date ${amzDate}`);
    }
  }

  const expiresText = get('X-Amz-Expires');
  let expires: number | undefined;
  if (expiresText !== undefined) {
    expires = /^-?\d+(\.\d+)?$/.test(expiresText) ? Number(expiresText) : undefined;
    if (expires === undefined) {
      error('MALFORMED', `X-Amz-Expires is "${expiresText}", expected whole seconds from 1 to ${MAX_TOKEN_EXPIRES_SECONDS}`);
    } else {
      inspection.expiresSeconds = expires;
      if (!Number.isInteger(expires)) {
        error('EXPIRES_FRACTIONAL', `X-Amz-Expires is ${expiresText}: not whole seconds`, 'a known aws-msk-iam-sasl-signer defect when the credentials expire within 15 minutes; refresh the credentials and generate a new token');
      }
      if (expires > MAX_TOKEN_EXPIRES_SECONDS) error('EXPIRES_TOO_LONG', `X-Amz-Expires is ${expiresText} s, MSK accepts at most ${MAX_TOKEN_EXPIRES_SECONDS} s`);
      if (expires < 1) error('EXPIRES_TOO_SHORT', `X-Amz-Expires is ${expiresText} s, at least 1 s is needed`, 'the credentials had expired when the token was signed; refresh them');
    }
  }

  if (issuedMs !== undefined) {
    if (issuedMs > options.now) {
      error('NOT_YET_VALID', `the token is dated ${describeSeconds((issuedMs - options.now) / 1000)} in the future (${inspection.issuedAt})`, 'the clock of the machine that generated it is ahead; sync it (NTP)');
    }
    if (expires !== undefined) {
      const expiresMs = issuedMs + expires * 1000;
      inspection.expiresAt = new Date(expiresMs).toISOString();
      const left = (expiresMs - options.now) / 1000;
      inspection.secondsLeft = Math.round(left * 1000) / 1000;
      if (left <= 0) {
        error('EXPIRED', `the token expired ${describeSeconds(-left)} ago (${inspection.expiresAt})`, 'generate a new token; clients must fetch a fresh token for each connection');
      } else if (left < EXPIRING_SOON_SECONDS) {
        findings.push({ code: 'EXPIRING_SOON', severity: 'warning', message: `the token expires in ${describeSeconds(left)}` });
      }
    }
  }

  if (options.secretAccessKey !== undefined) {
    const signature = get('X-Amz-Signature');
    const scope = inspection.credentialScope;
    if (signature !== undefined && scope !== undefined && amzDate !== undefined) {
      const expected = computeSignature({
        host: url.host,
        params,
        secretAccessKey: options.secretAccessKey,
        scopeDate: scope.date,
        scopeRegion: scope.region,
        scopeService: scope.service,
        amzDate,
      });
      inspection.signature = expected === signature.toLowerCase() ? 'verified' : 'mismatch';
      if (inspection.signature === 'mismatch') {
        error('SIGNATURE_MISMATCH', 'the SigV4 signature does not match the given secret key', 'the token was signed with other credentials, or it was altered after signing');
      }
    }
  }

  inspection.valid = !findings.some((f) => f.severity === 'error');
  return inspection;
}

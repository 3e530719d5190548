/**
 * MSK IAM tokens for tests, made by the real signer (aws-msk-iam-sasl-signer-js) from the harness's static
 * test credentials. (mskctl's own cached token provider lives in src/auth/; tests that exercise it use it.)
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
// @smithy/signature-v4 comes with the signer (its SigV4 engine); used here only to craft invalid tokens
import { SignatureV4 } from '@smithy/signature-v4';
import { generateAuthTokenFromCredentialsProvider } from 'aws-msk-iam-sasl-signer-js';
import type { IamTestIdentity } from './credentials.js';

export interface TestToken {
  token: string;
  expiryTime: number;
}

export async function signTestToken(identity: Pick<IamTestIdentity, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>, region: string): Promise<TestToken> {
  return generateAuthTokenFromCredentialsProvider({
    region,
    awsCredentialsProvider: async () => ({
      accessKeyId: identity.accessKeyId,
      secretAccessKey: identity.secretAccessKey,
      ...(identity.sessionToken ? { sessionToken: identity.sessionToken } : {}),
    }),
  });
}

/** A token provider (the shape src/kafka/client.ts takes) that signs a fresh token on every call. */
export function testTokenProvider(identity: Pick<IamTestIdentity, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>, region: string): () => Promise<TestToken> {
  return () => signTestToken(identity, region);
}

export interface CraftedTokenOptions {
  identity: Pick<IamTestIdentity, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>;
  /** region of the credential scope (what the signature is computed for) */
  region: string;
  /** region in the host name (default: region) */
  hostRegion?: string;
  /** signing service (MSK: kafka-cluster) */
  service?: string;
  /** the Action parameter (MSK: kafka-cluster:Connect) */
  action?: string;
  /** X-Amz-Expires, seconds (the signer never exceeds 900) */
  expiresIn?: number;
  signingDate?: Date;
}

/** SHA-256 / HMAC-SHA-256 over node:crypto in the shape @smithy/signature-v4 expects */
class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function toBuffer(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

const rfc3986 = (text: string): string => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * A properly SigV4-presigned MSK-style token with one aspect changed (service, action, host region, expiry,
 * date), made with AWS's own @smithy/signature-v4 (the signer's engine), to show the broker rejects exactly
 * that aspect. With no changes it is a valid token, which the tests use as the control.
 */
export async function craftToken(options: CraftedTokenOptions): Promise<string> {
  const hostname = `kafka.${options.hostRegion ?? options.region}.amazonaws.com`;
  const signer = new SignatureV4({
    service: options.service ?? 'kafka-cluster',
    region: options.region,
    credentials: {
      accessKeyId: options.identity.accessKeyId,
      secretAccessKey: options.identity.secretAccessKey,
      ...(options.identity.sessionToken ? { sessionToken: options.identity.sessionToken } : {}),
    },
    sha256: NodeSha256,
    applyChecksum: false,
  });
  const signed = await signer.presign(
    { method: 'GET', protocol: 'https:', hostname, path: '/', headers: { host: hostname }, query: { Action: options.action ?? 'kafka-cluster:Connect' } },
    { expiresIn: options.expiresIn ?? 900, ...(options.signingDate ? { signingDate: options.signingDate } : {}) },
  );
  const query = Object.entries(signed.query ?? {})
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(String(v))}`)
    .concat(`User-Agent=${rfc3986('mskctl-harness-test/1')}`)
    .join('&');
  return Buffer.from(`https://${hostname}/?${query}`).toString('base64url');
}

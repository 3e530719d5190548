/**
 * MSK IAM tokens for tests, made by the real signer (aws-msk-iam-sasl-signer-js) from the harness's static
 * test credentials. (mskctl's own cached token provider lives in src/auth/; tests that exercise it use it.)
 */
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

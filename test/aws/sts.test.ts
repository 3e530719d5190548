/**
 * src/aws/sts.ts, the one GetCallerIdentity of mskctl, with the real STS client against the local fake
 * endpoint: through the command's shared clients (vpc-connection) and as check's one-attempt probe.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients, resolveAwsSettings, type AwsClients } from '../../src/aws/clients.js';
import { callerIdentity, isUnreachable, probeCallerIdentity } from '../../src/aws/sts.js';
import type { GlobalOptions } from '../../src/commands/types.js';
import { MskctlError } from '../../src/output/errors.js';
import { CLIENT_ACCOUNT, FakeAws } from './fake-aws.js';
import { FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY } from './cli.js';

let fake: FakeAws;
const saved = { ...process.env };
beforeEach(async () => {
  fake = new FakeAws();
  await fake.start();
  // the SDK's default chain reads the process environment
  Object.assign(process.env, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_ACCESS_KEY_ID: FAKE_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: FAKE_SECRET_ACCESS_KEY, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' });
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
});
afterEach(async () => {
  await fake.stop();
  process.env = { ...saved };
});

const credentials = async () => ({ accessKeyId: FAKE_ACCESS_KEY_ID, secretAccessKey: FAKE_SECRET_ACCESS_KEY });
const global: GlobalOptions = { output: 'json', region: 'us-east-1', verbose: false, quiet: true, color: false };

function clientsFor(): AwsClients {
  const env = { AWS_MAX_ATTEMPTS: '2' };
  return createAwsClients(resolveAwsSettings({ ...global, endpointUrl: fake.url }, env), env);
}

describe('callerIdentity through the shared clients', () => {
  it('answers the account and ARN from one signed GetCallerIdentity, with the clock skew of the Date header', async () => {
    const clients = clientsFor();
    try {
      const identity = await callerIdentity(clients);
      expect(identity).toMatchObject({ account: CLIENT_ACCOUNT, arn: fake.caller.arn });
      // the fake answers with its real clock: no skew worth a second
      expect(identity.clockSkewMs).toBe(0);
      expect(fake.operations('sts')).toEqual(['GetCallerIdentity']);
      expect(String(fake.requests[0]!.headers.authorization)).toContain(`Credential=${FAKE_ACCESS_KEY_ID}/`);
    } finally {
      clients.destroy();
    }
  });

  it('a refusal is an MskctlError naming sts:GetCallerIdentity', async () => {
    fake.script('GetCallerIdentity', { status: 403, error: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.' });
    const clients = clientsFor();
    try {
      const error = await callerIdentity(clients).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MskctlError);
      expect((error as MskctlError).message).toContain('sts:GetCallerIdentity');
    } finally {
      clients.destroy();
    }
  });
});

describe("probeCallerIdentity (mskctl check's credentials step)", () => {
  it('signs with the given credentials, in one attempt', async () => {
    const identity = await probeCallerIdentity({ region: 'eu-west-1', credentials, endpointUrl: fake.url, timeoutMs: 2000 });
    expect(identity).toMatchObject({ account: CLIENT_ACCOUNT, arn: fake.caller.arn, clockSkewMs: 0 });
    expect(String(fake.requests[0]!.headers.authorization)).toContain(`Credential=${FAKE_ACCESS_KEY_ID}/`);
    expect(String(fake.requests[0]!.headers.authorization)).toContain('/eu-west-1/sts/');
  });

  it('a refusal is thrown as the SDK error (an answer, not "unreachable"), after one attempt', async () => {
    fake.script('GetCallerIdentity', { status: 500, error: 'InternalFailure', message: 'try again' }, { status: 500, error: 'InternalFailure', message: 'try again' });
    const error = await probeCallerIdentity({ region: 'eu-west-1', credentials, endpointUrl: fake.url, timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(isUnreachable(error)).toBe(false);
    expect(fake.operations('sts')).toEqual(['GetCallerIdentity']);
  });
});

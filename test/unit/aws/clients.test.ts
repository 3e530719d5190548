import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveAwsSettings } from '../../../src/aws/clients.js';
import { awsError } from '../../../src/aws/errors.js';
import type { GlobalOptions } from '../../../src/commands/types.js';

const global: GlobalOptions = { output: 'table', verbose: false, quiet: false, color: false };

describe('resolveAwsSettings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mskctl-ctx-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, 'contexts:\n  prod:\n    region: eu-west-1\n    profile: prod-admin\n');

  it('region: --region > AWS_REGION > context > cluster ARN', () => {
    const env = { MSKCTL_CONFIG: config, AWS_REGION: 'us-west-2' };
    expect(resolveAwsSettings({ ...global, region: 'ap-south-1', context: 'prod' }, env, 'us-east-1').region).toBe('ap-south-1');
    expect(resolveAwsSettings({ ...global, context: 'prod' }, env, 'us-east-1').region).toBe('us-west-2');
    expect(resolveAwsSettings({ ...global, context: 'prod' }, { MSKCTL_CONFIG: config }, 'us-east-1').region).toBe('eu-west-1');
    expect(resolveAwsSettings(global, { MSKCTL_CONFIG: config }, 'us-east-1').region).toBe('us-east-1');
    expect(resolveAwsSettings(global, { MSKCTL_CONFIG: config }).region).toBeUndefined();
  });

  it('profile: --profile > context; retries: 5 standard attempts unless AWS_MAX_ATTEMPTS/AWS_RETRY_MODE say otherwise', () => {
    expect(resolveAwsSettings({ ...global, context: 'prod' }, { MSKCTL_CONFIG: config }).profile).toBe('prod-admin');
    expect(resolveAwsSettings({ ...global, context: 'prod', profile: 'dev' }, { MSKCTL_CONFIG: config }).profile).toBe('dev');
    expect(resolveAwsSettings(global, {})).toMatchObject({ maxAttempts: 5, retryMode: 'standard', userAgent: expect.stringMatching(/^mskctl\/\d/) });
    expect(resolveAwsSettings(global, { AWS_MAX_ATTEMPTS: '9', AWS_RETRY_MODE: 'adaptive' })).toMatchObject({ maxAttempts: 9, retryMode: 'adaptive' });
  });

  it('rejects a bad endpoint URL and bad retry settings with exit 2', () => {
    expect(() => resolveAwsSettings({ ...global, endpointUrl: 'not a url' }, {})).toThrow(/--endpoint-url: "not a url" is not a URL/);
    expect(() => resolveAwsSettings({ ...global, endpointUrl: 'ftp://x' }, {})).toThrow(/unsupported scheme/);
    expect(() => resolveAwsSettings(global, { AWS_MAX_ATTEMPTS: 'many' })).toThrow(/AWS_MAX_ATTEMPTS/);
    expect(() => resolveAwsSettings(global, { AWS_RETRY_MODE: 'legacy' })).toThrow(/AWS_RETRY_MODE/);
  });
});

describe('awsError', () => {
  const sdkError = (name: string, status: number, attempts = 1): Error => Object.assign(new Error(`${name} message`), { name, $metadata: { httpStatusCode: status, attempts } });

  it('maps access denied, throttling, not found and conflicts to exit 3 with distinct codes', () => {
    expect(awsError(sdkError('ForbiddenException', 403), 'kafka:DescribeClusterV2', 'arn')).toMatchObject({ code: 'AWS_ACCESS_DENIED', exitCode: 3 });
    expect(awsError(sdkError('UnauthorizedOperation', 403), 'ec2:DescribeSubnets')).toMatchObject({ code: 'AWS_ACCESS_DENIED' });
    const throttled = awsError(sdkError('TooManyRequestsException', 429, 5), 'kafka:ListVpcConnections');
    expect(throttled).toMatchObject({ code: 'AWS_THROTTLED', exitCode: 3 });
    expect(throttled.message).toContain('after 5 attempts');
    expect(awsError(sdkError('NotFoundException', 404), 'kafka:DescribeVpcConnection')).toMatchObject({ code: 'AWS_NOT_FOUND' });
    expect(awsError(sdkError('ConflictException', 409), 'kafka:PutClusterPolicy')).toMatchObject({ code: 'AWS_CONFLICT' });
    expect(awsError(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), 'sts:GetCallerIdentity')).toMatchObject({ code: 'AWS_NO_CREDENTIALS' });
    expect(awsError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'kafka:ListVpcConnections')).toMatchObject({ code: 'AWS_UNREACHABLE' });
  });
});

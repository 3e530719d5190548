/**
 * `mskctl cluster-policy` end to end: generate (offline), get and put against the local fake AWS endpoint
 * through the real SDK client, including the optimistic-concurrency conflict.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLUSTER_ARN, FakeAws } from './fake-aws.js';
import { awsEnv, mskctlAsync } from './cli.js';
import { mskctl, ROOT } from '../cli/run-cli.js';

let fake: FakeAws;
let dir: string;

beforeEach(async () => {
  fake = new FakeAws();
  await fake.start();
  dir = mkdtempSync(join(tmpdir(), 'mskctl-policy-'));
});
afterEach(async () => {
  await fake.stop();
});

const POLICY_PATH = `/v1/clusters/${encodeURIComponent(CLUSTER_ARN)}/policy`;

function generated(accounts: string[]): string {
  const run = mskctl(['cluster-policy', 'generate', '--cluster-arn', CLUSTER_ARN, ...accounts.flatMap((a) => ['--account', a])]);
  expect(run.status).toBe(0);
  const file = join(dir, 'policy.json');
  writeFileSync(file, run.stdout);
  return file;
}

describe('cluster-policy generate (offline)', () => {
  it('prints the basic policy for the accounts, ready to save as a file', () => {
    const run = mskctl(['cluster-policy', 'generate', '--cluster-arn', CLUSTER_ARN, '--account', '444455556666,777788889999']);
    expect(run.status).toBe(0);
    const policy = JSON.parse(run.stdout) as { Statement: Array<{ Principal: { AWS: string[] }; Action: string[]; Resource: string }> };
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0]!.Principal.AWS).toEqual(['arn:aws:iam::444455556666:root', 'arn:aws:iam::777788889999:root']);
    expect(policy.Statement[0]!.Action).toEqual(['kafka:CreateVpcConnection', 'kafka:GetBootstrapBrokers', 'kafka:DescribeCluster', 'kafka:DescribeClusterV2']);
    expect(policy.Statement[0]!.Resource).toBe(CLUSTER_ARN);
  });

  it('advanced form: a role principal with the data-plane actions of `auth policy --role consumer`', () => {
    const run = mskctl(['cluster-policy', 'generate', '--cluster-arn', CLUSTER_ARN, '--principal', 'arn:aws:iam::444455556666:role/billing', '--data-plane', 'consumer', '--topics', 'orders', '--groups', 'billing', '--output', 'json']);
    expect(run.status).toBe(0);
    const policy = JSON.parse(run.stdout) as { Statement: Array<{ Sid: string; Principal: { AWS: string }; Action: string[]; Resource: string }> };
    expect(policy.Statement.map((s) => s.Sid)).toEqual(['MskctlVpcConnectivity', 'MskctlDataPlaneCluster', 'MskctlDataPlaneTopics', 'MskctlDataPlaneGroups']);
    expect(policy.Statement.every((s) => s.Principal.AWS === 'arn:aws:iam::444455556666:role/billing')).toBe(true);
    expect(policy.Statement[3]).toMatchObject({ Action: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'], Resource: 'arn:aws:kafka:us-east-1:111122223333:group/orders/0a1b2c3d-1111-2222-3333-444455556666-2/billing' });
  });

  it('passes on the role notes (as --data-plane advice) on stderr', () => {
    const run = mskctl(['cluster-policy', 'generate', '--cluster-arn', CLUSTER_ARN, '--account', '444455556666', '--data-plane', 'producer', '--topics', 'orders']);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('warning: Java clients from Kafka 3.0 on are idempotent by default (enable.idempotence=true): use --data-plane idempotent-producer');
    expect(JSON.parse(run.stdout)).toHaveProperty('Statement');
  });

  it('rejects a malformed account with exit 2', () => {
    const run = mskctl(['cluster-policy', 'generate', '--cluster-arn', CLUSTER_ARN, '--account', '4444']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--account\[0\]: "4444" is not an AWS account ID/);
    expect(run.stderr).toContain('hint: expected a 12-digit account ID');
  });

  it('rejects an unknown --data-plane role with exit 2', () => {
    const run = mskctl(['cluster-policy', 'generate', '--cluster-arn', CLUSTER_ARN, '--account', '444455556666', '--data-plane', 'superuser']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--data-plane\[0\]: unknown role "superuser"/);
  });

  it('does not load the AWS SDK at run time (while vpc-connection list does)', async () => {
    // the module-load recorder from test/cli/support: every resolved module URL goes to $MSKCTL_IMPORT_LOG
    const hook = pathToFileURL(join(ROOT, 'test/cli/support/record-imports.mjs')).href;
    const loaded = async (args: string[]): Promise<string[]> => {
      const log = join(dir, `${args[1]}.imports`);
      writeFileSync(log, '');
      const run = await mskctlAsync(args, { env: awsEnv({ NODE_OPTIONS: `--import ${hook}`, MSKCTL_IMPORT_LOG: log }) });
      expect(run.status).toBe(0);
      return readFileSync(log, 'utf8').split('\n').filter((l) => l !== '');
    };
    const generate = await loaded(['cluster-policy', 'generate', '--cluster-arn', CLUSTER_ARN, '--account', '444455556666']);
    expect(generate.some((url) => url.includes('/dist/commands/cluster-policy/generate.js'))).toBe(true);
    expect(generate.filter((url) => /@aws-sdk|@smithy/.test(url))).toEqual([]);
    // positive control: the recorder does see the SDK when a command uses it
    const list = await loaded(['vpc-connection', 'list', '--endpoint-url', fake.url]);
    expect(list.some((url) => url.includes('node_modules/@aws-sdk/client-kafka/'))).toBe(true);
  });
});

describe('cluster-policy get', () => {
  it('prints the current policy and its version', async () => {
    const run = await mskctlAsync(['cluster-policy', 'get', '--cluster-arn', CLUSTER_ARN, '--endpoint-url', fake.url, '--output', 'json']);
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as { currentVersion: string; policy: { Statement: Array<{ Sid: string }> } };
    expect(result.currentVersion).toBe('E3B0C44298FC1C');
    expect(result.policy.Statement[0]!.Sid).toBe('AllowClientAccount');
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${POLICY_PATH}`]);
  });

  it('takes the cluster ARN and region from a named context', async () => {
    const config = join(dir, 'config.yaml');
    writeFileSync(config, `contexts:\n  orders-prod:\n    clusterArn: ${CLUSTER_ARN}\n    region: us-east-1\n`);
    const env = awsEnv({ MSKCTL_CONFIG: config });
    delete env.AWS_REGION;
    const run = await mskctlAsync(['cluster-policy', 'get', '--context', 'orders-prod', '--endpoint-url', fake.url], { env });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('(version E3B0C44298FC1C)');
    expect(fake.requests.map((r) => r.path)).toEqual([POLICY_PATH]);
    expect(String(fake.requests[0]!.headers.authorization)).toMatch(/\/us-east-1\/kafka\/aws4_request/);
  });

  it('says when the cluster has no policy (exit 0)', async () => {
    fake.clusterPolicy = undefined;
    const run = await mskctlAsync(['cluster-policy', 'get', '--cluster-arn', CLUSTER_ARN, '--endpoint-url', fake.url]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('has no cluster policy');
  });

  it('AccessDenied is exit 3 with a hint', async () => {
    fake.script('GetClusterPolicy', { status: 403, error: 'ForbiddenException', message: 'not authorized to perform: kafka:GetClusterPolicy' });
    const run = await mskctlAsync(['cluster-policy', 'get', '--cluster-arn', CLUSTER_ARN, '--endpoint-url', fake.url]);
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/error: kafka:GetClusterPolicy .*: access denied \(ForbiddenException\)/);
    expect(run.stderr).toContain('hint: ');
  });
});

describe('cluster-policy put', () => {
  it('without --execute shows the structural difference and writes nothing', async () => {
    const file = generated(['444455556666', '777788889999']);
    const run = await mskctlAsync(['cluster-policy', 'put', '--cluster-arn', CLUSTER_ARN, '--policy', file, '--endpoint-url', fake.url]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('current version E3B0C44298FC1C');
    // the fixture's statement (Sid AllowClientAccount) goes, the generated one (Sid MskctlVpcConnectivity) comes
    expect(run.stdout).toContain('- statement Sid AllowClientAccount: kafka:CreateVpcConnection, kafka:DescribeCluster, kafka:DescribeClusterV2, kafka:GetBootstrapBrokers');
    expect(run.stdout).toContain('+ statement Sid MskctlVpcConnectivity: kafka:CreateVpcConnection');
    expect(run.stdout).toContain('nothing written; run again with --execute');
    expect(fake.requestsFor('PutClusterPolicy')).toHaveLength(0);
  });

  it('shows field-level changes for a statement with the same Sid', async () => {
    const current = JSON.parse(fake.clusterPolicy!.policy) as { Statement: Array<{ Principal: { AWS: string[] }; Action: string[] }> };
    current.Statement[0]!.Principal.AWS.push('arn:aws:iam::777788889999:root');
    current.Statement[0]!.Action = current.Statement[0]!.Action.filter((a) => a !== 'kafka:DescribeCluster');
    const file = join(dir, 'edited.json');
    writeFileSync(file, JSON.stringify(current, null, 2));
    const run = await mskctlAsync(['cluster-policy', 'put', '--cluster-arn', CLUSTER_ARN, '--policy', file, '--endpoint-url', fake.url, '--output', 'json']);
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as { changes: unknown[]; action: string };
    expect(result.action).toBe('plan');
    expect(result.changes).toEqual([
      { kind: 'change', statement: 'Sid AllowClientAccount', field: 'Principal', added: ['arn:aws:iam::777788889999:root'], removed: [] },
      { kind: 'change', statement: 'Sid AllowClientAccount', field: 'Action', added: [], removed: ['kafka:DescribeCluster'] },
    ]);
  });

  it('with --execute applies it against the version it read; re-running is a no-op', async () => {
    const file = generated(['444455556666', '777788889999']);
    const run = await mskctlAsync(['cluster-policy', 'put', '--cluster-arn', CLUSTER_ARN, '--policy', file, '--execute', '--endpoint-url', fake.url]);
    expect(run.status).toBe(0);
    const puts = fake.requestsFor('PutClusterPolicy');
    expect(puts).toHaveLength(1);
    expect(puts[0]!.method).toBe('PUT');
    expect(puts[0]!.path).toBe(POLICY_PATH);
    expect(puts[0]!.body.currentVersion).toBe('E3B0C44298FC1C');
    expect(JSON.parse(puts[0]!.body.policy as string)).toEqual(JSON.parse(readFileSync(file, 'utf8')));
    expect(run.stdout).toContain(`applied: new version ${fake.clusterPolicy!.currentVersion}`);

    const again = await mskctlAsync(['cluster-policy', 'put', '--cluster-arn', CLUSTER_ARN, '--policy', file, '--execute', '--endpoint-url', fake.url]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('matches the current policy; nothing to do');
    expect(fake.requestsFor('PutClusterPolicy')).toHaveLength(1);
  });

  it('creates the first policy without a current version', async () => {
    fake.clusterPolicy = undefined;
    const file = generated(['444455556666']);
    const run = await mskctlAsync(['cluster-policy', 'put', '--cluster-arn', CLUSTER_ARN, '--policy', file, '--execute', '--endpoint-url', fake.url]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('current version (no policy)');
    expect(fake.requestsFor('PutClusterPolicy')[0]!.body).not.toHaveProperty('currentVersion');
  });

  it('reports a version conflict (the policy changed underneath) with exit 3 and a hint to re-run', async () => {
    const file = generated(['777788889999']);
    fake.script('PutClusterPolicy', { status: 409, error: 'ConflictException', message: 'The provided current version does not match' });
    const run = await mskctlAsync(['cluster-policy', 'put', '--cluster-arn', CLUSTER_ARN, '--policy', file, '--execute', '--endpoint-url', fake.url]);
    expect(run.status).toBe(3);
    expect(run.stderr).toContain('error: the cluster policy of arn:aws:kafka:us-east-1:111122223333:cluster/orders/0a1b2c3d-1111-2222-3333-444455556666-2 changed while mskctl was applying it (expected version E3B0C44298FC1C); nothing was written');
    expect(run.stderr).toContain('hint: someone else changed the policy: run `mskctl cluster-policy get`');
    expect(fake.requestsFor('PutClusterPolicy')).toHaveLength(1); // a conflict is not retried
  });

  it('refuses with exit 1 when --expected-version is no longer current', async () => {
    const file = generated(['777788889999']);
    const run = await mskctlAsync(['cluster-policy', 'put', '--cluster-arn', CLUSTER_ARN, '--policy', file, '--execute', '--expected-version', 'OLDVERSION', '--endpoint-url', fake.url]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('error: the cluster policy is at version E3B0C44298FC1C, not OLDVERSION as expected');
    expect(fake.requestsFor('PutClusterPolicy')).toHaveLength(0);
  });

  it('rejects an invalid policy file with exit 2, naming file and line, before calling AWS', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'Version: "2012-10-17"\nStatement:\n  - Effect: Permit\n    Principal: { AWS: "arn:aws:iam::444455556666:root" }\n    Action: kafka:CreateVpcConnection\n');
    const run = await mskctlAsync(['cluster-policy', 'put', '--cluster-arn', CLUSTER_ARN, '--policy', file, '--endpoint-url', fake.url]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${file}:3 Statement.0.Effect: found Effect "Permit"`);
    expect(run.stderr).toContain('hint: expected "Allow" or "Deny"');
    expect(fake.requests).toHaveLength(0);
  });

  it("rejects resources outside the cluster's account and region with exit 2", async () => {
    const file = join(dir, 'foreign.json');
    writeFileSync(file, JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '444455556666' }, Action: 'kafka:CreateVpcConnection', Resource: 'arn:aws:kafka:eu-west-1:999999999999:cluster/x/y' }] }));
    const run = await mskctlAsync(['cluster-policy', 'put', '--cluster-arn', CLUSTER_ARN, '--policy', file, '--endpoint-url', fake.url]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/resource arn:aws:kafka:eu-west-1:999999999999:cluster\/x\/y does not belong to the cluster's account and region/);
    expect(fake.requests).toHaveLength(0);
  });
});

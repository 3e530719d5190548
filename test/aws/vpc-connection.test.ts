/**
 * `mskctl vpc-connection` end to end: the built CLI and the real SDK clients against the local fake AWS
 * endpoint, asserting exit codes, output and the requests AWS would have received.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CLUSTER_ARN,
  CLUSTER_SUBNETS,
  FakeAws,
  OWNER_ACCOUNT,
  SG_ALL,
  SG_HTTPS_ONLY,
  SG_KAFKA,
  SG_OTHER_VPC,
  SUBNET_A,
  SUBNET_B,
  SUBNET_OTHER_AZ,
  SUBNET_OTHER_VPC,
  VPC_ID,
} from './fake-aws.js';
import { awsEnv, FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY, mskctlAsync } from './cli.js';

let fake: FakeAws;

beforeEach(async () => {
  fake = new FakeAws();
  await fake.start();
});
afterEach(async () => {
  await fake.stop();
});

interface CreateArgs {
  subnets?: string[];
  securityGroups?: string[];
  authentication?: string;
  extra?: string[];
}

function createArgs(options: CreateArgs = {}): string[] {
  return [
    'vpc-connection',
    'create',
    '--endpoint-url',
    fake.url,
    '--cluster-arn',
    CLUSTER_ARN,
    '--vpc-id',
    VPC_ID,
    '--subnets',
    (options.subnets ?? [SUBNET_A, SUBNET_B]).join(','),
    '--security-groups',
    (options.securityGroups ?? [SG_KAFKA]).join(','),
    '--authentication',
    options.authentication ?? 'SASL_IAM',
    '--poll-interval',
    '50ms',
    ...(options.extra ?? []),
  ];
}

function checkRow(stdout: string, name: string): string {
  const row = stdout.split('\n').find((line) => line.includes(`│ ${name} `));
  if (!row) throw new Error(`no row "${name}" in:\n${stdout}`);
  return row;
}

function expectNoSecrets(run: { stdout: string; stderr: string }): void {
  expect(run.stdout + run.stderr).not.toContain(FAKE_SECRET_ACCESS_KEY);
}

describe('vpc-connection create', () => {
  it('passes preflight, creates the connection, waits until AVAILABLE and prints the bootstrap string and a check line', async () => {
    const run = await mskctlAsync(createArgs({ extra: ['--execute', '--wait'] }));
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.status).toBe(0);
    for (const line of run.stdout.split('\n').filter((l) => l.startsWith('│ ') && !l.startsWith('│ check'))) {
      expect(line).toMatch(/│ pass /);
    }
    const creates = fake.requestsFor('CreateVpcConnection');
    expect(creates).toHaveLength(1);
    expect(creates[0]!.method).toBe('POST');
    expect(creates[0]!.path).toBe('/v1/vpc-connection');
    expect(creates[0]!.body).toMatchObject({
      targetClusterArn: CLUSTER_ARN,
      authentication: 'SASL_IAM',
      vpcId: VPC_ID,
      clientSubnets: [SUBNET_A, SUBNET_B],
      securityGroups: [SG_KAFKA],
    });
    const arn = [...fake.connections.keys()][0]!;
    const describes = fake.requestsFor('DescribeVpcConnection');
    expect(describes.length).toBeGreaterThanOrEqual(1);
    expect(describes.every((r) => r.method === 'GET' && r.path === `/v1/vpc-connection/${encodeURIComponent(arn)}`)).toBe(true);
    expect(fake.requestsFor('GetBootstrapBrokers')[0]!.path).toBe(`/v1/clusters/${encodeURIComponent(CLUSTER_ARN)}/bootstrap-brokers`);
    expect(run.stdout).toContain(`VPC connection: ${arn}`);
    expect(run.stdout).toContain('state: AVAILABLE');
    expect(run.stdout).toContain(fake.bootstrap.bootstrapBrokerStringVpcConnectivitySaslIam);
    expect(run.stdout).toContain(`mskctl check --bootstrap ${fake.bootstrap.bootstrapBrokerStringVpcConnectivitySaslIam} --auth iam --region us-east-1`);
    expect(run.stderr).toMatch(/waiting for .*: AVAILABLE after/);
    // every call is SigV4-signed with the caller's key and says who is calling
    for (const request of fake.requests) {
      expect(String(request.headers.authorization)).toContain(`Credential=${FAKE_ACCESS_KEY_ID}/`);
      expect(String(request.headers['user-agent'])).toMatch(/mskctl\/\d/);
    }
    expect(fake.operations('sts')).toEqual(['GetCallerIdentity']);
    expect(fake.operations('ec2').sort()).toEqual(['DescribeSecurityGroups', 'DescribeSubnets', 'DescribeVpcs']);
    const subnetsCall = fake.requestsFor('DescribeSubnets')[0]!;
    expect(subnetsCall.body).toMatchObject({ 'Filter.1.Name': 'subnet-id', 'Filter.1.Value.1': SUBNET_A, 'Filter.1.Value.2': SUBNET_B });
    expectNoSecrets(run);
  });

  it('renders the same result as JSON for scripts', async () => {
    const run = await mskctlAsync(createArgs({ extra: ['--execute', '--wait', '--output', 'json'] }));
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as { action: string; preflight: string; connection: { arn: string; state: string }; bootstrapBrokers: string; checks: Array<{ status: string }> };
    expect(result.action).toBe('created');
    expect(result.preflight).toBe('passed');
    expect(result.connection.state).toBe('AVAILABLE');
    expect(result.connection.arn).toBe([...fake.connections.keys()][0]);
    expect(result.bootstrapBrokers).toBe(fake.bootstrap.bootstrapBrokerStringVpcConnectivitySaslIam);
    expect(result.checks.every((c) => c.status === 'pass')).toBe(true);
  });

  it('without --execute only runs the preflight and prints the plan', async () => {
    const run = await mskctlAsync(createArgs());
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('would create a VPC connection from vpc-0a1b2c3d4e5f60718');
    expect(run.stdout).toContain('run again with --execute');
    expect(fake.requestsFor('CreateVpcConnection')).toHaveLength(0);
    expect(fake.operations('kafka').every((op) => ['DescribeClusterV2', 'GetClusterPolicy', 'ListVpcConnections'].includes(op))).toBe(true);
  });

  it('with --execute but without --wait creates and returns at once, saying how to follow it', async () => {
    const run = await mskctlAsync(createArgs({ extra: ['--execute'] }));
    expect(run.status).toBe(0);
    expect(fake.requestsFor('CreateVpcConnection')).toHaveLength(1);
    expect(fake.requestsFor('DescribeVpcConnection')).toHaveLength(0);
    expect(run.stdout).toContain('state: CREATING');
    expect(run.stdout).toContain('mskctl vpc-connection describe arn:aws:kafka:us-east-1:444455556666:vpc-connection/');
  });

  // each failing check: exit 1, the check marked FAIL with its reason, and nothing created even with --execute
  const failing: Array<{ check: string; reason: RegExp; setup?: (f: FakeAws) => void; args?: CreateArgs; fix?: RegExp }> = [
    { check: 'cluster exists', reason: /no cluster arn:aws:kafka/, setup: (f) => (f.cluster = undefined) },
    { check: 'cluster is ACTIVE', reason: /state is UPDATING/, setup: (f) => (f.cluster.clusterInfo.state = 'UPDATING') },
    {
      check: 'cluster is Provisioned',
      reason: /cluster type is SERVERLESS/,
      setup: (f) => {
        f.cluster.clusterInfo.clusterType = 'SERVERLESS';
        delete f.cluster.clusterInfo.provisioned;
        f.cluster.clusterInfo.serverless = { vpcConfigs: [{ subnetIds: CLUSTER_SUBNETS }], clientAuthentication: { sasl: { iam: { enabled: true } } } };
      },
    },
    {
      check: 'multi-VPC connectivity on for SASL/SCRAM',
      reason: /not enabled for SASL\/SCRAM \(enabled: IAM\)/,
      args: { authentication: 'SASL_SCRAM' },
      fix: /aws kafka update-connectivity --cluster-arn .* --connectivity-info '\{"VpcConnectivity":\{"ClientAuthentication":\{"Sasl":\{"Scram":\{"Enabled":true\}\}\}\}\}'/,
    },
    {
      check: 'unauthenticated access off',
      reason: /allows unauthenticated clients/,
      setup: (f) => (f.cluster.clusterInfo.provisioned.clientAuthentication.unauthenticated.enabled = true),
    },
    { check: 'cluster policy allows this account', reason: /the cluster has no policy/, setup: (f) => (f.clusterPolicy = undefined), fix: /mskctl cluster-policy generate --cluster-arn .* --account 444455556666/ },
    {
      check: 'cluster policy allows this account',
      reason: /no statement allows kafka:CreateVpcConnection .* to account 444455556666/,
      setup: (f) => (f.clusterPolicy!.policy = f.clusterPolicy!.policy.replace('444455556666', '777788889999')),
    },
    { check: 'subnets exist', reason: /not found: subnet-0123456789abcdef1/, args: { subnets: [SUBNET_A, 'subnet-0123456789abcdef1'] } },
    { check: 'subnets belong to the VPC', reason: /subnet-0fff7777aaaa8888b is in vpc-0f9e8d7c6b5a40312/, args: { subnets: [SUBNET_A, SUBNET_OTHER_VPC] } },
    { check: 'at least two subnets', reason: /1 subnet given/, args: { subnets: [SUBNET_A] } },
    { check: "subnet AZ IDs among the cluster's", reason: /subnet-0eee5555ffff6666a is in use1-az6 \(us-east-1c\); the cluster is in use1-az1, use1-az2, use1-az4/, args: { subnets: [SUBNET_A, SUBNET_OTHER_AZ] } },
    { check: 'security groups exist in the VPC', reason: /sg-0ccccccccccccccc3 is in vpc-0f9e8d7c6b5a40312/, args: { securityGroups: [SG_KAFKA, SG_OTHER_VPC] } },
    {
      check: 'security groups allow outbound TCP 14001-14100',
      reason: /no outbound rule allows TCP 14001-14100 to 10.20.1.0\/24, 10.20.2.0\/24/,
      args: { securityGroups: [SG_HTTPS_ONLY] },
      fix: /aws ec2 authorize-security-group-egress --region us-east-1 --group-id sg-0bbbbbbbbbbbbbbb2 --ip-permissions 'IpProtocol=tcp,FromPort=14001,ToPort=14100,IpRanges=\[\{CidrIp=10\.20\.0\.0\/16,Description="MSK multi-VPC connectivity"\}\]'/,
    },
    { check: 'same region', reason: /the cluster is in us-east-1 but the calls go to us-west-2/, args: { extra: ['--region', 'us-west-2'] }, fix: /run with --region us-east-1/ },
  ];

  it.each(failing)('fails the check "$check" ($reason) with exit 1 and creates nothing', async ({ check, reason, setup, args, fix }) => {
    setup?.(fake);
    const run = await mskctlAsync(createArgs({ ...args, extra: [...(args?.extra ?? []), '--execute', '--wait'] }));
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.status).toBe(1);
    const row = checkRow(run.stdout, check);
    expect(row).toMatch(/│ FAIL /);
    expect(run.stdout.replace(/\s*│\s*/g, ' ')).toMatch(reason);
    if (fix) expect(run.stdout).toMatch(fix);
    expect(run.stdout).toContain('preflight failed');
    expect(fake.requestsFor('CreateVpcConnection')).toHaveLength(0);
    // the other checks still ran and passed or were skipped
    expect(run.stdout.split('\n').filter((l) => /│ FAIL /.test(l)).length).toBeGreaterThanOrEqual(1);
  });

  it('a security group allowing all outbound traffic passes the egress check', async () => {
    const run = await mskctlAsync(createArgs({ securityGroups: [SG_ALL] }));
    expect(run.status).toBe(0);
    expect(checkRow(run.stdout, 'security groups allow outbound TCP 14001-14100')).toMatch(/│ pass /);
  });

  it('warns (exit 0) when the cluster policy cannot be read from the client account', async () => {
    fake.script('GetClusterPolicy', { status: 403, error: 'ForbiddenException', message: 'User is not authorized to perform kafka:GetClusterPolicy' });
    const run = await mskctlAsync(createArgs());
    expect(run.status).toBe(0);
    expect(checkRow(run.stdout, 'cluster policy allows this account')).toMatch(/│ warn\s+│ cannot read the cluster policy \(access denied\)/);
  });

  it("reads the cluster's AZ IDs from its subnets when the cluster does not report them (same account)", async () => {
    delete fake.cluster.clusterInfo.provisioned.brokerNodeGroupInfo.zoneIds;
    fake.caller.account = OWNER_ACCOUNT;
    fake.caller.arn = `arn:aws:sts::${OWNER_ACCOUNT}:assumed-role/platform-admin/mskctl-session`;
    for (const id of CLUSTER_SUBNETS) fake.hiddenIds.delete(id);
    const run = await mskctlAsync(createArgs({ subnets: [SUBNET_A, SUBNET_OTHER_AZ] }));
    expect(run.status).toBe(1);
    const subnetCalls = fake.requestsFor('DescribeSubnets').map((r) => Object.entries(r.body as Record<string, string>).filter(([k]) => k.startsWith('Filter.1.Value.')).map(([, v]) => v));
    expect(subnetCalls).toContainEqual(CLUSTER_SUBNETS);
    expect(checkRow(run.stdout, "subnet AZ IDs among the cluster's")).toMatch(/│ FAIL\s+│ subnet-0eee5555ffff6666a is in use1-az6/);
    expect(checkRow(run.stdout, 'cluster policy allows this account')).toMatch(/│ pass\s+│ same account/);
    expect(fake.requestsFor('GetClusterPolicy')).toHaveLength(0);
  });

  it("warns when the cluster's AZ IDs cannot be determined (its subnets are in another account)", async () => {
    delete fake.cluster.clusterInfo.provisioned.brokerNodeGroupInfo.zoneIds;
    const run = await mskctlAsync(createArgs());
    expect(run.status).toBe(0);
    expect(checkRow(run.stdout, "subnet AZ IDs among the cluster's")).toMatch(/│ warn\s+│ cannot determine the cluster's AZ IDs/);
  });

  it('exits 1 when the cluster owner rejects the connection', async () => {
    fake.createSequence = ['CREATING', 'CREATING', 'REJECTED'];
    const run = await mskctlAsync(createArgs({ extra: ['--execute', '--wait'] }));
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('state: REJECTED');
    expect(run.stdout).toContain('the VPC connection ended REJECTED: the cluster owner rejected it');
    expect(fake.requestsFor('DescribeVpcConnection')).toHaveLength(2);
    expect(fake.requestsFor('GetBootstrapBrokers')).toHaveLength(0);
    expect(run.stdout).not.toContain('mskctl check');
  });

  it('exits 1 when the connection fails', async () => {
    fake.createSequence = ['CREATING', 'FAILED'];
    const run = await mskctlAsync(createArgs({ extra: ['--execute', '--wait', '--output', 'json'] }));
    expect(run.status).toBe(1);
    expect((JSON.parse(run.stdout) as { connection: { state: string } }).connection.state).toBe('FAILED');
  });

  it('gives up after --timeout with exit 3 and says how to follow up', async () => {
    fake.createSequence = ['CREATING', ...Array.from({ length: 1000 }, () => 'CREATING')];
    const run = await mskctlAsync(createArgs({ extra: ['--execute', '--wait', '--timeout', '300ms'] }));
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/error: timed out after .* waiting for arn:aws:kafka:.*vpc-connection.* to become AVAILABLE \(state CREATING\)/);
    expect(run.stderr).toContain('hint: it may still finish: check with `mskctl vpc-connection describe');
  });

  it('exits 1 when the connection disappears while waiting', async () => {
    fake.createSequence = ['CREATING', 'CREATING'];
    let removed = false;
    const run = await mskctlAsync(createArgs({ extra: ['--execute', '--wait'] }), {
      onStderr: (stderr) => {
        if (!removed && stderr.includes('waiting for')) {
          removed = true;
          fake.connections.clear();
        }
      },
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('state: DELETED');
  });

  it('Ctrl-C while waiting stops cleanly with exit 130 and says the connection keeps being created', async () => {
    fake.createSequence = ['CREATING', ...Array.from({ length: 10_000 }, () => 'CREATING')];
    let sent = false;
    const run = await mskctlAsync(createArgs({ extra: ['--execute', '--wait'] }), {
      onStderr: (stderr, child) => {
        if (!sent && stderr.includes('waiting for')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(run.status).toBe(130);
    expect(run.stderr).toContain('error: interrupted while waiting; the VPC connection keeps being created, see `mskctl vpc-connection describe`');
    expect(fake.requestsFor('CreateVpcConnection')).toHaveLength(1);
  });

  it('finds the existing connection for the same cluster and VPC instead of creating another', async () => {
    const existing = fake.addConnection();
    const run = await mskctlAsync(createArgs({ extra: ['--execute', '--wait'] }));
    expect(run.status).toBe(0);
    expect(fake.requestsFor('ListVpcConnections')).toHaveLength(1);
    expect(fake.requestsFor('CreateVpcConnection')).toHaveLength(0);
    expect(run.stdout).toContain(`a VPC connection for this cluster and VPC already exists: ${existing.vpcConnectionArn} (AVAILABLE); nothing to create`);
    expect(run.stdout).toContain(fake.bootstrap.bootstrapBrokerStringVpcConnectivitySaslIam);
  });

  it('without ListVpcConnections permission: the plan warns and goes on, --execute refuses (exit 3)', async () => {
    const denied = { status: 403, error: 'ForbiddenException', message: 'not authorized to perform: kafka:ListVpcConnections' };
    fake.script('ListVpcConnections', denied);
    const plan = await mskctlAsync(createArgs());
    expect(plan.status).toBe(0);
    expect(plan.stderr).toMatch(/warning: cannot list this account's VPC connections .*access denied/);
    expect(plan.stdout).toContain('would create');
    fake.script('ListVpcConnections', denied);
    const execute = await mskctlAsync(createArgs({ extra: ['--execute'] }));
    expect(execute.status).toBe(3);
    expect(execute.stderr).toMatch(/error: kafka:ListVpcConnections: access denied/);
    expect(fake.requestsFor('CreateVpcConnection')).toHaveLength(0);
  });

  it('running create twice makes one connection', async () => {
    const first = await mskctlAsync(createArgs({ extra: ['--execute', '--wait'] }));
    const second = await mskctlAsync(createArgs({ extra: ['--execute', '--wait'] }));
    expect(first.status).toBe(0);
    expect(second.status).toBe(0);
    expect(fake.requestsFor('CreateVpcConnection')).toHaveLength(1);
    expect(fake.connections.size).toBe(1);
    expect(second.stdout).toContain('already exists');
  });

  it('creates a new connection when the earlier one for this VPC was rejected, and says so', async () => {
    const rejected = fake.addConnection({ state: 'REJECTED' });
    const run = await mskctlAsync(createArgs({ extra: ['--execute'] }));
    expect(run.status).toBe(0);
    expect(fake.requestsFor('CreateVpcConnection')).toHaveLength(1);
    expect(run.stderr).toContain(`warning: an earlier VPC connection for this cluster and VPC is REJECTED: ${rejected.vpcConnectionArn}`);
  });

  it('AccessDenied on DescribeClusterV2 is an operational error (exit 3) naming the action, with a hint', async () => {
    fake.script('DescribeClusterV2', { status: 403, error: 'ForbiddenException', message: 'User: arn:aws:sts::444455556666:assumed-role/platform-admin/mskctl-session is not authorized to perform: kafka:DescribeClusterV2' });
    const run = await mskctlAsync(createArgs({ extra: ['--execute'] }));
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/error: kafka:DescribeClusterV2 \(arn:aws:kafka:us-east-1:111122223333:cluster\/orders\/.*\): access denied \(ForbiddenException\)/);
    expect(run.stderr).toMatch(/hint: .*cluster policy must also allow the caller's account/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(fake.requestsFor('DescribeClusterV2')).toHaveLength(1); // not retried
    expect(fake.requestsFor('CreateVpcConnection')).toHaveLength(0);
    expectNoSecrets(run);
  });

  it('--verbose adds the AWS settings and a stack trace, still without secrets', async () => {
    fake.script('DescribeClusterV2', { status: 403, error: 'ForbiddenException', message: 'not authorized' });
    const run = await mskctlAsync(createArgs({ extra: ['--verbose'] }));
    expect(run.status).toBe(3);
    expect(run.stderr).toContain(`AWS: region us-east-1, profile (default chain), endpoint ${fake.url}, 5 attempts, standard retries`);
    expect(run.stderr).toMatch(/\n\s+at /);
    expectNoSecrets(run);
  });

  it('AccessDenied from EC2 (UnauthorizedOperation) is exit 3 as JSON with --output json', async () => {
    fake.script('DescribeSubnets', { status: 403, error: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.' });
    const run = await mskctlAsync(createArgs({ extra: ['--output', 'json'] }));
    expect(run.status).toBe(3);
    const error = JSON.parse(run.stderr.trim().split('\n').pop()!) as { code: string; message: string; details: { operation: string } };
    expect(error.code).toBe('AWS_ACCESS_DENIED');
    expect(error.details.operation).toBe('ec2:DescribeSubnets');
  });

  it('retries throttled calls (MSK 429, EC2 RequestLimitExceeded) and succeeds', async () => {
    fake.script('DescribeClusterV2', { status: 429, error: 'TooManyRequestsException', message: 'Too Many Requests' });
    fake.script('DescribeSubnets', { status: 503, error: 'RequestLimitExceeded', message: 'Request limit exceeded.' });
    const run = await mskctlAsync(createArgs({ extra: ['--execute', '--wait'] }));
    expect(run.status).toBe(0);
    expect(fake.requestsFor('DescribeClusterV2')).toHaveLength(2);
    expect(fake.requestsFor('DescribeSubnets')).toHaveLength(2);
    expect(fake.requestsFor('CreateVpcConnection')).toHaveLength(1);
    // the SDK marks the retry in its amz-sdk-request header
    expect(String(fake.requestsFor('DescribeClusterV2')[1]!.headers['amz-sdk-request'])).toMatch(/attempt=2/);
  });

  it('gives up on persistent throttling after AWS_MAX_ATTEMPTS with exit 3', async () => {
    fake.script('DescribeClusterV2', ...Array.from({ length: 5 }, () => ({ status: 429, error: 'TooManyRequestsException', message: 'Too Many Requests' })));
    const run = await mskctlAsync(createArgs(), { env: awsEnv({ AWS_MAX_ATTEMPTS: '2' }) });
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/error: kafka:DescribeClusterV2 .*: throttled by AWS after 2 attempts/);
    expect(run.stderr).toContain('AWS_MAX_ATTEMPTS');
    expect(fake.requestsFor('DescribeClusterV2')).toHaveLength(2);
  });

  it('rejects bad input with exit 2 before calling AWS', async () => {
    const cases: Array<[string[], RegExp]> = [
      [createArgs().map((a) => (a === VPC_ID ? 'vpc-nothex' : a)), /--vpc-id: "vpc-nothex" is not a vpc ID/],
      [createArgs().map((a) => (a === 'SASL_IAM' ? 'PLAINTEXT' : a)), /--authentication: unknown scheme "PLAINTEXT"/],
      [createArgs().map((a) => (a === CLUSTER_ARN ? 'arn:aws:kafka:us-east-1:111122223333:topic/x' : a)), /--cluster-arn: .* is not an MSK cluster ARN/],
      [createArgs({ extra: ['--wait'] }), /--wait needs --execute/],
      [createArgs({ extra: ['--timeout', 'soon'] }), /--timeout: found "soon"/],
    ];
    for (const [args, message] of cases) {
      const run = await mskctlAsync(args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
    expect(fake.requests).toHaveLength(0);
  });
});

describe('vpc-connection list, describe, delete', () => {
  it('lists the caller account\'s connections', async () => {
    const existing = fake.addConnection();
    const run = await mskctlAsync(['vpc-connection', 'list', '--endpoint-url', fake.url]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(existing.vpcConnectionArn);
    expect(run.stdout).toContain('AVAILABLE');
    expect(fake.requestsFor('ListVpcConnections')[0]!.path).toBe('/v1/vpc-connections');
  });

  it('lists the connections made to a cluster for its owner', async () => {
    const existing = fake.addConnection();
    const run = await mskctlAsync(['vpc-connection', 'list', '--cluster-arn', CLUSTER_ARN, '--endpoint-url', fake.url, '--output', 'json']);
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as { view: string; connections: Array<{ arn: string; owner: string }> };
    expect(result.view).toBe('cluster-owner');
    expect(result.connections).toEqual([expect.objectContaining({ arn: existing.vpcConnectionArn, owner: '444455556666' })]);
    expect(fake.requestsFor('ListClientVpcConnections')[0]!.path).toBe(`/v1/clusters/${encodeURIComponent(CLUSTER_ARN)}/client-vpc-connections`);
  });

  it('describes one connection', async () => {
    const existing = fake.addConnection();
    const run = await mskctlAsync(['vpc-connection', 'describe', existing.vpcConnectionArn, '--endpoint-url', fake.url]);
    expect(run.status).toBe(0);
    for (const text of [existing.vpcConnectionArn, 'AVAILABLE', 'SASL_IAM', VPC_ID, `${SUBNET_A}, ${SUBNET_B}`, SG_KAFKA, CLUSTER_ARN]) expect(run.stdout).toContain(text);
  });

  it('describing a connection that does not exist is exit 3', async () => {
    const run = await mskctlAsync(['vpc-connection', 'describe', 'arn:aws:kafka:us-east-1:444455556666:vpc-connection/111122223333/orders/00000000-0000-0000-0000-000000000000-1', '--endpoint-url', fake.url]);
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/error: no VPC connection arn:aws:kafka/);
  });

  it('delete without --execute shows the connection and deletes nothing', async () => {
    const existing = fake.addConnection();
    const run = await mskctlAsync(['vpc-connection', 'delete', existing.vpcConnectionArn, '--endpoint-url', fake.url]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`would delete ${existing.vpcConnectionArn} (AVAILABLE)`);
    expect(fake.requestsFor('DeleteVpcConnection')).toHaveLength(0);
    expect(fake.connections.get(existing.vpcConnectionArn)!.state).toBe('AVAILABLE');
  });

  it('delete --execute deletes it; running it again is a no-op', async () => {
    const existing = fake.addConnection();
    const run = await mskctlAsync(['vpc-connection', 'delete', existing.vpcConnectionArn, '--execute', '--endpoint-url', fake.url]);
    expect(run.status).toBe(0);
    const deletes = fake.requestsFor('DeleteVpcConnection');
    expect(deletes).toHaveLength(1);
    expect(deletes[0]!.method).toBe('DELETE');
    expect(deletes[0]!.path).toBe(`/v1/vpc-connection/${encodeURIComponent(existing.vpcConnectionArn)}`);
    expect(run.stdout).toContain(`deleting ${existing.vpcConnectionArn} (DELETING)`);

    const again = await mskctlAsync(['vpc-connection', 'delete', existing.vpcConnectionArn, '--execute', '--endpoint-url', fake.url]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('is already being deleted; nothing to do');
    expect(fake.requestsFor('DeleteVpcConnection')).toHaveLength(1);
  });

  it('deleting a connection that does not exist is a no-op', async () => {
    const arn = 'arn:aws:kafka:us-east-1:444455556666:vpc-connection/111122223333/orders/00000000-0000-0000-0000-000000000000-1';
    const run = await mskctlAsync(['vpc-connection', 'delete', arn, '--execute', '--endpoint-url', fake.url]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('does not exist (already deleted?); nothing to do');
    expect(fake.requestsFor('DeleteVpcConnection')).toHaveLength(0);
  });

  it('--profile takes credentials and region from the shared config files (fromIni)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mskctl-aws-'));
    writeFileSync(join(dir, 'credentials'), '[client-admin]\naws_access_key_id = AKIAPROFILEKEY000002\naws_secret_access_key = profileSecretKeyForTests000000000000000\n');
    writeFileSync(join(dir, 'config'), '[profile client-admin]\nregion = eu-west-1\n');
    const env = awsEnv({ AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_CONFIG_FILE: join(dir, 'config') });
    delete env.AWS_REGION;
    const run = await mskctlAsync(['vpc-connection', 'list', '--profile', 'client-admin', '--endpoint-url', fake.url], { env });
    expect(run.status).toBe(0);
    const auth = String(fake.requestsFor('ListVpcConnections')[0]!.headers.authorization);
    expect(auth).toContain('Credential=AKIAPROFILEKEY000002/');
    expect(auth).toMatch(/\/eu-west-1\/kafka\/aws4_request/);
    expect(run.stdout + run.stderr).not.toContain('profileSecretKeyForTests');
  });

  it('without --endpoint-url, the per-service AWS_ENDPOINT_URL_* variables route each client (VPC endpoints)', async () => {
    const env = awsEnv({ AWS_ENDPOINT_URL_KAFKA: fake.url, AWS_ENDPOINT_URL_EC2: fake.url, AWS_ENDPOINT_URL_STS: fake.url });
    const args = createArgs().filter((a, i, all) => a !== '--endpoint-url' && all[i - 1] !== '--endpoint-url');
    const run = await mskctlAsync(args, { env });
    expect(run.status).toBe(0);
    expect(new Set(fake.requests.map((r) => r.service))).toEqual(new Set(['kafka', 'ec2', 'sts']));
  });

  it('without any region (no flag, AWS_REGION, context or ARN) is a usage error', async () => {
    const env = awsEnv();
    delete env.AWS_REGION;
    const run = await mskctlAsync(['vpc-connection', 'list', '--endpoint-url', fake.url], { env });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/error: no AWS region/);
    expect(run.stderr).toContain('hint: pass --region');
    expect(fake.requests).toHaveLength(0);
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseClusterArn } from '../../../src/vpc/arn.js';
import { cidrContains, egressFixCommand, evaluateEgress, preflightPassed, rangesCover, runPreflight, type PreflightFacts } from '../../../src/vpc/preflight.js';
import type { Check, ClusterFacts, EgressRule, SecurityGroupFacts } from '../../../src/vpc/types.js';

const ARN = 'arn:aws:kafka:us-east-1:111122223333:cluster/orders/0a1b2c3d-1111-2222-3333-444455556666-2';
const VPC = 'vpc-0a1b2c3d4e5f60718';

function cluster(overrides: Partial<ClusterFacts> = {}): ClusterFacts {
  return {
    arn: ARN,
    name: 'orders',
    state: 'ACTIVE',
    type: 'PROVISIONED',
    kafkaVersion: '3.6.0',
    instanceType: 'kafka.m7g.large',
    vpcConnectivity: { SASL_IAM: true, SASL_SCRAM: false, TLS: false },
    unauthenticatedAllowed: false,
    clientSubnets: ['subnet-0c1000000000000a1'],
    zoneIds: ['use1-az1', 'use1-az2', 'use1-az4'],
    ...overrides,
  };
}

function rule(overrides: Partial<EgressRule>): EgressRule {
  return { protocol: 'tcp', fromPort: 14001, toPort: 14100, ipv4Ranges: ['10.20.0.0/16'], ipv6Ranges: [], groupIds: [], prefixListIds: [], ...overrides };
}

function sg(groupId: string, egress: EgressRule[], vpcId = VPC): SecurityGroupFacts {
  return { groupId, vpcId, egress };
}

function facts(overrides: Partial<PreflightFacts> = {}): PreflightFacts {
  return {
    request: { clusterArn: ARN, vpcId: VPC, subnetIds: ['subnet-a', 'subnet-b'], securityGroupIds: ['sg-1'], authentication: 'SASL_IAM' },
    clusterArn: parseClusterArn(ARN),
    region: 'us-east-1',
    callerAccount: '111122223333',
    callerArn: 'arn:aws:sts::111122223333:assumed-role/admin/s',
    cluster: cluster(),
    clusterAzIds: { status: 'known', azIds: ['use1-az1', 'use1-az2', 'use1-az4'], source: 'test' },
    policy: { status: 'none' },
    vpc: { vpcId: VPC, cidrBlocks: ['10.20.0.0/16'] },
    subnets: [
      { subnetId: 'subnet-a', vpcId: VPC, availabilityZoneId: 'use1-az1', availabilityZone: 'us-east-1a', cidrBlock: '10.20.1.0/24' },
      { subnetId: 'subnet-b', vpcId: VPC, availabilityZoneId: 'use1-az2', availabilityZone: 'us-east-1b', cidrBlock: '10.20.2.0/24' },
    ],
    securityGroups: [sg('sg-1', [rule({})])],
    ...overrides,
  };
}

function check(checks: Check[], name: string): Check {
  const found = checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name}: ${checks.map((c) => c.name).join(', ')}`);
  return found;
}

describe('runPreflight', () => {
  it('passes every check for a good request in the same account', () => {
    const checks = runPreflight(facts());
    expect(checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(preflightPassed(checks)).toBe(true);
  });

  it('skips the cluster checks when the cluster does not exist', () => {
    const checks = runPreflight(facts({ cluster: undefined }));
    expect(check(checks, 'cluster exists').status).toBe('fail');
    expect(check(checks, 'cluster is ACTIVE').status).toBe('skip');
    expect(check(checks, 'multi-VPC connectivity on for IAM').status).toBe('skip');
    expect(preflightPassed(checks)).toBe(false);
  });

  it('checks multi-VPC connectivity for the requested scheme only', () => {
    const scram = runPreflight(facts({ request: { ...facts().request, authentication: 'SASL_SCRAM' } }));
    expect(check(scram, 'multi-VPC connectivity on for SASL/SCRAM')).toMatchObject({ status: 'fail', reason: 'not enabled for SASL/SCRAM (enabled: IAM)' });
    const tls = runPreflight(facts({ request: { ...facts().request, authentication: 'TLS' }, cluster: cluster({ vpcConnectivity: { SASL_IAM: false, SASL_SCRAM: false, TLS: true } }) }));
    expect(check(tls, 'multi-VPC connectivity on for TLS').status).toBe('pass');
  });

  it('fails old Kafka versions and t3.small brokers', () => {
    const checks = runPreflight(facts({ cluster: cluster({ kafkaVersion: '2.6.2', instanceType: 'kafka.t3.small' }) }));
    expect(check(checks, 'Kafka version 2.7.1 or later').status).toBe('fail');
    expect(check(checks, 'broker type supports multi-VPC').status).toBe('fail');
    expect(runPreflight(facts({ cluster: cluster({ kafkaVersion: '2.7.1' }) })).some((c) => c.name === 'Kafka version 2.7.1 or later')).toBe(false);
  });

  it('does not need a cluster policy in the same account and evaluates it across accounts', () => {
    const cross = { callerAccount: '444455556666', callerArn: 'arn:aws:sts::444455556666:assumed-role/app/s' };
    expect(check(runPreflight(facts({ ...cross, policy: { status: 'none' } })), 'cluster policy allows this account').status).toBe('fail');
    expect(check(runPreflight(facts({ ...cross, policy: { status: 'unreadable', reason: 'access denied' } })), 'cluster policy allows this account').status).toBe('warn');
    const allow = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'kafka:*', Resource: ARN }] });
    expect(check(runPreflight(facts({ ...cross, policy: { status: 'found', policy: allow } })), 'cluster policy allows this account').status).toBe('pass');
    expect(check(runPreflight(facts({ ...cross, policy: { status: 'found', policy: '{not json' } })), 'cluster policy allows this account').status).toBe('warn');
  });

  it('compares AZ IDs, not AZ names', () => {
    // us-east-1a may be use1-az6 in another account: the name must not matter
    const checks = runPreflight(
      facts({ subnets: [{ subnetId: 'subnet-a', vpcId: VPC, availabilityZone: 'us-east-1a', availabilityZoneId: 'use1-az6' }, { subnetId: 'subnet-b', vpcId: VPC, availabilityZone: 'us-east-1d', availabilityZoneId: 'use1-az2' }] }),
    );
    expect(check(checks, "subnet AZ IDs among the cluster's")).toMatchObject({ status: 'fail' });
    expect(check(checks, "subnet AZ IDs among the cluster's").reason).toContain('subnet-a is in use1-az6 (us-east-1a)');
  });

  it('counts distinct subnets and reports missing and foreign ones', () => {
    const checks = runPreflight(facts({ request: { ...facts().request, subnetIds: ['subnet-a', 'subnet-x'] }, subnets: [{ subnetId: 'subnet-a', vpcId: 'vpc-other', availabilityZoneId: 'use1-az1' }] }));
    expect(check(checks, 'subnets exist').reason).toBe('not found: subnet-x');
    expect(check(checks, 'subnets belong to the VPC').reason).toBe('subnet-a is in vpc-other');
    expect(check(checks, 'at least two subnets').status).toBe('pass');
    expect(check(runPreflight(facts({ request: { ...facts().request, subnetIds: ['subnet-a', 'subnet-a'] } })), 'at least two subnets').status).toBe('fail');
  });

  it('prints the exact egress rule to add when outbound 14001-14100 is missing', () => {
    const checks = runPreflight(facts({ securityGroups: [sg('sg-1', [rule({ fromPort: 443, toPort: 443 })])] }));
    const egress = check(checks, 'security groups allow outbound TCP 14001-14100');
    expect(egress.status).toBe('fail');
    expect(egress.fix).toBe(egressFixCommand('sg-1', '10.20.0.0/16', 'us-east-1'));
    expect(egress.fix).toBe(
      `aws ec2 authorize-security-group-egress --region us-east-1 --group-id sg-1 --ip-permissions 'IpProtocol=tcp,FromPort=14001,ToPort=14100,IpRanges=[{CidrIp=10.20.0.0/16,Description="MSK multi-VPC connectivity"}]'`,
    );
  });

  it('checks egress towards the chosen subnets, not secondary VPC ranges they are not in', () => {
    const vpc = { vpcId: VPC, cidrBlocks: ['10.20.0.0/16', '100.64.0.0/16'] };
    const checks = runPreflight(facts({ vpc, securityGroups: [sg('sg-1', [rule({ ipv4Ranges: ['10.20.0.0/16'] })])] }));
    expect(check(checks, 'security groups allow outbound TCP 14001-14100').status).toBe('pass');
    const narrow = runPreflight(facts({ vpc, securityGroups: [sg('sg-1', [rule({ ipv4Ranges: ['10.20.1.0/24'] })])] }));
    const egress = check(narrow, 'security groups allow outbound TCP 14001-14100');
    expect(egress).toMatchObject({ status: 'fail', reason: 'no outbound rule allows TCP 14001-14100 to 10.20.1.0/24, 10.20.2.0/24' });
    // the fix names the VPC block that holds both subnets
    expect(egress.fix).toContain('CidrIp=10.20.0.0/16,');
  });

  it('fails when the region differs from the cluster ARN', () => {
    expect(check(runPreflight(facts({ region: 'eu-west-1' })), 'same region').status).toBe('fail');
  });
});

describe('evaluateEgress', () => {
  const target = ['10.20.0.0/16'];
  it('accepts all-traffic rules, split port ranges across groups, and wider CIDRs', () => {
    expect(evaluateEgress([sg('a', [rule({ protocol: '-1', fromPort: undefined, toPort: undefined, ipv4Ranges: ['0.0.0.0/0'] })])], target).status).toBe('pass');
    expect(evaluateEgress([sg('a', [rule({ toPort: 14050 })]), sg('b', [rule({ fromPort: 14051 })])], target).status).toBe('pass');
    expect(evaluateEgress([sg('a', [rule({ ipv4Ranges: ['10.0.0.0/8'] })])], target).status).toBe('pass');
  });
  it('rejects gaps, narrower CIDRs and UDP', () => {
    expect(evaluateEgress([sg('a', [rule({ toPort: 14050 }), rule({ fromPort: 14052 })])], target).status).toBe('fail');
    expect(evaluateEgress([sg('a', [rule({ ipv4Ranges: ['10.20.1.0/24'] })])], target).status).toBe('fail');
    expect(evaluateEgress([sg('a', [rule({ protocol: 'udp' })])], target).status).toBe('fail');
  });
  it('warns when only security-group or prefix-list destinations cover the ports', () => {
    expect(evaluateEgress([sg('a', [rule({ ipv4Ranges: [], groupIds: ['sg-x'] })])], target).status).toBe('warn');
  });
});

describe('cidrContains and rangesCover', () => {
  it('knows containment', () => {
    expect(cidrContains('0.0.0.0/0', '10.20.0.0/16')).toBe(true);
    expect(cidrContains('10.20.0.0/16', '10.20.3.0/24')).toBe(true);
    expect(cidrContains('10.20.0.0/24', '10.20.0.0/16')).toBe(false);
    expect(cidrContains('10.21.0.0/16', '10.20.0.0/16')).toBe(false);
    expect(cidrContains('not-a-cidr', '10.20.0.0/16')).toBe(false);
  });

  it('rangesCover agrees with checking every port', () => {
    const range = fc.tuple(fc.integer({ min: 13990, max: 14110 }), fc.integer({ min: 0, max: 60 })).map(([a, len]) => [a, a + len] as [number, number]);
    fc.assert(
      fc.property(fc.array(range, { maxLength: 6 }), (ranges) => {
        let every = true;
        for (let p = 14001; p <= 14100; p++) if (!ranges.some(([a, b]) => a <= p && p <= b)) every = false;
        expect(rangesCover(ranges, 14001, 14100)).toBe(every);
      }),
    );
  });
});

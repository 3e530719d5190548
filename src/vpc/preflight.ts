/**
 * Preflight for `vpc-connection create`: every requirement of a managed VPC connection checked against facts
 * gathered from AWS beforehand, each with pass/fail/warn/skip and the reason. Pure: no I/O, no SDK.
 */
import { evaluateAccess, validatePolicyDocument } from './cluster-policy.js';
import type { ClusterArn } from './arn.js';
import {
  VPC_CONNECTIVITY_PORTS,
  type Check,
  type ClusterAzIds,
  type ClusterFacts,
  type ClusterPolicyLookup,
  type EgressRule,
  type SecurityGroupFacts,
  type SubnetFacts,
  type VpcAuthentication,
  type VpcConnectionRequest,
  type VpcFacts,
} from './types.js';

export interface PreflightFacts {
  request: VpcConnectionRequest;
  clusterArn: ClusterArn;
  /** the region the calls go to; multi-VPC connectivity does not cross regions */
  region: string;
  callerAccount: string;
  callerArn?: string;
  /** undefined: the cluster was not found */
  cluster: ClusterFacts | undefined;
  clusterAzIds: ClusterAzIds;
  /** only consulted when the caller's account is not the cluster's */
  policy: ClusterPolicyLookup;
  vpc: VpcFacts | undefined;
  /** the requested subnets that exist */
  subnets: SubnetFacts[];
  /** the requested security groups that exist */
  securityGroups: SecurityGroupFacts[];
}

export const AUTH_LABEL: Record<VpcAuthentication, string> = { SASL_IAM: 'IAM', SASL_SCRAM: 'SASL/SCRAM', TLS: 'TLS' };
const MIN_KAFKA_VERSION = [2, 7, 1];

function versionAtLeast(version: string, minimum: number[]): boolean | undefined {
  const parts = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  if (!parts) return undefined;
  const v = [Number(parts[1]), Number(parts[2]), Number(parts[3] ?? 0)];
  for (let i = 0; i < 3; i++) {
    if (v[i]! !== minimum[i]!) return v[i]! > minimum[i]!;
  }
  return true;
}

// --- IPv4 CIDR arithmetic for the egress check -----------------------------------------------------

function parseCidr(cidr: string): { base: number; bits: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const ip = ((octets[0]! << 24) >>> 0) + (octets[1]! << 16) + (octets[2]! << 8) + octets[3]!;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { base: (ip & mask) >>> 0, bits };
}

/** Whether CIDR `outer` contains all of CIDR `inner`. */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  if (!o || !i || i.bits < o.bits) return false;
  const mask = o.bits === 0 ? 0 : (0xffffffff << (32 - o.bits)) >>> 0;
  return ((i.base & mask) >>> 0) === o.base;
}

function coversTcp(rule: EgressRule): [number, number] | undefined {
  if (rule.protocol === '-1' || rule.protocol === 'all') return [0, 65535];
  if (rule.protocol === 'tcp' || rule.protocol === '6') return [rule.fromPort ?? 0, rule.toPort ?? 65535];
  return undefined;
}

/** Whether the union of port ranges covers [from, to]. */
export function rangesCover(ranges: Array<[number, number]>, from: number, to: number): boolean {
  let reach = from - 1;
  for (const [a, b] of [...ranges].sort((x, y) => x[0] - y[0])) {
    if (a > reach + 1) break;
    reach = Math.max(reach, b);
    if (reach >= to) return true;
  }
  return reach >= to;
}

export interface EgressVerdict {
  status: 'pass' | 'warn' | 'fail';
  reason: string;
}

/** Outbound TCP 14001-14100 towards every target CIDR, over the union of all groups' rules. */
export function evaluateEgress(groups: SecurityGroupFacts[], targetCidrs: string[]): EgressVerdict {
  const { from, to } = VPC_CONNECTIVITY_PORTS;
  const rules = groups.flatMap((g) => g.egress);
  const viaCidr: Array<[number, number]> = [];
  const viaOther: Array<[number, number]> = [];
  for (const rule of rules) {
    const ports = coversTcp(rule);
    if (!ports) continue;
    const reachesAll = targetCidrs.length > 0 && targetCidrs.every((target) => rule.ipv4Ranges.some((r) => cidrContains(r, target)));
    if (reachesAll) viaCidr.push(ports);
    else if (rule.groupIds.length > 0 || rule.prefixListIds.length > 0) viaOther.push(ports);
  }
  if (rangesCover(viaCidr, from, to)) return { status: 'pass', reason: `outbound TCP ${from}-${to} to ${targetCidrs.join(', ')} is allowed` };
  if (rangesCover([...viaCidr, ...viaOther], from, to)) {
    return { status: 'warn', reason: `outbound TCP ${from}-${to} is allowed only towards security groups or prefix lists; mskctl cannot verify they include the connection's endpoints` };
  }
  return { status: 'fail', reason: `no outbound rule allows TCP ${from}-${to} to ${targetCidrs.join(', ') || 'the VPC'}` };
}

/** The AWS CLI command that adds the missing egress rule. */
export function egressFixCommand(groupId: string, cidr: string, region: string): string {
  const { from, to } = VPC_CONNECTIVITY_PORTS;
  return (
    `aws ec2 authorize-security-group-egress --region ${region} --group-id ${groupId} ` +
    `--ip-permissions 'IpProtocol=tcp,FromPort=${from},ToPort=${to},IpRanges=[{CidrIp=${cidr},Description="MSK multi-VPC connectivity"}]'`
  );
}

// --- the checks --------------------------------------------------------------------------------------

export function runPreflight(facts: PreflightFacts): Check[] {
  const checks: Check[] = [];
  const add = (name: string, status: Check['status'], reason: string, fix?: string): void => {
    checks.push(fix === undefined ? { name, status, reason } : { name, status, reason, fix });
  };
  const { request, cluster } = facts;
  const auth = request.authentication;

  // region: multi-VPC connectivity works only within one region
  if (facts.region !== facts.clusterArn.region) {
    add('same region', 'fail', `the cluster is in ${facts.clusterArn.region} but the calls go to ${facts.region}`, `run with --region ${facts.clusterArn.region}`);
  } else {
    add('same region', 'pass', `client VPC and cluster both in ${facts.region}`);
  }

  // cluster
  if (!cluster) {
    add('cluster exists', 'fail', `no cluster ${request.clusterArn} in ${facts.region}`, 'check the ARN; the cluster owner can list clusters with `aws kafka list-clusters-v2`');
    for (const name of ['cluster is ACTIVE', 'cluster is Provisioned', `multi-VPC connectivity on for ${AUTH_LABEL[auth]}`, 'unauthenticated access off']) {
      add(name, 'skip', 'the cluster was not found');
    }
  } else {
    add('cluster exists', 'pass', `${cluster.name ?? facts.clusterArn.clusterName} found`);
    add('cluster is ACTIVE', cluster.state === 'ACTIVE' ? 'pass' : 'fail', `state is ${cluster.state ?? 'unknown'}`, cluster.state === 'ACTIVE' ? undefined : 'wait until the cluster is ACTIVE and run again');
    const provisioned = cluster.type === 'PROVISIONED';
    add('cluster is Provisioned', provisioned ? 'pass' : 'fail', `cluster type is ${cluster.type ?? 'unknown'}`, provisioned ? undefined : 'multi-VPC connectivity is available for Provisioned clusters only');
    if (provisioned && cluster.kafkaVersion !== undefined) {
      const ok = versionAtLeast(cluster.kafkaVersion, MIN_KAFKA_VERSION);
      if (ok === false) add('Kafka version 2.7.1 or later', 'fail', `the cluster runs Kafka ${cluster.kafkaVersion}`, 'upgrade the cluster to Apache Kafka 2.7.1 or later');
    }
    if (provisioned && cluster.instanceType === 'kafka.t3.small') {
      add('broker type supports multi-VPC', 'fail', 'kafka.t3.small brokers do not support multi-VPC connectivity', 'move the cluster to kafka.m5.large or larger');
    }
    const on = cluster.vpcConnectivity[auth];
    const enabled = (Object.keys(cluster.vpcConnectivity) as VpcAuthentication[]).filter((a) => cluster.vpcConnectivity[a]);
    add(
      `multi-VPC connectivity on for ${AUTH_LABEL[auth]}`,
      on ? 'pass' : 'fail',
      on ? `VpcConnectivity ClientAuthentication ${AUTH_LABEL[auth]} is enabled` : `not enabled for ${AUTH_LABEL[auth]} (enabled: ${enabled.map((a) => AUTH_LABEL[a]).join(', ') || 'none'})`,
      on ? undefined : `the cluster owner turns it on: aws kafka update-connectivity --cluster-arn ${request.clusterArn} --current-version <version> --connectivity-info '${connectivityJson(auth)}'`,
    );
    add(
      'unauthenticated access off',
      cluster.unauthenticatedAllowed ? 'fail' : 'pass',
      cluster.unauthenticatedAllowed ? 'the cluster allows unauthenticated clients; multi-VPC connectivity requires it off' : 'unauthenticated access is off',
      cluster.unauthenticatedAllowed ? 'the cluster owner turns off unauthenticated access (aws kafka update-security)' : undefined,
    );
  }

  // cluster policy (cross-account only)
  const policyCheck = 'cluster policy allows this account';
  if (facts.callerAccount === facts.clusterArn.account) {
    add(policyCheck, 'pass', `same account (${facts.callerAccount}); no cluster policy needed`);
  } else if (facts.policy.status === 'unreadable') {
    add(policyCheck, 'warn', `cannot read the cluster policy (${facts.policy.reason}); the cluster owner must allow account ${facts.callerAccount}`, `ask the owner to run: mskctl cluster-policy generate --cluster-arn ${request.clusterArn} --account ${facts.callerAccount}`);
  } else if (facts.policy.status === 'none') {
    add(policyCheck, 'fail', `the cluster has no policy, so account ${facts.callerAccount} cannot create a VPC connection`, `the owner runs: mskctl cluster-policy generate --cluster-arn ${request.clusterArn} --account ${facts.callerAccount} > policy.json && mskctl cluster-policy put --cluster-arn ${request.clusterArn} --policy policy.json --execute`);
  } else {
    let decision;
    try {
      decision = evaluateAccess(validatePolicyDocument(JSON.parse(facts.policy.policy)), {
        account: facts.callerAccount,
        callerArn: facts.callerArn,
        action: 'kafka:CreateVpcConnection',
        resource: request.clusterArn,
      });
    } catch {
      decision = undefined;
    }
    if (!decision) add(policyCheck, 'warn', 'the cluster policy could not be parsed; not evaluated');
    else if (decision.decision === 'allowed') add(policyCheck, decision.conditional ? 'warn' : 'pass', decision.reason);
    else if (decision.decision === 'other-principals') add(policyCheck, 'warn', decision.reason);
    else {
      add(policyCheck, 'fail', decision.reason, `the owner adds account ${facts.callerAccount}: mskctl cluster-policy generate --cluster-arn ${request.clusterArn} --account ${facts.callerAccount}`);
    }
  }

  // VPC and subnets
  const vpc = facts.vpc;
  add('VPC exists', vpc ? 'pass' : 'fail', vpc ? `${vpc.vpcId} (${vpc.cidrBlocks.join(', ')})` : `no VPC ${request.vpcId} in ${facts.region}`);
  const found = new Map(facts.subnets.map((s) => [s.subnetId, s]));
  const missing = request.subnetIds.filter((id) => !found.has(id));
  add('subnets exist', missing.length === 0 ? 'pass' : 'fail', missing.length === 0 ? `${request.subnetIds.length} found` : `not found: ${missing.join(', ')}`);
  const foreign = facts.subnets.filter((s) => s.vpcId !== request.vpcId);
  add(
    'subnets belong to the VPC',
    foreign.length === 0 ? 'pass' : 'fail',
    foreign.length === 0 ? `all in ${request.vpcId}` : foreign.map((s) => `${s.subnetId} is in ${s.vpcId}`).join('; '),
  );
  const distinct = new Set(request.subnetIds).size;
  add('at least two subnets', distinct >= 2 ? 'pass' : 'fail', `${distinct} subnet${distinct === 1 ? '' : 's'} given`, distinct >= 2 ? undefined : 'give subnets in at least two of the cluster\'s Availability Zones');
  const azName = 'subnet AZ IDs among the cluster\'s';
  if (facts.subnets.length === 0) {
    add(azName, 'skip', 'no subnet was found');
  } else if (facts.clusterAzIds.status === 'unknown') {
    add(azName, 'warn', `cannot determine the cluster's AZ IDs (${facts.clusterAzIds.reason}); subnets are in ${facts.subnets.map((s) => `${s.subnetId}=${s.availabilityZoneId ?? '?'}`).join(', ')}`);
  } else {
    const clusterAz = facts.clusterAzIds.azIds;
    const outside = facts.subnets.filter((s) => !s.availabilityZoneId || !clusterAz.includes(s.availabilityZoneId));
    add(
      azName,
      outside.length === 0 ? 'pass' : 'fail',
      outside.length === 0
        ? `${[...new Set(facts.subnets.map((s) => s.availabilityZoneId))].join(', ')} ⊆ cluster's ${clusterAz.join(', ')}`
        : `${outside.map((s) => `${s.subnetId} is in ${s.availabilityZoneId ?? 'an unknown AZ'}${s.availabilityZone ? ` (${s.availabilityZone})` : ''}`).join('; ')}; the cluster is in ${clusterAz.join(', ')}`,
      outside.length === 0 ? undefined : 'pick subnets whose Availability Zone ID (not name: names differ between accounts) is one of the cluster\'s',
    );
  }

  // security groups
  const sgFound = new Map(facts.securityGroups.map((g) => [g.groupId, g]));
  const sgMissing = request.securityGroupIds.filter((id) => !sgFound.has(id));
  const sgForeign = facts.securityGroups.filter((g) => g.vpcId !== undefined && g.vpcId !== request.vpcId);
  const sgProblems = [...sgMissing.map((id) => `${id} not found`), ...sgForeign.map((g) => `${g.groupId} is in ${g.vpcId}`)];
  add('security groups exist in the VPC', sgProblems.length === 0 ? 'pass' : 'fail', sgProblems.length === 0 ? `${request.securityGroupIds.join(', ')}` : sgProblems.join('; '));
  const egressName = `security groups allow outbound TCP ${VPC_CONNECTIVITY_PORTS.from}-${VPC_CONNECTIVITY_PORTS.to}`;
  if (facts.securityGroups.length === 0) {
    add(egressName, 'skip', 'no security group was found');
  } else {
    // the connection's endpoints live in the chosen subnets: egress must reach those (not every VPC CIDR,
    // which may include secondary ranges the subnets are not in)
    const subnetCidrs = facts.subnets.filter((s) => s.vpcId === request.vpcId).map((s) => s.cidrBlock).filter((c): c is string => c !== undefined);
    const targets = subnetCidrs.length > 0 ? subnetCidrs : (vpc?.cidrBlocks ?? []);
    const verdict = evaluateEgress(facts.securityGroups, targets);
    // one rule for the VPC block holding all the subnets keeps the suggested fix short
    const fixTarget = vpc?.cidrBlocks.find((block) => targets.every((t) => cidrContains(block, t))) ?? targets[0] ?? '0.0.0.0/0';
    add(egressName, verdict.status, verdict.reason, verdict.status === 'pass' ? undefined : egressFixCommand(facts.securityGroups[0]!.groupId, fixTarget, facts.region));
  }
  return checks;
}

function connectivityJson(auth: VpcAuthentication): string {
  // the AWS CLI takes the API's member names (PascalCase)
  const ca = auth === 'TLS' ? { Tls: { Enabled: true } } : { Sasl: { [auth === 'SASL_IAM' ? 'Iam' : 'Scram']: { Enabled: true } } };
  return JSON.stringify({ VpcConnectivity: { ClientAuthentication: ca } });
}

export function preflightPassed(checks: Check[]): boolean {
  return checks.every((c) => c.status !== 'fail');
}

/**
 * Gathers everything the VPC-connection preflight looks at (read-only calls), for the pure checks in
 * src/vpc/preflight.ts.
 */
import { MskctlError } from '../output/errors.js';
import type { Logger } from '../output/log.js';
import type { ClusterArn } from '../vpc/arn.js';
import type { PreflightFacts } from '../vpc/preflight.js';
import type { ClusterAzIds, ClusterFacts, ClusterPolicyLookup, VpcConnectionRequest } from '../vpc/types.js';
import type { AwsClients } from './clients.js';
import { describeSecurityGroups, describeSubnets, describeVpc } from './ec2.js';
import { describeCluster, getClusterPolicy } from './msk.js';
import { callerIdentity } from './sts.js';

async function clusterAzIds(clients: AwsClients, cluster: ClusterFacts | undefined, log: Logger): Promise<ClusterAzIds> {
  if (!cluster) return { status: 'unknown', reason: 'cluster not found' };
  if (cluster.zoneIds.length > 0) return { status: 'known', azIds: [...new Set(cluster.zoneIds)], source: 'the cluster\'s ZoneIds' };
  if (cluster.clientSubnets.length === 0) return { status: 'unknown', reason: 'the cluster reports no client subnets' };
  try {
    const subnets = await describeSubnets(clients, cluster.clientSubnets);
    const ids = subnets.map((s) => s.availabilityZoneId).filter((id): id is string => id !== undefined);
    if (subnets.length < cluster.clientSubnets.length || ids.length === 0) {
      return { status: 'unknown', reason: 'the cluster\'s subnets are not visible from this account' };
    }
    return { status: 'known', azIds: [...new Set(ids)], source: 'the cluster\'s client subnets' };
  } catch (error) {
    log.debug(`cannot read the cluster's subnets: ${error instanceof Error ? error.message : String(error)}`);
    return { status: 'unknown', reason: error instanceof MskctlError ? error.code : 'DescribeSubnets failed' };
  }
}

async function policyLookup(clients: AwsClients, clusterArn: string, log: Logger): Promise<ClusterPolicyLookup> {
  try {
    const policy = await getClusterPolicy(clients, clusterArn);
    return policy ? { status: 'found', policy: policy.policy, version: policy.currentVersion } : { status: 'none' };
  } catch (error) {
    if (error instanceof MskctlError && (error.code === 'AWS_ACCESS_DENIED' || error.code === 'AWS_ERROR')) {
      log.debug(`cannot read the cluster policy: ${error.message}`);
      return { status: 'unreadable', reason: error.code === 'AWS_ACCESS_DENIED' ? 'access denied' : error.message };
    }
    throw error;
  }
}

export async function gatherPreflightFacts(clients: AwsClients, request: VpcConnectionRequest, clusterArn: ClusterArn, log: Logger): Promise<PreflightFacts> {
  const region = await clients.region();
  log.info(`preflight: reading the cluster, the caller's identity, the VPC, ${request.subnetIds.length} subnet(s) and ${request.securityGroupIds.length} security group(s) in ${region}`);
  const [caller, cluster, vpc, subnets, securityGroups] = await Promise.all([
    callerIdentity(clients),
    describeCluster(clients, request.clusterArn),
    describeVpc(clients, request.vpcId),
    describeSubnets(clients, request.subnetIds),
    describeSecurityGroups(clients, request.securityGroupIds),
  ]);
  const crossAccount = caller.account !== clusterArn.account;
  const [azIds, policy] = await Promise.all([
    clusterAzIds(clients, cluster, log),
    crossAccount && cluster ? policyLookup(clients, request.clusterArn, log) : Promise.resolve<ClusterPolicyLookup>({ status: 'none' }),
  ]);
  return {
    request,
    clusterArn,
    region,
    callerAccount: caller.account,
    callerArn: caller.arn,
    cluster,
    clusterAzIds: azIds,
    policy: crossAccount && !cluster ? { status: 'unreadable', reason: 'cluster not found' } : policy,
    vpc,
    subnets,
    securityGroups,
  };
}

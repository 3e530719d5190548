/**
 * The EC2 reads the VPC-connection preflight needs. IDs are looked up with filters rather than ID lists, so a
 * missing ID is an absent row (a finding) instead of an InvalidSubnetID.NotFound error for the whole call.
 */
import { DescribeSecurityGroupsCommand, DescribeSubnetsCommand, DescribeVpcsCommand, type IpPermission } from '@aws-sdk/client-ec2';
import type { EgressRule, SecurityGroupFacts, SubnetFacts, VpcFacts } from '../vpc/types.js';
import type { AwsClients } from './clients.js';
import { awsError } from './errors.js';

export async function describeVpc(clients: AwsClients, vpcId: string): Promise<VpcFacts | undefined> {
  const ec2 = await clients.ec2();
  try {
    const out = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    const vpc = out.Vpcs?.find((v) => v.VpcId === vpcId);
    if (!vpc) return undefined;
    const blocks = (vpc.CidrBlockAssociationSet ?? [])
      .filter((a) => a.CidrBlockState?.State === undefined || a.CidrBlockState.State === 'associated')
      .map((a) => a.CidrBlock)
      .filter((c): c is string => c !== undefined);
    return { vpcId, cidrBlocks: blocks.length > 0 ? blocks : vpc.CidrBlock ? [vpc.CidrBlock] : [] };
  } catch (error) {
    throw awsError(error, 'ec2:DescribeVpcs', vpcId);
  }
}

export async function describeSubnets(clients: AwsClients, subnetIds: string[]): Promise<SubnetFacts[]> {
  if (subnetIds.length === 0) return [];
  const ec2 = await clients.ec2();
  const found: SubnetFacts[] = [];
  let token: string | undefined;
  try {
    do {
      const out = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'subnet-id', Values: subnetIds }], NextToken: token }));
      for (const s of out.Subnets ?? []) {
        if (!s.SubnetId || !s.VpcId) continue;
        found.push({ subnetId: s.SubnetId, vpcId: s.VpcId, availabilityZone: s.AvailabilityZone, availabilityZoneId: s.AvailabilityZoneId, cidrBlock: s.CidrBlock, state: s.State });
      }
      token = out.NextToken || undefined;
    } while (token);
  } catch (error) {
    throw awsError(error, 'ec2:DescribeSubnets', subnetIds.join(', '));
  }
  return found;
}

function egressRule(p: IpPermission): EgressRule {
  return {
    protocol: p.IpProtocol ?? '-1',
    fromPort: p.FromPort,
    toPort: p.ToPort,
    ipv4Ranges: (p.IpRanges ?? []).map((r) => r.CidrIp).filter((c): c is string => c !== undefined),
    ipv6Ranges: (p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6).filter((c): c is string => c !== undefined),
    groupIds: (p.UserIdGroupPairs ?? []).map((g) => g.GroupId).filter((c): c is string => c !== undefined),
    prefixListIds: (p.PrefixListIds ?? []).map((g) => g.PrefixListId).filter((c): c is string => c !== undefined),
  };
}

export async function describeSecurityGroups(clients: AwsClients, groupIds: string[]): Promise<SecurityGroupFacts[]> {
  if (groupIds.length === 0) return [];
  const ec2 = await clients.ec2();
  const found: SecurityGroupFacts[] = [];
  let token: string | undefined;
  try {
    do {
      const out = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-id', Values: groupIds }], NextToken: token }));
      for (const g of out.SecurityGroups ?? []) {
        if (!g.GroupId) continue;
        found.push({ groupId: g.GroupId, groupName: g.GroupName, vpcId: g.VpcId, egress: (g.IpPermissionsEgress ?? []).map(egressRule) });
      }
      token = out.NextToken || undefined;
    } while (token);
  } catch (error) {
    throw awsError(error, 'ec2:DescribeSecurityGroups', groupIds.join(', '));
  }
  return found;
}

/**
 * Plain data the multi-VPC cores work on. src/aws/ maps SDK responses into these shapes, so the cores
 * (preflight, cluster policy) never import the AWS SDK and are unit-tested with literal objects.
 */

export const VPC_AUTHENTICATIONS = ['SASL_IAM', 'SASL_SCRAM', 'TLS'] as const;
export type VpcAuthentication = (typeof VPC_AUTHENTICATIONS)[number];

/** Client VPC connections reach the brokers on these ports (one per broker). */
export const VPC_CONNECTIVITY_PORTS = { from: 14001, to: 14100 } as const;

export interface ClusterFacts {
  arn: string;
  name?: string;
  /** ACTIVE, CREATING, UPDATING, ... */
  state?: string;
  /** PROVISIONED or SERVERLESS */
  type?: string;
  kafkaVersion?: string;
  instanceType?: string;
  /** multi-VPC connectivity switched on per authentication scheme */
  vpcConnectivity: Record<VpcAuthentication, boolean>;
  unauthenticatedAllowed: boolean;
  clientSubnets: string[];
  /** AZ IDs reported by the cluster itself (BrokerNodeGroupInfo.ZoneIds), often absent */
  zoneIds: string[];
}

export interface SubnetFacts {
  subnetId: string;
  vpcId: string;
  availabilityZone?: string;
  availabilityZoneId?: string;
  cidrBlock?: string;
  state?: string;
}

export interface VpcFacts {
  vpcId: string;
  cidrBlocks: string[];
}

export interface EgressRule {
  /** "-1" for all protocols, "tcp", "udp", "icmp" or a protocol number */
  protocol: string;
  fromPort?: number;
  toPort?: number;
  ipv4Ranges: string[];
  ipv6Ranges: string[];
  groupIds: string[];
  prefixListIds: string[];
}

export interface SecurityGroupFacts {
  groupId: string;
  groupName?: string;
  vpcId?: string;
  egress: EgressRule[];
}

export type ClusterPolicyLookup =
  | { status: 'found'; policy: string; version?: string }
  | { status: 'none' }
  | { status: 'unreadable'; reason: string };

export type ClusterAzIds = { status: 'known'; azIds: string[]; source: string } | { status: 'unknown'; reason: string };

export interface VpcConnectionRequest {
  clusterArn: string;
  vpcId: string;
  subnetIds: string[];
  securityGroupIds: string[];
  authentication: VpcAuthentication;
}

export interface VpcConnectionSummary {
  arn: string;
  state?: string;
  authentication?: string;
  vpcId?: string;
  targetClusterArn?: string;
  creationTime?: string;
  subnets?: string[];
  securityGroups?: string[];
  /** owner account, for the cluster owner's view (ListClientVpcConnections) */
  owner?: string;
}

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface Check {
  name: string;
  status: CheckStatus;
  reason: string;
  /** what to run or change to make the check pass */
  fix?: string;
}

/**
 * The MSK control-plane operations mskctl uses, mapped to the plain shapes of src/vpc/types.ts.
 * Every failure becomes an MskctlError (src/aws/errors.ts); "not found" is returned as undefined where the
 * caller treats it as a finding rather than a failure.
 */
import {
  CreateVpcConnectionCommand,
  DeleteVpcConnectionCommand,
  DescribeClusterV2Command,
  DescribeVpcConnectionCommand,
  GetBootstrapBrokersCommand,
  GetClusterPolicyCommand,
  ListClientVpcConnectionsCommand,
  ListVpcConnectionsCommand,
  PutClusterPolicyCommand,
  type Cluster,
  type GetBootstrapBrokersResponse,
} from '@aws-sdk/client-kafka';
import { ExitCode, MskctlError } from '../output/errors.js';
import type { ClusterFacts, VpcAuthentication, VpcConnectionRequest, VpcConnectionSummary } from '../vpc/types.js';
import type { AwsClients } from './clients.js';
import { awsError, isAwsConflict, isAwsNotFound } from './errors.js';

function iso(date: Date | undefined): string | undefined {
  return date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
}

export function clusterFacts(arn: string, info: Cluster): ClusterFacts {
  const provisioned = info.Provisioned;
  const group = provisioned?.BrokerNodeGroupInfo;
  const vpcAuth = group?.ConnectivityInfo?.VpcConnectivity?.ClientAuthentication;
  return {
    arn: info.ClusterArn ?? arn,
    name: info.ClusterName,
    state: info.State,
    type: info.ClusterType,
    kafkaVersion: provisioned?.CurrentBrokerSoftwareInfo?.KafkaVersion,
    instanceType: group?.InstanceType,
    vpcConnectivity: {
      SASL_IAM: vpcAuth?.Sasl?.Iam?.Enabled === true,
      SASL_SCRAM: vpcAuth?.Sasl?.Scram?.Enabled === true,
      TLS: vpcAuth?.Tls?.Enabled === true,
    },
    unauthenticatedAllowed: provisioned?.ClientAuthentication?.Unauthenticated?.Enabled === true,
    clientSubnets: group?.ClientSubnets ?? [],
    zoneIds: group?.ZoneIds ?? [],
  };
}

/** DescribeClusterV2; undefined when there is no such cluster. */
export async function describeCluster(clients: AwsClients, clusterArn: string): Promise<ClusterFacts | undefined> {
  const kafka = await clients.kafka();
  try {
    const out = await kafka.send(new DescribeClusterV2Command({ ClusterArn: clusterArn }));
    return out.ClusterInfo ? clusterFacts(clusterArn, out.ClusterInfo) : undefined;
  } catch (error) {
    if (isAwsNotFound(error)) return undefined;
    throw awsError(error, 'kafka:DescribeClusterV2', clusterArn);
  }
}

export interface ClusterPolicy {
  policy: string;
  currentVersion?: string;
}

/** GetClusterPolicy; undefined when the cluster has no policy. */
export async function getClusterPolicy(clients: AwsClients, clusterArn: string): Promise<ClusterPolicy | undefined> {
  const kafka = await clients.kafka();
  try {
    const out = await kafka.send(new GetClusterPolicyCommand({ ClusterArn: clusterArn }));
    if (out.Policy === undefined || out.Policy === '') return undefined;
    return { policy: out.Policy, currentVersion: out.CurrentVersion };
  } catch (error) {
    if (isAwsNotFound(error)) return undefined;
    throw awsError(error, 'kafka:GetClusterPolicy', clusterArn);
  }
}

/** PutClusterPolicy with the version read before (optimistic concurrency); returns the new version. */
export async function putClusterPolicy(clients: AwsClients, clusterArn: string, policy: string, currentVersion: string | undefined): Promise<string | undefined> {
  const kafka = await clients.kafka();
  try {
    const out = await kafka.send(new PutClusterPolicyCommand({ ClusterArn: clusterArn, Policy: policy, CurrentVersion: currentVersion }));
    return out.CurrentVersion;
  } catch (error) {
    if (isAwsConflict(error)) {
      throw new MskctlError(`the cluster policy of ${clusterArn} changed while mskctl was applying it (expected version ${currentVersion ?? 'none'}); nothing was written`, {
        code: 'CLUSTER_POLICY_CONFLICT',
        exitCode: ExitCode.OPERATIONAL,
        hint: 'someone else changed the policy: run `mskctl cluster-policy get` to see it, then run `cluster-policy put` again to review the new difference',
        cause: error,
      });
    }
    throw awsError(error, 'kafka:PutClusterPolicy', clusterArn);
  }
}

const VPC_BOOTSTRAP_FIELD: Record<VpcAuthentication, keyof GetBootstrapBrokersResponse> = {
  SASL_IAM: 'BootstrapBrokerStringVpcConnectivitySaslIam',
  SASL_SCRAM: 'BootstrapBrokerStringVpcConnectivitySaslScram',
  TLS: 'BootstrapBrokerStringVpcConnectivityTls',
};

/** The cluster's multi-VPC bootstrap string for one authentication scheme. */
export async function getVpcConnectivityBootstrap(clients: AwsClients, clusterArn: string, auth: VpcAuthentication): Promise<string | undefined> {
  const kafka = await clients.kafka();
  try {
    const out = await kafka.send(new GetBootstrapBrokersCommand({ ClusterArn: clusterArn }));
    return out[VPC_BOOTSTRAP_FIELD[auth]] as string | undefined;
  } catch (error) {
    throw awsError(error, 'kafka:GetBootstrapBrokers', clusterArn);
  }
}

export async function createVpcConnection(clients: AwsClients, request: VpcConnectionRequest): Promise<VpcConnectionSummary> {
  const kafka = await clients.kafka();
  try {
    const out = await kafka.send(
      new CreateVpcConnectionCommand({
        TargetClusterArn: request.clusterArn,
        Authentication: request.authentication,
        VpcId: request.vpcId,
        ClientSubnets: request.subnetIds,
        SecurityGroups: request.securityGroupIds,
        Tags: { 'created-by': 'mskctl' },
      }),
    );
    return {
      arn: out.VpcConnectionArn ?? '',
      state: out.State,
      authentication: out.Authentication,
      vpcId: out.VpcId,
      targetClusterArn: request.clusterArn,
      creationTime: iso(out.CreationTime),
      subnets: out.ClientSubnets,
      securityGroups: out.SecurityGroups,
    };
  } catch (error) {
    throw awsError(error, 'kafka:CreateVpcConnection', request.clusterArn);
  }
}

/** DescribeVpcConnection; undefined when it does not exist (any more). */
export async function describeVpcConnection(clients: AwsClients, arn: string): Promise<VpcConnectionSummary | undefined> {
  const kafka = await clients.kafka();
  try {
    const out = await kafka.send(new DescribeVpcConnectionCommand({ Arn: arn }));
    return {
      arn: out.VpcConnectionArn ?? arn,
      state: out.State,
      authentication: out.Authentication,
      vpcId: out.VpcId,
      targetClusterArn: out.TargetClusterArn,
      creationTime: iso(out.CreationTime),
      subnets: out.Subnets,
      securityGroups: out.SecurityGroups,
    };
  } catch (error) {
    if (isAwsNotFound(error)) return undefined;
    throw awsError(error, 'kafka:DescribeVpcConnection', arn);
  }
}

/** Every VPC connection the caller's account made (client side), all pages. */
export async function listVpcConnections(clients: AwsClients): Promise<VpcConnectionSummary[]> {
  const kafka = await clients.kafka();
  const all: VpcConnectionSummary[] = [];
  let token: string | undefined;
  do {
    try {
      const out = await kafka.send(new ListVpcConnectionsCommand({ NextToken: token, MaxResults: 100 }));
      for (const c of out.VpcConnections ?? []) {
        all.push({ arn: c.VpcConnectionArn ?? '', state: c.State, authentication: c.Authentication, vpcId: c.VpcId, targetClusterArn: c.TargetClusterArn, creationTime: iso(c.CreationTime) });
      }
      token = out.NextToken || undefined;
    } catch (error) {
      throw awsError(error, 'kafka:ListVpcConnections');
    }
  } while (token);
  return all;
}

/** The VPC connections made to a cluster (cluster owner's view), all pages. */
export async function listClientVpcConnections(clients: AwsClients, clusterArn: string): Promise<VpcConnectionSummary[]> {
  const kafka = await clients.kafka();
  const all: VpcConnectionSummary[] = [];
  let token: string | undefined;
  do {
    try {
      const out = await kafka.send(new ListClientVpcConnectionsCommand({ ClusterArn: clusterArn, NextToken: token, MaxResults: 100 }));
      for (const c of out.ClientVpcConnections ?? []) {
        all.push({ arn: c.VpcConnectionArn ?? '', state: c.State, authentication: c.Authentication, owner: c.Owner, targetClusterArn: clusterArn, creationTime: iso(c.CreationTime) });
      }
      token = out.NextToken || undefined;
    } catch (error) {
      throw awsError(error, 'kafka:ListClientVpcConnections', clusterArn);
    }
  } while (token);
  return all;
}

/** DeleteVpcConnection; undefined when it was already gone. */
export async function deleteVpcConnection(clients: AwsClients, arn: string): Promise<VpcConnectionSummary | undefined> {
  const kafka = await clients.kafka();
  try {
    const out = await kafka.send(new DeleteVpcConnectionCommand({ Arn: arn }));
    return { arn: out.VpcConnectionArn ?? arn, state: out.State };
  } catch (error) {
    if (isAwsNotFound(error)) return undefined;
    throw awsError(error, 'kafka:DeleteVpcConnection', arn);
  }
}

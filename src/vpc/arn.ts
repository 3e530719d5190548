/** MSK cluster ARNs: arn:<partition>:kafka:<region>:<account>:cluster/<name>/<uuid>. */
import { inputError } from '../output/errors.js';

export interface ClusterArn {
  arn: string;
  partition: string;
  region: string;
  account: string;
  name: string;
  uuid: string;
}

const CLUSTER_ARN = /^arn:(aws[a-z-]*):kafka:([a-z0-9-]+):(\d{12}):cluster\/([^/\s]+)\/([^/\s]+)$/;

export function parseClusterArn(text: string, flag = '--cluster-arn'): ClusterArn {
  const match = CLUSTER_ARN.exec(text.trim());
  if (!match) {
    throw inputError({ path: flag }, `"${text}" is not an MSK cluster ARN`, 'arn:aws:kafka:<region>:<12-digit account>:cluster/<name>/<uuid>');
  }
  const [, partition, region, account, name, uuid] = match as unknown as [string, string, string, string, string, string];
  return { arn: text.trim(), partition, region, account, name, uuid };
}

/** The ARN of a topic, group or transactional id of a cluster; `*` is allowed after the type. */
export function clusterResourceArn(cluster: ClusterArn, type: 'topic' | 'group' | 'transactional-id', name: string): string {
  return `arn:${cluster.partition}:kafka:${cluster.region}:${cluster.account}:${type}/${cluster.name}/${cluster.uuid}/${name}`;
}

const VPC_CONNECTION_ARN = /^arn:aws[a-z-]*:kafka:[a-z0-9-]+:\d{12}:vpc-connection\/\S+$/;

export function checkVpcConnectionArn(text: string, where = 'ARN'): string {
  if (!VPC_CONNECTION_ARN.test(text.trim())) {
    throw inputError({ path: where }, `"${text}" is not an MSK VPC connection ARN`, 'arn:aws:kafka:<region>:<account>:vpc-connection/<account>/<cluster>/<uuid>');
  }
  return text.trim();
}

const ID_PATTERNS = {
  vpc: /^vpc-[0-9a-f]{8,17}$/,
  subnet: /^subnet-[0-9a-f]{8,17}$/,
  sg: /^sg-[0-9a-f]{8,17}$/,
} as const;

/** Validates EC2 IDs such as vpc-0abc..., subnet-..., sg-... */
export function checkEc2Id(kind: keyof typeof ID_PATTERNS, value: string, flag: string): string {
  if (!ID_PATTERNS[kind].test(value)) {
    throw inputError({ path: flag }, `"${value}" is not a ${kind === 'sg' ? 'security group' : kind} ID`, `${kind}- followed by 8 or 17 hex digits, e.g. ${kind}-0123456789abcdef0`);
  }
  return value;
}

/**
 * ARNs and EC2 IDs for the multi-VPC commands. Cluster ARNs are parsed by the one parser in src/auth/policy.ts;
 * this module adds the ARN text itself and the VPC-connection and EC2 ID formats.
 */
import { inputError } from '../output/errors.js';
import { clusterArn, parseClusterArn as parseClusterRef, type ClusterRef } from '../auth/policy.js';

export type ClusterArn = ClusterRef & { arn: string };

export function parseClusterArn(text: string, flag = '--cluster-arn'): ClusterArn {
  const ref = parseClusterRef(text, flag);
  return { ...ref, arn: clusterArn(ref) };
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

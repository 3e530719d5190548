import { describe, expect, it } from 'vitest';
import { checkEc2Id, checkVpcConnectionArn, parseClusterArn } from '../../../src/vpc/arn.js';

describe('cluster ARNs and EC2 IDs', () => {
  it('parses a cluster ARN in any partition', () => {
    const arn = 'arn:aws-cn:kafka:cn-north-1:111122223333:cluster/a-b/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5';
    expect(parseClusterArn(arn)).toEqual({ arn, partition: 'aws-cn', region: 'cn-north-1', account: '111122223333', clusterName: 'a-b', clusterUuid: '6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5' });
  });

  it('rejects other ARNs and malformed IDs with exit 2 and the expected form', () => {
    expect(() => parseClusterArn('arn:aws:kafka:us-east-1:111122223333:topic/c/u/t')).toThrow(/is not an MSK cluster ARN/);
    expect(() => parseClusterArn('arn:aws:kafka:us-east-1:1111:cluster/c/u')).toThrow(/is not an MSK cluster ARN/);
    expect(() => checkVpcConnectionArn('arn:aws:kafka:us-east-1:111122223333:cluster/c/u')).toThrow(/not an MSK VPC connection ARN/);
    expect(checkEc2Id('subnet', 'subnet-0aaa1111bbbb2222c', '--subnets')).toBe('subnet-0aaa1111bbbb2222c');
    expect(() => checkEc2Id('sg', 'sg-xyz', '--security-groups')).toThrow(/"sg-xyz" is not a security group ID/);
  });
});

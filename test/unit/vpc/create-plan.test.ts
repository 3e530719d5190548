import { describe, expect, it } from 'vitest';
import { decideCreate } from '../../../src/vpc/create-plan.js';
import type { VpcConnectionRequest, VpcConnectionSummary } from '../../../src/vpc/types.js';

const request: VpcConnectionRequest = {
  clusterArn: 'arn:aws:kafka:us-east-1:111122223333:cluster/orders/0a1b2c3d-1111-2222-3333-444455556666-2',
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  subnetIds: ['subnet-a', 'subnet-b'],
  securityGroupIds: ['sg-1'],
  authentication: 'SASL_IAM',
};
const connection = (overrides: Partial<VpcConnectionSummary>): VpcConnectionSummary => ({
  arn: 'arn:aws:kafka:us-east-1:444455556666:vpc-connection/111122223333/orders/x',
  targetClusterArn: request.clusterArn,
  vpcId: request.vpcId,
  state: 'AVAILABLE',
  authentication: 'SASL_IAM',
  ...overrides,
});

describe('decideCreate', () => {
  it('creates only with --execute and a passed preflight', () => {
    expect(decideCreate(request, true, true, []).action).toBe('create');
    expect(decideCreate(request, true, false, []).action).toBe('plan');
    expect(decideCreate(request, false, true, []).action).toBe('blocked');
    expect(decideCreate(request, false, false, []).plan[0]).toMatch(/^preflight failed/);
  });

  it('reuses a CREATING or AVAILABLE connection for the same cluster and VPC, whatever the flags', () => {
    for (const state of ['CREATING', 'AVAILABLE']) {
      const decision = decideCreate(request, false, true, [connection({ state })]);
      expect(decision.action).toBe('existing');
      expect(decision.connection?.state).toBe(state);
    }
    expect(decideCreate(request, true, true, [connection({ authentication: 'TLS' })]).plan).toContain('note: it uses TLS, not SASL_IAM');
  });

  it('ignores other VPCs and clusters, and warns about ended connections for this one', () => {
    const others = [connection({ vpcId: 'vpc-other' }), connection({ targetClusterArn: request.clusterArn.replace('orders', 'payments') })];
    expect(decideCreate(request, true, true, others)).toEqual({ action: 'create', plan: [], warnings: [] });
    const rejected = decideCreate(request, true, true, [connection({ state: 'REJECTED' })]);
    expect(rejected.action).toBe('create');
    expect(rejected.warnings).toEqual(['an earlier VPC connection for this cluster and VPC is REJECTED: arn:aws:kafka:us-east-1:444455556666:vpc-connection/111122223333/orders/x']);
  });
});

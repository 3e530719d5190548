/**
 * What `vpc-connection create` does, decided from the preflight and the connections that already exist:
 * reuse one for the same cluster and VPC, stop on a failed preflight, plan, or create. Pure.
 */
import type { VpcConnectionRequest, VpcConnectionSummary } from './types.js';

/** States in which an existing connection is reused instead of creating another. */
export const REUSABLE_STATES = new Set(['CREATING', 'AVAILABLE']);
/** States a connection does not come back from; DELETED: DescribeVpcConnection no longer finds it. */
export const ENDED_STATES = new Set(['FAILED', 'REJECTED', 'REJECTING', 'INACTIVE', 'DELETING', 'DEACTIVATING', 'DELETED']);

export interface CreateDecision {
  /** plan: nothing changes; create: call CreateVpcConnection; existing: reuse `connection`; blocked: preflight failed with --execute */
  action: 'plan' | 'create' | 'existing' | 'blocked';
  connection?: VpcConnectionSummary;
  /** lines for the result */
  plan: string[];
  /** lines for stderr */
  warnings: string[];
}

export function decideCreate(request: VpcConnectionRequest, preflightPassed: boolean, execute: boolean, connections: VpcConnectionSummary[]): CreateDecision {
  const existing = connections.filter((c) => c.targetClusterArn === request.clusterArn && c.vpcId === request.vpcId);
  const reusable = existing.find((c) => REUSABLE_STATES.has(c.state ?? ''));
  const warnings = existing.filter((c) => c !== reusable).map((c) => `an earlier VPC connection for this cluster and VPC is ${c.state}: ${c.arn}`);
  if (reusable) {
    const plan = [`a VPC connection for this cluster and VPC already exists: ${reusable.arn} (${reusable.state}); nothing to create`];
    if (reusable.authentication && reusable.authentication !== request.authentication) plan.push(`note: it uses ${reusable.authentication}, not ${request.authentication}`);
    return { action: 'existing', connection: reusable, plan, warnings };
  }
  if (!preflightPassed) {
    return { action: execute ? 'blocked' : 'plan', plan: ['preflight failed: fix the checks marked fail, then run again; nothing was created'], warnings };
  }
  if (!execute) {
    return {
      action: 'plan',
      plan: [
        `would create a VPC connection from ${request.vpcId} (${request.subnetIds.join(', ')}; security groups ${request.securityGroupIds.join(', ')}) to ${request.clusterArn} with ${request.authentication}`,
        'run again with --execute to create it (add --wait to wait until it is AVAILABLE)',
      ],
      warnings,
    };
  }
  return { action: 'create', plan: [], warnings };
}

/** `mskctl vpc-connection list`: the caller's VPC connections, or with --cluster-arn those made to a cluster. */
import { listClientVpcConnections, listVpcConnections } from '../../aws/msk.js';
import { formatTable, type RenderOptions } from '../../output/render.js';
import type { VpcConnectionSummary } from '../../vpc/types.js';
import { withAws } from '../aws-session.js';
import type { CommandContext, CommandResult } from '../types.js';
import { clusterArnOption } from './options.js';

interface ListResult {
  view: 'client' | 'cluster-owner';
  clusterArn?: string;
  connections: VpcConnectionSummary[];
}

export async function run(ctx: CommandContext<{ clusterArn?: string }>): Promise<CommandResult<ListResult>> {
  const cluster = clusterArnOption(ctx, ctx.options.clusterArn, false);
  return withAws(ctx, cluster?.region, async (clients) => {
    const data: ListResult = cluster
      ? { view: 'cluster-owner', clusterArn: cluster.arn, connections: await listClientVpcConnections(clients, cluster.arn) }
      : { view: 'client', connections: await listVpcConnections(clients) };
    return { data, table: render };
  });
}

function render(r: ListResult, options: RenderOptions): string {
  if (r.connections.length === 0) return r.view === 'client' ? 'no VPC connections in this account and region' : `no VPC connections to ${r.clusterArn}`;
  if (r.view === 'cluster-owner') {
    return formatTable(['VPC connection', 'state', 'authentication', 'owner account', 'created'], r.connections.map((c) => [c.arn, c.state ?? '', c.authentication ?? '', c.owner ?? '', c.creationTime ?? '']), options, `VPC connections to ${r.clusterArn}`);
  }
  return formatTable(['VPC connection', 'state', 'authentication', 'VPC', 'cluster'], r.connections.map((c) => [c.arn, c.state ?? '', c.authentication ?? '', c.vpcId ?? '', c.targetClusterArn ?? '']), options);
}

/** `mskctl cluster-policy get`: the cluster's current policy and its version. */
import { getClusterPolicy } from '../../aws/msk.js';
import { withAws } from '../aws-session.js';
import type { CommandContext, CommandResult } from '../types.js';
import { clusterArnOption } from '../vpc-connection/options.js';

interface GetResult {
  clusterArn: string;
  exists: boolean;
  currentVersion?: string;
  policy?: unknown;
}

export async function run(ctx: CommandContext<{ clusterArn?: string }>): Promise<CommandResult<GetResult>> {
  const cluster = clusterArnOption(ctx, ctx.options.clusterArn, true);
  return withAws(ctx, cluster.region, async (clients) => {
    const found = await getClusterPolicy(clients, cluster.arn);
    const data: GetResult = found
      ? { clusterArn: cluster.arn, exists: true, currentVersion: found.currentVersion, policy: parseOrText(found.policy) }
      : { clusterArn: cluster.arn, exists: false };
    return {
      data,
      table: (r) => (r.exists ? `cluster policy of ${r.clusterArn} (version ${r.currentVersion ?? 'unknown'}):\n${JSON.stringify(r.policy, null, 2)}` : `${r.clusterArn} has no cluster policy`),
    };
  });
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

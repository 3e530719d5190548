/**
 * `mskctl cluster-policy put --policy FILE [--execute]`: shows the difference from the current policy and,
 * with --execute, writes it with the version it read (optimistic concurrency). Re-running with the same
 * file is a no-op.
 */
import { getClusterPolicy, putClusterPolicy } from '../../aws/msk.js';
import { readInputFile } from '../../input/yaml.js';
import { checkFailed, inputError } from '../../output/errors.js';
import type { RenderOptions } from '../../output/render.js';
import { diffPolicies, formatPolicyChanges, validatePolicyDocument, type PolicyChange, type PolicyDocument } from '../../vpc/cluster-policy.js';
import { withAws } from '../aws-session.js';
import type { CommandContext, CommandResult } from '../types.js';
import { clusterArnOption, requiredString } from '../vpc-connection/options.js';

interface PutOptions {
  clusterArn?: string;
  policy?: string;
  execute: boolean;
  expectedVersion?: string;
}

interface PutResult {
  clusterArn: string;
  file: string;
  currentVersion?: string;
  changes: PolicyChange[];
  /** unchanged: nothing to do; plan: differences shown, nothing written; applied: written */
  action: 'unchanged' | 'plan' | 'applied';
  executed: boolean;
  newVersion?: string;
}

export async function run(ctx: CommandContext<PutOptions>): Promise<CommandResult<PutResult>> {
  const cluster = clusterArnOption(ctx, ctx.options.clusterArn, true);
  const file = requiredString(ctx.options.policy, '--policy', 'a JSON or YAML policy file, e.g. from `mskctl cluster-policy generate`');
  const doc = readInputFile(file);
  const desired = validatePolicyDocument(doc.value, file, doc.lineOf);
  const resources = desired.Statement.flatMap((s) => (s.Resource === undefined ? [] : Array.isArray(s.Resource) ? s.Resource : [s.Resource]));
  const foreign = resources.filter((r) => r !== '*' && !r.startsWith(`arn:${cluster.partition}:kafka:${cluster.region}:${cluster.account}:`));
  if (foreign.length > 0) {
    throw inputError({ file, path: 'Statement[].Resource' }, `resource ${foreign[0]} does not belong to the cluster's account and region`, `ARNs under arn:${cluster.partition}:kafka:${cluster.region}:${cluster.account}:`);
  }
  return withAws(ctx, cluster.region, async (clients) => {
    const current = await getClusterPolicy(clients, cluster.arn);
    if (ctx.options.expectedVersion !== undefined && ctx.options.expectedVersion !== (current?.currentVersion ?? '')) {
      throw checkFailed(
        `the cluster policy is at version ${current?.currentVersion ?? '(none)'}, not ${ctx.options.expectedVersion} as expected`,
        'it changed since you reviewed it: run `cluster-policy put` without --execute to review the new difference',
        'CLUSTER_POLICY_VERSION_MISMATCH',
      );
    }
    let currentDoc: PolicyDocument | undefined;
    if (current) {
      try {
        currentDoc = validatePolicyDocument(JSON.parse(current.policy));
      } catch {
        ctx.log.warn('the current policy could not be parsed; every statement is shown as new');
      }
    }
    const changes = diffPolicies(currentDoc, desired);
    const result: PutResult = {
      clusterArn: cluster.arn,
      file,
      currentVersion: current?.currentVersion,
      changes,
      action: changes.length === 0 && current ? 'unchanged' : 'plan',
      executed: ctx.options.execute,
    };
    if (result.action === 'plan' && ctx.options.execute) {
      ctx.log.info(`writing the cluster policy of ${cluster.clusterName} (replacing version ${current?.currentVersion ?? 'none'})`);
      result.newVersion = await putClusterPolicy(clients, cluster.arn, JSON.stringify(desired), current?.currentVersion);
      result.action = 'applied';
    }
    return { data: result, table: render };
  });
}

function render(r: PutResult, _options: RenderOptions): string {
  const lines = [`cluster policy of ${r.clusterArn}: current version ${r.currentVersion ?? '(no policy)'}`];
  if (r.action === 'unchanged') {
    lines.push(`${r.file} matches the current policy; nothing to do`);
    return lines.join('\n');
  }
  lines.push(`changes from ${r.file}:`, ...formatPolicyChanges(r.changes).map((l) => `  ${l}`));
  if (r.action === 'applied') lines.push(`applied: new version ${r.newVersion ?? 'unknown'}`);
  else lines.push(`nothing written; run again with --execute to apply${r.currentVersion ? ` (add --expected-version ${r.currentVersion} to refuse if it changes in between)` : ''}`);
  return lines.join('\n');
}

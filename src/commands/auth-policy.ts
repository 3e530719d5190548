/** `mskctl auth policy`: a least-privilege IAM identity policy for an MSK IAM client. Offline, no AWS SDK. */
import { clusterArn, clusterFromParts, generatePolicy, parseClusterArn, POLICY_ROLES, type PolicyDocument, type PolicyRole } from '../auth/policy.js';
import { resolveContext } from '../config/contexts.js';
import { usageError } from '../output/errors.js';
import type { CommandContext, CommandResult } from './types.js';

interface PolicyOptions {
  role?: string;
  clusterArn?: string;
  account?: string;
  clusterName?: string;
  clusterUuid?: string;
  topics?: string[];
  groups?: string[];
  transactionalIds?: string[];
  flowId?: string;
}

export async function run(ctx: CommandContext<PolicyOptions>): Promise<CommandResult<PolicyDocument>> {
  const o = ctx.options;
  if (o.role === undefined) throw usageError('--role is required', `one of ${POLICY_ROLES.join(', ')}`, 'INPUT_INVALID');
  const role = o.role as PolicyRole;
  const parts = o.account !== undefined || o.clusterName !== undefined || o.clusterUuid !== undefined;
  const contextArn = parts ? undefined : resolveContext(ctx.global.context)?.clusterArn;
  const arn = o.clusterArn ?? contextArn;
  if (o.clusterArn !== undefined && parts) {
    throw usageError('give either --cluster-arn or --account/--cluster-name/--cluster-uuid, not both', undefined, 'INPUT_INVALID');
  }
  let cluster;
  if (arn !== undefined) {
    cluster = parseClusterArn(arn, o.clusterArn !== undefined ? '--cluster-arn' : `context ${ctx.global.context} clusterArn`);
    if (ctx.global.region !== undefined && ctx.global.region !== cluster.region) {
      throw usageError(`--region ${ctx.global.region} does not match the cluster ARN's region ${cluster.region}`, 'drop --region, or fix the ARN', 'INPUT_INVALID');
    }
  } else {
    cluster = clusterFromParts({ region: ctx.global.region, account: o.account, clusterName: o.clusterName, clusterUuid: o.clusterUuid });
  }
  const { policy, notes } = generatePolicy({
    role,
    cluster,
    topics: o.topics ?? [],
    groups: o.groups ?? [],
    transactionalIds: o.transactionalIds ?? [],
    ...(o.flowId === undefined ? {} : { flowId: o.flowId }),
  });
  ctx.log.info(`IAM policy for a ${role} on ${clusterArn(cluster)}`);
  for (const note of notes) ctx.log.info(`note: ${note}`);
  // the policy is JSON in every format but yaml, ready for `aws iam put-role-policy --policy-document file://...`
  return { data: policy, table: (doc) => JSON.stringify(doc, null, 2) };
}

/** `mskctl cluster-policy generate`: offline; prints a cluster policy (no AWS SDK loaded). */
import { inputError } from '../../output/errors.js';
import { generateClusterPolicy, DATA_PLANE_ROLE_NAMES, type DataPlaneRole, type PolicyDocument } from '../../vpc/cluster-policy.js';
import type { CommandContext, CommandResult } from '../types.js';
import { clusterArnOption, stringList } from '../vpc-connection/options.js';

interface GenerateOptions {
  clusterArn?: string;
  account?: string[];
  principal?: string[];
  dataPlane?: string[];
  topic?: string[];
  group?: string[];
}

export async function run(ctx: CommandContext<GenerateOptions>): Promise<CommandResult<PolicyDocument>> {
  const o = ctx.options;
  const cluster = clusterArnOption(ctx, o.clusterArn, true);
  const roles = stringList(o.dataPlane).map((role, i) => {
    if (!(DATA_PLANE_ROLE_NAMES as string[]).includes(role)) {
      throw inputError({ path: `--data-plane[${i}]` }, `unknown role "${role}"`, DATA_PLANE_ROLE_NAMES.join(', '));
    }
    return role as DataPlaneRole;
  });
  const topics = stringList(o.topic);
  const groups = stringList(o.group);
  if (roles.length === 0 && (topics.length > 0 || groups.length > 0)) {
    throw inputError({ path: topics.length > 0 ? '--topic' : '--group' }, 'topics and groups only apply to data-plane statements', `add --data-plane ${DATA_PLANE_ROLE_NAMES.join('|')}`);
  }
  const policy = generateClusterPolicy({ cluster, accounts: stringList(o.account), principals: stringList(o.principal), dataPlane: roles, topics, groups });
  // table output is the JSON document itself, so `> policy.json` works without --output json
  return { data: policy, table: (doc) => JSON.stringify(doc, null, 2) };
}

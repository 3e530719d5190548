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
  topics?: string[];
  groups?: string[];
  transactionalIds?: string[];
}

export async function run(ctx: CommandContext<GenerateOptions>): Promise<CommandResult<PolicyDocument>> {
  const o = ctx.options;
  const cluster = clusterArnOption(ctx, o.clusterArn, true);
  const roles = stringList(o.dataPlane).map((role, i) => {
    if (!(DATA_PLANE_ROLE_NAMES as readonly string[]).includes(role)) {
      throw inputError({ path: `--data-plane[${i}]` }, `unknown role "${role}"`, DATA_PLANE_ROLE_NAMES.join(', '));
    }
    return role as DataPlaneRole;
  });
  const topics = stringList(o.topics);
  const groups = stringList(o.groups);
  const transactionalIds = stringList(o.transactionalIds);
  if (roles.length === 0 && topics.length + groups.length + transactionalIds.length > 0) {
    throw inputError({ path: topics.length > 0 ? '--topics' : groups.length > 0 ? '--groups' : '--transactional-ids' }, 'topics, groups and transactional ids only apply to data-plane statements', `add --data-plane ${DATA_PLANE_ROLE_NAMES.join('|')}`);
  }
  const { policy, notes } = generateClusterPolicy({ cluster, accounts: stringList(o.account), principals: stringList(o.principal), dataPlane: roles, topics, groups, transactionalIds });
  // the notes come from the auth policy generator, which names its flag --role
  for (const note of notes) ctx.log.warn(note.replaceAll('--role ', '--data-plane '));
  // table output is the JSON document itself, so `> policy.json` works without --output json
  return { data: policy, table: (doc) => JSON.stringify(doc, null, 2) };
}

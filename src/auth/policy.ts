/**
 * Least-privilege IAM identity policies for MSK IAM clients: the kafka-cluster actions each kind of client
 * needs (from the MSK developer guide, kafka-actions), each on the narrowest resource ARN (cluster, topic,
 * group, transactional-id). Pure: no I/O, no AWS SDK.
 */
import { inputError, usageError } from '../output/errors.js';
import { flowGroupId, flowTopics, flowTransactionalId, validateFlowId } from '../replication/topic-plan.js';

export const POLICY_ROLES = [
  'producer',
  'idempotent-producer',
  'transactional-producer',
  'consumer',
  'admin',
  'replicator-source',
  'replicator-target',
] as const;
export type PolicyRole = (typeof POLICY_ROLES)[number];

export interface ClusterRef {
  partition: string;
  region: string;
  account: string;
  clusterName: string;
  clusterUuid: string;
}

export interface PolicyRequest {
  role: PolicyRole;
  cluster: ClusterRef;
  topics: string[];
  groups: string[];
  transactionalIds: string[];
  /** replicator-target: the `mskctl replicate --flow-id` whose own state the policy must also cover */
  flowId?: string;
}

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export interface GeneratedPolicy {
  policy: PolicyDocument;
  /** what the policy assumes or leaves out, for the user (printed on stderr) */
  notes: string[];
}

const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d+';
const CLUSTER_NAME = '[A-Za-z0-9][A-Za-z0-9-]{0,63}';
// MSK cluster UUIDs carry a suffix: 6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5 (provisioned), ...-s1 (serverless)
const CLUSTER_UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:-[a-z0-9]{1,8})?';
const CLUSTER_ARN = new RegExp(`^arn:(aws|aws-cn|aws-us-gov):kafka:(${REGION}):(\\d{12}):cluster/(${CLUSTER_NAME})/(${CLUSTER_UUID})$`);
const EXPECTED_ARN = 'arn:aws:kafka:<region>:<12-digit account>:cluster/<cluster name>/<cluster uuid>, e.g. arn:aws:kafka:eu-west-1:123456789012:cluster/orders/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5';

/** Kafka topic names are [a-zA-Z0-9._-]{1,249}; IAM adds the wildcards * and ?. */
const TOPIC_PATTERN = /^[A-Za-z0-9._*?-]{1,249}$/;
/** Group and transactional ids may be any string to Kafka; in an ARN we refuse whitespace and control characters. */
const ID_PATTERN = /^[^\s\p{Cc}]{1,255}$/u;

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function parseClusterArn(arn: string, flag = '--cluster-arn'): ClusterRef {
  const match = CLUSTER_ARN.exec(arn.trim());
  if (!match) {
    let problem = `${JSON.stringify(arn)} is not an MSK cluster ARN`;
    if (/^arn:[^:]*:kafka:[^:]*:[^:]*:(topic|group|transactional-id)\//.test(arn)) problem += ' (it names a topic, group or transactional id, not the cluster)';
    else if (/^arn:[^:]*:kafka:[^:]*:[^:]*:cluster\/[^/]+\/?$/.test(arn)) problem += ' (the cluster UUID is missing)';
    throw inputError({ path: flag }, problem, EXPECTED_ARN, 'INPUT_INVALID');
  }
  const [, partition, region, account, clusterName, clusterUuid] = match as unknown as [string, string, string, string, string, string];
  if (partitionOf(region) !== partition) {
    throw inputError({ path: flag }, `the partition ${partition} does not match the region ${region}`, `arn:${partitionOf(region)}:kafka:${region}:…`, 'INPUT_INVALID');
  }
  return { partition, region, account, clusterName, clusterUuid };
}

export function clusterFromParts(parts: { region?: string; account?: string; clusterName?: string; clusterUuid?: string }): ClusterRef {
  const missing = (
    [
      ['--region', parts.region],
      ['--account', parts.account],
      ['--cluster-name', parts.clusterName],
      ['--cluster-uuid', parts.clusterUuid],
    ] as const
  )
    .filter(([, value]) => value === undefined)
    .map(([flag]) => flag);
  if (missing.length > 0) {
    throw usageError(`the cluster is not fully named: missing ${missing.join(', ')}`, `pass --cluster-arn (${EXPECTED_ARN}), or all of --region, --account, --cluster-name and --cluster-uuid`, 'INPUT_INVALID');
  }
  const check = (flag: string, value: string, pattern: string, expected: string): void => {
    if (!new RegExp(`^${pattern}$`).test(value)) throw inputError({ path: flag }, `found ${JSON.stringify(value)}`, expected, 'INPUT_INVALID');
  };
  check('--region', parts.region!, REGION, 'a region code such as eu-west-1');
  check('--account', parts.account!, '\\d{12}', 'a 12-digit AWS account id');
  check('--cluster-name', parts.clusterName!, CLUSTER_NAME, 'the cluster name: letters, digits and hyphens, at most 64');
  check('--cluster-uuid', parts.clusterUuid!, CLUSTER_UUID, 'the UUID at the end of the cluster ARN, e.g. 6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5');
  return { partition: partitionOf(parts.region!), region: parts.region!, account: parts.account!, clusterName: parts.clusterName!, clusterUuid: parts.clusterUuid! };
}

export function clusterArn(cluster: ClusterRef): string {
  return `arn:${cluster.partition}:kafka:${cluster.region}:${cluster.account}:cluster/${cluster.clusterName}/${cluster.clusterUuid}`;
}

type ResourceType = 'topic' | 'group' | 'transactional-id';

export function resourceArn(cluster: ClusterRef, type: ResourceType, name: string): string {
  return `arn:${cluster.partition}:kafka:${cluster.region}:${cluster.account}:${type}/${cluster.clusterName}/${cluster.clusterUuid}/${name}`;
}

const A = (action: string): string => `kafka-cluster:${action}`;

/** The actions each role needs, per resource type (msk-iam.md, "Authorization: kafka-cluster actions"). */
interface RoleActions {
  cluster: string[];
  topic: string[];
  group: string[];
  transactionalId: string[];
  /** which pattern lists the role requires */
  requires: Array<'topics' | 'groups' | 'transactionalIds'>;
  notes: string[];
}

function actionsFor(role: PolicyRole, hasGroups: boolean): RoleActions {
  switch (role) {
    case 'producer':
      return {
        cluster: [A('Connect')],
        topic: [A('DescribeTopic'), A('WriteData')],
        group: [],
        transactionalId: [],
        requires: ['topics'],
        notes: ['Java clients from Kafka 3.0 on are idempotent by default (enable.idempotence=true): use --role idempotent-producer for them, or set enable.idempotence=false.'],
      };
    case 'idempotent-producer':
      return {
        cluster: [A('Connect'), A('WriteDataIdempotently')],
        topic: [A('DescribeTopic'), A('WriteData')],
        group: [],
        transactionalId: [],
        requires: ['topics'],
        notes: [],
      };
    case 'transactional-producer':
      return {
        // transactions imply idempotence (InitProducerId with a transactional.id)
        cluster: [A('Connect'), A('WriteDataIdempotently')],
        topic: [A('DescribeTopic'), A('WriteData')],
        // sendOffsetsToTransaction commits the consumer group's offsets inside the transaction
        group: hasGroups ? [A('DescribeGroup'), A('AlterGroup')] : [],
        transactionalId: [A('DescribeTransactionalId'), A('AlterTransactionalId')],
        requires: ['topics', 'transactionalIds'],
        notes: hasGroups ? [] : ['No --groups given: add them if the producer commits consumer offsets in its transactions (consume-transform-produce).'],
      };
    case 'consumer':
      return {
        cluster: [A('Connect')],
        topic: [A('DescribeTopic'), A('ReadData')],
        group: [A('DescribeGroup'), A('AlterGroup')],
        transactionalId: [],
        requires: ['topics', 'groups'],
        notes: [],
      };
    case 'admin':
      // topic and group administration (what mskctl's inventory, split and cutover use); no data access
      return {
        cluster: [A('Connect'), A('DescribeCluster')],
        topic: [
          A('CreateTopic'),
          A('DescribeTopic'),
          A('AlterTopic'),
          A('DeleteTopic'),
          A('DescribeTopicDynamicConfiguration'),
          A('AlterTopicDynamicConfiguration'),
        ],
        group: hasGroups ? [A('DescribeGroup'), A('AlterGroup'), A('DeleteGroup')] : [],
        transactionalId: [],
        requires: ['topics'],
        notes: [
          'No data access: the admin can neither read nor write records.',
          ...(hasGroups ? [] : ['No --groups given: the admin cannot describe, reset or delete consumer groups.']),
        ],
      };
    case 'replicator-source':
      return {
        cluster: [A('Connect'), A('DescribeCluster')],
        // read records and the topic configs to mirror them
        topic: [A('DescribeTopic'), A('ReadData'), A('DescribeTopicDynamicConfiguration')],
        // the replicator's own consumer group, and the application groups whose offsets it translates
        group: [A('DescribeGroup'), A('AlterGroup')],
        transactionalId: [],
        requires: ['topics', 'groups'],
        notes: ["--groups must cover the replicator's own consumer group and the application groups whose committed offsets it reads."],
      };
    case 'replicator-target':
      return {
        cluster: [A('Connect'), A('DescribeCluster'), A('WriteDataIdempotently')],
        // create the mirrored topics, add partitions, copy configs, write records
        topic: [
          A('CreateTopic'),
          A('DescribeTopic'),
          A('AlterTopic'),
          A('WriteData'),
          A('DescribeTopicDynamicConfiguration'),
          A('AlterTopicDynamicConfiguration'),
        ],
        // write the translated committed offsets of the application groups
        group: hasGroups ? [A('DescribeGroup'), A('AlterGroup')] : [],
        transactionalId: [],
        requires: ['topics'],
        notes: [
          'For mskctl replicate, add --flow-id FLOW: it grants the flow\'s own state on the target (its two internal topics, its group, its transactional ids) by exact name.',
          ...(hasGroups ? [] : ['No --groups given: the replicator cannot write translated consumer offsets on the target.']),
        ],
      };
  }
}

/**
 * `mskctl replicate` keeps its state on the target: two internal topics it creates, reads and writes, the group
 * its processes share the partitions through, and with --exactly-once one transactional id per process slot.
 * Named exactly (topics, group) or by the flow's prefix (transactional ids), nothing wider.
 */
function flowStateStatements(role: PolicyRole, cluster: ClusterRef, flowId: string, notes: string[]): PolicyStatement[] {
  if (role !== 'replicator-target') {
    notes.push(`--flow-id is used by --role replicator-target only; nothing was granted for it.`);
    return [];
  }
  validateFlowId(flowId);
  const topics = flowTopics(flowId);
  return [
    { Sid: 'ReplicatorStateTopics', Effect: 'Allow', Action: [A('CreateTopic'), A('DescribeTopic'), A('ReadData'), A('WriteData')], Resource: [topics.positions, topics.offsetMap].map((t) => resourceArn(cluster, 'topic', t)) },
    { Sid: 'ReplicatorGroup', Effect: 'Allow', Action: [A('DescribeGroup'), A('AlterGroup')], Resource: [resourceArn(cluster, 'group', flowGroupId(flowId))] },
    { Sid: 'ReplicatorTransactionalIds', Effect: 'Allow', Action: [A('DescribeTransactionalId'), A('AlterTransactionalId')], Resource: [resourceArn(cluster, 'transactional-id', flowTransactionalId(flowId, '*'))] },
  ];
}

const FLAG_OF = { topics: '--topics', groups: '--groups', transactionalIds: '--transactional-ids' } as const;

function validatePatterns(flag: string, patterns: string[], pattern: RegExp, expected: string): void {
  for (const value of patterns) {
    if (!pattern.test(value)) throw inputError({ path: flag }, `found ${JSON.stringify(value)}`, expected, 'INPUT_INVALID');
  }
}

function dedupe(values: string[]): string[] {
  return [...new Set(values)];
}

export function generatePolicy(request: PolicyRequest): GeneratedPolicy {
  const topics = dedupe(request.topics);
  const groups = dedupe(request.groups);
  const transactionalIds = dedupe(request.transactionalIds);
  validatePatterns('--topics', topics, TOPIC_PATTERN, 'topic names or patterns from letters, digits, . _ - and the wildcards * ?');
  validatePatterns('--groups', groups, ID_PATTERN, 'group ids or patterns without whitespace (wildcards * ?)');
  validatePatterns('--transactional-ids', transactionalIds, ID_PATTERN, 'transactional ids or patterns without whitespace (wildcards * ?)');

  const actions = actionsFor(request.role, groups.length > 0);
  const given = { topics, groups, transactionalIds };
  for (const needed of actions.requires) {
    if (given[needed].length === 0) {
      throw usageError(`--role ${request.role} needs ${FLAG_OF[needed]}`, `name the ${needed === 'transactionalIds' ? 'transactional ids' : needed} it uses, e.g. ${FLAG_OF[needed]} orders,payments or ${FLAG_OF[needed]} 'orders.*'`, 'INPUT_INVALID');
    }
  }

  const notes = [...actions.notes];
  const wide = [...topics, ...groups, ...transactionalIds].filter((p) => /^\*+$/.test(p));
  if (wide.length > 0) notes.push('A bare "*" pattern grants the actions on every resource of that type in the cluster; prefer a prefix such as orders.*');

  const statements: PolicyStatement[] = [
    { Sid: 'Cluster', Effect: 'Allow', Action: actions.cluster, Resource: [clusterArn(request.cluster)] },
  ];
  if (actions.topic.length > 0) {
    statements.push({ Sid: 'Topics', Effect: 'Allow', Action: actions.topic, Resource: topics.map((t) => resourceArn(request.cluster, 'topic', t)) });
  }
  if (actions.group.length > 0 && groups.length > 0) {
    statements.push({ Sid: 'Groups', Effect: 'Allow', Action: actions.group, Resource: groups.map((g) => resourceArn(request.cluster, 'group', g)) });
  } else if (groups.length > 0) {
    notes.push(`--groups is not used by --role ${request.role}; no group permissions were granted.`);
  }
  if (request.flowId !== undefined) statements.push(...flowStateStatements(request.role, request.cluster, request.flowId, notes));
  if (actions.transactionalId.length > 0) {
    statements.push({
      Sid: 'TransactionalIds',
      Effect: 'Allow',
      Action: actions.transactionalId,
      Resource: transactionalIds.map((id) => resourceArn(request.cluster, 'transactional-id', id)),
    });
  } else if (transactionalIds.length > 0) {
    notes.push(`--transactional-ids is not used by --role ${request.role}; no transactional-id permissions were granted.`);
  }
  return { policy: { Version: '2012-10-17', Statement: statements }, notes };
}

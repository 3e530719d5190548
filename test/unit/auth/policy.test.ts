import { describe, expect, it } from 'vitest';
import {
  clusterArn,
  clusterFromParts,
  generatePolicy,
  parseClusterArn,
  POLICY_ROLES,
  type PolicyDocument,
  type PolicyRole,
} from '../../../src/auth/policy.js';
import { MskctlError } from '../../../src/output/errors.js';

const ARN = 'arn:aws:kafka:eu-west-1:123456789012:cluster/orders/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5';
const CLUSTER = parseClusterArn(ARN);
const PREFIX = 'arn:aws:kafka:eu-west-1:123456789012';
const SCOPE = 'orders/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5';

function policyFor(role: PolicyRole, extra: { topics?: string[]; groups?: string[]; transactionalIds?: string[] } = {}): PolicyDocument {
  return generatePolicy({
    role,
    cluster: CLUSTER,
    topics: extra.topics ?? ['orders.*'],
    groups: extra.groups ?? ['billing'],
    transactionalIds: extra.transactionalIds ?? ['billing-tx-*'],
  }).policy;
}

/** Every (action, resource) pair the policy allows. */
function grants(policy: PolicyDocument): Array<[string, string]> {
  return policy.Statement.flatMap((s) => s.Action.flatMap((a) => s.Resource.map((r) => [a, r] as [string, string])));
}

function allows(policy: PolicyDocument, action: string, resource: string): boolean {
  return grants(policy).some(([a, r]) => a === `kafka-cluster:${action}` && r === resource);
}

function actionsOf(policy: PolicyDocument): Set<string> {
  return new Set(policy.Statement.flatMap((s) => s.Action));
}

const topicArn = (name: string): string => `${PREFIX}:topic/${SCOPE}/${name}`;
const groupArn = (name: string): string => `${PREFIX}:group/${SCOPE}/${name}`;
const txArn = (name: string): string => `${PREFIX}:transactional-id/${SCOPE}/${name}`;

describe('generatePolicy: what each role may do', () => {
  it('a consumer gets AlterGroup on its group, ReadData on its topics, and nothing to write', () => {
    const policy = policyFor('consumer');
    expect(allows(policy, 'Connect', ARN)).toBe(true);
    expect(allows(policy, 'AlterGroup', groupArn('billing'))).toBe(true);
    expect(allows(policy, 'DescribeGroup', groupArn('billing'))).toBe(true);
    expect(allows(policy, 'ReadData', topicArn('orders.*'))).toBe(true);
    expect(allows(policy, 'DescribeTopic', topicArn('orders.*'))).toBe(true);
    expect(actionsOf(policy)).not.toContain('kafka-cluster:WriteData');
    expect(grants(policy)).toHaveLength(5);
  });

  it('a producer writes but cannot read, and only the idempotent kinds get WriteDataIdempotently on the cluster', () => {
    const plain = policyFor('producer');
    expect(allows(plain, 'WriteData', topicArn('orders.*'))).toBe(true);
    expect(actionsOf(plain)).not.toContain('kafka-cluster:ReadData');
    expect(actionsOf(plain)).not.toContain('kafka-cluster:WriteDataIdempotently');
    expect(actionsOf(plain)).not.toContain('kafka-cluster:AlterGroup');

    const idempotent = policyFor('idempotent-producer');
    expect(allows(idempotent, 'WriteDataIdempotently', ARN)).toBe(true);
    expect(actionsOf(idempotent)).not.toContain('kafka-cluster:ReadData');
  });

  it('a transactional producer gets its transactional ids, and its group only when named', () => {
    const withGroup = policyFor('transactional-producer');
    expect(allows(withGroup, 'DescribeTransactionalId', txArn('billing-tx-*'))).toBe(true);
    expect(allows(withGroup, 'AlterTransactionalId', txArn('billing-tx-*'))).toBe(true);
    expect(allows(withGroup, 'WriteDataIdempotently', ARN)).toBe(true);
    expect(allows(withGroup, 'AlterGroup', groupArn('billing'))).toBe(true);
    expect(actionsOf(withGroup)).not.toContain('kafka-cluster:ReadData');

    const withoutGroup = generatePolicy({ role: 'transactional-producer', cluster: CLUSTER, topics: ['orders'], groups: [], transactionalIds: ['tx'] });
    expect(actionsOf(withoutGroup.policy)).not.toContain('kafka-cluster:AlterGroup');
    expect(withoutGroup.notes.join(' ')).toMatch(/--groups/);
  });

  it('an admin manages topics and configs but has no data access', () => {
    const policy = policyFor('admin');
    for (const action of ['CreateTopic', 'AlterTopic', 'DeleteTopic', 'DescribeTopicDynamicConfiguration', 'AlterTopicDynamicConfiguration']) {
      expect(allows(policy, action, topicArn('orders.*'))).toBe(true);
    }
    expect(allows(policy, 'DeleteGroup', groupArn('billing'))).toBe(true);
    expect(actionsOf(policy)).not.toContain('kafka-cluster:ReadData');
    expect(actionsOf(policy)).not.toContain('kafka-cluster:WriteData');
  });

  it('the replicator reads on the source and writes on the target, never the other way round', () => {
    const source = policyFor('replicator-source');
    expect(allows(source, 'ReadData', topicArn('orders.*'))).toBe(true);
    expect(allows(source, 'DescribeTopicDynamicConfiguration', topicArn('orders.*'))).toBe(true);
    expect(actionsOf(source)).not.toContain('kafka-cluster:WriteData');
    expect(actionsOf(source)).not.toContain('kafka-cluster:AlterTopicDynamicConfiguration');
    expect(actionsOf(source)).not.toContain('kafka-cluster:CreateTopic');

    const target = policyFor('replicator-target');
    expect(allows(target, 'WriteData', topicArn('orders.*'))).toBe(true);
    expect(allows(target, 'CreateTopic', topicArn('orders.*'))).toBe(true);
    expect(allows(target, 'AlterTopicDynamicConfiguration', topicArn('orders.*'))).toBe(true);
    expect(allows(target, 'AlterGroup', groupArn('billing'))).toBe(true);
    expect(actionsOf(target)).not.toContain('kafka-cluster:ReadData');
  });

  it('DynamicConfiguration actions appear only for roles that manage or mirror configs', () => {
    for (const role of ['producer', 'idempotent-producer', 'transactional-producer', 'consumer'] as const) {
      expect([...actionsOf(policyFor(role))].filter((a) => a.includes('DynamicConfiguration'))).toEqual([]);
    }
  });

  for (const role of POLICY_ROLES) {
    it(`${role}: no wildcard actions, only kafka-cluster actions, every resource scoped to this cluster and its type`, () => {
      const policy = policyFor(role);
      expect(policy.Version).toBe('2012-10-17');
      for (const statement of policy.Statement) {
        expect(statement.Effect).toBe('Allow');
        for (const action of statement.Action) {
          expect(action).toMatch(/^kafka-cluster:[A-Z][A-Za-z]+$/);
          expect(action).not.toContain('*');
        }
        const type = { Cluster: 'cluster', Topics: 'topic', Groups: 'group', TransactionalIds: 'transactional-id' }[statement.Sid];
        expect(type).toBeDefined();
        for (const resource of statement.Resource) {
          expect(resource.startsWith(`${PREFIX}:${type}/${SCOPE}`)).toBe(true);
        }
      }
      // Connect is on the cluster ARN and only there
      expect(grants(policy).filter(([a]) => a === 'kafka-cluster:Connect')).toEqual([['kafka-cluster:Connect', ARN]]);
    });
  }

  it('keeps every topic pattern, once', () => {
    const policy = policyFor('consumer', { topics: ['a', 'b.*', 'a'] });
    expect(policy.Statement.find((s) => s.Sid === 'Topics')!.Resource).toEqual([topicArn('a'), topicArn('b.*')]);
  });

  it('warns about a bare * pattern and about patterns the role does not use', () => {
    const result = generatePolicy({ role: 'producer', cluster: CLUSTER, topics: ['*'], groups: ['g'], transactionalIds: [] });
    expect(result.notes.join('\n')).toMatch(/bare "\*"/);
    expect(result.notes.join('\n')).toMatch(/--groups is not used by --role producer/);
    expect(actionsOf(result.policy)).not.toContain('kafka-cluster:AlterGroup');
  });
});

function inputErrorOf(fn: () => unknown): MskctlError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MskctlError) return error;
    throw error;
  }
  throw new Error('expected an MskctlError');
}

describe('cluster ARNs and patterns', () => {
  it('parses a cluster ARN, and builds the same one from its parts', () => {
    expect(CLUSTER).toEqual({ partition: 'aws', region: 'eu-west-1', account: '123456789012', clusterName: 'orders', clusterUuid: '6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5' });
    expect(clusterArn(clusterFromParts({ region: 'eu-west-1', account: '123456789012', clusterName: 'orders', clusterUuid: '6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5' }))).toBe(ARN);
    expect(parseClusterArn('arn:aws-cn:kafka:cn-north-1:123456789012:cluster/c/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-s1').partition).toBe('aws-cn');
  });

  for (const [label, arn, detail] of [
    ['a topic ARN', `${PREFIX}:topic/${SCOPE}/orders`, /names a topic/],
    ['no UUID', `${PREFIX}:cluster/orders`, /UUID is missing/],
    ['an 11-digit account', 'arn:aws:kafka:eu-west-1:12345678901:cluster/orders/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5', /not an MSK cluster ARN/],
    ['the wrong service', 'arn:aws:kafka-cluster:eu-west-1:123456789012:cluster/orders/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5', /not an MSK cluster ARN/],
    ['a partition that does not match the region', 'arn:aws:kafka:cn-north-1:123456789012:cluster/orders/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5', /partition aws does not match/],
  ] as const) {
    it(`rejects ${label} with exit 2 and the expected form`, () => {
      const error = inputErrorOf(() => parseClusterArn(arn));
      expect(error.exitCode).toBe(2);
      expect(error.message).toMatch(/^--cluster-arn: /);
      expect(error.message).toMatch(detail);
      expect(error.hint).toMatch(/^expected arn:aws/);
    });
  }

  it('names every missing part of a cluster given by parts', () => {
    const error = inputErrorOf(() => clusterFromParts({ region: 'eu-west-1', clusterName: 'orders' }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('--account, --cluster-uuid');
  });

  it('rejects malformed topic patterns and missing required patterns', () => {
    const badTopic = inputErrorOf(() => generatePolicy({ role: 'producer', cluster: CLUSTER, topics: ['orders/eu'], groups: [], transactionalIds: [] }));
    expect(badTopic.exitCode).toBe(2);
    expect(badTopic.message).toBe('--topics: found "orders/eu"');
    const noGroups = inputErrorOf(() => generatePolicy({ role: 'consumer', cluster: CLUSTER, topics: ['orders'], groups: [], transactionalIds: [] }));
    expect(noGroups.message).toBe('--role consumer needs --groups');
    const noTx = inputErrorOf(() => generatePolicy({ role: 'transactional-producer', cluster: CLUSTER, topics: ['orders'], groups: [], transactionalIds: [] }));
    expect(noTx.message).toBe('--role transactional-producer needs --transactional-ids');
  });
});

describe('replicator-target --flow-id: the state mskctl replicate keeps on the target', () => {
  const withFlow = (role: PolicyRole, flowId: string) => generatePolicy({ role, cluster: CLUSTER, topics: ['orders.*'], groups: ['billing'], transactionalIds: [], flowId });

  it('grants its two internal topics, its group and its transactional ids by exact name, nothing wider', () => {
    const { policy } = withFlow('replicator-target', 'orders');
    for (const action of ['CreateTopic', 'ReadData', 'WriteData', 'DescribeTopic']) {
      expect(allows(policy, action, `${PREFIX}:topic/${SCOPE}/mskctl.orders.positions`)).toBe(true);
      expect(allows(policy, action, `${PREFIX}:topic/${SCOPE}/mskctl.orders.offset-map`)).toBe(true);
    }
    // reading stays limited to the state topics: the mirrored topics are write-only
    expect(allows(policy, 'ReadData', `${PREFIX}:topic/${SCOPE}/orders.*`)).toBe(false);
    expect(allows(policy, 'AlterGroup', `${PREFIX}:group/${SCOPE}/mskctl.orders`)).toBe(true);
    expect(allows(policy, 'AlterTransactionalId', `${PREFIX}:transactional-id/${SCOPE}/mskctl.orders.*`)).toBe(true);
    expect(grants(policy).filter(([, r]) => r.includes('mskctl.')).every(([, r]) => r.includes('mskctl.orders'))).toBe(true);
  });

  it('is refused for a flow id replicate would refuse, and ignored (with a note) by other roles', () => {
    expect(() => withFlow('replicator-target', 'bad flow')).toThrow(MskctlError);
    const other = withFlow('replicator-source', 'orders');
    expect(grants(other.policy).some(([, r]) => r.includes('mskctl.orders'))).toBe(false);
    expect(other.notes.join(' ')).toMatch(/--flow-id is used by --role replicator-target only/);
  });
});

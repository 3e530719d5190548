import { describe, expect, it } from 'vitest';
import { parseClusterArn } from '../../../src/vpc/arn.js';
import { MskctlError } from '../../../src/output/errors.js';
import {
  diffPolicies,
  evaluateAccess,
  formatPolicyChanges,
  generateClusterPolicy,
  validatePolicyDocument,
  type GeneratePolicyOptions,
  type PolicyDocument,
} from '../../../src/vpc/cluster-policy.js';

const ARN = 'arn:aws:kafka:us-east-1:111122223333:cluster/orders/0a1b2c3d-1111-2222-3333-444455556666-2';
const cluster = parseClusterArn(ARN);
const base: GeneratePolicyOptions = { cluster, accounts: [], principals: [], dataPlane: [], topics: [], groups: [], transactionalIds: [] };
const gen = (options: Partial<GeneratePolicyOptions>): PolicyDocument => generateClusterPolicy({ ...base, ...options }).policy;

describe('generateClusterPolicy', () => {
  it('basic form: the four control-plane actions for the accounts, on the cluster only', () => {
    const policy = gen({ accounts: ['444455556666'] });
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'MskctlVpcConnectivity',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::444455556666:root' },
          Action: ['kafka:CreateVpcConnection', 'kafka:GetBootstrapBrokers', 'kafka:DescribeCluster', 'kafka:DescribeClusterV2'],
          Resource: ARN,
        },
      ],
    });
  });

  it('advanced form: roles as principals and data-plane actions on topic and group ARNs', () => {
    const policy = gen({ principals: ['arn:aws:iam::444455556666:role/orders-app'], dataPlane: ['consumer'], topics: ['orders', 'payments-*'], groups: ['orders-svc'] });
    const bySid = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
    expect(bySid.MskctlDataPlaneCluster).toMatchObject({ Action: ['kafka-cluster:Connect'], Resource: ARN, Principal: { AWS: 'arn:aws:iam::444455556666:role/orders-app' } });
    expect(bySid.MskctlDataPlaneTopics).toMatchObject({
      Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
      Resource: [
        'arn:aws:kafka:us-east-1:111122223333:topic/orders/0a1b2c3d-1111-2222-3333-444455556666-2/orders',
        'arn:aws:kafka:us-east-1:111122223333:topic/orders/0a1b2c3d-1111-2222-3333-444455556666-2/payments-*',
      ],
    });
    expect(bySid.MskctlDataPlaneGroups).toMatchObject({
      Action: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
      Resource: 'arn:aws:kafka:us-east-1:111122223333:group/orders/0a1b2c3d-1111-2222-3333-444455556666-2/orders-svc',
    });
  });

  it('a producer gets no read or group actions (least privilege)', () => {
    const policy = gen({ accounts: ['444455556666'], dataPlane: ['producer'], topics: ['orders'] });
    const actions = policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions).toContain('kafka-cluster:WriteData');
    expect(actions).not.toContain('kafka-cluster:ReadData');
    expect(actions.some((a) => String(a).includes('Group'))).toBe(false);
    expect(actions.some((a) => String(a).endsWith('*'))).toBe(false);
  });

  it('reuses the auth policy roles: several roles merge per resource type; their notes are returned', () => {
    const { policy, notes } = generateClusterPolicy({ ...base, accounts: ['444455556666'], dataPlane: ['idempotent-producer', 'consumer'], topics: ['orders'], groups: ['billing'] });
    const bySid = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
    expect(bySid.MskctlDataPlaneCluster!.Action).toEqual(['kafka-cluster:Connect', 'kafka-cluster:WriteDataIdempotently']);
    expect(bySid.MskctlDataPlaneTopics!.Action).toEqual(['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData', 'kafka-cluster:ReadData']);
    expect(bySid.MskctlDataPlaneTopics!.Resource).toBe('arn:aws:kafka:us-east-1:111122223333:topic/orders/0a1b2c3d-1111-2222-3333-444455556666-2/orders');
    expect(notes).toEqual([]);
    expect(generateClusterPolicy({ ...base, accounts: ['444455556666'], dataPlane: ['producer'], topics: ['*'] }).notes.join(' ')).toMatch(/idempotent|"\*"/);
    // the auth generator's own input rules apply: a consumer needs groups
    expect(() => gen({ accounts: ['444455556666'], dataPlane: ['consumer'], topics: ['orders'] })).toThrow(/needs --groups/);
  });

  it('rejects bad accounts and principals, and an empty principal list', () => {
    expect(() => gen({ accounts: ['12345'] })).toThrow(MskctlError);
    expect(() => gen({ principals: ['arn:aws:iam::444455556666:group/devs'] })).toThrow(/not an IAM role or user ARN/);
    expect(() => gen({})).toThrow(/no account or principal/);
  });
});

describe('validatePolicyDocument', () => {
  it('accepts a generated policy and a single statement object', () => {
    const generated = gen({ accounts: ['444455556666'] });
    expect(validatePolicyDocument(generated)).toEqual(generated);
    const single = validatePolicyDocument({ Version: '2012-10-17', Statement: generated.Statement[0] });
    expect(single.Statement).toHaveLength(1);
  });

  it('names the field and line of a problem', () => {
    const lineOf = (path: Array<string | number>): number => path.length + 10;
    try {
      validatePolicyDocument({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 7 }] }, 'p.json', lineOf);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MskctlError);
      expect((error as MskctlError).exitCode).toBe(2);
      expect((error as MskctlError).message).toBe('p.json:13 Statement.0.Action: Action must be a string or a list of strings');
    }
    expect(() => validatePolicyDocument({ Statement: [] })).toThrow(/no Statement/);
    expect(() => validatePolicyDocument({ Statement: [{ Effect: 'Allow', Action: 'kafka:*' }] })).toThrow(/needs a Principal/);
    expect(() => validatePolicyDocument({ Version: '2020-01-01', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*' }] })).toThrow(/Version/);
  });
});

describe('evaluateAccess', () => {
  const query = { account: '444455556666', callerArn: 'arn:aws:sts::444455556666:assumed-role/orders-app/session-1', action: 'kafka:CreateVpcConnection', resource: ARN };
  const policy = (statements: PolicyDocument['Statement']): PolicyDocument => ({ Version: '2012-10-17', Statement: statements });

  it('allows through the account root, the bare account ID, "*" and action wildcards', () => {
    for (const principal of [{ AWS: 'arn:aws:iam::444455556666:root' }, { AWS: '444455556666' }, '*', { AWS: '*' }]) {
      expect(evaluateAccess(policy([{ Effect: 'Allow', Principal: principal, Action: 'kafka:Create*', Resource: ARN }]), query).decision).toBe('allowed');
    }
    expect(evaluateAccess(policy([{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }]), query).decision).toBe('allowed');
  });

  it('matches a role principal to the caller\'s assumed-role session', () => {
    const p = policy([{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:role/orders-app' }, Action: 'kafka:CreateVpcConnection', Resource: ARN }]);
    expect(evaluateAccess(p, query).decision).toBe('allowed');
    expect(evaluateAccess(p, { ...query, callerArn: 'arn:aws:sts::444455556666:assumed-role/other-role/s' }).decision).toBe('other-principals');
  });

  it('is not allowed for another account, another action or another cluster', () => {
    const root = { AWS: 'arn:aws:iam::444455556666:root' };
    expect(evaluateAccess(policy([{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::777788889999:root' }, Action: 'kafka:*', Resource: ARN }]), query).decision).toBe('not-allowed');
    expect(evaluateAccess(policy([{ Effect: 'Allow', Principal: root, Action: 'kafka:GetBootstrapBrokers', Resource: ARN }]), query).decision).toBe('not-allowed');
    expect(evaluateAccess(policy([{ Effect: 'Allow', Principal: root, Action: 'kafka:*', Resource: ARN.replace('orders', 'payments') }]), query).decision).toBe('not-allowed');
  });

  it('an explicit Deny wins, and conditions are reported', () => {
    const root = { AWS: 'arn:aws:iam::444455556666:root' };
    expect(
      evaluateAccess(policy([{ Effect: 'Allow', Principal: root, Action: 'kafka:*', Resource: ARN }, { Effect: 'Deny', Principal: '*', Action: 'kafka:CreateVpcConnection', Resource: '*' }]), query).decision,
    ).toBe('denied');
    const conditional = evaluateAccess(policy([{ Effect: 'Allow', Principal: root, Action: 'kafka:*', Resource: ARN, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } } }]), query);
    expect(conditional).toMatchObject({ decision: 'allowed', conditional: true });
  });
});

describe('diffPolicies', () => {
  const one = gen({ accounts: ['444455556666'] });
  it('is empty for equal policies, whatever the order of list items', () => {
    const reordered = structuredClone(one);
    (reordered.Statement[0]!.Action as string[]).reverse();
    expect(diffPolicies(one, reordered)).toEqual([]);
  });

  it('shows added principals and removed actions of a statement by Sid', () => {
    const changed = gen({ accounts: ['444455556666', '777788889999'] });
    (changed.Statement[0]!.Action as string[]).pop();
    const changes = diffPolicies(one, changed);
    expect(changes).toEqual([
      { kind: 'change', statement: 'Sid MskctlVpcConnectivity', field: 'Principal', added: ['arn:aws:iam::777788889999:root'], removed: [] },
      { kind: 'change', statement: 'Sid MskctlVpcConnectivity', field: 'Action', added: [], removed: ['kafka:DescribeClusterV2'] },
    ]);
    expect(formatPolicyChanges(changes)).toEqual([
      '~ statement Sid MskctlVpcConnectivity: Principal + arn:aws:iam::777788889999:root',
      '~ statement Sid MskctlVpcConnectivity: Action - kafka:DescribeClusterV2',
    ]);
  });

  it('treats everything as added when there is no current policy, and shows removed statements', () => {
    const advanced = gen({ accounts: ['444455556666'], dataPlane: ['producer'], topics: ['orders'] });
    expect(diffPolicies(undefined, one).map((c) => c.kind)).toEqual(['add']);
    expect(diffPolicies(advanced, one).filter((c) => c.kind === 'remove').map((c) => c.statement)).toEqual(['Sid MskctlDataPlaneCluster', 'Sid MskctlDataPlaneTopics']);
  });
});

import { describe, expect, it } from 'vitest';
import { planSplit, topicRegex, type PlannedCluster, type SplitPlan } from '../../../src/split/plan.js';
import { app, group, inventory, limitsWith, MB, topic } from './helpers.js';

function usage(c: PlannedCluster, dimension: string): number {
  return c.usage.find((u) => u.dimension === dimension)!.value;
}

function byName(plan: SplitPlan, name: string): PlannedCluster {
  const c = plan.clusters.find((x) => x.name === name);
  if (!c) throw new Error(`no cluster ${name} in ${plan.clusters.map((x) => x.name).join(', ')}`);
  return c;
}

describe('segregated strategy', () => {
  it('gives each team its own cluster when the team fits one', () => {
    const inv = inventory(
      [app('checkout', 'commerce', { produces: ['orders'] }), app('billing', 'finance', { produces: ['invoices'] })],
      [topic('orders', 10 * MB, 12), topic('invoices', 2 * MB, 6)],
      [group('billing-orders', 'billing', ['orders'])],
    );
    const plan = planSplit(inv, { strategy: 'segregated', groupBy: 'team', headroom: 0.8, limits: limitsWith() });
    expect(plan.clusters.map((c) => [c.name, c.type, c.topics])).toEqual([
      ['commerce', 'serverless', ['orders']],
      ['finance', 'serverless', ['invoices']],
    ]);
    // egress = ingress × the groups that read the topic
    expect(usage(byName(plan, 'commerce'), 'egress')).toBe(10 * MB);
    expect(usage(byName(plan, 'finance'), 'egress')).toBe(0);
    expect(plan.assignments).toEqual({ orders: 'commerce', invoices: 'finance' });
    expect(plan.feasible).toBe(true);
  });

  it('splits a team that exceeds one cluster along topic boundaries, never over a quota', () => {
    // 5 topics of 50 MB/s against 200 MB/s × 0.8 = 160 MB/s: three fit one cluster, so two clusters
    const topics = [1, 2, 3, 4, 5].map((i) => topic(`t${i}`, 50 * MB, 12));
    const inv = inventory([app('big', 'data', { produces: topics.map((t) => t.name) })], topics);
    const plan = planSplit(inv, { strategy: 'segregated', groupBy: 'team', headroom: 0.8, limits: limitsWith({ ingress: 200 * MB }) });
    expect(plan.clusters.map((c) => c.name)).toEqual(['data-1', 'data-2']);
    for (const c of plan.clusters) expect(usage(c, 'ingress')).toBeLessThanOrEqual(160 * MB);
    expect(plan.clusters.flatMap((c) => c.topics).sort()).toEqual(['t1', 't2', 't3', 't4', 't5']);
    expect(plan.lowerBound.serverlessClusters).toBe(2);
    expect(plan.lowerBound.byDimension.ingress).toBe(2);
  });

  it('counts a consumer group once per cluster, however many of its topics are there', () => {
    // 6 topics, each read by the same 3 groups: 3 groups in one cluster, not 18
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const inv = inventory(
      [app('p', 'team', { produces: names }), app('c', 'team')],
      names.map((n) => topic(n, 1 * MB, 3)),
      [group('g1', 'c', names), group('g2', 'c', names), group('g3', 'c', names)],
    );
    const plan = planSplit(inv, { strategy: 'segregated', groupBy: 'team', headroom: 1, limits: limitsWith({ consumerGroups: 4 }) });
    expect(plan.clusters).toHaveLength(1);
    expect(usage(plan.clusters[0]!, 'consumerGroups')).toBe(3);
  });

  it('packs by the consumer-group dimension when groups are what is scarce', () => {
    // 8 topics, each with its own 2 groups; 5 groups per cluster → at most 2 topics per cluster → 4 clusters
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const inv = inventory(
      [app('p', 'team', { produces: names })],
      names.map((n) => topic(n, 1 * MB, 3)),
      names.flatMap((n) => [group(`${n}-1`, 'p', [n]), group(`${n}-2`, 'p', [n])]),
    );
    const plan = planSplit(inv, { strategy: 'segregated', groupBy: 'team', headroom: 1, limits: limitsWith({ consumerGroups: 5 }) });
    expect(plan.serverlessClusters).toBe(4);
    expect(plan.lowerBound.byDimension.consumerGroups).toBe(4);
    for (const c of plan.clusters) expect(usage(c, 'consumerGroups')).toBeLessThanOrEqual(5);
  });

  it('counts an application\'s connections once per cluster it connects to', () => {
    const inv = inventory(
      [app('p', 'team', { produces: ['a', 'b'], connections: 700 }), app('q', 'team', { produces: ['c'], connections: 700 })],
      [topic('a', 1 * MB, 3), topic('b', 1 * MB, 3), topic('c', 1 * MB, 3)],
    );
    const plan = planSplit(inv, { strategy: 'segregated', groupBy: 'team', headroom: 1, limits: limitsWith({ connections: 1000 }) });
    expect(plan.serverlessClusters).toBe(2);
    const withP = plan.clusters.find((c) => c.applications.includes('p'))!;
    expect(withP.topics).toEqual(['a', 'b']);
    expect(usage(withP, 'connections')).toBe(700);
  });

  it('keeps compacted partitions within their own quota', () => {
    const names = ['s1', 's2', 's3'];
    const inv = inventory([app('p', 'team', { produces: names })], names.map((n) => topic(n, 1 * MB, 50, { compacted: true })));
    const plan = planSplit(inv, { strategy: 'segregated', groupBy: 'team', headroom: 0.8, limits: limitsWith() });
    // 120 × 0.8 = 96 compacted partitions per cluster: 50 + 50 does not fit
    expect(plan.serverlessClusters).toBe(3);
    for (const c of plan.clusters) expect(usage(c, 'compactedPartitions')).toBeLessThanOrEqual(96);
  });

  it('groups by latency and by data class', () => {
    const inv = inventory(
      [
        app('fast', 'a', { latency: 'time-sensitive', dataClass: 'pii', produces: ['x'] }),
        app('slow', 'a', { produces: ['y'] }),
        app('reader', 'b', { latency: 'time-sensitive' }),
      ],
      [topic('x', 1 * MB, 3), topic('y', 1 * MB, 3), topic('z', 1 * MB, 3, { owner: 'slow', dataClass: 'public' })],
      [group('r', 'reader', ['y'])],
    );
    const latency = planSplit(inv, { strategy: 'segregated', groupBy: 'latency', headroom: 0.8, limits: limitsWith() });
    // y is read by a time-sensitive application: it belongs with the time-sensitive topics
    expect(latency.assignments).toEqual({ x: 'time-sensitive', y: 'time-sensitive', z: 'batch' });
    const dataClass = planSplit(inv, { strategy: 'segregated', groupBy: 'data-class', headroom: 0.8, limits: limitsWith() });
    expect(dataClass.assignments).toEqual({ x: 'pii', y: 'internal', z: 'public' });
  });
});

describe('Provisioned fallback', () => {
  const inv = inventory(
    [
      app('docs', 'content', { produces: ['documents'] }),
      app('legacy', 'ops', { needsZookeeper: true, produces: ['zk-state'] }),
      app('tuned', 'ops', { needsBrokerConfig: true, produces: ['tuned-topic'] }),
      app('old-client', 'ops', { auth: ['scram'] }),
      app('firehose', 'data', { produces: ['firehose'] }),
      app('fine', 'data', { produces: ['ok', 'shared'] }),
    ],
    [
      topic('documents', 1 * MB, 6, { maxMessageBytes: 12 * 1024 * 1024 }),
      topic('zk-state', 1 * MB, 3),
      topic('tuned-topic', 1 * MB, 3),
      topic('firehose', 180 * MB, 48),
      topic('ok', 1 * MB, 3),
      topic('shared', 1 * MB, 3),
    ],
    [group('old-client-reads', 'old-client', ['shared'])],
  );
  const plan = planSplit(inv, { strategy: 'segregated', groupBy: 'team', headroom: 0.8, limits: limitsWith() });

  it('sends what Serverless cannot hold to Provisioned clusters, with the reason', () => {
    const reasons = Object.fromEntries(plan.clusters.filter((c) => c.type === 'provisioned').flatMap((c) => (c.reasons ?? []).map((r) => [r.topic, r.reason])));
    expect(reasons.documents).toMatch(/largest message 12 MiB is over the Serverless maximum of 8 MiB/);
    expect(reasons['zk-state']).toMatch(/legacy needs ZooKeeper/);
    expect(reasons['tuned-topic']).toMatch(/tuned needs broker-level configuration/);
    expect(reasons.shared).toMatch(/old-client cannot use IAM \(it uses scram\)/);
    expect(reasons.firehose).toMatch(/alone needs 180 MB\/s of ingress/);
    expect(plan.assignments.ok).toBe('data');
  });

  it('sizes each Provisioned cluster with the sizing module', () => {
    const data = byName(plan, 'data-provisioned');
    expect(data.topics).toEqual(['firehose', 'shared']);
    expect(data.sizing?.feasible).toBe(true);
    expect(data.sizing?.brokers).toBeGreaterThanOrEqual(3);
    expect((data.sizing?.brokers ?? 1) % 3).toBe(0);
    expect(data.sizing?.summary).toMatch(/kafka\.m/);
    expect(data.usage.every((u) => u.limit === null && u.utilisation === null)).toBe(true);
  });

  it('marks the plan infeasible when a Provisioned cluster cannot be sized', () => {
    const huge = inventory([app('p', 't', { produces: ['x'] })], [topic('x', 20_000 * MB, 6000, { maxMessageBytes: 10 * 1024 * 1024 })], [group('g', 'p', ['x']), group('h', 'p', ['x'])]);
    const result = planSplit(huge, { strategy: 'segregated', groupBy: 'team', headroom: 0.8, limits: limitsWith() });
    expect(result.feasible).toBe(false);
    expect(result.problems[0]).toMatch(/Provisioned cluster t-provisioned/);
  });
});

describe('write-read strategy', () => {
  const inv = inventory(
    [
      app('checkout', 'commerce', { produces: ['orders', 'carts'], connections: 10 }),
      app('accounts', 'identity', { dataClass: 'pii', produces: ['customers'], connections: 5 }),
      app('fulfilment', 'logistics', { latency: 'time-sensitive', connections: 7 }),
      app('warehouse-report', 'analytics', { connections: 3 }),
      app('crm', 'marketing', { latency: 'time-sensitive', connections: 4 }),
    ],
    [topic('orders', 10 * MB, 12), topic('carts', 1 * MB, 6), topic('customers', 2 * MB, 6, { dataClass: 'pii' })],
    [
      group('fulfilment-orders', 'fulfilment', ['orders']),
      group('report', 'warehouse-report', ['orders', 'carts']),
      group('crm-customers', 'crm', ['customers', 'orders']),
    ],
  );
  const plan = planSplit(inv, { strategy: 'write-read', groupBy: 'team', headroom: 0.8, limits: limitsWith() });

  it('puts the producers on write clusters and the consumers on read clusters per class', () => {
    expect(plan.clusters.map((c) => [c.name, c.role])).toEqual([
      ['write-commerce', 'write'],
      ['write-identity', 'write'],
      ['read-batch-non-pii', 'read'],
      ['read-time-sensitive-non-pii', 'read'],
      ['read-time-sensitive-pii', 'read'],
    ]);
    expect(byName(plan, 'read-time-sensitive-pii').consumerGroups).toEqual(['crm-customers']);
    expect(byName(plan, 'read-time-sensitive-pii').topics).toEqual(['customers', 'orders']);
    expect(byName(plan, 'read-batch-non-pii').topics).toEqual(['carts', 'orders']);
  });

  it('counts replication in the write cluster egress and the read cluster ingress', () => {
    // orders is read by three classes → three flows out of write-commerce; carts by one
    expect(usage(byName(plan, 'write-commerce'), 'egress')).toBe(3 * 10 * MB + 1 * MB);
    expect(usage(byName(plan, 'write-commerce'), 'ingress')).toBe(11 * MB);
    expect(usage(byName(plan, 'read-batch-non-pii'), 'ingress')).toBe(11 * MB);
    expect(usage(byName(plan, 'read-time-sensitive-pii'), 'ingress')).toBe(12 * MB);
    const permanent = plan.flows.filter((f) => f.kind === 'permanent');
    expect(permanent.map((f) => [f.from, f.to, f.topics, f.bytesPerSecond])).toEqual([
      ['write-commerce', 'read-batch-non-pii', ['carts', 'orders'], 11 * MB],
      ['write-commerce', 'read-time-sensitive-non-pii', ['orders'], 10 * MB],
      ['write-commerce', 'read-time-sensitive-pii', ['orders'], 10 * MB],
      ['write-identity', 'read-time-sensitive-pii', ['customers'], 2 * MB],
    ]);
    // producers connect to write clusters, consumers to read clusters
    expect(byName(plan, 'write-commerce').applications).toEqual(['checkout']);
    expect(usage(byName(plan, 'read-time-sensitive-non-pii'), 'connections')).toBe(7);
  });

  it('orders the migration: clusters, feeds, consumers to read clusters, then producers', () => {
    const actions = plan.steps.map((s) => s.command);
    const firstConsumerCutover = actions.findIndex((c) => c.includes('cutover plan') && c.includes('read-'));
    const firstProducerCutover = actions.findIndex((c) => c.includes('cutover plan') && c.includes('write-'));
    const lastReplicate = actions.map((c, i) => (c.startsWith('mskctl replicate --source') && !c.includes('--dry-run') ? i : -1)).reduce((a, b) => Math.max(a, b));
    expect(lastReplicate).toBeLessThan(firstConsumerCutover);
    expect(firstConsumerCutover).toBeLessThan(firstProducerCutover);
    // the monolith → write flows stop after the producers moved; the write → read flows are never stopped
    const stops = actions.filter((c) => c.startsWith('mskctl replicate stop'));
    expect(stops).toEqual(['mskctl replicate stop --target "$WRITE_COMMERCE_BOOTSTRAP" --flow-id monolith-to-write-commerce', 'mskctl replicate stop --target "$WRITE_IDENTITY_BOOTSTRAP" --flow-id monolith-to-write-identity']);
    expect(actions.indexOf(stops[0]!)).toBeGreaterThan(firstProducerCutover);
    expect(plan.steps.map((s) => s.order)).toEqual(plan.steps.map((_, i) => i + 1));
    expect(plan.risks.some((r) => r.kind === 'chained-replication')).toBe(true);
  });
});

describe('risks', () => {
  it('names an application that reads from two clusters and a topic written by two teams', () => {
    const inv = inventory(
      [app('a', 'alpha', { produces: ['shared', 'x'] }), app('b', 'beta', { produces: ['shared', 'y'] }), app('reader', 'gamma')],
      [topic('shared', 1 * MB, 3), topic('x', 1 * MB, 3), topic('y', 1 * MB, 3)],
      [group('r1', 'reader', ['x']), group('r2', 'reader', ['y'])],
    );
    const plan = planSplit(inv, { strategy: 'segregated', groupBy: 'team', headroom: 0.8, limits: limitsWith() });
    expect(plan.risks).toContainEqual({ kind: 'reads-from-several-clusters', subject: 'reader', detail: 'its consumer groups read from 2 clusters: alpha, beta' });
    expect(plan.risks).toContainEqual(expect.objectContaining({ kind: 'topic-shared-by-teams', subject: 'shared', detail: expect.stringMatching(/teams alpha, beta/) }));
    expect(plan.risks).toContainEqual({ kind: 'writes-to-several-clusters', subject: 'b', detail: 'it produces to 2 clusters: alpha, beta' });
  });

  it('raises partitions that the per-partition quota needs, and says so', () => {
    // 12 MB/s over 2 partitions: 5 MB/s × 0.8 = 4 MB/s per partition → 3 partitions
    const inv = inventory([app('p', 't', { produces: ['hot'] })], [topic('hot', 12 * MB, 2)]);
    const plan = planSplit(inv, { strategy: 'segregated', groupBy: 'team', headroom: 0.8, limits: limitsWith() });
    expect(usage(plan.clusters[0]!, 'partitions')).toBe(3);
    expect(plan.risks).toContainEqual(expect.objectContaining({ kind: 'partitions-raised', subject: 'hot', detail: expect.stringMatching(/3 partitions instead of 2.*per-partition ingress/) }));
  });

  it('is infeasible when the plan needs more Serverless clusters than an account holds', () => {
    const apps = ['a', 'b', 'c'].map((t) => app(t, t, { produces: [`${t}-topic`] }));
    const inv = inventory(apps, apps.map((a) => topic(`${a.name}-topic`, 1 * MB, 3)));
    const plan = planSplit(inv, { strategy: 'segregated', groupBy: 'team', headroom: 0.8, limits: limitsWith({ clustersPerAccount: 2 }) });
    expect(plan.feasible).toBe(false);
    expect(plan.problems[0]).toMatch(/needs 3 Serverless clusters; an account holds 2/);
    const raised = planSplit(inv, { strategy: 'segregated', groupBy: 'team', headroom: 0.8, limits: limitsWith({ clustersPerAccount: 3 }) });
    expect(raised.feasible).toBe(true);
  });
});

describe('migration steps (segregated)', () => {
  it('creates, replicates, verifies, then cuts over consumers first and stops the replication, per cluster', () => {
    const inv = inventory([app('p', 'team', { produces: ['orders.a', 'orders.b'] }), app('c', 'team')], [topic('orders.a', MB, 3), topic('orders.b', MB, 3)], [group('g', 'c', ['orders.a'])]);
    const plan = planSplit(inv, { strategy: 'segregated', groupBy: 'team', headroom: 0.8, limits: limitsWith(), source: 'old-cluster' });
    const commands = plan.steps.map((s) => s.command);
    expect(commands[0]).toMatch(/^aws kafka create-cluster-v2 --cluster-name team --serverless/);
    expect(commands[1]).toBe('mskctl check --bootstrap "$TEAM_BOOTSTRAP" --auth iam');
    expect(commands[3]).toBe(`mskctl replicate --source old-cluster --target "$TEAM_BOOTSTRAP" --topics '^(orders\\..*)$' --flow-id old-cluster-to-team`);
    expect(commands[2]).toBe(`mskctl replicate --source old-cluster --target "$TEAM_BOOTSTRAP" --topics '^(orders\\..*)$' --flow-id old-cluster-to-team --dry-run`);
    expect(commands[4]).toBe('mskctl replicate status --source old-cluster --target "$TEAM_BOOTSTRAP" --flow-id old-cluster-to-team --check');
    expect(commands[5]).toBe('mskctl cutover plan --source old-cluster --target "$TEAM_BOOTSTRAP" --flow-id old-cluster-to-team --groups g --topics orders.a,orders.b > cutover-team.yaml');
    expect(commands[6]).toBe('mskctl cutover run cutover-team.yaml --execute');
    expect(plan.steps[6]!.action).toMatch(/consumer groups, then the producers/);
    expect(commands[7]).toBe('mskctl replicate stop --target "$TEAM_BOOTSTRAP" --flow-id old-cluster-to-team');
    expect(commands).toHaveLength(8);
  });
});

describe('topicRegex', () => {
  const all = ['a.x.1', 'a.x.2', 'a.y.1', 'b.z', 'c'].sort();
  it('shortens to a prefix only when every topic under it is in the set', () => {
    const t = (name: string) => ({ name, isPattern: false, count: 1, partitions: 1, ingressBytesPerSecond: 0, retentionSeconds: null, compacted: false });
    expect(topicRegex([t('a.x.1'), t('a.x.2')], all)).toBe('^(a\\.x\\..*)$');
    expect(topicRegex([t('a.x.1'), t('a.x.2'), t('a.y.1')], all)).toBe('^(a\\..*)$');
    expect(topicRegex([t('a.x.1'), t('c')], all)).toBe('^(a\\.x\\.1|c)$');
    const regex = new RegExp(topicRegex([t('a.x.1'), t('b.z')], all));
    expect(all.filter((n) => regex.test(n))).toEqual(['a.x.1', 'b.z']);
  });
});

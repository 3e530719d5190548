import { describe, expect, it } from 'vitest';
import { defaultLimits } from '../../../src/sizing/limits.js';
import { formatFigure } from '../../../src/sizing/format.js';
import { ceilRatio, checkServerless, minimumPartitions, serverlessRows, splitAdvice, statusOf } from '../../../src/sizing/serverless.js';
import { deriveFigures } from '../../../src/sizing/workload.js';
import { mbPerSecond, workload } from './fixtures.js';

const limits = defaultLimits();
const H = 0.8;
const check = (overrides: Parameters<typeof workload>[0], headroom = H) => checkServerless(workload(overrides), limits, headroom, formatFigure);
const rowsOf = (overrides: Parameters<typeof workload>[0]) => {
  const w = workload(overrides);
  return serverlessRows(w, deriveFigures(w, 3), limits, H);
};
const row = (overrides: Parameters<typeof workload>[0], dimension: string) => rowsOf(overrides).find((r) => r.dimension === dimension);

describe('statusOf', () => {
  it.each([
    [0.5, 'pass'],
    [0.8, 'pass'],
    [0.81, 'warn'],
    [1, 'warn'],
    [1.01, 'fail'],
  ])('%d of the limit is %s with 80%% headroom', (u, status) => expect(statusOf(u, 0.8)).toBe(status));
  it('follows --headroom', () => expect(statusOf(0.75, 0.7)).toBe('warn'));
});

describe('ceilRatio', () => {
  it('rounds up, ignoring floating-point dust', () => {
    expect(ceilRatio(4.5e9, 200e6 * 0.8)).toBe(29); // 28.125
    expect(ceilRatio(600e6, 200e6)).toBe(3);
    expect(ceilRatio(0.3, 0.1)).toBe(3); // 2.9999999999999996
    expect(ceilRatio(1, 3)).toBe(1);
  });
});

describe('quota rows', () => {
  it('has one row per comparable quota, with value, limit, utilisation and status', () => {
    // 15 MB/s in, 1 group → 15 MB/s out, 50 partitions → 300 KB/s each way per partition
    const rows = rowsOf({});
    expect(rows.map((r) => r.dimension)).toEqual([
      'cluster ingress', 'cluster egress', 'ingress per partition', 'egress per partition', 'partitions',
      'message size (max)', 'consumer groups', 'authentication', 'ZooKeeper access', 'broker-level configuration',
    ]);
    expect(rows[0]).toMatchObject({ value: 15e6, limit: 200e6, unit: 'B/s', status: 'pass', remedy: 'none' });
    expect(rows[0]!.utilisation).toBeCloseTo(0.075, 12);
    expect(rows[1]).toMatchObject({ value: 15e6, limit: 400e6 });
    expect(rows[2]).toMatchObject({ value: 300e3, limit: 5e6 });
    expect(rows[3]).toMatchObject({ value: 300e3, limit: 10e6 });
    expect(rows[4]).toMatchObject({ value: 50, limit: 2400 });
    expect(rows[5]).toMatchObject({ value: 1e6, limit: 8_388_608 });
    expect(rows[6]).toMatchObject({ value: 1, limit: 500 });
    expect(rows.slice(7).every((r) => r.utilisation === null && r.status === 'pass')).toBe(true);
  });

  it('adds compacted partitions and compacted partition size for compacted workloads', () => {
    // 1 MB/s over 2 partitions for 7 days = 302.4 GB per partition, above 250 GB
    const rows = rowsOf({ ...mbPerSecond(1), compacted: true, topics: 1, partitions: 2, retentionSeconds: 7 * 86400 });
    const count = rows.find((r) => r.dimension === 'compacted partitions')!;
    expect(count).toMatchObject({ value: 2, limit: 120, status: 'pass' });
    const size = rows.find((r) => r.dimension === 'compacted partition size')!;
    expect(size).toMatchObject({ value: 302.4e9, limit: 250e9, status: 'fail', remedy: 'more-partitions' });
  });

  it('adds connections and request rate only when the workload gives them', () => {
    expect(row({}, 'client connections')).toBeUndefined();
    expect(row({}, 'request rate')).toBeUndefined();
    expect(row({ connections: 2700 }, 'client connections')).toMatchObject({ value: 2700, limit: 3000, status: 'warn' });
    expect(row({ requestsPerSecond: 16_000 }, 'request rate')).toMatchObject({ value: 16_000, limit: 15_000, status: 'fail', remedy: 'split' });
  });

  it('fails the message size above 8 MiB and cannot fix it', () => {
    expect(row({ maxMessageBytes: 8_388_608 }, 'message size (max)')!.status).toBe('warn');
    expect(row({ maxMessageBytes: 8_388_609 }, 'message size (max)')).toMatchObject({ status: 'fail', remedy: 'unfixable' });
  });

  it('checks authentication: IAM passes, others fail, unstated warns', () => {
    expect(row({ auth: ['scram', 'iam'] }, 'authentication')!.status).toBe('pass');
    expect(row({ auth: ['scram', 'plaintext'] }, 'authentication')).toMatchObject({ status: 'fail', remedy: 'unfixable', value: 'scram, plaintext' });
    expect(row({ auth: undefined }, 'authentication')).toMatchObject({ status: 'warn', value: 'not stated' });
  });

  it('fails ZooKeeper access and broker-level configuration', () => {
    expect(row({ needsZookeeper: true }, 'ZooKeeper access')).toMatchObject({ status: 'fail', remedy: 'unfixable' });
    expect(row({ needsBrokerConfig: true }, 'broker-level configuration')).toMatchObject({ status: 'fail', remedy: 'unfixable' });
  });

  it('marks per-partition rows fixable by more partitions and cluster rows by a split', () => {
    const rows = rowsOf({ ...mbPerSecond(300), partitions: 20, topics: 10 });
    expect(rows.find((r) => r.dimension === 'cluster ingress')!.remedy).toBe('split');
    expect(rows.find((r) => r.dimension === 'ingress per partition')!.remedy).toBe('more-partitions');
  });
});

describe('minimumPartitions', () => {
  it('is the smallest count within the per-partition quotas, and within headroom spread over topics', () => {
    // 40 MB/s in, 2 groups → 80 MB/s out. To fit: max(40/5, 80/10) = 8. Within 80%: max(40/4, 80/8) = 10 → 5 per topic over 2 topics.
    const w = workload({ ...mbPerSecond(40), consumerGroups: 2, topics: 2, partitions: 4 });
    expect(minimumPartitions(w, deriveFigures(w, 3), limits, H)).toEqual({ toFit: 8, withinHeadroom: 10, perTopic: 5, total: 10, decidingDimension: 'ingress per partition' });
  });

  it('rounds up to whole partitions per topic', () => {
    // 40 MB/s, 1 group: within 80% needs 10; 3 topics → 4 per topic → 12
    const w = workload({ ...mbPerSecond(40), consumerGroups: 1, topics: 3, partitions: 3 });
    expect(minimumPartitions(w, deriveFigures(w, 3), limits, H)).toMatchObject({ withinHeadroom: 10, perTopic: 4, total: 12 });
  });

  it('lets egress decide when many groups read', () => {
    // 10 MB/s in, 5 groups → 50 MB/s out: egress 50/8 = 6.25 → 7, ingress 10/4 = 2.5 → 3
    const w = workload({ ...mbPerSecond(10), consumerGroups: 5, topics: 1, partitions: 1 });
    expect(minimumPartitions(w, deriveFigures(w, 3), limits, H)).toMatchObject({ toFit: 5, withinHeadroom: 7, decidingDimension: 'egress per partition' });
  });

  it('counts the compacted partition size for compacted topics', () => {
    // 1 MB/s × 7 d = 604.8 GB: to fit 250 GB → 3; within 200 GB → 4
    const w = workload({ ...mbPerSecond(1), compacted: true, topics: 1, partitions: 1, retentionSeconds: 7 * 86400 });
    expect(minimumPartitions(w, deriveFigures(w, 3), limits, H)).toMatchObject({ toFit: 3, withinHeadroom: 4, decidingDimension: 'compacted partition size' });
  });
});

describe('splitAdvice', () => {
  it('counts clusters per dimension and names the one that decides', () => {
    // 600 MB/s in, 2 groups → 1.2 GB/s out, 1200 partitions:
    // within 80%: ingress 600/160 = 3.75 → 4, egress 1200/320 → 4, partitions 1200/1920 → 1; at 100%: 3
    const w = workload({ ...mbPerSecond(600), consumerGroups: 2, topics: 200, partitions: 1200 });
    const advice = splitAdvice(w, deriveFigures(w, 3), limits, H, 1200);
    expect(advice).toMatchObject({ clustersToFit: 3, clusters: 4, decidingDimension: 'cluster ingress' });
    expect(advice.byDimension).toEqual([
      { dimension: 'cluster ingress', clusters: 4 },
      { dimension: 'cluster egress', clusters: 4 },
      { dimension: 'partitions', clusters: 1 },
    ]);
  });

  it('lets partitions decide when they are the biggest demand', () => {
    // 10,000 partitions / (2400 × 0.8) = 5.2 → 6
    const w = workload({ topics: 100, partitions: 10_000 });
    expect(splitAdvice(w, deriveFigures(w, 3), limits, H, 10_000)).toMatchObject({ clusters: 6, clustersToFit: 5, decidingDimension: 'partitions' });
  });

  it('notes when the clusters exceed the per-account quota', () => {
    const w = workload({ ...mbPerSecond(3000), topics: 500, partitions: 6000 });
    expect(splitAdvice(w, deriveFigures(w, 3), limits, H, 6000).note).toMatch(/more than 10 Serverless clusters per account/);
  });
});

describe('the verdict', () => {
  it('fits when every row is within headroom', () => {
    const result = check({});
    expect(result).toMatchObject({ verdict: 'fits', pass: true, unfixable: [] });
    expect(result.partitions).toBeUndefined();
    expect(result.split).toBeUndefined();
  });

  it('fits with warnings above the headroom, naming the row', () => {
    const result = check({ ...mbPerSecond(170), topics: 20, partitions: 240 });
    expect(result).toMatchObject({ verdict: 'fits-with-warnings', pass: true });
    expect(result.reasons).toEqual(['cluster ingress 170 MB/s is 85% of the 200 MB/s quota (above the 80% headroom)']);
  });

  it('passes the same workload with a higher --headroom', () => {
    expect(check({ ...mbPerSecond(170), topics: 20, partitions: 240 }, 0.9).verdict).toBe('fits');
  });

  it('warns when the authentication is not stated', () => {
    expect(check({ auth: undefined }).verdict).toBe('fits-with-warnings');
  });

  it('needs more partitions when only per-partition quotas fail, and says how many', () => {
    const result = check({ ...mbPerSecond(40), consumerGroups: 2, topics: 2, partitions: 4 });
    expect(result).toMatchObject({ verdict: 'needs-more-partitions', pass: false, partitions: { total: 10, toFit: 8 } });
    expect(result.reasons.at(-1)).toMatch(/raise partitions to at least 10 \(5 per topic; 8 at 100%/);
  });

  it('needs a split when one cluster is too small and the topics can be spread', () => {
    const result = check({ ...mbPerSecond(600), consumerGroups: 2, topics: 200, partitions: 1200 });
    expect(result).toMatchObject({ verdict: 'needs-split', pass: false, split: { clusters: 4, decidingDimension: 'cluster ingress' } });
    expect(result.reasons).toContain('split the topics across 4 Serverless clusters (cluster ingress decides; 3 at 100% of the quotas)');
  });

  it('counts the partitions the per-partition quotas need when splitting', () => {
    // 300 MB/s over 20 partitions: per-partition needs 300/4 = 75 (to fit 60) → partitions alone fine, ingress decides: 300/160 → 2
    const result = check({ ...mbPerSecond(300), topics: 10, partitions: 20 });
    expect(result.verdict).toBe('needs-split');
    expect(result.partitions).toMatchObject({ toFit: 60, withinHeadroom: 75, perTopic: 8, total: 80 });
    expect(result.split!.clusters).toBe(2);
  });

  it('does not fit when the workload must stay on one cluster', () => {
    const result = check({ ...mbPerSecond(600), topics: 200, partitions: 1200, splittable: false });
    expect(result.verdict).toBe('does-not-fit');
    expect(result.unfixable.join('\n')).toMatch(/needs 4 Serverless clusters \(cluster ingress decides\), but the workload is marked not splittable/);
  });

  it('does not fit when one topic alone exceeds a cluster', () => {
    // 600 MB/s over 2 topics: 300 MB/s per topic > 200 MB/s
    const result = check({ ...mbPerSecond(600), topics: 2, partitions: 200 });
    expect(result.verdict).toBe('does-not-fit');
    expect(result.unfixable.join('\n')).toMatch(/one topic alone exceeds a cluster's ingress quota/);
  });

  it('does not fit when there are fewer topics than clusters needed', () => {
    // 600 MB/s over 3 topics: 200 MB/s each fits one cluster, but 4 clusters are needed within headroom
    const result = check({ ...mbPerSecond(600), topics: 3, partitions: 300 });
    expect(result.unfixable.join('\n')).toMatch(/it has 3 topics, fewer than the 4 clusters needed/);
  });

  it('does not fit for reasons no split can fix, listing each', () => {
    const result = check({ maxMessageBytes: 15e6, auth: ['scram'], needsZookeeper: true, needsBrokerConfig: true });
    expect(result.verdict).toBe('does-not-fit');
    expect(result.unfixable).toEqual([
      'message size (max) 15 MB is 1.79× the 8.39 MB (8 MiB) quota',
      'authentication: scram; Serverless: iam only (clients cannot use IAM)',
      'ZooKeeper access: needed; Serverless: not offered',
      'broker-level configuration: needed; Serverless: not offered',
    ]);
  });

  it('follows a raised quota from the limits', () => {
    const raised = defaultLimits();
    raised.serverless.ingressPerCluster.value = 1000e6;
    raised.serverless.egressPerCluster.value = 2000e6;
    const result = checkServerless(workload({ ...mbPerSecond(600), consumerGroups: 2, topics: 200, partitions: 1200 }), raised, H, formatFigure);
    expect(result.verdict).toBe('fits');
  });
});

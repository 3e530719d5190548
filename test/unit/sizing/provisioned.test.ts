import { describe, expect, it } from 'vitest';
import { defaultLimits, GIB } from '../../../src/sizing/limits.js';
import { roundBrokers, sizeExpress, sizeStandard } from '../../../src/sizing/provisioned.js';
import { mbPerSecond, workload } from './fixtures.js';

const limits = defaultLimits();

describe('roundBrokers', () => {
  it.each([
    [0.2, 3, 3, 3],
    [1, 3, 3, 3],
    [3, 3, 3, 3],
    [4, 3, 3, 6],
    [249, 3, 3, 249],
    [250, 3, 3, 252],
    [2, 3, 4, 6], // replication factor 4 needs at least 4 brokers
  ])('%d brokers (multiple %d, at least %d) → %d', (raw, multiple, minimum, expected) => {
    expect(roundBrokers(raw, multiple, minimum)).toBe(expected);
  });
});

describe('Standard brokers', () => {
  it('sizes the gaming workload: storage needs 2, rounded to 3 × the cheapest size', () => {
    // 15 MB/s, RF 3, 1 group, 50 partitions, 7 d. On kafka.m7g.large with 80% headroom:
    //   EBS 15e6 × 3 / (78.75e6 × 0.8) = 0.71 → 1; network 15e6 × (1 + 3 - 1) / (117e6 × 0.8) = 0.48 → 1
    //   partitions 50 × 3 / 1000 → 1; storage 9.072e12 × 3 / (16384 GiB × 0.8) = 1.93 → 2; → 3 brokers
    const sizing = sizeStandard(workload({ replicationFactor: 3 }), limits, 0.8);
    expect(sizing.recommended).toMatchObject({ brokerType: 'kafka.m7g.large', brokers: 3, decidingDimension: 'storage per broker', withinClusterLimit: true });
    const needs = Object.fromEntries(sizing.recommended.needs.map((n) => [n.dimension, n.brokers]));
    expect(needs).toEqual({ 'EBS throughput': 1, 'network throughput': 1, 'partitions per broker': 1, 'storage per broker': 2 });
    expect(sizing.storagePerBrokerBytes).toBe((9.072e12 * 3) / 3);
    expect(sizing.pass).toBe(true);
    // utilisation at 3 brokers: EBS 45e6 / (3 × 78.75e6)
    expect(sizing.recommended.needs[0]!.utilisation).toBeCloseTo(45e6 / (3 * 78.75e6), 12);
  });

  it('lets EBS throughput decide for a heavy short-retention workload', () => {
    // 400 MB/s, RF 3, 1 group, 1 h. m7g.4xlarge: EBS 1200e6 / (625e6 × .8) = 2.4 → 3; network 1200e6/(937e6 × .8) = 1.6 → 2
    // m7g.8xlarge: EBS 1200e6/(1000e6 × .8) = 1.5 → 2 → 3 brokers but dearer; large: EBS 1200/63 = 19.05 → 20 → 21 brokers
    const sizing = sizeStandard(workload({ ...mbPerSecond(400), retentionSeconds: 3600, topics: 10, partitions: 100 }), limits, 0.8);
    const m7g4 = sizing.options.find((o) => o.brokerType === 'kafka.m7g.4xlarge')!;
    expect(m7g4).toMatchObject({ brokers: 3, decidingDimension: 'EBS throughput' });
    const large = sizing.options.find((o) => o.brokerType === 'kafka.m7g.large')!;
    expect(large.brokers).toBe(21);
    // cheapest within 60 brokers: every option's cost is brokers × hourly × 730 + the same EBS
    const cheapest = Math.min(...sizing.options.filter((o) => o.withinClusterLimit).map((o) => o.monthlyCostUsd));
    expect(sizing.recommended.monthlyCostUsd).toBe(cheapest);
  });

  it('lets the network decide when many consumer groups read', () => {
    // 100 MB/s, RF 3, 10 groups → network 100e6 × 12 = 1.2 GB/s; on m5.large (96e6 × .8 = 76.8e6) 15.6 → 16; EBS 300e6/64.8e6 → 5
    const sizing = sizeStandard(workload({ ...mbPerSecond(100), consumerGroups: 10, retentionSeconds: 3600, partitions: 100 }), limits, 0.8);
    const m5 = sizing.options.find((o) => o.brokerType === 'kafka.m5.large')!;
    expect(m5).toMatchObject({ decidingDimension: 'network throughput', brokers: 18 });
  });

  it('lets partitions decide for many small partitions', () => {
    // 6000 partitions × 3 = 18,000 replicas; m5.large recommends 1000 → 18 brokers; m5.4xlarge 4000 → 4.5 → 5 → 6
    const sizing = sizeStandard(workload({ topics: 600, partitions: 6000 }), limits, 0.8);
    expect(sizing.options.find((o) => o.brokerType === 'kafka.m5.large')).toMatchObject({ decidingDimension: 'partitions per broker', brokers: 18 });
    expect(sizing.options.find((o) => o.brokerType === 'kafka.m5.4xlarge')).toMatchObject({ decidingDimension: 'partitions per broker', brokers: 6 });
  });

  it('reports the brokers-per-cluster limit: 30 with ZooKeeper, 60 with KRaft', () => {
    // ecommerce: 4.5 GB/s × 259,200 s × 3 = 3,499.2 TB over 16,384 GiB × 0.8 per broker = 248.6 → 249 brokers
    const ecommerce = workload({ messagesPerSecond: 150_000, avgMessageBytes: 30_000, consumerGroups: 2, topics: 100, partitions: 10_000, retentionSeconds: 259_200, needsZookeeper: true });
    const zk = sizeStandard(ecommerce, limits, 0.8);
    expect(zk).toMatchObject({ pass: false, brokersPerClusterLimit: 30, recommended: { brokers: 249, decidingDimension: 'storage per broker', withinClusterLimit: false } });
    expect(zk.reasons[0]).toMatch(/needs 249 × .* \(storage per broker decides\), above the 30-broker limit per cluster in ZooKeeper mode/);
    expect(sizeStandard({ ...ecommerce, needsZookeeper: false }, limits, 0.8).brokersPerClusterLimit).toBe(60);
  });

  it('skips sizes without throughput figures (kafka.t3.small)', () => {
    expect(sizeStandard(workload(), limits, 0.8).options.map((o) => o.brokerType)).not.toContain('kafka.t3.small');
  });

  it('prices the recommendation: broker-hours plus EBS for all replicas with headroom', () => {
    const sizing = sizeStandard(workload(), limits, 0.8);
    const ebsGiB = (9.072e12 * 3) / 0.8 / GIB;
    expect(sizing.cost.totalMonthlyUsd).toBeCloseTo(3 * 0.204 * 730 + ebsGiB * 0.1, 6);
  });
});

describe('Express brokers', () => {
  it('reproduces AWS\'s example: 45 MBps in / 90 MBps out → 3 × express.m7g.large', () => {
    // 45/15.6 = 2.88 → 3; 90/31.2 = 2.88 → 3
    const sizing = sizeExpress(workload({ ...mbPerSecond(45), consumerGroups: 2, partitions: 50 }), limits);
    expect(sizing.recommended).toMatchObject({ brokerType: 'express.m7g.large', brokers: 3, withinClusterLimit: true });
    expect(sizing.pass).toBe(true);
  });

  it('names egress when it decides', () => {
    // 10 MB/s × 10 groups = 100 MB/s out: large 100/31.2 = 3.2 → 4 → 6; in 10/15.6 → 1
    const large = sizeExpress(workload({ ...mbPerSecond(10), consumerGroups: 10 }), limits).options.find((o) => o.brokerType === 'express.m7g.large')!;
    expect(large).toMatchObject({ brokers: 6, decidingDimension: 'sustained egress' });
  });

  it('counts partitions as three replicas against the recommended per-broker figure', () => {
    // 2000 partitions × 3 = 6000 replicas / 1000 per large → 6
    const large = sizeExpress(workload({ topics: 100, partitions: 2000 }), limits).options.find((o) => o.brokerType === 'express.m7g.large')!;
    expect(large).toMatchObject({ brokers: 6, decidingDimension: 'partitions per broker' });
  });

  it('sizes ecommerce on 9 × express.m7g.16xlarge (ties on cost break to fewer brokers)', () => {
    // in 4.5e9/500e6 = 9, out 9e9/1e9 = 9; 12xlarge needs 12 and 8xlarge 18, at the same hourly total
    const sizing = sizeExpress(workload({ messagesPerSecond: 150_000, avgMessageBytes: 30_000, consumerGroups: 2, topics: 100, partitions: 10_000, retentionSeconds: 259_200 }), limits);
    expect(sizing.recommended).toMatchObject({ brokerType: 'express.m7g.16xlarge', brokers: 9, decidingDimension: 'sustained ingress' });
  });

  it('says the replication factor is fixed at 3', () => {
    expect(sizeExpress(workload({ replicationFactor: 2 }), limits).reasons.join(' ')).toMatch(/fixes the replication factor at 3/);
  });

  it('prices broker-hours, one copy of storage and data written', () => {
    const sizing = sizeExpress(workload(), limits);
    const storageGiB = 9.072e12 / GIB;
    const writtenGiB = (15e6 * 730 * 3600) / GIB;
    expect(sizing.cost.totalMonthlyUsd).toBeCloseTo(3 * 0.408 * 730 + storageGiB * 0.1 + writtenGiB * 0.01, 6);
  });
});

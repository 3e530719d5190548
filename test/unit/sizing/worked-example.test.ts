/**
 * The AWS blog's worked example (ecommerce and gaming), with every figure computed by hand here.
 * The blog's two published storage figures are wrong ("1,139.06 TB" and "1.3 TB"); mskctl must not copy them.
 */
import { describe, expect, it } from 'vitest';
import { readInputFile } from '../../../src/input/yaml.js';
import { defaultLimits } from '../../../src/sizing/limits.js';
import { formatStorage } from '../../../src/sizing/format.js';
import { sizeWorkloads } from '../../../src/sizing/size.js';
import { workloadsFromDocument } from '../../../src/sizing/workload.js';

const workloads = workloadsFromDocument(readInputFile('fixtures/workloads/worked-example.yaml'));
const result = sizeWorkloads(workloads, defaultLimits(), { headroom: 0.8, target: 'serverless' });
const [ecommerce, gaming] = result.workloads;
const TB = 1e12;
const TiB = 1024 ** 4;

describe('worked example: ecommerce', () => {
  const d = ecommerce!.derived;
  it('derives ingress, egress and partitions', () => {
    expect(d.ingressBytesPerSecond).toBe(150_000 * 30_000); // 4.5 GB/s
    expect(d.ingressBytesPerSecond).toBe(4.5e9);
    expect(d.egressBytesPerSecond).toBe(9e9); // × 2 groups
    expect(d.partitions).toBe(100 * 100);
    expect(d.ingressBytesPerSecondPerPartition).toBe(450e3);
    expect(d.egressBytesPerSecondPerPartition).toBe(900e3);
  });

  it('stores 1,166.4 TB (1,060.8 TiB) for 72 h, not the published 1,139.06 TB', () => {
    expect(d.storageBytes).toBe(4.5e9 * 72 * 3600); // 1,166,400 GB
    expect(d.storageBytes / TB).toBeCloseTo(1166.4, 9);
    expect(d.storageBytes / TiB).toBeCloseTo(1060.8, 1);
    expect(d.storageBytes / TB).not.toBeCloseTo(1139.06, 0);
    expect(d.storageBytesReplicated / TB).toBeCloseTo(3499.2, 9);
    expect(formatStorage(d.storageBytes)).toBe('1,166.4 TB (1,060.835 TiB)');
  });

  it('does not fit MSK Serverless, for reasons no split can fix', () => {
    const s = ecommerce!.serverless;
    expect(s.verdict).toBe('does-not-fit');
    const ingress = s.rows.find((r) => r.dimension === 'cluster ingress')!;
    expect(ingress.utilisation).toBeCloseTo(22.5, 12); // 4.5 GB/s vs 200 MB/s
    expect(s.rows.find((r) => r.dimension === 'cluster egress')!.utilisation).toBeCloseTo(22.5, 12);
    expect(s.rows.find((r) => r.dimension === 'partitions')!.status).toBe('fail');
    expect(s.unfixable.map((u) => u.split(' ')[0])).toEqual(['message', 'authentication:', 'ZooKeeper', 'broker-level']);
    expect(s.unfixable[0]).toBe('message size (max) 15 MB is 1.79× the 8.39 MB (8 MiB) quota');
  });

  it('sizes Provisioned: Standard storage outgrows a ZooKeeper cluster; Express fits 9 brokers', () => {
    expect(ecommerce!.standard.recommended).toMatchObject({ brokers: 249, decidingDimension: 'storage per broker', withinClusterLimit: false });
    expect(ecommerce!.express.recommended).toMatchObject({ brokers: 9, brokerType: 'express.m7g.16xlarge' });
  });
});

describe('worked example: gaming', () => {
  const d = gaming!.derived;
  it('derives ingress, egress and partitions', () => {
    expect(d.ingressBytesPerSecond).toBe(1000 * 15_000); // 15 MB/s
    expect(d.egressBytesPerSecond).toBe(15e6);
    expect(d.partitions).toBe(10 * 5);
    expect(d.ingressBytesPerSecondPerPartition).toBe(300e3);
    expect(d.egressBytesPerSecondPerPartition).toBe(300e3);
  });

  it('stores 9.072 TB (8.25 TiB) for 168 h, not the published 1.3 TB (which is 24 h)', () => {
    expect(d.storageBytes).toBe(15e6 * 168 * 3600); // 9,072,000 MB
    expect(d.storageBytes / TB).toBeCloseTo(9.072, 9);
    expect(d.storageBytes / TiB).toBeCloseTo(8.25, 2);
    expect(d.storageBytes / TB).not.toBeCloseTo(1.3, 1);
    expect(formatStorage(d.storageBytes)).toBe('9.072 TB (8.251 TiB)');
  });

  it('fits MSK Serverless', () => {
    expect(gaming!.serverless).toMatchObject({ verdict: 'fits', pass: true });
    expect(gaming!.serverless.rows.every((r) => r.status === 'pass')).toBe(true);
  });
});

describe('the size result', () => {
  it('fails --check for serverless on ecommerce only, and states the unit convention', () => {
    expect(result).toMatchObject({ target: 'serverless', pass: false, failing: ['ecommerce'], headroom: 0.8 });
    expect(result.unitConvention).toMatch(/decimal/);
    expect(result.costLabel).toMatch(/us-east-1/);
  });

  it('gates on the --target', () => {
    expect(sizeWorkloads(workloads, defaultLimits(), { headroom: 0.8, target: 'express' })).toMatchObject({ pass: true, failing: [] });
    expect(sizeWorkloads(workloads, defaultLimits(), { headroom: 0.8, target: 'standard' }).failing).toEqual(['ecommerce']);
  });

  it('prices a split across the clusters it needs', () => {
    const [split] = sizeWorkloads(workloadsFromDocument(readInputFile('fixtures/workloads/needs-split.yaml')), defaultLimits(), { headroom: 0.8, target: 'serverless' }).workloads;
    expect(split!.serverless.split!.clusters).toBe(4);
    expect(split!.serverless.cost.items[0]!.quantity).toBe(4 * 730);
  });
});

import { describe, expect, it } from 'vitest';
import { billedGBPerMonth, costLabel, expressCost, serverlessCost, standardCost } from '../../../src/sizing/cost.js';
import { applyOverrides, defaultLimits, GIB } from '../../../src/sizing/limits.js';
import { parseYamlDocument } from '../../../src/input/yaml.js';

const limits = defaultLimits();

describe('cost estimates', () => {
  it('bills a month of a rate in GiB', () => {
    expect(billedGBPerMonth(GIB / 3600, limits)).toBeCloseTo(730, 9);
  });

  it('prices Serverless: cluster-hours, partition-hours, data in and out, storage', () => {
    // gaming: 1 cluster, 50 partitions, 15 MB/s in and out, 9.072 TB stored
    const cost = serverlessCost({ clusters: 1, partitions: 50, ingressBytesPerSecond: 15e6, egressBytesPerSecond: 15e6, storageBytes: 9.072e12 }, limits);
    const monthGiB = (15e6 * 730 * 3600) / GIB; // 36,712.6 GiB
    expect(cost.items.map((i) => i.monthly)).toEqual([
      0.75 * 730,
      50 * 0.0015 * 730,
      monthGiB * 0.1,
      monthGiB * 0.05,
      (9.072e12 / GIB) * 0.1,
    ]);
    expect(cost.totalMonthlyUsd).toBeCloseTo(547.5 + 54.75 + 3671.26 + 1835.63 + 844.9, 0);
  });

  it('prices Standard: broker-hours and EBS', () => {
    const cost = standardCost({ brokerType: 'kafka.m5.large', brokers: 6, provisionedStorageBytes: 1000 * GIB }, limits);
    expect(cost.totalMonthlyUsd).toBeCloseTo(6 * 0.21 * 730 + 1000 * 0.1, 9);
    expect(cost.notes.join(' ')).toMatch(/storage throughput/);
  });

  it('prices Express: broker-hours, storage (one copy) and data written', () => {
    const cost = expressCost({ brokerType: 'express.m7g.xlarge', brokers: 3, ingressBytesPerSecond: GIB / 3600, storageBytes: 500 * GIB }, limits);
    expect(cost.totalMonthlyUsd).toBeCloseTo(3 * 0.816 * 730 + 500 * 0.1 + 730 * 0.01, 9);
  });

  it('labels every estimate with the prices\' region and date', () => {
    expect(costLabel(limits)).toMatch(/^estimate: on-demand USD per month, us-east-1 prices as of 2026, 730 h\/month/);
    const eu = applyOverrides(parseYamlDocument('prices:\n  region: eu-west-1\n  date: "2026-11"\n  serverless:\n    clusterHour: 0.85\n', 'q.yaml'));
    const cost = serverlessCost({ clusters: 2, partitions: 0, ingressBytesPerSecond: 0, egressBytesPerSecond: 0, storageBytes: 0 }, eu);
    expect(cost.label).toMatch(/eu-west-1 prices as of 2026-11/);
    expect(cost.totalMonthlyUsd).toBeCloseTo(2 * 0.85 * 730, 9);
  });

  it('refuses a broker type it has no price for', () => {
    expect(() => standardCost({ brokerType: 'kafka.x9.huge', brokers: 3, provisionedStorageBytes: 0 }, limits)).toThrow(/no price/);
  });
});

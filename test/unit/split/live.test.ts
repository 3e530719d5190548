import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseYamlDocument } from '../../../src/input/yaml.js';
import { MskctlError } from '../../../src/output/errors.js';
import { parseInventory } from '../../../src/split/inventory.js';
import { applicationHint, inventoryFromMeasurement, retentionText, type ClusterMeasurement } from '../../../src/split/live.js';

describe('applicationHint', () => {
  it.each([
    ['billing-service-7', 'g', 'billing-service'],
    ['billing-service-7-consumer', 'g', 'billing-service'],
    ['orders.worker.3f9a0c1de2', 'g', 'orders.worker'],
    ['consumer-payments-1', 'payments', 'payments'],
    ['kafkajs', 'reports', 'reports'],
    ['', 'reports', 'reports'],
    ['search_indexer_12', 'g', 'search_indexer'],
    ['fraud', 'g', 'fraud'],
  ])('%j in group %j → %j', (clientId, group, hint) => {
    expect(applicationHint(clientId, group)).toBe(hint);
  });
});

describe('retentionText', () => {
  it.each([
    [604_800_000, '7d'],
    [259_200_000, '3d'],
    [7_200_000, '2h'],
    [90_000, '90s'],
    [1500, '1500ms'],
    [-1, 'unlimited'],
    [undefined, undefined],
  ])('%j ms → %j', (ms, text) => {
    expect(retentionText(ms)).toBe(text);
  });
});

const MEASUREMENT: ClusterMeasurement = {
  clusterId: 'abc',
  brokers: 3,
  measuredAt: '2026-11-25T17:00:00.000Z',
  sampleSeconds: 60,
  storage: "measured: DescribeLogDirs, the log size of each partition's leader replica (one copy)",
  topics: [
    { name: 'orders', partitions: 12, retentionMs: 259_200_000, cleanupPolicy: 'delete', maxMessageBytes: 1_048_588, messagesPerSecond: 1234.5678, recordsInLog: 10_000, sampledRecords: 20, avgRecordBytes: 812.4, maxRecordBytes: 2048, storageBytes: 123_456_789_012 },
    { name: 'customers', partitions: 3, retentionMs: -1, cleanupPolicy: 'compact,delete', messagesPerSecond: 0, recordsInLog: 50, sampledRecords: 5, avgRecordBytes: 300, maxRecordBytes: 310, storageBytes: 0 },
    { name: 'blind', partitions: 1, messagesPerSecond: 2.5, recordsInLog: 3, sampledRecords: 0 },
  ],
  groups: [
    { name: 'billing', state: 'Stable', members: 2, clientIds: ['billing-service-1', 'billing-service-2'], topics: ['orders'] },
    { name: 'crm-sync', state: 'Empty', members: 0, clientIds: [], topics: ['customers', 'orders'] },
    { name: 'mixed', state: 'Stable', members: 2, clientIds: ['alpha-1', 'beta-1'], topics: ['blind'] },
  ],
};

describe('inventoryFromMeasurement', () => {
  const { document, todos } = inventoryFromMeasurement(MEASUREMENT, 'b-1:9092');
  const doc = document as { applications: Array<Record<string, unknown>>; consumerGroups: Array<Record<string, unknown>>; topics: Array<Record<string, unknown>> };

  it('writes what was measured, with units', () => {
    expect(doc.topics[0]).toMatchObject({ name: 'orders', partitions: 12, rate: '1235/s', avgSize: '812B', maxSize: '2048B', retention: '3d', maxMessageBytes: '1048588B' });
    expect(doc.topics[1]).toMatchObject({ name: 'customers', throughput: '0B/s', retention: 'unlimited', compacted: true });
    expect(doc.topics[2]).toMatchObject({ name: 'blind', rate: '2.5/s', avgSize: expect.stringMatching(/^TODO/) });
  });

  it('writes measured storage in the decimal size format split plan reads, and nothing where it was not measured', () => {
    expect(doc.topics[0]!.storage).toBe('123.457 GB');
    expect(doc.topics[1]!.storage).toBe('0 B');
    expect(doc.topics[2]).not.toHaveProperty('storage');
  });

  it('guesses applications from client ids, one per group when the ids disagree', () => {
    expect(doc.applications.map((a) => a.name)).toEqual(['billing-service', 'crm-sync', 'mixed']);
    expect(doc.consumerGroups.map((g) => [g.name, g.application])).toEqual([
      ['billing', 'billing-service'],
      ['crm-sync', 'crm-sync'],
      ['mixed', 'mixed'],
    ]);
  });

  it('marks what a person must fill in, and split plan refuses it until then', () => {
    // 4 per application (team, latency, data class, auth) + the unsampled average size
    expect(todos).toBe(3 * 4 + 1);
    const text = stringify(document);
    expect(() => parseInventory(parseYamlDocument(text, 'raw.yaml'))).toThrow(MskctlError);
    try {
      parseInventory(parseYamlDocument(text, 'raw.yaml'));
    } catch (error) {
      expect((error as MskctlError).message).toMatch(/^raw\.yaml:\d+ topics\[2\]\.avgSize: still says "TODO/);
    }
  });

  it('becomes a valid inventory once the TODOs are filled in', () => {
    const filled = structuredClone(doc);
    filled.topics[2]!.avgSize = '1KB';
    for (const app of filled.applications) Object.assign(app, { team: 'payments', latency: 'batch', dataClass: 'pii', auth: ['iam'] });
    const inventory = parseInventory(parseYamlDocument(stringify(filled), 'filled.yaml'));
    expect(inventory.topics.find((t) => t.name === 'orders')!.ingressBytesPerSecond).toBeCloseTo(1235 * 812, 6);
    expect(inventory.topics.find((t) => t.name === 'customers')!.compacted).toBe(true);
    expect(inventory.topics.find((t) => t.name === 'orders')!.storageBytes).toBe(123_457_000_000);
    expect(inventory.topics.find((t) => t.name === 'customers')!.storageBytes).toBe(0);
    expect(inventory.topics.find((t) => t.name === 'blind')!.storageBytes).toBeUndefined();
    expect(inventory.consumerGroups.find((g) => g.name === 'crm-sync')!.topics.sort()).toEqual(['customers', 'orders']);
  });
});

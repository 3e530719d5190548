import { describe, expect, it } from 'vitest';
import { applyOverrides, defaultLimits, figureKey, listFigures, loadLimits, MIB, GIB } from '../../../src/sizing/limits.js';
import { parseYamlDocument } from '../../../src/input/yaml.js';
import { inputFailure } from '../input-failure.js';

function override(text: string) {
  return applyOverrides(parseYamlDocument(text, 'q.yaml'));
}


describe('the built-in limits', () => {
  const limits = defaultLimits();

  it('reads AWS "MBps" as decimal MB/s by default and says so', () => {
    expect(limits.convention.awsMBps).toBe('decimal');
    expect(limits.serverless.ingressPerCluster.value).toBe(200 * 1_000_000);
    expect(limits.serverless.egressPerCluster.value).toBe(400 * 1_000_000);
    expect(limits.serverless.ingressPerPartition.value).toBe(5 * 1_000_000);
    expect(limits.serverless.egressPerPartition.value).toBe(10 * 1_000_000);
    expect(limits.convention.text).toMatch(/decimal/);
    expect(limits.convention.text).toMatch(/MiB\/s/);
  });

  it('keeps binary-defined limits exact', () => {
    expect(limits.serverless.messageSize.value).toBe(8_388_608);
    expect(limits.standard.storagePerBrokerMax.value).toBe(16384 * 1024 ** 3);
  });

  it('holds the Serverless counts from the limits page', () => {
    const s = limits.serverless;
    expect([s.partitions.value, s.compactedPartitions.value, s.consumerGroups.value, s.connections.value, s.requestRate.value]).toEqual([2400, 120, 500, 3000, 15000]);
    expect(s.authentication.value).toEqual(['iam']);
  });

  it('holds Standard and Express broker figures and prices', () => {
    const m5 = limits.standard.brokers['kafka.m5.large']!;
    expect(m5.ebsThroughput!.value).toBe(81e6);
    expect(m5.networkThroughput!.value).toBe(96e6);
    expect([m5.partitionsRecommended.value, m5.partitionsMax.value, m5.pricePerHour.value]).toEqual([1000, 1500, 0.21]);
    expect(limits.standard.brokers['kafka.m5.24xlarge']!.partitionsMax.value).toBe(4000);
    expect(limits.standard.brokers['kafka.t3.small']!.ebsThroughput).toBeUndefined();
    const large = limits.express.brokers['express.m7g.large']!;
    expect([large.sustainedIngress.value, large.sustainedEgress.value, large.partitionsRecommended.value, large.pricePerHour.value]).toEqual([15.6e6, 31.2e6, 1000, 0.408]);
    expect(limits.prices.region).toBe('us-east-1');
    expect(limits.prices.serverless.clusterHour.value).toBe(0.75);
    expect(limits.rightSizing.hoursPerMonth.value).toBe(730);
  });

  it('gives every figure a unit, a source, a date and a confidence of P, A, V or U', () => {
    const rows = listFigures(limits);
    expect(rows.length).toBeGreaterThan(150);
    for (const { path, figure } of rows) {
      expect(figure.unit, figureKey(path)).not.toBe('');
      expect(figure.source, figureKey(path)).not.toBe('');
      expect(figure.date, figureKey(path)).toMatch(/^\d{4}/);
      expect(['P', 'A', 'V', 'U']).toContain(figure.confidence);
    }
  });

  it('names figures with keys that a --quotas file uses', () => {
    expect(figureKey(['standard', 'brokers', 'kafka.m5.large', 'pricePerHour'])).toBe('standard.brokers[kafka.m5.large].pricePerHour');
    expect(figureKey(['serverless', 'partitions'])).toBe('serverless.partitions');
  });

  it('reads MBps as MiB/s when asked, like AWS\'s sizing tool', () => {
    const binary = defaultLimits('binary');
    expect(binary.serverless.ingressPerCluster.value).toBe(200 * MIB);
    expect(binary.serverless.maxCompactedPartitionSize.value).toBe(250 * GIB);
    expect(binary.serverless.messageSize.value).toBe(8 * MIB);
  });

  it('returns fresh objects, so overrides never leak between calls', () => {
    const a = defaultLimits();
    a.serverless.partitions.value = 1;
    expect(defaultLimits().serverless.partitions.value).toBe(2400);
  });
});

describe('--quotas overrides', () => {
  it('replaces values with units, records where, and leaves the rest', () => {
    const limits = override('serverless:\n  ingressPerCluster: 400MB/s\n  partitions: 4000\nprices:\n  region: eu-west-1\n');
    expect(limits.serverless.ingressPerCluster.value).toBe(400e6);
    expect(limits.serverless.ingressPerCluster.overriddenBy).toBe('q.yaml:2');
    expect(limits.serverless.ingressPerCluster.confidence).toBe('U');
    expect(limits.serverless.partitions.value).toBe(4000);
    expect(limits.serverless.egressPerCluster.value).toBe(400e6);
    expect(limits.serverless.egressPerCluster.overriddenBy).toBeUndefined();
    expect(limits.prices.region).toBe('eu-west-1');
  });

  it('accepts binary units and a value with its own source', () => {
    const limits = override('serverless:\n  messageSize: 16MiB\n  consumerGroups:\n    value: 1000\n    source: support case\n    date: "2026-11-01"\n    confidence: P\n');
    expect(limits.serverless.messageSize.value).toBe(16 * MIB);
    expect(limits.serverless.consumerGroups).toMatchObject({ value: 1000, source: 'support case', date: '2026-11-01', confidence: 'P' });
  });

  it('overrides broker figures whose names contain dots', () => {
    const limits = override('standard:\n  brokers:\n    kafka.m5.large:\n      pricePerHour: 0.25\n');
    expect(limits.standard.brokers['kafka.m5.large']!.pricePerHour.value).toBe(0.25);
  });

  it('switches the MBps reading for every built-in throughput figure', () => {
    const limits = override('convention:\n  awsMBps: binary\n');
    expect(limits.serverless.egressPerCluster.value).toBe(400 * MIB);
    expect(limits.convention.awsMBps).toBe('binary');
  });

  it('refuses an unknown key with file:line and the keys it knows', () => {
    const error = inputFailure(() => override('serverless:\n  partitions: 4000\n  partitons: 5\n'));
    expect(error.message).toBe('q.yaml:3 serverless.partitons: unknown key "partitons"');
    expect(error.hint).toMatch(/partitions/);
  });

  it('refuses an unknown top-level section', () => {
    const error = inputFailure(() => override('serverles:\n  partitions: 4000\n'));
    expect(error.message).toMatch(/^q\.yaml:1 serverles: unknown key/);
  });

  it.each([
    ['serverless:\n  ingressPerCluster: 400\n', /q\.yaml:2 serverless\.ingressPerCluster: found 400/, /throughput with a unit/],
    ['serverless:\n  messageSize: 8XB\n', /q\.yaml:2 serverless\.messageSize: found "8XB"/, /size with a unit/],
    ['serverless:\n  partitions: many\n', /q\.yaml:2 serverless\.partitions: found "many"/, /number > 0/],
    ['serverless:\n  partitions: -5\n', /found -5/, /number > 0/],
    ['prices:\n  serverless:\n    clusterHour: "cheap"\n', /q\.yaml:3 prices\.serverless\.clusterHour/, /USD/],
    ['convention:\n  awsMBps: hex\n', /q\.yaml:2 convention\.awsMBps: found "hex"/, /decimal/],
    ['serverless: 5\n', /q\.yaml:1 serverless: found 5/, /mapping/],
    ['serverless:\n  authentication: [scram]\n', /cannot be overridden/, /numeric/],
    ['serverless:\n  partitions:\n    value: 10\n    sauce: x\n', /q\.yaml:4 serverless\.partitions\.sauce: unknown key/, /value, source/],
  ])('refuses %j', (text, message, hint) => {
    const error = inputFailure(() => override(text));
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(hint);
  });

  it('loads the bundled override fixture', () => {
    const limits = loadLimits('fixtures/quotas/raised-serverless.yaml');
    expect(limits.serverless.ingressPerCluster.value).toBe(400e6);
    expect(limits.serverless.partitions.source).toMatch(/support case/);
    expect(limits.prices.serverless.clusterHour.value).toBe(0.85);
  });

  it('uses the built-in limits without a file', () => {
    expect(loadLimits(undefined).serverless.partitions.value).toBe(2400);
  });
});

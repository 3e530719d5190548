import { describe, expect, it } from 'vitest';
import { parseYamlDocument } from '../../../src/input/yaml.js';
import {
  deriveFigures,
  egressOf,
  hasWorkloadFlags,
  ingressOf,
  storageOf,
  storageReplicatedOf,
  workloadFromFlags,
  workloadsFromDocument,
  type Workload,
} from '../../../src/sizing/workload.js';
import { inputFailure } from '../input-failure.js';

const read = (text: string, file = 'w.yaml') => workloadsFromDocument(parseYamlDocument(text, file));


const BASE = ['rate: 1000/s', 'avgSize: 15KB', 'consumerGroups: 1', 'topics: 10', 'partitionsPerTopic: 5', 'retention: 168h'];
/** one workload at the top level, with `extra` lines appended (they override BASE keys of the same name) */
function single(...extra: string[]): string {
  const keys = new Set(extra.map((l) => l.split(':')[0]));
  return [...BASE.filter((l) => !keys.has(l.split(':')[0])), ...extra].join('\n') + '\n';
}

describe('reading workloads', () => {
  it('reads a list of named workloads with their lines', () => {
    const text = 'workloads:\n  - name: a\n' + BASE.map((l) => `    ${l}`).join('\n') + '\n  - name: b\n' + BASE.map((l) => `    ${l}`).join('\n') + '\n';
    const [a, b] = read(text);
    expect(a!.name).toBe('a');
    expect(a!.origin).toBe('w.yaml:2');
    expect(b!.name).toBe('b');
    expect(b!.origin).toBe('w.yaml:9');
  });

  it('reads a mapping from name to workload', () => {
    const text = 'workloads:\n  gaming:\n' + BASE.map((l) => `    ${l}`).join('\n') + '\n';
    expect(read(text).map((w) => w.name)).toEqual(['gaming']);
  });

  it('reads one workload at the top level, named after the file', () => {
    const [w] = read(single(), 'dir/orders.yaml');
    expect(w!.name).toBe('orders');
  });

  it('reads JSON', () => {
    const [w] = read('{"name": "j", "rate": 500, "avgSize": "1KiB", "consumerGroups": 0, "topics": 1, "partitions": 3, "retention": "1d"}', 'w.json');
    expect(w).toMatchObject({ name: 'j', messagesPerSecond: 500, avgMessageBytes: 1024, consumerGroups: 0, partitions: 3, retentionSeconds: 86400 });
  });

  it('parses units and applies defaults', () => {
    const [w] = read(single('rate: 150k/s', 'avgSize: 30KiB', 'retention: 3d'));
    expect(w).toMatchObject({
      messagesPerSecond: 150_000,
      avgMessageBytes: 30 * 1024,
      maxMessageBytes: 30 * 1024, // defaults to the average
      partitions: 50,
      retentionSeconds: 259_200,
      compacted: false,
      needsBrokerConfig: false,
      needsZookeeper: false,
      splittable: true,
    });
    expect(w!.replicationFactor).toBeUndefined();
    expect(w!.auth).toBeUndefined();
  });

  it('normalises authentication names', () => {
    const [w] = read(single('auth: [SASL/SCRAM, mTLS, AWS_MSK_IAM, iam]'));
    expect(w!.auth).toEqual(['scram', 'tls', 'iam']);
  });
});

describe('bad workload input: exit 2 with file:line, field, found and expected', () => {
  it.each([
    ['unknown field', single('avgsize: 30KB'), /^w\.yaml:7 avgsize: unknown field "avgsize" \(did you mean avgSize\?\)/, /one of: name, rate/],
    ['zero rate', single('rate: 0'), /^w\.yaml:\d+ rate: found 0 \(must be greater than zero\)/, /rate > 0/],
    ['negative rate', single('rate: -5'), /rate: found -5 \(must be greater than zero\)/, /rate > 0/],
    ['rate with a word', single('rate: fast'), /rate: found "fast"/, /1000\/s/],
    ['size without a unit (number)', single('avgSize: 30'), /avgSize: found 30 \(a number without a unit\)/, /size > 0 with a unit/],
    ['size without a unit (string)', single('avgSize: "30"'), /avgSize: found "30" \(no unit\)/, /30KB or 30KiB/],
    ['size with an unknown unit', single('avgSize: 30XB'), /avgSize: found "30XB" \(unknown or missing unit\)/, /30KB/],
    ['negative size', single('avgSize: -30KB'), /avgSize: found "-30KB" \(must be greater than zero\)/, /size > 0/],
    ['max below the average', single('maxSize: 1KB'), /maxSize: found "1KB", below the average size "15KB"/, /at least the average size/],
    ['topics as a string', single('topics: "ten"'), /topics: found "ten"/, /whole number >= 1/],
    ['fractional topics', single('topics: 2.5'), /topics: found 2.5 \(not a whole number\)/, /whole number/],
    ['zero topics', single('topics: 0'), /topics: found 0 \(must be at least 1\)/, /whole number >= 1/],
    ['negative groups', single('consumerGroups: -1'), /consumerGroups: found -1 \(must not be negative\)/, /whole number >= 0/],
    ['retention without a unit', single('retention: 72'), /retention: found 72/, /72h/],
    ['compacted as a string', single('compacted: "yes"'), /compacted: found "yes"/, /true or false/],
    ['unknown auth', single('auth: [iam, kerberos]'), /w\.yaml:7 auth\[1\]: found "kerberos"/, /iam, scram, tls/],
    ['missing rate', BASE.slice(1).join('\n'), /^w\.yaml:1 \(top level\): missing field "rate"/, /message rate/],
    ['no partitions', BASE.slice(0, 4).concat(BASE[5]!).join('\n'), /missing field "partitionsPerTopic" or field "partitions"/, /partitions/],
    ['both partition fields', single('partitions: 50'), /both field "partitions" and field "partitionsPerTopic"/, /one of them/],
    ['fewer partitions than topics', BASE.slice(0, 4).concat('partitions: 3', 'retention: 1d').join('\n'), /found 3 partitions for 10 topics/, /one partition per topic/],
  ])('%s', (_label, text, message, hint) => {
    const error = inputFailure(() => read(text));
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(hint);
  });

  it('names the line of the bad field inside a list', () => {
    const text = 'workloads:\n  - name: a\n    rate: 1000/s\n    avgSize: 15\n';
    const error = inputFailure(() => read(text));
    expect(error.message).toMatch(/^w\.yaml:4 workloads\[0\]\.avgSize: found 15/);
  });

  it.each([
    ['a list at the top level', '- a\n- b\n', /top level.*found a list/],
    ['an empty workload list', 'workloads: []\n', /w\.yaml:1 workloads: found an empty list/],
    ['a scalar workload list', 'workloads: 5\n', /workloads: found 5/],
    ['a field next to workloads', 'version: 1\nworkloads: []\n', /w\.yaml:1 version: unknown top-level field/],
    ['a workload that is not a mapping', 'workloads:\n  - 5\n', /w\.yaml:2 workloads\[0\]: found 5/],
  ])('refuses %s', (_label, text, message) => {
    expect(inputFailure(() => read(text)).message).toMatch(message);
  });

  it('refuses duplicate names, saying where the first one is', () => {
    const body = BASE.map((l) => `    ${l}`).join('\n');
    const error = inputFailure(() => read(`workloads:\n  - name: a\n${body}\n  - name: a\n${body}\n`));
    expect(error.message).toMatch(/w\.yaml:9 name: duplicate workload name "a" \(first at w\.yaml:2\)/);
  });
});

describe('workloads from flags', () => {
  const flags = { rate: '1000/s', avgSize: '15KB', groups: '1', topics: '10', partitions: '5', retention: '7d' };

  it('builds one workload, numbers given as strings', () => {
    const w = workloadFromFlags({ ...flags, maxSize: '1MB', auth: ['iam'], compacted: true, notSplittable: true, replicationFactor: '2' });
    expect(w).toMatchObject({ name: 'workload', messagesPerSecond: 1000, avgMessageBytes: 15_000, maxMessageBytes: 1e6, consumerGroups: 1, partitions: 50, retentionSeconds: 604_800, auth: ['iam'], compacted: true, splittable: false, replicationFactor: 2, origin: 'flags' });
  });

  it('takes --partitions-total instead of per-topic partitions', () => {
    const { partitions: _p, ...rest } = flags;
    expect(workloadFromFlags({ ...rest, partitionsTotal: '64' }).partitions).toBe(64);
  });

  it.each([
    [{ rate: '0' }, /^--rate: found "0" \(must be greater than zero\)/],
    [{ rate: '-5/s' }, /^--rate: found "-5\/s"/],
    [{ avgSize: '30' }, /^--avg-size: found "30" \(no unit\)/],
    [{ maxSize: '1KB' }, /^--max-size: found "1KB", below the average size "15KB"/],
    [{ topics: 'x' }, /^--topics: found "x"/],
    [{ groups: '-1' }, /^--groups: found "-1" \(must not be negative\)/],
    [{ partitionsTotal: '64' }, /^--partitions-total: both --partitions-total and --partitions given/],
  ])('refuses %j naming the flag', (bad, message) => {
    const error = inputFailure(() => workloadFromFlags({ ...flags, ...bad }));
    expect(error.message).toMatch(message);
  });

  it('says which flag is missing', () => {
    const { retention: _r, ...rest } = flags;
    expect(inputFailure(() => workloadFromFlags(rest)).message).toMatch(/flags: missing --retention/);
  });

  it('refuses no workload at all', () => {
    expect(hasWorkloadFlags({})).toBe(false);
    expect(inputFailure(() => workloadFromFlags({})).message).toBe('no workload given');
  });
});

describe('derived figures', () => {
  const w: Workload = {
    name: 'x', messagesPerSecond: 2000, avgMessageBytes: 2048, maxMessageBytes: 4096, consumerGroups: 3, topics: 4, partitions: 16,
    retentionSeconds: 3600, compacted: false, needsBrokerConfig: false, needsZookeeper: false, splittable: true, origin: 'test',
  };

  it('computes ingress, egress, partitions, per-partition and storage', () => {
    // by hand: 2000 × 2048 = 4,096,000 B/s; × 3 groups = 12,288,000 B/s; 16 partitions over 4 topics
    expect(ingressOf(w)).toBe(4_096_000);
    expect(egressOf(w)).toBe(12_288_000);
    expect(storageOf(w)).toBe(4_096_000 * 3600);
    expect(storageReplicatedOf(w, 2)).toBe(4_096_000 * 3600 * 2);
    expect(deriveFigures(w, 3)).toEqual({
      ingressBytesPerSecond: 4_096_000,
      egressBytesPerSecond: 12_288_000,
      partitions: 16,
      partitionsPerTopic: 4,
      ingressBytesPerSecondPerPartition: 256_000,
      egressBytesPerSecondPerPartition: 768_000,
      storageBytes: 14_745_600_000,
      replicationFactor: 3,
      storageBytesReplicated: 44_236_800_000,
      storageBytesPerPartition: 921_600_000,
    });
  });

  it('uses the workload\'s replication factor over the default', () => {
    expect(deriveFigures({ ...w, replicationFactor: 2 }, 3).storageBytesReplicated).toBe(29_491_200_000);
  });

  it('has zero egress with no consumer groups', () => {
    expect(egressOf({ ...w, consumerGroups: 0 })).toBe(0);
  });
});

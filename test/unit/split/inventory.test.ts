import { describe, expect, it } from 'vitest';
import { parseYamlDocument } from '../../../src/input/yaml.js';
import type { MskctlError } from '../../../src/output/errors.js';
import { parseInventory } from '../../../src/split/inventory.js';
import { inputFailure } from '../input-failure.js';

const VALID = `version: 1
defaults:
  auth: [iam]
applications:
  - name: orders
    team: commerce
    latency: time-sensitive
    dataClass: PII
    connections: 12
    produces: [orders.created, 'orders.audit.*']
  - name: billing
    team: finance
    auth: [scram, iam]
consumerGroups:
  - name: billing-orders
    application: billing
    topics: ['orders.*']
    clientIds: [billing-1]
topics:
  - name: orders.created
    partitions: 12
    rate: 2000/s
    avgSize: 1KB
    maxSize: 1MiB
    retention: 7d
  - name: orders.audit.eu
    partitions: 3
    throughput: 512KiB/s
    compacted: true
    retention: unlimited
  - pattern: 'tenant-*.events'
    count: 40
    partitions: 120
    throughput: 4MB/s
    owner: orders
`;

function parse(text: string) {
  return parseInventory(parseYamlDocument(text, 'inv.yaml'));
}

/** The error a bad inventory raises: exit 2, with file:line and field path in the message. */
function failure(text: string): MskctlError {
  return inputFailure(() => parse(text));
}

describe('parseInventory: a valid inventory', () => {
  const inventory = parse(VALID);

  it('derives throughput from rate × average size, or takes bytes per second', () => {
    const created = inventory.topics.find((t) => t.name === 'orders.created')!;
    expect(created.ingressBytesPerSecond).toBe(2_000_000);
    expect(created.maxMessageBytes).toBe(1024 * 1024);
    expect(created.retentionSeconds).toBe(7 * 86400);
    const audit = inventory.topics.find((t) => t.name === 'orders.audit.eu')!;
    expect(audit.ingressBytesPerSecond).toBe(512 * 1024);
    expect(audit.compacted).toBe(true);
    expect(audit.retentionSeconds).toBeNull();
  });

  it('keeps a pattern entry as one family of topics', () => {
    const family = inventory.topics.find((t) => t.isPattern)!;
    expect(family).toMatchObject({ name: 'tenant-*.events', count: 40, partitions: 120, owner: 'orders' });
  });

  it('resolves topic patterns in produces and consumer groups', () => {
    expect(inventory.applications[0]!.produces.sort()).toEqual(['orders.audit.eu', 'orders.created']);
    expect(inventory.consumerGroups[0]!.topics.sort()).toEqual(['orders.audit.eu', 'orders.created']);
  });

  it('applies defaults and normalises data classes', () => {
    expect(inventory.applications[0]).toMatchObject({ auth: ['iam'], dataClass: 'pii', latency: 'time-sensitive', connections: 12 });
    expect(inventory.applications[1]).toMatchObject({ auth: ['scram', 'iam'], dataClass: 'internal', latency: 'batch', connections: 0 });
  });
});

describe('parseInventory: bad input names file:line, field path, found and expected', () => {
  it.each([
    ['an unknown field', VALID.replace('    connections: 12', '    conections: 12'), /^inv\.yaml:9 applications\[0\]\.conections: unknown field "conections"/, /connections/],
    ['a size without a unit', VALID.replace('avgSize: 1KB', 'avgSize: 1000'), /^inv\.yaml:23 topics\[0\]\.avgSize: found number 1000/, /unit/],
    ['an unknown size unit', VALID.replace('maxSize: 1MiB', 'maxSize: 1MX'), /^inv\.yaml:24 topics\[0\]\.maxSize: found "1MX"/, /8MiB/],
    ['a malformed rate', VALID.replace('rate: 2000/s', 'rate: fast'), /^inv\.yaml:22 topics\[0\]\.rate: found "fast"/, /1000\/s/],
    ['a throughput without per second', VALID.replace('throughput: 512KiB/s', 'throughput: 512KiB'), /^inv\.yaml:28 topics\[1\]\.throughput/, /5MB\/s/],
    ['a bad duration', VALID.replace('retention: 7d', 'retention: forever'), /^inv\.yaml:25 topics\[0\]\.retention: found "forever"/, /72h/],
    ['partitions as text', VALID.replace('partitions: 12', 'partitions: twelve'), /^inv\.yaml:21 topics\[0\]\.partitions: found "twelve"/, /whole number/],
    ['zero partitions', VALID.replace('partitions: 12', 'partitions: 0'), /^inv\.yaml:21 topics\[0\]\.partitions: found number 0/, /whole number/],
    ['a boolean as text', VALID.replace('compacted: true', 'compacted: yes please'), /^inv\.yaml:29 topics\[1\]\.compacted/, /true or false/],
    ['an unknown latency class', VALID.replace('latency: time-sensitive', 'latency: urgent'), /^inv\.yaml:7 applications\[0\]\.latency: found "urgent"/, /time-sensitive, batch/],
    ['an unknown auth mode', VALID.replace('auth: [scram, iam]', 'auth: [kerberos]'), /^inv\.yaml:13 applications\[1\]\.auth\[0\]: found "kerberos"/, /iam/],
    ['a duplicate application', VALID.replace('  - name: billing\n', '  - name: orders\n'), /^inv\.yaml:11 applications\[1\]\.name: duplicate application "orders"/, /once/],
    ['a duplicate topic', VALID.replace('  - name: orders.audit.eu\n', '  - name: orders.created\n'), /^inv\.yaml:26 topics\[1\]\.name: duplicate topic "orders\.created"/, /once/],
    ['a group of an unknown application', VALID.replace('    application: billing', '    application: biling'), /^inv\.yaml:16 consumerGroups\[0\]\.application: unknown application "biling"/, /applications/],
    ['a reference to an unknown topic', VALID.replace("produces: [orders.created, 'orders.audit.*']", 'produces: [orders.creatd]'), /^inv\.yaml:10 applications\[0\]\.produces\[0\]: unknown topic "orders\.creatd"/, /topics/],
    ['a pattern matching nothing', VALID.replace("topics: ['orders.*']", "topics: ['order.*']"), /^inv\.yaml:17 consumerGroups\[0\]\.topics\[0\]: pattern "order\.\*" matches no topic/, /pattern/],
    ['an unknown topic owner', VALID.replace('owner: orders', 'owner: nobody'), /^inv\.yaml:35 topics\[2\]\.owner: unknown application "nobody"/, /applications/],
    ['a TODO left by split inventory', VALID.replace('team: finance', 'team: TODO'), /^inv\.yaml:12 applications\[1\]\.team: still says "TODO"/, /fill in/],
    ['max below average size', VALID.replace('maxSize: 1MiB', 'maxSize: 100B'), /^inv\.yaml:24 topics\[0\]\.maxSize: maxSize 100B is below avgSize 1KB/, /at least the average/],
    ['rate without avgSize', VALID.replace('    avgSize: 1KB\n', ''), /^inv\.yaml:20 topics\[0\]: rate given without avgSize/, /avgSize/],
    ['no throughput', VALID.replace('    throughput: 4MB/s\n', ''), /^inv\.yaml:31 topics\[2\]: no throughput given/, /throughput/],
    ['name and pattern together', VALID.replace("  - pattern: 'tenant-*.events'", "  - pattern: 'tenant-*.events'\n    name: tenants"), /^inv\.yaml:31 topics\[2\]: both name and pattern given/, /exactly one/],
    ['count on a single topic', VALID.replace('    partitions: 3\n', '    partitions: 3\n    count: 2\n'), /^inv\.yaml:28 topics\[1\]\.count: found 2 on a single topic/, /pattern/],
    ['a list where a map belongs', VALID.replace('defaults:\n  auth: [iam]', 'defaults: [iam]'), /^inv\.yaml:2 defaults: found a list/, /map/],
    ['no auth and no default', VALID.replace('defaults:\n  auth: [iam]\n', ''), /^inv\.yaml:3 applications\[0\]: auth missing/, /authentication/],
    ['an unknown top-level field', `${VALID}clusters: []\n`, /^inv\.yaml:36 clusters: unknown field "clusters"/, /applications/],
  ])('%s', (_name, text, message, hint) => {
    const error = failure(text);
    expect(error.message).toMatch(message);
    expect(error.hint ?? '').toMatch(hint);
  });

  it('refuses a document that is not a map', () => {
    expect(failure('- a\n- b\n').message).toMatch(/^inv\.yaml: found a list/);
  });
});

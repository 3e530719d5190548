/**
 * `mskctl split inventory` against the harness brokers: topics with known configurations, a consumer group
 * with a recognisable client id, records produced at a known rate during the sample window. The built binary
 * runs as a user would; its YAML must describe the cluster, and once its TODOs are filled in, `split plan`
 * must accept it.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Consumer, ITopicConfig, Kafka, Producer } from 'kafkajs';
import { parse as parseYaml } from 'yaml';
import { createKafka } from '../../src/kafka/client.js';
import { parseSize } from '../../src/sizing/units.js';
import { harnessEndpoints } from '../kafka/harness.js';
import { BIN, ROOT, mskctl } from '../cli/run-cli.js';

const h = harnessEndpoints();
const prefix = `inv-${randomUUID().slice(0, 8)}`;
const ORDERS = `${prefix}.orders`;
const STATE = `${prefix}.state`;
const IDLE = `${prefix}.idle`;
const SIZED = `${prefix}.sized`;
/** the restricted principal may use allowed-* topics but not describe the cluster */
const ALLOWED = `${h.restrictedAllowedPrefix}${prefix}`;
const GROUP = `${prefix}-billing`;
const VALUE_BYTES = 500;
const BATCH = 10;
const INTERVAL_MS = 100; // 10 records every 100 ms: 100 records/s

let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let consumer: Consumer;
/** an admin client that does not retry, for polling */
let probe: Admin;

/** Runs the built CLI without blocking this process (the producer keeps producing meanwhile). */
function mskctlAsync(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** kafkajs' waitForLeaders trips over partitions still being created on a busy broker; poll the metadata instead. */
async function createTopicsAndWait(topics: ITopicConfig[]): Promise<void> {
  await admin.createTopics({ waitForLeaders: false, topics });
  const names = topics.map((t) => t.topic);
  for (let attempt = 0; ; attempt++) {
    const ready = await probe
      .fetchTopicMetadata({ topics: names })
      .then((m) => m.topics.length === names.length && m.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)))
      .catch(() => false);
    if (ready) return;
    if (attempt > 60) throw new Error(`topics ${names.join(', ')} got no leaders within 30 s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(async () => {
  kafka = await createKafka({ brokers: [h.source.plaintext], auth: 'plaintext', clientId: 'split-inventory-test' });
  admin = kafka.admin();
  await admin.connect();
  probe = (await createKafka({ brokers: [h.source.plaintext], auth: 'plaintext', clientId: 'split-inventory-probe', retry: { retries: 0 } })).admin();
  await probe.connect();
  await createTopicsAndWait([
      { topic: ORDERS, numPartitions: 6, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: String(3 * 86_400_000) }, { name: 'max.message.bytes', value: '2097152' }] },
      { topic: STATE, numPartitions: 3, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      { topic: IDLE, numPartitions: 2, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: '-1' }] },
  ]);
  producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  await producer.send({ topic: STATE, messages: [{ key: 'customer-1', value: 's'.repeat(200) }] });
  // a consumer group whose client id names its application
  const consumerKafka = await createKafka({ brokers: [h.source.plaintext], auth: 'plaintext', clientId: 'billing-service-7' });
  consumer = consumerKafka.consumer({ groupId: GROUP });
  await consumer.connect();
  await consumer.subscribe({ topics: [ORDERS, STATE], fromBeginning: true });
  await consumer.run({ autoCommit: true, autoCommitInterval: 500, eachMessage: async () => undefined });
});

afterAll(async () => {
  await consumer?.disconnect().catch(() => undefined);
  await producer?.disconnect().catch(() => undefined);
  // deleted at the end only: the shared producer's metadata refresh fails on a deleted topic it wrote to
  await admin?.deleteTopics({ topics: [ORDERS, STATE, IDLE, SIZED, ALLOWED] }).catch(() => undefined);
  await admin?.disconnect().catch(() => undefined);
  await probe?.disconnect().catch(() => undefined);
});

describe('mskctl split inventory (harness brokers)', () => {
  it('measures topics, configurations, groups and a plausible throughput, and split plan accepts the result', async () => {
    let producing = true;
    let sent = 0;
    const started = Date.now();
    const loop = (async () => {
      while (producing) {
        await producer.send({ topic: ORDERS, messages: Array.from({ length: BATCH }, (_, i) => ({ key: `k${(sent + i) % 7}`, value: 'v'.repeat(VALUE_BYTES) })) });
        sent += BATCH;
        await new Promise((r) => setTimeout(r, INTERVAL_MS));
      }
    })();
    await new Promise((r) => setTimeout(r, 3000)); // the group joins and commits, the rate settles
    const run = await mskctlAsync(['split', 'inventory', '--bootstrap', h.source.plaintext, '--auth', 'plaintext', '--sample', '5s', '--topics', `^${prefix}\\.`]);
    producing = false;
    await loop;
    const actualRate = sent / ((Date.now() - started) / 1000);

    expect(run.status, run.stderr).toBe(0);
    // progress on stderr, the inventory on stdout
    expect(run.stderr).toMatch(/metadata: 3 topics, 11 partitions/);
    expect(run.stderr).toMatch(/sampling for 5 s/);
    expect(run.stdout).toMatch(/^# Inventory measured by mskctl split inventory/);
    const doc = parseYaml(run.stdout) as {
      source: { storage: string; sample: string };
      applications: Array<Record<string, unknown>>;
      consumerGroups: Array<{ name: string; application: string; topics: string[]; clientIds: string[] }>;
      topics: Array<Record<string, unknown>>;
    };
    expect(doc.source.sample).toBe('5s');
    expect(doc.source.storage).toMatch(/^measured: DescribeLogDirs.*one copy/);

    const byName = new Map(doc.topics.map((t) => [t.name as string, t]));
    expect([...byName.keys()].sort()).toEqual([IDLE, ORDERS, STATE]);
    const orders = byName.get(ORDERS)!;
    expect(orders).toMatchObject({ partitions: 6, retention: '3d', maxMessageBytes: '2097152B' });
    // rate: within half and one and a half times what the producer achieved
    const measuredRate = Number(String(orders.rate).replace('/s', ''));
    expect(measuredRate).toBeGreaterThan(actualRate * 0.5);
    expect(measuredRate).toBeLessThan(actualRate * 1.5);
    // size: key (2 bytes) + value
    expect(orders.avgSize).toBe(`${VALUE_BYTES + 2}B`);
    expect(byName.get(STATE)).toMatchObject({ partitions: 3, compacted: true, throughput: '0B/s', maxSize: `${200 + 'customer-1'.length}B` });
    expect(byName.get(IDLE)).toMatchObject({ partitions: 2, retention: 'unlimited', throughput: '0B/s', storage: '0 B' });
    expect(parseSize(String(orders.storage))).toBeGreaterThan(0);

    const group = doc.consumerGroups.find((g) => g.name === GROUP)!;
    expect(group.topics).toEqual([ORDERS, STATE].sort());
    expect(group.clientIds).toEqual(['billing-service-7']);
    expect(group.application).toBe('billing-service');
    const app = doc.applications.find((a) => a.name === 'billing-service')!;
    expect(app.team).toMatch(/^TODO/);

    // split plan refuses the TODOs, then accepts the inventory once a person has filled them in
    const dir = mkdtempSync(join(tmpdir(), 'mskctl-inv-'));
    const raw = join(dir, 'raw.yaml');
    writeFileSync(raw, run.stdout);
    const refused = mskctl(['split', 'plan', raw]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/applications\[\d+\]\.team: still says "TODO: owning team"/);
    for (const a of doc.applications) Object.assign(a, { team: 'finance', latency: 'batch', dataClass: 'internal', auth: ['iam'] });
    const filled = join(dir, 'filled.yaml');
    writeFileSync(filled, JSON.stringify(doc));
    const plan = mskctl(['split', 'plan', filled, '--output', 'json']);
    expect(plan.status, plan.stderr).toBe(0);
    const result = JSON.parse(plan.stdout) as { assignments: Record<string, string> };
    expect(Object.keys(result.assignments).filter((t) => t.startsWith(prefix)).sort()).toEqual([IDLE, ORDERS, STATE]);
  });

  it('measures storage per topic with DescribeLogDirs: the leader replicas\' log sizes, close to the bytes written', async () => {
    const sized = SIZED;
    await createTopicsAndWait([{ topic: sized, numPartitions: 3, replicationFactor: 1 }]);
    let payloadBytes = 0;
    for (let batch = 0; batch < 40; batch++) {
      const messages = Array.from({ length: 50 }, (_, i) => ({ key: `key-${batch}-${i}`, value: 'p'.repeat(1000 + ((batch * 50 + i) % 97)) }));
      for (const m of messages) payloadBytes += Buffer.byteLength(m.key) + m.value.length;
      await producer.send({ topic: sized, messages });
    }
    const run = await mskctlAsync(['split', 'inventory', '--bootstrap', h.source.plaintext, '--sample', '1s', '--records-per-topic', '0', '--topics', `^${prefix}\\.(sized|idle)$`, '--output', 'json']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/storage: measured on 1 brokers/);
    const doc = JSON.parse(run.stdout) as { source: { storage: string }; topics: Array<{ name: string; storage?: string }> };
    expect(doc.source.storage).toMatch(/^measured/);
    const storage = new Map(doc.topics.map((t) => [t.name, t.storage]));
    // the log holds record batches: the payload plus batch and record headers, never less than the payload
    const measured = parseSize(storage.get(sized)!);
    expect(measured).toBeGreaterThanOrEqual(payloadBytes);
    expect(measured).toBeLessThanOrEqual(payloadBytes * 1.5);
    expect(storage.get(IDLE)).toBe('0 B');
    console.log(`split inventory storage: ${storage.get(sized)} measured for ${payloadBytes} payload bytes (${(measured / payloadBytes).toFixed(3)}×)`);
  });

  it('still measures everything else when the cluster refuses DescribeLogDirs, and says why', async () => {
    const allowed = ALLOWED;
    await createTopicsAndWait([{ topic: allowed, numPartitions: 2, replicationFactor: 1 }]);
    await producer.send({ topic: allowed, messages: [{ value: 'x'.repeat(100) }] });
    const run = await mskctlAsync(
      ['split', 'inventory', '--bootstrap', h.source.scramTls, '--auth', 'scram', '--username', h.scram.restricted.username, '--ca', h.tls.caFile, '--sample', '1s', '--records-per-topic', '0', '--topics', `^${allowed}$`, '--output', 'json'],
      { MSKCTL_SCRAM_PASSWORD: h.scram.restricted.password },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/warning: storage not measured: the cluster refused DescribeLogDirs .*not authorized to describe the cluster/);
    const doc = JSON.parse(run.stdout) as { source: { storage: string }; topics: Array<Record<string, unknown>> };
    expect(doc.source.storage).toMatch(/^unavailable: the cluster refused DescribeLogDirs/);
    expect(doc.topics).toEqual([expect.objectContaining({ name: allowed, partitions: 2 })]);
    expect(doc.topics[0]).not.toHaveProperty('storage');
  });

  it('measures through the MSK IAM listener (real signer) and the SCRAM-over-TLS listener', async () => {
    const topicArgs = ['--sample', '1s', '--records-per-topic', '0', '--topics', `^${prefix}\\.orders$`, '--output', 'json'];
    const iam = await mskctlAsync(['split', 'inventory', '--bootstrap', h.source.iam, '--auth', 'iam', '--region', h.iam.region, '--ca', h.tls.caFile, ...topicArgs], {
      AWS_ACCESS_KEY_ID: h.iam.admin.accessKeyId,
      AWS_SECRET_ACCESS_KEY: h.iam.admin.secretAccessKey,
      AWS_SESSION_TOKEN: '',
      AWS_PROFILE: '',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    });
    expect(iam.status, iam.stderr).toBe(0);
    expect((JSON.parse(iam.stdout) as { topics: Array<{ name: string; partitions: number }> }).topics).toEqual([expect.objectContaining({ name: ORDERS, partitions: 6 })]);
    // DescribeLogDirs goes through the same authenticated broker connections (SASL OAUTHBEARER over TLS)
    expect((JSON.parse(iam.stdout) as { source: { storage: string } }).source.storage).toMatch(/^measured/);
    expect(iam.stderr).not.toContain(h.iam.admin.secretAccessKey);

    const scram = await mskctlAsync(['split', 'inventory', '--bootstrap', h.source.scramTls, '--auth', 'scram', '--username', h.scram.admin.username, '--ca', h.tls.caFile, ...topicArgs], {
      MSKCTL_SCRAM_PASSWORD: h.scram.admin.password,
    });
    expect(scram.status, scram.stderr).toBe(0);
    expect((JSON.parse(scram.stdout) as { topics: Array<{ name: string }> }).topics.map((t) => t.name)).toEqual([ORDERS]);
    expect(scram.stderr).not.toContain(h.scram.admin.password);
  });

  it('handles thousands of partitions with batched admin calls and progress on stderr', async () => {
    const many = `${prefix}-many`;
    const topics = Array.from({ length: 100 }, (_, i) => `${many}.t${String(i).padStart(3, '0')}`);
    for (let i = 0; i < topics.length; i += 50) {
      await createTopicsAndWait(topics.slice(i, i + 50).map((topic) => ({ topic, numPartitions: 20, replicationFactor: 1 })));
    }
    try {
      const started = Date.now();
      const run = await mskctlAsync(['split', 'inventory', '--bootstrap', h.source.plaintext, '--sample', '1s', '--topics', `^${many}\\.`, '--output', 'json']);
      const seconds = (Date.now() - started) / 1000;
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).toContain('metadata: 100 topics, 2000 partitions');
      expect(run.stderr).toMatch(/topic configurations: 100\/100/);
      const doc = JSON.parse(run.stdout) as { topics: Array<{ name: string; partitions: number; storage?: string }> };
      expect(doc.topics).toHaveLength(100);
      expect(doc.topics.every((t) => t.partitions === 20)).toBe(true);
      // one DescribeLogDirs request covered the 2,000 partitions
      expect(doc.topics.every((t) => t.storage === '0 B')).toBe(true);
      // every partition reported by its leader, freshly created ones included
      expect(run.stderr).toContain('storage: measured on 1 brokers');
      expect(run.stderr).not.toMatch(/not counted/);
      console.log(`split inventory: 100 topics / 2000 partitions measured in ${seconds.toFixed(1)} s (sample 1 s)`);
    } finally {
      // a broker with thousands of leftover partitions runs out of file descriptors: delete them, and wait
      await admin.deleteTopics({ topics, timeout: 60_000 });
    }
  });
});

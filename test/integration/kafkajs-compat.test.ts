/**
 * The kafkajs API surface mskctl relies on, against the harness's Kafka version (3.9.x by default; the 4.x
 * run sets MSKCTL_KAFKA_VERSION). Kafka 4.0 removed many old protocol versions (KIP-896), so each call here
 * proves kafkajs 2.2.4 still negotiates one the broker accepts. Also: MSK IAM re-authentication on the
 * listener with a short connections.max.reauth.ms.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Kafka } from 'kafkajs';
import kafkajs from 'kafkajs';
import { createKafka } from '../../src/kafka/client.js';
import { harnessEndpoints } from '../kafka/harness.js';
import { testTokenProvider } from '../kafka/iam-token.js';
import { createTopicsReady } from '../kafka/topics.js';

const { CompressionTypes, ConfigResourceTypes } = kafkajs;
const h = harnessEndpoints();
const id = randomUUID().slice(0, 8);
const topic = `compat-${id}`;
const group = `compat-group-${id}`;

let kafka: Kafka;
let admin: Admin;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  kafka = await createKafka({ brokers: [h.source.plaintext], auth: 'plaintext', clientId: 'compat' });
  admin = kafka.admin();
  await admin.connect();
  closers.push(() => admin.disconnect());
  await createTopicsReady(admin, { topics: [{ topic, numPartitions: 2, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: '3600000' }] }], waitForLeaders: true });
});

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
});

/** retries a call that can fail transiently (bounded: 10 s) */
async function eventually<T>(call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** consume `count` messages from the beginning with a fresh group and return their values */
async function consume(from: Kafka, topicName: string, groupId: string, count: number, readUncommitted = false): Promise<string[]> {
  const consumer = from.consumer({ groupId, readUncommitted });
  closers.push(() => consumer.disconnect());
  await consumer.connect();
  await consumer.subscribe({ topic: topicName, fromBeginning: true });
  const values: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`consumed ${values.length} of ${count} within 30 s`)), 30_000);
    consumer
      .run({
        eachMessage: async ({ message }) => {
          values.push(message.value?.toString() ?? '');
          if (values.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return values;
}

describe(`kafkajs against Kafka ${h.kafkaVersion}`, () => {
  it('idempotent producer with gzip, then a consumer group commits offsets', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    closers.push(() => producer.disconnect());
    await producer.connect();
    await producer.send({
      topic,
      compression: CompressionTypes.GZIP,
      messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, headers: { n: String(i) } })),
    });
    const values = await consume(kafka, topic, group, 10);
    expect([...values].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `v${i}`).sort());
    const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const committed = offsets[0]!.partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    expect(committed).toBe(10);
  });

  it('topic metadata, offsets and offsets by timestamp', async () => {
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics[0]!.partitions).toHaveLength(2);
    const ends = await admin.fetchTopicOffsets(topic);
    expect(ends.reduce((sum, p) => sum + Number(p.high), 0)).toBe(10);
    const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, 0);
    expect(byTime.map((p) => Number(p.offset))).toEqual([0, 0]);
  });

  it('describe and alter topic configs', async () => {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: '7200000' }] }],
    });
    const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }] });
    expect(described.resources[0]!.configEntries.find((e) => e.configName === 'retention.ms')?.configValue).toBe('7200000');
  });

  it('groups: list, describe, set offsets, reset offsets, delete', async () => {
    const listed = await admin.listGroups();
    expect(listed.groups.map((g) => g.groupId)).toContain(group);
    const described = await admin.describeGroups([group]);
    expect(described.groups[0]!.state).toBe('Empty');
    await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '0' }] });
    expect((await admin.fetchOffsets({ groupId: group, topics: [topic] }))[0]!.partitions.find((p) => p.partition === 0)?.offset).toBe('0');
    // kafkajs commits its "latest" marker (-1) and resolves it when a consumer of the group starts
    await admin.resetOffsets({ groupId: group, topic, earliest: false });
    const afterReset = (await admin.fetchOffsets({ groupId: group, topics: [topic] }))[0]!.partitions;
    expect(afterReset.map((p) => p.offset)).toEqual(['-1', '-1']);
    await admin.deleteGroups([group]);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(group);
  });

  it('transactional producer: committed records visible, aborted ones not (read_committed)', async () => {
    const txTopic = `compat-tx-${id}`;
    await createTopicsReady(admin, { topics: [{ topic: txTopic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    const producer = kafka.producer({ transactionalId: `compat-tx-${id}`, idempotent: true, maxInFlightRequests: 1 });
    closers.push(() => producer.disconnect());
    await producer.connect();
    const aborted = await producer.transaction();
    await aborted.send({ topic: txTopic, messages: [{ value: 'aborted' }] });
    await aborted.abort();
    const committed = await producer.transaction();
    await committed.send({ topic: txTopic, messages: [{ value: 'committed-1' }, { value: 'committed-2' }] });
    await committed.commit();
    expect(await consume(kafka, txTopic, `compat-tx-group-${id}`, 2)).toEqual(['committed-1', 'committed-2']);
  });

  it('create partitions, delete records, delete topics', async () => {
    const extra = `compat-extra-${id}`;
    await createTopicsReady(admin, { topics: [{ topic: extra, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    await admin.createPartitions({ topicPartitions: [{ topic: extra, count: 3 }] });
    expect((await admin.fetchTopicMetadata({ topics: [extra] })).topics[0]!.partitions).toHaveLength(3);
    const producer = kafka.producer();
    closers.push(() => producer.disconnect());
    await producer.connect();
    await producer.send({ topic: extra, messages: [{ value: 'a', partition: 0 }, { value: 'b', partition: 0 }] });
    // Right after CreatePartitions the new partitions can answer ListOffsets with NOT_LEADER_OR_FOLLOWER for a
    // moment (seen on 4.1), and kafkajs' fetchTopicOffsets (also used by deleteTopicRecords) does not retry
    // it: callers must.
    await eventually(() => admin.fetchTopicOffsets(extra));
    await admin.deleteTopicRecords({ topic: extra, partitions: [{ partition: 0, offset: '1' }] });
    const low = (await admin.fetchTopicOffsets(extra)).find((p) => p.partition === 0)?.low;
    expect(low).toBe('1');
    await admin.deleteTopics({ topics: [extra] });
    expect(await admin.listTopics()).not.toContain(extra);
  });

  it('describeCluster and describeAcls', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.brokers).toHaveLength(1);
    const acls = await admin.describeAcls({
      resourceType: kafkajs.AclResourceTypes.ANY,
      resourcePatternType: kafkajs.ResourcePatternTypes.ANY,
      operation: kafkajs.AclOperationTypes.ANY,
      permissionType: kafkajs.AclPermissionTypes.ANY,
    });
    expect(acls.resources.some((r) => r.resourceName === h.restrictedAllowedPrefix)).toBe(true);
  });

  it('MSK IAM: a producer keeps working across re-authentications on the short-session listener', async () => {
    let tokens = 0;
    const sign = testTokenProvider(h.iam.admin, h.iam.region);
    const iam = await createKafka({
      brokers: [h.source.iamReauth],
      auth: 'iam',
      caFile: h.tls.caFile,
      // re-authenticate as soon as less than this is left of the broker's session (h.iam.reauthMs)
      reauthenticationThresholdMs: h.iam.reauthMs - 2000,
      tokenProvider: async () => {
        tokens += 1;
        return sign();
      },
    });
    const producer = iam.producer();
    closers.push(() => producer.disconnect());
    await producer.connect();
    const reauthTopic = `compat-reauth-${id}`;
    await createTopicsReady(admin, { topics: [{ topic: reauthTopic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    // keep sending until several re-authentications (beyond the first logins) (each asks the provider for a fresh token) have happened
    let sent = 0;
    const deadline = Date.now() + 60_000;
    while (tokens < 5 && Date.now() < deadline) {
      await producer.send({ topic: reauthTopic, messages: [{ value: `m${sent}` }] });
      sent += 1;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(tokens).toBeGreaterThanOrEqual(5);
    const ends = await admin.fetchTopicOffsets(reauthTopic);
    expect(Number(ends[0]!.high)).toBe(sent);
  });

  it('MSK IAM: re-authenticating as another principal is refused by the broker, and kafkajs silently reconnects', async () => {
    let tokens = 0;
    const first = testTokenProvider(h.iam.admin, h.iam.region);
    const second = testTokenProvider(h.iam.role, h.iam.region);
    const iam = await createKafka({
      brokers: [h.target.iamReauth],
      auth: 'iam',
      caFile: h.tls.caFile,
      reauthenticationThresholdMs: h.iam.reauthMs - 2000,
      // the first logins as one identity, every later token for another (what an unpinned role session name does)
      tokenProvider: async () => (++tokens <= 2 ? first() : second()),
    });
    const client = iam.admin();
    closers.push(() => client.disconnect());
    await client.connect();
    const deadline = Date.now() + 60_000;
    while (tokens < 4 && Date.now() < deadline) {
      await client.describeCluster();
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(tokens).toBeGreaterThanOrEqual(4);
    await expect(client.describeCluster()).resolves.toMatchObject({ brokers: [expect.anything()] });
    if (h.target.logFile) {
      expect(readFileSync(h.target.logFile, 'utf8')).toContain('Cannot change principals during re-authentication');
    }
  });
});

/**
 * The cutover's Kafka port on a real broker: group states and members, committed offsets, offset writes
 * (accepted only while the group is empty), log bounds and partition counts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { createKafka } from '../../src/kafka/client.js';
import { clusterPortFromAdmin } from '../../src/cutover/kafka-cluster.js';
import type { ClusterPort } from '../../src/cutover/ports.js';
import { harnessEndpoints } from '../kafka/harness.js';
import { createTopicsReady } from '../kafka/topics.js';

const h = harnessEndpoints();
let kafka: Kafka;
let admin: Admin;
let port: ClusterPort;
const topic = `cutover-port-${randomUUID().slice(0, 8)}`;
const consumers: Consumer[] = [];

beforeAll(async () => {
  kafka = await createKafka({ brokers: [h.target.plaintext], auth: 'plaintext' });
  admin = kafka.admin();
  await admin.connect();
  await createTopicsReady(admin, { topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: Array.from({ length: 30 }, (_, i) => ({ partition: i % 3, value: `r${i}` })) });
  await producer.disconnect();
  port = clusterPortFromAdmin('target', admin);
});

afterAll(async () => {
  await Promise.allSettled(consumers.map((c) => c.disconnect()));
  await admin?.disconnect();
});

async function joinGroup(group: string): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 500 });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let joined: () => void;
  const ready = new Promise<void>((resolve) => (joined = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  await consumer.run({ eachMessage: async () => undefined });
  await ready;
  return consumer;
}

describe('cutover cluster port (real broker)', () => {
  it('counts partitions and skips missing topics', async () => {
    const counts = await port.partitionCounts([topic, 'no-such-topic-here']);
    expect(counts).toEqual(new Map([[topic, 3]]));
  });

  it('reads the log bounds of every partition', async () => {
    expect(await port.topicBounds([topic, 'no-such-topic-here'])).toEqual([0, 1, 2].map((partition) => ({ topic, partition, low: 0, high: 10 })));
  });

  it('an unknown group is Dead with no members and no commits', async () => {
    const group = `absent-${randomUUID()}`;
    expect(await port.describeGroup(group)).toEqual({ group, state: 'Dead', members: 0 });
    expect((await port.committedOffsets(group, [topic])).map((o) => o.offset)).toEqual([-1, -1, -1]);
  });

  it('writes offsets for an empty group and reads them back', async () => {
    const group = `empty-${randomUUID()}`;
    await port.setOffsets(group, [
      { topic, partition: 0, offset: 4 },
      { topic, partition: 2, offset: 9 },
    ]);
    const committed = await port.committedOffsets(group, [topic]);
    expect(committed.sort((a, b) => a.partition - b.partition)).toEqual([
      { topic, partition: 0, offset: 4 },
      { topic, partition: 1, offset: -1 },
      { topic, partition: 2, offset: 9 },
    ]);
    expect((await port.describeGroup(group)).state).toBe('Empty');
  });

  it('sees an active group and the broker refuses offset writes for it', async () => {
    const group = `active-${randomUUID()}`;
    const consumer = await joinGroup(group);
    const seen = await port.describeGroup(group);
    expect(seen.members).toBe(1);
    expect(seen.state).toBe('Stable');
    await expect(port.setOffsets(group, [{ topic, partition: 0, offset: 1 }])).rejects.toThrow();
    await consumer.disconnect();
    const after = await port.describeGroup(group);
    expect(after).toEqual({ group, state: 'Empty', members: 0 });
  });
});

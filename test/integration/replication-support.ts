/** Shared helpers of the replication integration tests (real brokers from the harness). */
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, Message } from 'kafkajs';
import { createKafka } from '../../src/kafka/client.js';
import { registerCodecs } from '../../src/kafka/codecs.js';
import { PartitionReader, type RawRecord } from '../../src/kafka/partition-reader.js';
import { memoryLogger } from '../../src/output/log.js';
import { Replicator, type ReplicatorOptions, type ReplicationSummary } from '../../src/replication/replicator.js';
import { compileSelection } from '../../src/replication/topic-plan.js';
import { harnessEndpoints } from '../kafka/harness.js';
import { createTopicsReady } from '../kafka/topics.js';

export const h = harnessEndpoints();

export function uniqueId(): string {
  return randomUUID().slice(0, 8);
}

export async function clients(): Promise<{ source: Kafka; target: Kafka }> {
  await registerCodecs();
  const [source, target] = await Promise.all([
    createKafka({ brokers: [h.source.plaintext], auth: 'plaintext', clientId: 'repl-test-source' }),
    createKafka({ brokers: [h.target.plaintext], auth: 'plaintext', clientId: 'repl-test-target' }),
  ]);
  return { source, target };
}

export async function withAdmin<T>(kafka: Kafka, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

export async function createTopics(kafka: Kafka, topics: Array<{ topic: string; partitions: number; configs?: Record<string, string> }>): Promise<void> {
  await withAdmin(kafka, (admin) =>
    createTopicsReady(admin, {
      topics: topics.map((t) => ({ topic: t.topic, numPartitions: t.partitions, configEntries: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })) })),
    }),
  );
}

/**
 * A record with the shapes replication must preserve: null keys (every 7th; compacted topics refuse them), tombstones (every 13th),
 * repeated and empty headers (every 5th), no headers, old timestamps; `seq` makes every value unique.
 */
export function testMessage(topic: string, partition: number, seq: number, baseTime: number, alwaysKeyed = false): Message {
  const headers: Message['headers'] =
    seq % 5 === 0 ? { rep: [Buffer.from('a'), Buffer.from('b')], empty: Buffer.alloc(0) } : seq % 5 === 1 ? {} : { trace: Buffer.from(`t-${seq}`) };
  return {
    partition,
    key: seq % 7 === 0 && !alwaysKeyed ? null : `key-${seq % 1000}`,
    value: seq % 13 === 0 ? null : `${topic}|${partition}|${seq}|${'x'.repeat(60 + (seq % 40))}`,
    headers,
    timestamp: String(baseTime - 3_600_000 + seq),
  };
}

/** Produces `count` records per partition in batches, acks=all. */
export async function produce(kafka: Kafka, topic: string, partitions: number, perPartition: number, options: { batch?: number; seqStart?: number; alwaysKeyed?: boolean } = {}): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const baseTime = Date.now();
  const batch = options.batch ?? 2000;
  const start = options.seqStart ?? 0;
  try {
    for (let from = start; from < start + perPartition; from += batch) {
      const messages: Message[] = [];
      for (let p = 0; p < partitions; p += 1) {
        for (let seq = from; seq < Math.min(from + batch, start + perPartition); seq += 1) messages.push(testMessage(topic, p, seq, baseTime, options.alwaysKeyed));
      }
      await producer.send({ topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Committed and aborted transactions; aborted values contain ABORTED. */
export async function produceTransactions(kafka: Kafka, topic: string, partitions: number, transactions: number, perTransaction: number): Promise<{ committed: number; aborted: number }> {
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1, transactionalId: `repl-test-${uniqueId()}` });
  await producer.connect();
  let committed = 0;
  let aborted = 0;
  try {
    for (let t = 0; t < transactions; t += 1) {
      const abort = t % 2 === 1;
      const txn = await producer.transaction();
      const messages: Message[] = [];
      for (let i = 0; i < perTransaction; i += 1) {
        messages.push({ partition: (t + i) % partitions, key: `tx-${t}`, value: `${abort ? 'ABORTED' : 'COMMITTED'}|${t}|${i}`, headers: { txn: String(t) } });
      }
      await txn.send({ topic, acks: -1, messages });
      if (abort) {
        await txn.abort();
        aborted += messages.length;
      } else {
        await txn.commit();
        committed += messages.length;
      }
    }
  } finally {
    await producer.disconnect();
  }
  return { committed, aborted };
}

/** Every read_committed record of a topic, per partition, in offset order. */
export async function readAll(kafka: Kafka, topic: string): Promise<Map<number, RawRecord[]>> {
  const offsets = await withAdmin(kafka, (admin) => admin.fetchTopicOffsets(topic));
  const reader = new PartitionReader(kafka, { readCommitted: true, maxWaitMs: 100, maxBytesPerPartition: 4 * 1024 * 1024 });
  await reader.connect();
  const out = new Map<number, RawRecord[]>();
  try {
    const positions = new Map(offsets.map((o) => [o.partition, Number(o.low)]));
    const ends = new Map(offsets.map((o) => [o.partition, Number(o.offset)]));
    for (const o of offsets) out.set(o.partition, []);
    for (const [p, start] of positions) if (start >= (ends.get(p) as number)) positions.delete(p);
    while (positions.size > 0) {
      const fetched = await reader.fetch([...positions].map(([partition, offset]) => ({ topic, partition, offset })), 100);
      for (const f of fetched) {
        const end = ends.get(f.partition) as number;
        out.get(f.partition)?.push(...f.records.filter((r) => r.offset < end));
        if (f.next >= end) positions.delete(f.partition);
        else positions.set(f.partition, Math.max(f.next, f.fetchOffset));
      }
    }
  } finally {
    await reader.disconnect();
  }
  return out;
}

/** A comparable form of a record: everything replication must preserve. */
export function recordShape(r: RawRecord): { key: string | null; value: string | null; headers: Record<string, string[]>; timestamp: string } {
  const headers: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k] = (Array.isArray(v) ? v : [v]).map((x) => (typeof x === 'string' ? x : x.toString('base64')));
  return { key: r.key === null ? null : r.key.toString('base64'), value: r.value === null ? null : r.value.toString('base64'), headers, timestamp: r.timestamp };
}

export function replicatorOptions(flowId: string, topics: string[], over: Partial<ReplicatorOptions> = {}): ReplicatorOptions {
  return {
    flowId,
    selection: compileSelection(topics),
    rename: 'identity',
    sourceAlias: 'source',
    targetKind: 'kafka',
    serverlessMaxMessageBytes: 8 * 1024 * 1024,
    exactlyOnce: false,
    compression: 'none',
    refreshMs: 30_000,
    heartbeatMs: 1_000,
    untilCaughtUp: true,
    maxBatchBytes: 1024 * 1024,
    fetchMaxBytes: 32 * 1024 * 1024,
    fetchMaxBytesPerPartition: 2 * 1024 * 1024,
    progressMs: 60_000,
    log: memoryLogger('normal'),
    signal: new AbortController().signal,
    ...over,
  };
}

export async function replicate(source: Kafka, target: Kafka, options: ReplicatorOptions): Promise<ReplicationSummary> {
  return new Replicator(source, target, options).run();
}

/** Shared helpers of the replication integration tests (real brokers from the harness). */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, Message } from 'kafkajs';
import { expect } from 'vitest';
import { createKafka } from '../../src/kafka/client.js';
import { registerCodecs } from '../../src/kafka/codecs.js';
import { PartitionReader, type RawRecord } from '../../src/kafka/partition-reader.js';
import { memoryLogger } from '../../src/output/log.js';
import { Replicator, type ReplicatorOptions, type ReplicationSummary } from '../../src/replication/replicator.js';
import { compileSelection } from '../../src/replication/topic-plan.js';
import { loadFlowMap } from '../../src/replication/translate.js';
import { BIN } from '../cli/run-cli.js';
import { harnessEndpoints } from '../kafka/harness.js';
import { createTopicsReady, isTransientTopicError } from '../kafka/topics.js';
import { retry } from '../../src/util/retry.js';

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
  // right after a topic is created or written, a broker may briefly answer NOT_LEADER_OR_FOLLOWER (seen on 3.9.2 and 4.1.2)
  const offsets = await withAdmin(kafka, (admin) => retry(() => admin.fetchTopicOffsets(topic), { retriable: isTransientTopicError, delayMs: (attempt) => (attempt < 40 ? 250 : null) }));
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
    sessionTimeoutMs: 10_000,
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

// ---------------------------------------------------------------------------------------------- the built CLI, compared record by record

export interface ReplicateRun {
  child: ChildProcess;
  exit: Promise<number | null>;
  stderr: () => string;
}

export function startReplicate(args: string[], env: Record<string, string> = {}): ReplicateRun {
  const child = spawn(process.execPath, [BIN, 'replicate', '--source', h.source.plaintext, '--target', h.target.plaintext, '--session-timeout', '3s', ...args], {
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout?.on('data', () => undefined);
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal === 'SIGKILL' ? null : code)));
  return { child, exit, stderr: () => stderr };
}

/** a deterministic sequence of "random" delays, so a failure can be reproduced */
export function delays(seed: number, count: number, min: number, max: number): number[] {
  let x = seed;
  return Array.from({ length: count }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return min + (x % (max - min));
  });
}

function valueOf(r: RawRecord): string {
  return JSON.stringify(recordShape(r));
}

/** Every source record is on the target, in order of first appearance; returns the number of duplicates. */
export function assertNothingLost(src: Map<number, RawRecord[]>, tgt: Map<number, RawRecord[]>): number {
  let duplicates = 0;
  for (const [partition, records] of src) {
    const copies = tgt.get(partition) ?? [];
    // records carry a unique sequence number in their value (tombstones excepted): compare first appearances
    const firstSeen: string[] = [];
    const seen = new Set<string>();
    for (const r of copies) {
      const v = valueOf(r);
      if (seen.has(v)) {
        duplicates += 1;
        if (process.env.MSKCTL_TEST_DEBUG && duplicates % 500 === 1) console.log(`duplicate on partition ${partition} at target offset ${r.offset}: ${v.slice(0, 120)}`);
      }
      else {
        seen.add(v);
        firstSeen.push(v);
      }
    }
    const expected = [...new Set(records.map(valueOf))];
    if (firstSeen.length !== expected.length) {
      const missing = records.filter((r) => !seen.has(valueOf(r))).map((r) => r.offset);
      console.log(`partition ${partition}: ${missing.length} source records missing on the target, source offsets ${missing.slice(0, 20).join(',')}`);
    }
    expect(firstSeen.length, `partition ${partition}: distinct records`).toBe(expected.length);
    expect(firstSeen, `partition ${partition}: order`).toEqual(expected);
    expect(expected.length, `partition ${partition}: test records are unique`).toBe(records.length);
  }
  return duplicates;
}

export async function expectTranslationLosesNothing(flowId: string, target: Kafka, topic: string, src: Map<number, RawRecord[]>, tgt: Map<number, RawRecord[]>): Promise<void> {
  const { map } = await withAdmin(target, (admin) => loadFlowMap(flowId, target, admin));
  for (const [partition, records] of src) {
    const copies = tgt.get(partition)!;
    const targetIndex = new Map(copies.map((r, i) => [r.offset, i]));
    const copyValues = copies.map(valueOf);
    const lastIndex = new Map<string, number>();
    copyValues.forEach((v, i) => lastIndex.set(v, i));
    const sourceValues = records.map(valueOf);
    // minLast[k]: the earliest "last copy" among source records k.. — reading from target index i delivers
    // every one of them exactly when minLast[k] >= i
    const minLast = new Array<number>(records.length + 1).fill(Number.MAX_SAFE_INTEGER);
    for (let k = records.length - 1; k >= 0; k -= 1) minLast[k] = Math.min(minLast[k + 1]!, lastIndex.get(sourceValues[k]!) ?? -1);
    for (let k = 0; k < records.length; k += 1) {
      const c = records[k]!.offset;
      const t = map.translate(topic, partition, c);
      if (t.status !== 'exact') expect(t.status).toBe('exact');
      const i = targetIndex.get(t.targetOffset!)!;
      // the target record there is the source record at c, and everything after c follows it
      if (copyValues[i] !== sourceValues[k]) expect(copyValues[i], `${topic}/${partition} source offset ${c}`).toBe(sourceValues[k]);
      if (minLast[k]! < i) expect.fail(`${topic}/${partition}: records after source offset ${c} are missing after translated offset ${t.targetOffset}`);
    }
  }
}


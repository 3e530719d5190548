/**
 * Measures a live cluster for `mskctl split inventory`: topics, partitions and configurations, consumer groups
 * with the topics they read and their members' client ids, message rates from end offsets sampled over a
 * window, and record sizes from a few recent records per topic. Admin calls are batched and run with a small
 * concurrency, so clusters with thousands of partitions work; progress goes to the logger (stderr).
 *
 * Storage comes from DescribeLogDirs (log-dirs.ts): per partition the size of its leader replica's log, one
 * copy; when the cluster refuses the request, the inventory says why and the rest is still measured.
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { interrupted } from '../output/errors.js';
import type { Logger } from '../output/log.js';
import { measureLeaderStorage, type PartitionLeaders } from './log-dirs.js';
import type { ClusterMeasurement, GroupMeasurement, TopicMeasurement } from '../split/live.js';
import { sleepOrInterrupt } from '../util/sleep.js';
import { retry } from '../util/retry.js';

export interface MeasureOptions {
  /** only topics whose name matches */
  topics?: RegExp;
  sampleMs: number;
  /** recent records to read per topic for sizes */
  recordsPerTopic?: number;
  log: Logger;
  signal: AbortSignal;
  /** topics per metadata/config request */
  batchSize?: number;
  /** concurrent requests for per-topic and per-group calls */
  concurrency?: number;
}

const CONFIG_NAMES = ['retention.ms', 'retention.bytes', 'cleanup.policy', 'max.message.bytes'];
const TOPIC_RESOURCE = 2; // ConfigResourceTypes.TOPIC
/** the consumer group this command joins to read sample records; it never commits, so Kafka drops it on leave */
export const SAMPLER_GROUP_PREFIX = 'mskctl-inventory-';

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Runs fn over items with at most `limit` in flight. After the first failure nothing new starts, and the
 * calls in flight are awaited before the error is thrown, so the caller's disconnect closes every socket
 * (a kafkajs call still retrying after a disconnect would reconnect and keep the process alive).
 */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>, signal?: AbortSignal): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failure) {
      if (signal?.aborted) {
        failure = { error: interrupted() };
        return;
      }
      const index = next++;
      try {
        results[index] = await fn(items[index]!, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
  return results;
}

/** Retries a call a few times (a leader moving, a busy broker) before giving up with the last error. */
function withRetry<T>(what: string, fn: () => Promise<T>, log: Logger, attempts = 5): Promise<T> {
  return retry(fn, {
    retriable: () => true,
    delayMs: (attempt) => (attempt < attempts ? 500 * attempt : null),
    onRetry: (error, attempt) => log.debug(`${what}: ${error instanceof Error ? error.message : String(error)}; retrying (${attempt}/${attempts - 1})`),
  });
}

/** Plain progress lines at most every few seconds, and always the last one. */
function progress(log: Logger, label: string, total: number): (done: number) => void {
  let last = 0;
  return (done: number) => {
    const now = Date.now();
    if (done === total || now - last >= 2000) {
      last = now;
      log.info(`${label}: ${done}/${total}`);
    }
  };
}


interface OffsetSnapshot {
  at: number;
  /** per partition: [low, high] */
  partitions: Map<number, [bigint, bigint]>;
}

/**
 * End offsets of every topic. kafkajs' fetchTopicOffsets refreshes the metadata of every topic the admin
 * client has touched so far, which grows quadratically with the topic count; a fresh admin client per batch
 * of topics keeps each refresh small.
 */
async function snapshotOffsets(kafka: Kafka, topics: string[], options: MeasureOptions, label: string): Promise<Map<string, OffsetSnapshot>> {
  const out = new Map<string, OffsetSnapshot>();
  const report = progress(options.log, label, topics.length);
  let done = 0;
  for (const batch of chunks(topics, options.batchSize ?? 200)) {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await mapLimit(
        batch,
        options.concurrency ?? 8,
        async (topic) => {
          const offsets = await withRetry(`end offsets of ${topic}`, () => admin.fetchTopicOffsets(topic), options.log);
          out.set(topic, { at: Date.now(), partitions: new Map(offsets.map((o) => [o.partition, [BigInt(o.low), BigInt(o.high)]])) });
          report(++done);
        },
        options.signal,
      );
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
  return out;
}

function recordBytes(message: { key: Buffer | null; value: Buffer | null; headers?: Record<string, unknown> }): number {
  let size = (message.key?.length ?? 0) + (message.value?.length ?? 0);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    size += Buffer.byteLength(name);
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) size += Buffer.isBuffer(v) ? v.length : typeof v === 'string' ? Buffer.byteLength(v) : 0;
  }
  return size;
}

/**
 * Reads up to `perTopic` recent records of each topic (from the partition with the most data, plus whatever
 * arrives) with a consumer in a temporary group that never commits. Returns sizes per topic.
 */
async function startSizeSampler(
  kafka: Kafka,
  topics: string[],
  start: Map<string, OffsetSnapshot>,
  perTopic: number,
  log: Logger,
): Promise<{ sizes: Map<string, number[]>; stop: () => Promise<void> }> {
  const sizes = new Map<string, number[]>();
  const withData = topics.filter((t) => [...(start.get(t)?.partitions.values() ?? [])].some(([low, high]) => high > low));
  if (withData.length === 0 || perTopic <= 0) return { sizes, stop: async () => undefined };
  const groupId = `${SAMPLER_GROUP_PREFIX}${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxBytesPerPartition: 16 * 1024 * 1024, sessionTimeout: 30_000 });
  await consumer.connect();
  await consumer.subscribe({ topics: withData, fromBeginning: false });
  let sought = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    if (sought) return;
    sought = true;
    // seek, per topic, the partition holding the most records back by perTopic records
    for (const topic of withData) {
      let best: { partition: number; low: bigint; high: bigint } | undefined;
      for (const [partition, [low, high]] of start.get(topic)!.partitions) {
        if (high > low && (!best || high - low > best.high - best.low)) best = { partition, low, high };
      }
      if (!best) continue;
      const from = best.high - BigInt(perTopic) > best.low ? best.high - BigInt(perTopic) : best.low;
      consumer.seek({ topic, partition: best.partition, offset: from.toString() });
    }
  });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, message }) => {
      const list = sizes.get(topic) ?? [];
      if (list.length < perTopic * 4) list.push(recordBytes(message as never));
      sizes.set(topic, list);
    },
  });
  log.debug(`sampling record sizes with temporary consumer group ${groupId} (never commits)`);
  return {
    sizes,
    stop: async () => {
      await consumer.disconnect().catch(() => undefined);
    },
  };
}

export async function measureCluster(kafka: Kafka, admin: Admin, options: MeasureOptions): Promise<ClusterMeasurement> {
  const { log, signal } = options;
  const batchSize = options.batchSize ?? 200;
  const cluster = await admin.describeCluster();
  const names = (await admin.listTopics()).filter((t) => !t.startsWith('__') && (!options.topics || options.topics.test(t))).sort();
  log.info(`cluster ${cluster.clusterId}: ${cluster.brokers.length} brokers, ${names.length} topics to measure`);

  // partitions, in batches of topics
  const partitions = new Map<string, number>();
  const leaders: PartitionLeaders[] = [];
  for (const batch of chunks(names, batchSize)) {
    if (signal.aborted) throw interrupted();
    const metadata = await admin.fetchTopicMetadata({ topics: batch });
    for (const t of metadata.topics) {
      partitions.set(t.name, t.partitions.length);
      leaders.push({ topic: t.name, leaders: new Map(t.partitions.map((p) => [p.partitionId, p.leader])) });
    }
  }
  const totalPartitions = [...partitions.values()].reduce((s, n) => s + n, 0);
  log.info(`metadata: ${names.length} topics, ${totalPartitions} partitions`);

  // storage: one DescribeLogDirs request per broker for the partitions it leads
  const storage = await measureLeaderStorage(kafka, leaders);
  let storageNote: string;
  if (storage.measured) {
    storageNote = 'measured: DescribeLogDirs, the log size of each partition\'s leader replica (one copy)';
    if (storage.unreported > 0) {
      storageNote += `; ${storage.unreported} partitions without a leader or not reported (offline log directory) are not counted`;
      log.warn(`storage: ${storage.unreported} partitions without a leader or not reported by their leader are not counted`);
    }
    log.info(`storage: measured on ${storage.brokersAsked} brokers (leader replicas, one copy)`);
  } else {
    storageNote = `unavailable: ${storage.reason}`;
    log.warn(`storage not measured: ${storage.reason}`);
  }

  // configurations, in batches
  const configs = new Map<string, Record<string, string | null>>();
  const configProgress = progress(log, 'topic configurations', names.length);
  let configured = 0;
  for (const batch of chunks(names, batchSize)) {
    if (signal.aborted) throw interrupted();
    const described = await admin.describeConfigs({ resources: batch.map((name) => ({ type: TOPIC_RESOURCE, name, configNames: CONFIG_NAMES })), includeSynonyms: false });
    for (const r of described.resources) {
      configs.set(r.resourceName, Object.fromEntries(r.configEntries.map((e) => [e.configName, e.configValue])));
    }
    configured += batch.length;
    configProgress(configured);
  }

  // consumer groups: members' client ids and assignments, committed topics
  const { AssignerProtocol } = (await import('kafkajs')).default;
  const listed = (await admin.listGroups()).groups.filter((g) => (g.protocolType === 'consumer' || g.protocolType === '') && !g.groupId.startsWith(SAMPLER_GROUP_PREFIX));
  const groups: GroupMeasurement[] = [];
  const topicSet = new Set(names);
  for (const batch of chunks(listed.map((g) => g.groupId).sort(), batchSize)) {
    if (signal.aborted) throw interrupted();
    const described = await admin.describeGroups(batch);
    for (const g of described.groups) {
      const assigned = new Set<string>();
      const clientIds = new Set<string>();
      for (const member of g.members) {
        clientIds.add(member.clientId);
        try {
          const decoded = member.memberAssignment.length > 0 ? AssignerProtocol.MemberAssignment.decode(member.memberAssignment) : null;
          for (const topic of Object.keys(decoded?.assignment ?? {})) assigned.add(topic);
        } catch {
          // not the standard consumer assignment format (another client's protocol): client ids still count
        }
      }
      groups.push({ name: g.groupId, state: g.state, members: g.members.length, clientIds: [...clientIds].sort(), topics: [...assigned] });
    }
  }
  const groupProgress = progress(log, 'consumer group offsets', groups.length);
  let fetched = 0;
  await mapLimit(
    groups,
    options.concurrency ?? 8,
    async (group) => {
      const committed = await withRetry(`committed offsets of group ${group.name}`, () => admin.fetchOffsets({ groupId: group.name }), log);
      const topics = new Set(group.topics);
      for (const t of committed) if (t.partitions.some((p) => Number(p.offset) >= 0)) topics.add(t.topic);
      group.topics = [...topics].filter((t) => topicSet.has(t)).sort();
      groupProgress(++fetched);
    },
    signal,
  );
  const readingGroups = groups.filter((g) => g.topics.length > 0);
  log.info(`consumer groups: ${readingGroups.length} reading measured topics (of ${groups.length})`);

  // throughput: end offsets at the start and the end of the window; record sizes sampled meanwhile
  const start = await snapshotOffsets(kafka, names, options, 'end offsets (start of window)');
  const sampler = await startSizeSampler(kafka, names, start, options.recordsPerTopic ?? 5, log).catch((error: unknown) => {
    log.warn(`record sizes not sampled: ${error instanceof Error ? error.message : String(error)}`);
    return { sizes: new Map<string, number[]>(), stop: async () => undefined };
  });
  let end: Map<string, OffsetSnapshot>;
  try {
    const elapsed = Date.now() - Math.min(...[...start.values()].map((s) => s.at), Date.now());
    const remaining = Math.max(0, options.sampleMs - elapsed);
    log.info(`sampling for ${Math.round(options.sampleMs / 1000)} s ...`);
    await sleepOrInterrupt(remaining, signal);
    end = await snapshotOffsets(kafka, names, options, 'end offsets (end of window)');
  } finally {
    await sampler.stop();
  }

  const topics: TopicMeasurement[] = names.map((name) => {
    const a = start.get(name);
    const b = end.get(name);
    let produced = 0n;
    let retained = 0n;
    for (const [partition, [low, high]] of b?.partitions ?? []) {
      const before = a?.partitions.get(partition)?.[1] ?? high;
      produced += high - before;
      retained += high - low;
    }
    const seconds = a && b ? Math.max(0.001, (b.at - a.at) / 1000) : options.sampleMs / 1000;
    const sizes = sampler.sizes.get(name) ?? [];
    const config = configs.get(name) ?? {};
    const number = (key: string): number | undefined => (config[key] === undefined || config[key] === null ? undefined : Number(config[key]));
    return {
      name,
      partitions: partitions.get(name) ?? 0,
      retentionMs: number('retention.ms'),
      retentionBytes: number('retention.bytes'),
      cleanupPolicy: config['cleanup.policy'] ?? undefined,
      maxMessageBytes: number('max.message.bytes'),
      messagesPerSecond: Number(produced) / seconds,
      recordsInLog: Number(retained),
      sampledRecords: sizes.length,
      ...(storage.measured && { storageBytes: storage.bytesByTopic.get(name) ?? 0 }),
      ...(sizes.length > 0 && {
        avgRecordBytes: sizes.reduce((s, n) => s + n, 0) / sizes.length,
        maxRecordBytes: Math.max(...sizes),
      }),
    };
  });

  return {
    clusterId: cluster.clusterId,
    brokers: cluster.brokers.length,
    measuredAt: new Date().toISOString(),
    sampleSeconds: options.sampleMs / 1000,
    topics,
    groups: readingGroups,
    storage: storageNote,
  };
}

/**
 * Manual-assignment reading for kafkajs, which only offers consumer groups. The replicator keeps its source
 * positions on the TARGET cluster, so it must fetch from exactly the offsets it chooses, without a group,
 * without ever committing on the source, and it must see the raw offsets (compaction gaps, transaction
 * markers, aborted records) to store exact positions and offset maps. `replicate status/translate/stop` read
 * the flow's internal topics the same way, leaving no consumer groups behind.
 *
 * It drives kafkajs' own cluster/broker objects (metadata, leader lookup, the Fetch request and its
 * decoders, including registered compression codecs) through the private cluster factory of the Kafka
 * instance created by src/kafka/client.ts. kafkajs 2.2.4 is the last release (the project is unmaintained),
 * so these internals are fixed; a missing one fails loudly at connect time.
 */
import { createRequire } from 'node:module';
import type { Kafka } from 'kafkajs';
import { operationalError } from '../output/errors.js';
import { privateClusterFactory } from './kafkajs-cluster.js';

export interface RawRecord {
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | string | Array<Buffer | string>>;
  timestamp: string;
}

export interface FetchedPartition {
  topic: string;
  partition: number;
  fetchOffset: number;
  /** the records to replicate, in offset order: aborted records and control records removed */
  records: RawRecord[];
  /** where the next fetch starts: past every batch returned, including markers and aborted records */
  next: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  /** approximate bytes of keys, values and headers */
  bytes: number;
  /** the broker throttled this fetch (a quota): an empty answer says nothing about the log */
  throttled: boolean;
}

export interface FetchPosition {
  topic: string;
  partition: number;
  offset: number;
}

export interface ReaderOptions {
  /** read_committed (default) or read_uncommitted */
  readCommitted?: boolean;
  maxWaitMs?: number;
  /** per fetch request (per broker) */
  maxBytes?: number;
  maxBytesPerPartition?: number;
  minBytes?: number;
}

interface KafkajsMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | string | Array<Buffer | string>>;
  timestamp: string;
  isControlRecord: boolean;
  batchContext: { firstOffset: string; lastOffsetDelta: number; producerId: string; inTransaction: boolean };
}
interface KafkajsPartitionData {
  partition: number;
  errorCode: number;
  highWatermark: string;
  lastStableOffset: string;
  lastStartOffset: string;
  abortedTransactions: Array<{ producerId: string; firstOffset: string }>;
  messages: KafkajsMessage[];
}
interface KafkajsBroker {
  fetch(request: unknown): Promise<{ throttleTime?: number; clientSideThrottleTime?: number; responses: Array<{ topicName: string; partitions: KafkajsPartitionData[] }> }>;
}
interface KafkajsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(args: { nodeId: string }): Promise<KafkajsBroker>;
}

type FilterAborted = (args: { messages: KafkajsMessage[]; abortedTransactions: KafkajsPartitionData['abortedTransactions'] }) => KafkajsMessage[];

const require = createRequire(import.meta.url);

export function isOffsetOutOfRange(error: unknown): error is Error & { topic: string; partition: number } {
  return error instanceof Error && error.name === 'KafkaJSOffsetOutOfRange';
}

export class PartitionReader {
  private readonly cluster: KafkajsCluster;
  private readonly filterAborted: FilterAborted;
  private readonly knownTopics = new Set<string>();
  private readonly options: Required<ReaderOptions>;

  constructor(kafka: Kafka, options: ReaderOptions = {}) {
    this.options = {
      readCommitted: options.readCommitted ?? true,
      maxWaitMs: options.maxWaitMs ?? 500,
      maxBytes: options.maxBytes ?? 32 * 1024 * 1024,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 2 * 1024 * 1024,
      minBytes: options.minBytes ?? 1,
    };
    const isolationLevel = this.options.readCommitted ? 1 : 0;
    this.cluster = privateClusterFactory<KafkajsCluster>(kafka)({ allowAutoTopicCreation: false, isolationLevel, metadataMaxAge: 60_000 });
    this.filterAborted = require('kafkajs/src/consumer/filterAbortedMessages.js') as FilterAborted;
  }

  async connect(): Promise<void> {
    await this.cluster.connect();
  }

  async disconnect(): Promise<void> {
    await this.cluster.disconnect();
  }

  /** Re-reads metadata (after a leader change, a new topic or a broker restart). */
  async refresh(topics: string[] = []): Promise<void> {
    for (const t of topics) this.knownTopics.add(t);
    if (this.knownTopics.size > 0) await this.cluster.addMultipleTargetTopics([...this.knownTopics]);
    await this.cluster.refreshMetadata();
  }

  /**
   * One Fetch per leader broker (in parallel) for the given positions. Throws kafkajs' error for a partition
   * error (the caller refreshes metadata and retries; KafkaJSOffsetOutOfRange carries topic and partition).
   */
  async fetch(positions: FetchPosition[], maxWaitMs = this.options.maxWaitMs, maxBytesPerPartition = this.options.maxBytesPerPartition): Promise<FetchedPartition[]> {
    if (positions.length === 0) return [];
    const newTopics = [...new Set(positions.map((p) => p.topic))].filter((t) => !this.knownTopics.has(t));
    if (newTopics.length > 0) {
      for (const t of newTopics) this.knownTopics.add(t);
      await this.cluster.addMultipleTargetTopics([...this.knownTopics]);
    }
    const byLeader = new Map<string, FetchPosition[]>();
    const byTopic = new Map<string, FetchPosition[]>();
    for (const p of positions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p]);
    // partitions added since the last metadata refresh have no leader yet: refresh once
    const unknown = [...byTopic].some(([topic, list]) => {
      const led = new Set(Object.values(this.cluster.findLeaderForPartitions(topic, list.map((p) => p.partition))).flat());
      return list.some((p) => !led.has(p.partition));
    });
    if (unknown) await this.cluster.refreshMetadata();
    for (const [topic, list] of byTopic) {
      const leaders = this.cluster.findLeaderForPartitions(topic, list.map((p) => p.partition));
      for (const [nodeId, partitions] of Object.entries(leaders)) {
        for (const partition of partitions) {
          const p = list.find((x) => x.partition === partition) as FetchPosition;
          byLeader.set(nodeId, [...(byLeader.get(nodeId) ?? []), p]);
        }
      }
      const led = new Set(Object.values(leaders).flat());
      const leaderless = list.filter((p) => !led.has(p.partition));
      if (leaderless.length > 0) {
        // retriable: a leader election or a broker restart is in progress
        throw Object.assign(new Error(`no leader known for ${topic} partitions ${leaderless.map((p) => p.partition).join(',')}`), { name: 'KafkaJSMetadataNotLoaded', retriable: true });
      }
    }
    const results = await Promise.all(
      [...byLeader.entries()].map(async ([nodeId, list]) => {
        const broker = await this.cluster.findBroker({ nodeId });
        const topics = [...new Set(list.map((p) => p.topic))].map((topic) => ({
          topic,
          partitions: list
            .filter((p) => p.topic === topic)
            .map((p) => ({ partition: p.partition, fetchOffset: String(p.offset), maxBytes: maxBytesPerPartition })),
        }));
        const response = await broker.fetch({
          isolationLevel: this.options.readCommitted ? 1 : 0,
          maxWaitTime: maxWaitMs,
          minBytes: this.options.minBytes,
          maxBytes: Math.max(this.options.maxBytes, maxBytesPerPartition),
          topics,
        });
        const out: FetchedPartition[] = [];
        const throttled = (response.throttleTime ?? 0) > 0 || (response.clientSideThrottleTime ?? 0) > 0;
        for (const { topicName, partitions } of response.responses) {
          for (const data of partitions) {
            const position = list.find((p) => p.topic === topicName && p.partition === data.partition) as FetchPosition;
            out.push({ ...this.toFetched(topicName, position.offset, data), throttled });
          }
        }
        return out;
      }),
    );
    return results.flat();
  }

  private toFetched(topic: string, fetchOffset: number, data: KafkajsPartitionData): Omit<FetchedPartition, 'throttled'> {
    // a compressed batch may start before the fetch offset: drop what precedes it
    const within = data.messages.filter((m) => Number(m.offset) >= fetchOffset);
    let next = fetchOffset;
    for (const m of data.messages) {
      // the end of every complete batch returned, so markers and aborted records are passed too
      const batchEnd = Number(m.batchContext.firstOffset) + m.batchContext.lastOffsetDelta + 1;
      if (batchEnd > next) next = batchEnd;
    }
    const kept = this.options.readCommitted ? this.filterAborted({ messages: within, abortedTransactions: data.abortedTransactions }) : within;
    const records: RawRecord[] = [];
    let bytes = 0;
    for (const m of kept) {
      if (m.isControlRecord) continue;
      records.push({ offset: Number(m.offset), key: m.key, value: m.value, headers: m.headers, timestamp: m.timestamp });
      bytes += (m.key?.length ?? 0) + (m.value?.length ?? 0) + headerBytes(m.headers);
    }
    return {
      topic,
      partition: data.partition,
      fetchOffset,
      records,
      next,
      highWatermark: Number(data.highWatermark),
      lastStableOffset: Number(data.lastStableOffset),
      logStartOffset: Number(data.lastStartOffset),
      bytes,
    };
  }
}

export function headerBytes(headers: RawRecord['headers']): number {
  let n = 0;
  for (const [k, v] of Object.entries(headers)) {
    const values = Array.isArray(v) ? v : [v];
    for (const x of values) n += k.length + (x === null || x === undefined ? 0 : typeof x === 'string' ? Buffer.byteLength(x) : x.length);
  }
  return n;
}

/**
 * Reads a whole (small) topic from its start to the end offsets of the moment: used for the flow's
 * positions and offset-map topics. Records are delivered per partition in offset order.
 */
export async function readTopicToEnd(
  reader: PartitionReader,
  topic: string,
  ends: Array<{ partition: number; start: number; end: number }>,
  onRecord: (partition: number, record: RawRecord) => void,
): Promise<void> {
  // `end` is a read_committed end offset (the last stable offset), so an open transaction never blocks this
  const positions = new Map(ends.filter((e) => e.end > e.start).map((e) => [e.partition, e.start]));
  const endOf = new Map(ends.map((e) => [e.partition, e.end]));
  const stuck = new Map<number, number>();
  while (positions.size > 0) {
    const fetched = await reader.fetch([...positions].map(([partition, offset]) => ({ topic, partition, offset })), 100);
    for (const f of fetched) {
      const end = endOf.get(f.partition) as number;
      for (const r of f.records) if (r.offset < end) onRecord(f.partition, r);
      let next = Math.max(f.next, f.fetchOffset);
      if (next === f.fetchOffset) {
        // nothing decodable at this offset (an empty batch left by compaction): step over it like kafkajs does
        const tries = (stuck.get(f.partition) ?? 0) + 1;
        stuck.set(f.partition, tries);
        if (tries >= 20 && f.fetchOffset < Math.min(f.lastStableOffset, end)) next = f.fetchOffset + 1;
        if (tries >= 200) throw operationalError(`no progress reading ${topic} partition ${f.partition} at offset ${f.fetchOffset}`, 'check the cluster health', 'KAFKA_NO_PROGRESS');
      } else stuck.delete(f.partition);
      if (next >= end) positions.delete(f.partition);
      else positions.set(f.partition, next);
    }
  }
}

/**
 * Kafka's DescribeLogDirs request (API key 35), which kafkajs does not offer, sent through kafkajs' own
 * broker objects (connections, SASL/TLS, correlation ids) from the private cluster factory.
 *
 * Version 1 is the one used: it is non-flexible (kafkajs writes only the v1 request header), served since
 * Kafka 2.0 and still by Kafka 4.x (the integration tests run it on 3.9.2, which advertises 0-4, and on
 * 4.1.2, which advertises 1-4). A v1 broker answers a principal without DESCRIBE on the cluster (MSK IAM:
 * kafka-cluster:DescribeCluster) with an empty list of log directories rather than an error, so an empty
 * answer counts as a refusal.
 *
 * Wire format (Kafka protocol guide):
 *   DescribeLogDirs Request (Version: 1) => [topics]            (nullable: null asks for every topic)
 *     topics => topic [partitions]   topic => STRING   partitions => INT32
 *   DescribeLogDirs Response (Version: 1) => throttle_time_ms [results]
 *     results => error_code log_dir [topics]   error_code => INT16   log_dir => STRING
 *       topics => name [partitions]   name => STRING
 *         partitions => partition_index partition_size offset_lag is_future_key
 *           partition_index => INT32   partition_size => INT64   offset_lag => INT64   is_future_key => BOOLEAN
 */
import { createRequire } from 'node:module';
import type { Kafka } from 'kafkajs';
import { privateClusterFactory } from './kafkajs-cluster.js';

export const DESCRIBE_LOG_DIRS_API_KEY = 35;
export const DESCRIBE_LOG_DIRS_VERSION = 1;

interface KafkajsEncoder {
  writeInt32(value: number): KafkajsEncoder;
  writeString(value: string): KafkajsEncoder;
  writeArray(values: unknown[], type?: 'int32' | 'object'): KafkajsEncoder;
  buffer: Buffer;
}
interface KafkajsDecoder {
  readInt16(): number;
  readInt32(): number;
  readInt64(): bigint;
  readString(): string;
  readBoolean(): boolean;
  readArray<T>(reader: (d: KafkajsDecoder) => T): T[];
}

const require = createRequire(import.meta.url);
const Encoder = require('kafkajs/src/protocol/encoder.js') as new () => KafkajsEncoder;
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => KafkajsDecoder;

export interface LogDirsQuery {
  topic: string;
  partitions: number[];
}

export interface LogDirPartition {
  partition: number;
  sizeBytes: bigint;
  offsetLag: bigint;
  /** a replica being moved to this directory (AlterReplicaLogDirs), not the current log */
  isFuture: boolean;
}

export interface LogDirsResponse {
  throttleTimeMs: number;
  results: Array<{ errorCode: number; logDir: string; topics: Array<{ name: string; partitions: LogDirPartition[] }> }>;
}

/** A kafkajs protocol request (what a kafkajs broker's connection sends): apiKey, version and body encoder. */
export function describeLogDirsRequest(topics: LogDirsQuery[]): { apiKey: number; apiVersion: number; apiName: string; encode: () => Promise<KafkajsEncoder> } {
  // never an empty array: kafkajs' nullable arrays would turn it into null, "every topic"
  if (topics.length === 0) throw new Error('DescribeLogDirs needs at least one topic');
  return {
    apiKey: DESCRIBE_LOG_DIRS_API_KEY,
    apiVersion: DESCRIBE_LOG_DIRS_VERSION,
    apiName: 'DescribeLogDirs',
    encode: async () =>
      new Encoder().writeArray(
        topics.map((t) => new Encoder().writeString(t.topic).writeArray(t.partitions, 'int32')),
        'object',
      ),
  };
}

export function decodeDescribeLogDirsResponse(payload: Buffer): LogDirsResponse {
  const decoder = new Decoder(payload);
  const throttleTimeMs = decoder.readInt32();
  const results = decoder.readArray((d) => ({
    errorCode: d.readInt16(),
    logDir: d.readString(),
    topics: d.readArray((t) => ({
      name: t.readString(),
      partitions: t.readArray((p) => ({ partition: p.readInt32(), sizeBytes: p.readInt64(), offsetLag: p.readInt64(), isFuture: p.readBoolean() })),
    })),
  }));
  return { throttleTimeMs, results };
}

/** kafkajs' response module shape: decode the payload, then parse (errors are judged by the caller). */
const describeLogDirsResponse = {
  decode: async (payload: Buffer) => decodeDescribeLogDirsResponse(payload),
  parse: async (data: LogDirsResponse) => data,
};

interface KafkajsBroker {
  versions: Record<number, { minVersion: number; maxVersion: number }> | null;
}
interface KafkajsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  findBroker(args: { nodeId: string }): Promise<KafkajsBroker>;
}

/** kafkajs' broker sends every request through this private method (it drops the pool on a closed connection). */
function sendThroughBroker(broker: KafkajsBroker, request: unknown): Promise<LogDirsResponse> {
  const symbol = Object.getOwnPropertySymbols(Object.getPrototypeOf(broker) as object).find((s) => s.description === 'private:Broker:sendRequest');
  const send = symbol === undefined ? undefined : (broker as unknown as Record<symbol, unknown>)[symbol];
  if (typeof send !== 'function') throw new Error('this kafkajs version has no private broker sendRequest');
  return (send as (r: unknown) => Promise<LogDirsResponse>).call(broker, { request, response: describeLogDirsResponse });
}

export interface PartitionLeaders {
  topic: string;
  /** partition → leader broker id (-1: no leader) */
  leaders: Map<number, number>;
}

export type StorageMeasurement =
  | { measured: true; bytesByTopic: Map<string, number>; unreported: number; brokersAsked: number }
  | { measured: false; reason: string };

/**
 * The size of every topic, one copy: per partition the log size its LEADER replica reports, summed per topic.
 * One DescribeLogDirs request per broker, asking only for the partitions it leads (and again, up to `rounds`
 * times in all, for partitions a leader did not report yet). Never throws: a refusal
 * (not authorized, request not served, a broker unreachable) comes back as { measured: false, reason }.
 */
export async function measureLeaderStorage(kafka: Kafka, topics: PartitionLeaders[], options: { rounds?: number; pauseMs?: number } = {}): Promise<StorageMeasurement> {
  const bytesByTopic = new Map<string, number>(topics.map((t) => [t.topic, 0]));
  let pending = new Map<number, Map<string, number[]>>();
  let leaderless = 0;
  for (const { topic, leaders } of topics) {
    for (const [partition, leader] of leaders) {
      if (leader < 0) {
        leaderless++;
        continue;
      }
      const led = pending.get(leader) ?? new Map<string, number[]>();
      const list = led.get(topic) ?? [];
      list.push(partition);
      led.set(topic, list);
      pending.set(leader, led);
    }
  }
  const brokersAsked = pending.size;
  if (pending.size === 0) return { measured: true, bytesByTopic, unreported: leaderless, brokersAsked };

  const cluster = privateClusterFactory<KafkajsCluster>(kafka)({ allowAutoTopicCreation: false, metadataMaxAge: 60_000 });
  try {
    await cluster.connect();
    // metadata of one topic is enough to learn every broker's address
    await cluster.addMultipleTargetTopics([topics[0]!.topic]);
    // a partition created moments ago can have a leader before its log exists: ask again for those, briefly
    const rounds = options.rounds ?? 4;
    for (let round = 1; pending.size > 0; round++) {
      const answers = await Promise.all(
        [...pending.entries()].map(async ([nodeId, led]) => {
          const broker = await cluster.findBroker({ nodeId: String(nodeId) });
          const served = broker.versions?.[DESCRIBE_LOG_DIRS_API_KEY];
          if (!served || served.minVersion > DESCRIBE_LOG_DIRS_VERSION || served.maxVersion < DESCRIBE_LOG_DIRS_VERSION) {
            throw new Error(served ? `broker ${nodeId} serves versions ${served.minVersion}-${served.maxVersion}, not ${DESCRIBE_LOG_DIRS_VERSION}` : `broker ${nodeId} does not serve it`);
          }
          const query = [...led.entries()].map(([topic, partitions]) => ({ topic, partitions }));
          const response = await sendThroughBroker(broker, describeLogDirsRequest(query));
          if (response.results.length === 0) throw new Error(`broker ${nodeId} returned no log directories: not authorized to describe the cluster (Kafka ACL DESCRIBE on CLUSTER; MSK IAM kafka-cluster:DescribeCluster)`);
          return { nodeId, led, response };
        }),
      );
      const missing = new Map<number, Map<string, number[]>>();
      for (const { nodeId, led, response } of answers) {
        const sizes = new Map<string, number>();
        for (const dir of response.results) {
          // an offline directory (KAFKA_STORAGE_ERROR): its partitions stay unreported
          if (dir.errorCode !== 0) continue;
          for (const t of dir.topics) {
            for (const p of t.partitions) if (!p.isFuture) sizes.set(`${p.partition}:${t.name}`, Number(p.sizeBytes));
          }
        }
        for (const [topic, partitions] of led) {
          const notReported = partitions.filter((partition) => {
            const size = sizes.get(`${partition}:${topic}`);
            if (size !== undefined) bytesByTopic.set(topic, bytesByTopic.get(topic)! + size);
            return size === undefined;
          });
          if (notReported.length > 0) missing.set(nodeId, (missing.get(nodeId) ?? new Map<string, number[]>()).set(topic, notReported));
        }
      }
      pending = missing;
      if (round >= rounds) break;
      if (pending.size > 0) await new Promise((r) => setTimeout(r, options.pauseMs ?? 1000));
    }
    let unreported = leaderless;
    for (const led of pending.values()) for (const partitions of led.values()) unreported += partitions.length;
    return { measured: true, bytesByTopic, unreported, brokersAsked };
  } catch (error) {
    const e = error as { type?: string; message?: string };
    const detail = e.type ?? (typeof e.message === 'string' ? e.message : String(error));
    return { measured: false, reason: `the cluster refused DescribeLogDirs (${detail})` };
  } finally {
    await cluster.disconnect().catch(() => undefined);
  }
}

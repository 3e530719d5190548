/**
 * The Kafka side of `mskctl check`: authenticate against one broker, read cluster metadata, a produce/consume
 * round trip on a test topic (created when allowed, latency measured, cleaned up), and describe-level
 * authorization probes for a topic and a group. Every client comes from the one factory (client.ts), with no
 * retries, so the first error is the one reported. Errors carry the operation (ProbeError) for the diagnosis.
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { ProbeError, type ClusterMetadata, type RoundTripOptions, type RoundTripResult } from '../check/types.js';
import type { Operation } from '../check/causes.js';
import type { Logger } from '../output/log.js';
import { createKafka, type KafkaClientOptions } from './client.js';

export interface CheckKafkaProbes {
  authenticate(broker: string): Promise<void>;
  metadata(): Promise<ClusterMetadata>;
  roundTrip(options: RoundTripOptions): Promise<RoundTripResult>;
  describeTopic(topic: string): Promise<{ partitions: number }>;
  describeGroup(group: string): Promise<{ state: string; members: number }>;
  close(): Promise<void>;
}

/** runs body; a failure becomes a ProbeError naming the operation, with the original error as its cause */
async function during<T>(operation: Operation, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof ProbeError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ProbeError(message, operation, { cause: error });
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

/** a timer that never keeps the process alive */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** consumer retries (group coordinator discovery on a fresh cluster); produce and admin requests are not retried */
export const CONSUMER_RETRIES = 5;

/**
 * kafkajs drops the broker's error when it cannot find a group coordinator (it only says "Failed to find group
 * coordinator" and logs the real error at debug level). This logger keeps the Kafka error types it sees in
 * kafkajs' debug lines, and forwards to the user's logger at the level the user asked for.
 */
interface KafkajsCounters {
  /** TCP connections kafkajs opened */
  connections: number;
  /** successful SASL authentications (first logins and re-authentications) */
  authentications: number;
}

function errorTypeRecorder(logger: Logger | undefined): { logger: Logger; types: string[]; counters: KafkajsCounters } {
  const types: string[] = [];
  const counters: KafkajsCounters = { connections: 0, authentications: 0 };
  const record = (line: string): void => {
    for (const m of line.matchAll(/"type":"([A-Z_]+)"/g)) types.push(m[1]!);
    if (types.length > 20) types.splice(0, types.length - 20);
    if (line.startsWith('kafkajs Connection: Connecting ')) counters.connections += 1;
    else if (/^kafkajs [^:]+: SASL .*authentication successful/.test(line)) counters.authentications += 1;
  };
  const forward: Logger = logger ?? { level: 'quiet', live: false, info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
  return {
    types,
    counters,
    logger: {
      level: forward.level,
      live: forward.live,
      info: (m) => forward.info(m),
      // client.ts routes kafkajs errors and warnings here: shown with --verbose only, as without the recorder
      warn: (m) => {
        record(m);
        if (forward.level === 'verbose') forward.warn(m);
      },
      error: (m) => forward.error(m),
      debug: (m) => {
        record(m);
        forward.debug(m);
      },
    },
  };
}

export function checkKafkaProbes(options: KafkaClientOptions & { timeoutMs: number }): CheckKafkaProbes {
  const recorder = errorTypeRecorder(options.logger);
  const base: KafkaClientOptions = {
    ...options,
    logger: recorder.logger,
    // debug lines carry the errors kafkajs swallows; the recorder forwards only what the user's level shows
    logLevel: 'debug',
    clientId: options.clientId ?? 'mskctl-check',
    connectionTimeoutMs: options.timeoutMs,
    authenticationTimeoutMs: options.timeoutMs,
    requestTimeoutMs: Math.max(options.timeoutMs, 10_000),
    retry: { retries: 0 },
  };
  const open = new Set<{ disconnect(): Promise<void> }>();
  let shared: Promise<Kafka> | undefined;
  const sharedKafka = (): Promise<Kafka> => (shared ??= createKafka(base));

  const connectedAdmin = async (kafka: Kafka, operation: Operation): Promise<Admin> => {
    const admin = kafka.admin({ retry: { retries: 0 } });
    open.add(admin);
    await during(operation, () => admin.connect());
    return admin;
  };
  const release = async (client: { disconnect(): Promise<void> }): Promise<void> => {
    open.delete(client);
    await client.disconnect().catch(() => undefined);
  };

  /** deletes the round trip's group, and its topic when the round trip created it; what failed, as notes */
  const cleanUp = async (admin: Admin, group: string, createdTopic: string | undefined): Promise<string[]> => {
    const notes: string[] = [];
    try {
      await admin.deleteGroups([group]);
    } catch (error) {
      notes.push(`group ${group} not deleted (${error instanceof Error ? error.message : String(error)})`);
    }
    if (createdTopic !== undefined) {
      try {
        await admin.deleteTopics({ topics: [createdTopic], timeout: Math.max(options.timeoutMs, 10_000) });
      } catch (error) {
        notes.push(`topic ${createdTopic} not deleted (${error instanceof Error ? error.message : String(error)})`);
      }
    }
    await release(admin);
    return notes;
  };

  return {
    async authenticate(broker) {
      const kafka = await createKafka({ ...base, brokers: [broker] });
      const admin = await connectedAdmin(kafka, 'connect');
      await release(admin);
    },

    async metadata() {
      const admin = await connectedAdmin(await sharedKafka(), 'metadata');
      try {
        const cluster = await during('metadata', () => admin.describeCluster());
        const topics = await during('metadata', () => admin.listTopics());
        return {
          clusterId: cluster.clusterId,
          controller: cluster.controller,
          brokers: cluster.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })),
          topicCount: topics.length,
        };
      } finally {
        await release(admin);
      }
    },

    async roundTrip(rt) {
      const kafka = await sharedKafka();
      const topic = rt.topic ?? `mskctl-check-${randomUUID().slice(0, 8)}`;
      // the group is named after the topic, so one ACL/policy prefix covers both
      const group = topic;
      const runId = randomUUID();
      const before = { ...recorder.counters };
      const admin = await connectedAdmin(kafka, 'create-topic');
      let producer: Producer | undefined;
      let consumer: Consumer | undefined;
      let topicCreated = false;
      const latencies: number[] = [];
      const restarts: string[] = [];
      let sent = 0;
      try {
        topicCreated = await during('create-topic', () => admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true }));

        // the consumer retries: finding the group coordinator fails while a fresh cluster creates __consumer_offsets.
        // kafkajs takes the coordinator lookup's retries from the client, not the consumer: a client of its own
        const consumerKafka = await createKafka({ ...base, retry: { retries: CONSUMER_RETRIES } });
        consumer = consumerKafka.consumer({ groupId: group, sessionTimeout: 30_000, heartbeatInterval: 3000, retry: { retries: CONSUMER_RETRIES } });
        open.add(consumer);
        const c = consumer;
        await during('consume', () => c.connect());
        await during('consume', () => c.subscribe({ topics: [topic], fromBeginning: true }));
        const expected = new Map<string, number>();
        let done: (() => void) | undefined;
        let failed: ((error: unknown) => void) | undefined;
        let pending = 0;
        let sendingDone = false;
        const allReceived = new Promise<void>((resolve, reject) => {
          done = resolve;
          failed = reject;
        });
        allReceived.catch(() => undefined);
        const joined = new Promise<void>((resolve) => {
          c.on(c.events.GROUP_JOIN, () => resolve());
        });
        // kafkajs restarts the consumer after a retriable crash (e.g. the coordinator still loading on a fresh
        // cluster): noted; a crash without restart fails the round trip
        c.on(c.events.CRASH, (event) => {
          if (event.payload.restart) restarts.push(event.payload.error.message);
          else failed?.(new ProbeError(event.payload.error.message, 'consume', { cause: event.payload.error }));
        });
        await during('consume', () =>
          c.run({
            eachMessage: async ({ message }) => {
              const id = message.headers?.['mskctl-check-id']?.toString();
              const sentAt = id === undefined ? undefined : expected.get(id);
              if (sentAt === undefined) return;
              expected.delete(id!);
              latencies.push(round(performance.now() - sentAt));
              pending -= 1;
              if (pending === 0 && sendingDone) done?.();
            },
          }),
        );
        await Promise.race([joined, allReceived, sleep(Math.max(options.timeoutMs, 10_000))]);

        // one partition: the partitioner does not matter; naming it silences kafkajs' v2 migration warning
        const { Partitioners } = (await import('kafkajs')).default;
        producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 }, createPartitioner: Partitioners.DefaultPartitioner });
        open.add(producer);
        const p = producer;
        await during('produce', () => p.connect());
        const until = performance.now() + rt.durationMs;
        do {
          const id = `${runId}-${sent}`;
          expected.set(id, performance.now());
          pending += 1;
          await during('produce', () => p.send({ topic, messages: [{ value: `mskctl check ${sent}`, headers: { 'mskctl-check-id': id } }] }));
          sent += 1;
          if (performance.now() + rt.intervalMs > until) break;
          await Promise.race([sleep(rt.intervalMs), allReceived.catch(() => undefined)]);
        } while (performance.now() < until);
        sendingDone = true;
        if (pending === 0) done?.();
        const waitMs = Math.max(options.timeoutMs * 2, 15_000);
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          allReceived,
          new Promise<void>((_, reject) => {
            timer = setTimeout(
              () => reject(new ProbeError(`consumed ${sent - pending} of ${sent} messages within ${waitMs} ms of the last send`, 'consume')),
              waitMs,
            );
          }),
        ]).finally(() => clearTimeout(timer));
      } catch (error) {
        // best effort: a failed round trip leaves no test topic behind either
        if (producer) await release(producer);
        if (consumer) await release(consumer);
        await cleanUp(admin, group, topicCreated ? topic : undefined);
        throw error;
      }
      await release(producer);
      await release(consumer);
      const notes = await cleanUp(admin, group, topicCreated ? topic : undefined);
      const sorted = [...latencies].sort((a, b) => a - b);
      return {
        topic,
        group,
        topicCreated,
        sent,
        received: latencies.length,
        latencyMs: { min: sorted[0] ?? 0, p50: percentile(sorted, 50), max: sorted[sorted.length - 1] ?? 0 },
        cleanedUp: notes.length === 0,
        ...(restarts.length > 0 ? { consumerRestarts: restarts } : {}),
        ...(options.auth === 'scram' || options.auth === 'iam'
          ? {
              connections: recorder.counters.connections - before.connections,
              // every connection authenticates once; the rest are re-authentications (KIP-368)
              reauthentications: Math.max(0, recorder.counters.authentications - before.authentications - (recorder.counters.connections - before.connections)),
            }
          : {}),
        ...(notes.length > 0 ? { cleanupNote: notes.join('; ') } : {}),
      };
    },

    async describeTopic(topic) {
      const admin = await connectedAdmin(await sharedKafka(), 'describe-topic');
      try {
        const meta = await during('describe-topic', () => admin.fetchTopicMetadata({ topics: [topic] }));
        return { partitions: meta.topics[0]?.partitions.length ?? 0 };
      } finally {
        await release(admin);
      }
    },

    async describeGroup(group) {
      const admin = await connectedAdmin(await sharedKafka(), 'describe-group');
      try {
        // kafkajs finds the coordinator from the cached broker list: load the metadata first (it does not with retries 0)
        await during('describe-group', () => admin.describeCluster());
        recorder.types.length = 0;
        const described = await during('describe-group', async () => {
          try {
            return await admin.describeGroups([group]);
          } catch (error) {
            const swallowed = recorder.types.find((t) => t !== 'GROUP_COORDINATOR_NOT_AVAILABLE') ?? recorder.types[0];
            if ((error as Error).name === 'KafkaJSGroupCoordinatorNotFound' && swallowed) {
              throw Object.assign(new ProbeError(`${(error as Error).message}: ${swallowed}`, 'describe-group', { cause: error }), { type: swallowed });
            }
            throw error;
          }
        });
        const g = described.groups[0];
        // kafkajs' type omits it, but the wire answer carries a per-group error code (30: GROUP_AUTHORIZATION_FAILED)
        const errorCode = (g as { errorCode?: number } | undefined)?.errorCode ?? 0;
        if (errorCode !== 0) {
          const error = new ProbeError(`describe group ${group}: Kafka error code ${errorCode}`, 'describe-group');
          throw Object.assign(error, { type: errorCode === 30 ? 'GROUP_AUTHORIZATION_FAILED' : `ERROR_${errorCode}` });
        }
        return { state: g?.state ?? 'Unknown', members: g?.members.length ?? 0 };
      } finally {
        await release(admin);
      }
    },

    async close() {
      await Promise.all([...open].map((c) => release(c)));
    },
  };
}

/**
 * The replicator: reads the source partitions it owns from positions stored on the TARGET, writes each
 * partition's records to the same partition number of the target topic, then stores the exact offset map
 * and the new positions on the target.
 *
 *   at-least-once (default): records are acknowledged (acks=all, idempotent producer) → map entries are
 *     acknowledged → positions are written. A crash anywhere replays from the last stored position: nothing is
 *     lost, the replayed records are duplicates, and translation prefers their latest copy.
 *   exactly-once (--exactly-once): one transaction per fetched round holds the records, the map entries and
 *     the positions (transactional.id mskctl.<flow>, maxInFlightRequests 1). Readers of the target that use
 *     read_committed see each source record once.
 *
 * Scale-out: every process of a flow is a member of the group `mskctl.<flow>` on the TARGET (see
 * assignment.ts and src/kafka/group-member.ts); the group decides which source partitions each one copies.
 * A process rejoins only between rounds (the round in flight is finished or dropped first), so two live
 * processes never write the same partition. A process that took partitions claims them on the target before
 * writing; a stalled process that lost them without knowing cannot spoil the offset map (its late entries
 * are ignored) and, with --exactly-once, cannot commit at all (its transactional id was fenced).
 *
 * Never commits anything on the source (no consumer group is used there).
 */
import { hostname } from 'node:os';
import { createHash, randomUUID } from 'node:crypto';
import type { Admin, Kafka, Producer, RecordMetadata, Transaction } from 'kafkajs';
import { interrupted, operationalError, usageError } from '../output/errors.js';
import { sleepUntilAborted } from '../util/sleep.js';
import type { Logger } from '../output/log.js';
import { compressionType, registerCodecs, type TargetCompression } from '../kafka/codecs.js';
import { headerBytes, isOffsetOutOfRange, PartitionReader, type FetchedPartition, type RawRecord } from '../kafka/partition-reader.js';
import { createTopic, describeTopics, growTopic, type DescribedTopic } from '../kafka/topics.js';
import { GroupMember } from '../kafka/group-member.js';
import { assignPartitions, ASSIGNMENT_STRATEGY, decodeAssignment, decodeMemberMetadata, encodeAssignment, encodeMemberMetadata, GROUP_PROTOCOL_TYPE, type GroupMember as AssignableMember } from './assignment.js';
import { FlowStore } from './flow-store.js';
import { encodeOffsetMapClaim, encodeOffsetMapEntry, entryFromOffsets, partitionKey, type OffsetMapEntry } from './offset-map.js';
import { emptySnapshot, encodeClaim, encodeHeartbeat, encodePosition, type FlowSnapshot, type FlowState } from './positions.js';
import { flowGroupId, flowTransactionalId, planTopics, selectionReason, type RenamePolicy, type TargetKind, type TopicPlan, type TopicSelection } from './topic-plan.js';

export interface ReplicatorOptions {
  flowId: string;
  selection: TopicSelection;
  rename: RenamePolicy;
  sourceAlias: string;
  targetKind: TargetKind;
  serverlessMaxMessageBytes: number;
  exactlyOnce: boolean;
  compression: TargetCompression;
  /** metadata refresh (new topics, partition growth), ms */
  refreshMs: number;
  heartbeatMs: number;
  /** replication group session: a process silent this long loses its partitions to the others */
  sessionTimeoutMs: number;
  untilCaughtUp: boolean;
  /** uncompressed bytes per produced batch (capped by the target topic's max.message.bytes) */
  maxBatchBytes: number;
  fetchMaxBytes: number;
  fetchMaxBytesPerPartition: number;
  progressMs: number;
  log: Logger;
  signal: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

export interface PartitionProgress {
  topic: string;
  partition: number;
  targetTopic: string;
  next: number;
  /** read_committed end offset of the source partition at the last fetch (-1 before the first) */
  end: number;
  lag: number;
  records: number;
}

export interface Progress {
  elapsedMs: number;
  records: number;
  bytes: number;
  /** over the last progress interval */
  recordsPerSecond: number;
  bytesPerSecond: number;
  lag: number;
  lagByTopic: Record<string, number>;
  partitions: number;
  lastError: string | null;
  state: FlowState;
}

export type StopReason = 'caught-up' | 'stop-request' | 'signal';

export interface ReplicationSummary {
  flowId: string;
  instance: string;
  stoppedBy: StopReason;
  exactlyOnce: boolean;
  records: number;
  /** bytes of keys, values and headers copied */
  bytes: number;
  durationMs: number;
  recordsPerSecond: number;
  /** decimal megabytes (10^6 bytes) per second */
  megabytesPerSecond: number;
  lag: number;
  topics: Array<{ source: string; target: string; partitions: number; records: number; lag: number }>;
  internalTopics: { positions: string; offsetMap: string };
  /** the replication group on the target, its last generation and how many rebalances this process took part in */
  group: { id: string; generation: number; rebalances: number; members: number };
}

/** A source partition of the flow and the target topic it goes to. */
interface FlowPartition {
  topic: string;
  partition: number;
  targetTopic: string;
}

interface PartitionState {
  topic: string;
  partition: number;
  targetTopic: string;
  /** next offset to fetch (ahead of the stored position while a round is in flight) */
  fetchNext: number;
  /** stored position on the target */
  storedNext: number;
  targetNext: number | null;
  end: number;
  records: number;
  bytes: number;
  stuck: number;
  /** the position this round moves to (set while a round is written) */
  pendingNext: number;
}

/** What one produced chunk carried, to build its map entry once its base offset is known. */
interface Chunk {
  state: PartitionState;
  records: RawRecord[];
  /** next source offset after this chunk (the partition's fetch `next` for its last chunk) */
  next: number;
}

const RECORD_OVERHEAD = 32;
/** Integration tests of scale-out freeze a process inside this pause (test/integration/replication-scaleout.test.ts). */
const TEST_STALL_BEFORE_MAP_MS = Number(process.env.MSKCTL_TEST_STALL_BEFORE_MAP_MS ?? 0) || 0;
const BATCH_OVERHEAD = 128;

function recordSize(r: RawRecord): number {
  return (r.key?.length ?? 0) + (r.value?.length ?? 0) + headerBytes(r.headers) + RECORD_OVERHEAD;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Kafka errors that retrying cannot fix: the run stops (exit 3) with positions stored. */
const FATAL_KAFKA_ERRORS = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'SASL_AUTHENTICATION_FAILED',
  'ILLEGAL_SASL_STATE',
  'UNSUPPORTED_SASL_MECHANISM',
  'INVALID_PRODUCER_EPOCH',
  'PRODUCER_FENCED',
  'TRANSACTIONAL_ID_NOT_FOUND',
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'INVALID_TIMESTAMP',
  'POLICY_VIOLATION',
  'UNSUPPORTED_VERSION',
  'UNSUPPORTED_COMPRESSION_TYPE',
  'UNSUPPORTED_FOR_MESSAGE_FORMAT',
]);

/** Broker restarts, leader moves, timeouts: retried with backoff. Authorization, fencing, bad records and bugs are not. */
export function isRetriable(error: unknown): boolean {
  let e = error as { retriable?: boolean; name?: string; type?: string; cause?: unknown; originalError?: unknown } | undefined;
  for (let depth = 0; e && depth < 5; depth += 1) {
    if (e.type && FATAL_KAFKA_ERRORS.has(e.type)) return false;
    if (e.name === 'MskctlError') return false;
    e = (e.cause ?? e.originalError) as typeof e;
  }
  const top = error as { retriable?: boolean; name?: string };
  if (top?.retriable === true) return true;
  return typeof top?.name === 'string' && top.name.startsWith('KafkaJS');
}

export class Replicator {
  readonly instance = randomUUID().slice(0, 8);
  private readonly store: FlowStore;
  private readonly partitions = new Map<string, PartitionState>();
  private readonly targetMaxBytes = new Map<string, number>();
  private readonly warned = new Set<string>();
  private readonly sourceAdmin: Admin;
  private readonly targetAdmin: Admin;
  private producer!: Producer;
  private controlProducer!: Producer;
  private reader!: PartitionReader;
  private compression = 0;
  private readonly startedAt = Date.now();
  private records = 0;
  private bytes = 0;
  private lastError: string | null = null;
  private state: FlowState = 'running';
  private stopReason: StopReason | null = null;
  /** stop requests at or after this offset of the positions topic are for us */
  private controlOffset = 0;
  private readonly controlSnapshot: FlowSnapshot = emptySnapshot();
  private drainTo: Map<string, number> | null = null;
  private lastProgress = { at: Date.now(), records: 0, bytes: 0 };
  private plan: TopicPlan = { topics: [], excluded: [], conflicts: [] };
  private producersStale = false;
  /** every source partition the flow replicates (this process copies the part the group assigned it) */
  private universe = new Map<string, FlowPartition>();
  private universeAtJoin = '';
  private member!: GroupMember;
  private readonly configHash: string;
  private generation = -1;
  private slot: number | null = null;
  private maxSlotSeen = 0;
  private groupMembers = 0;
  private rebalances = 0;

  constructor(
    private readonly source: Kafka,
    private readonly target: Kafka,
    private readonly options: ReplicatorOptions,
  ) {
    this.sourceAdmin = source.admin();
    this.targetAdmin = target.admin();
    this.store = new FlowStore(options.flowId, target, this.targetAdmin, options.targetKind);
    // what every process of the flow must share (see assignment.ts)
    this.configHash = createHash('sha256')
      .update(JSON.stringify([options.selection.includePatterns, options.selection.excludePatterns, options.rename, options.sourceAlias, options.exactlyOnce, options.targetKind]))
      .digest('hex')
      .slice(0, 16);
  }

  get topicPlan(): TopicPlan {
    return this.plan;
  }

  async run(): Promise<ReplicationSummary> {
    const { log, signal } = this.options;
    await registerCodecs();
    this.compression = await compressionType(this.options.compression);
    try {
      await Promise.all([
        this.sourceAdmin.connect().catch((error) => {
          throw connectError('source', error);
        }),
        this.targetAdmin.connect().catch((error) => {
          throw connectError('target', error);
        }),
      ]);
      await this.store.ensureTopics();
      const { snapshot, end } = await this.store.readSnapshot();
      this.controlOffset = end;
      this.maxSlotSeen = Math.max(0, ...[...snapshot.heartbeats.values()].map((h) => h.slot ?? 0));
      log.info(`replicate: flow ${this.options.flowId} instance ${this.instance}, ${snapshot.positions.size} stored positions, ${this.options.exactlyOnce ? 'exactly-once' : 'at-least-once'}`);
      this.reader = new PartitionReader(this.source, {
        readCommitted: true,
        maxBytes: this.options.fetchMaxBytes,
        maxBytesPerPartition: this.options.fetchMaxBytesPerPartition,
        maxWaitMs: 500,
      });
      await this.reader.connect();
      await this.refreshPlan();
      this.member = new GroupMember(this.target, {
        groupId: flowGroupId(this.options.flowId),
        protocolType: GROUP_PROTOCOL_TYPE,
        strategy: ASSIGNMENT_STRATEGY,
        sessionTimeoutMs: this.options.sessionTimeoutMs,
        rebalanceTimeoutMs: Math.max(60_000, this.options.sessionTimeoutMs),
        heartbeatIntervalMs: Math.max(200, Math.min(3_000, Math.floor(this.options.sessionTimeoutMs / 10))),
        log,
        signal,
      });
      await this.member.connect();
      await this.rejoin();
      await this.heartbeat('running');
      await this.loop();
      return this.summary();
    } finally {
      await this.shutdown();
      if (signal.aborted && this.stopReason === 'signal') {
        log.info(`replicate: interrupted; positions stored on the target (${this.store.topics.positions}); run the same command to resume`);
      }
    }
  }

  private async loop(): Promise<void> {
    const { signal } = this.options;
    let nextRefresh = Date.now() + this.options.refreshMs;
    let nextHeartbeat = Date.now() + this.options.heartbeatMs;
    let nextProgress = Date.now() + this.options.progressMs;
    let backoff = 100;
    let prefetch: Promise<FetchedPartition[]> | null = null;
    while (true) {
      if (signal.aborted) {
        this.stopReason = 'signal';
        break;
      }
      const now = Date.now();
      if (now >= nextHeartbeat) {
        nextHeartbeat = now + this.options.heartbeatMs;
        await this.heartbeat(this.state).catch((error) => this.noteError('heartbeat', error));
        await this.checkStopRequest().catch((error) => this.noteError('stop check', error));
      }
      if (now >= nextRefresh) {
        nextRefresh = now + this.options.refreshMs;
        prefetch = await this.settle(prefetch);
        await this.refreshPlan().catch((error) => this.noteError('metadata refresh', error));
        if (this.producersStale) await this.connectProducers();
      }
      if (now >= nextProgress) {
        nextProgress = now + this.options.progressMs;
        this.options.onProgress?.(this.progress());
      }
      if (this.finished()) break;
      if (this.member.rejoinReason !== null) {
        // between rounds: nothing of this process is in flight, so another may take any partition now
        prefetch = await this.settle(prefetch);
        try {
          await this.rejoin();
          backoff = 100;
        } catch (error) {
          if (!isRetriable(error)) throw this.fatal(error);
          this.noteError('rejoining the replication group', error);
          this.member.requestRejoin(`retrying after: ${errorMessage(error)}`);
          await sleepUntilAborted(backoff, signal);
          backoff = Math.min(backoff * 2, 5000);
        }
        continue;
      }
      try {
        const fetched = await this.unstick(await (prefetch ?? this.fetchRound()));
        prefetch = null;
        if (this.member.rejoinReason !== null) {
          // the group moves partitions: drop this round unwritten (the next owner reads it again)
          this.resetFetchPositions();
          continue;
        }
        this.advanceFetchPositions(fetched);
        // read the next round while this one is written to the target
        if (!signal.aborted && this.drainTo === null) prefetch = this.fetchRound();
        await this.writeRound(fetched);
        backoff = 100;
      } catch (error) {
        prefetch = await this.settle(prefetch);
        this.resetFetchPositions();
        // a failed send can leave kafkajs' idempotence/transaction state behind: start new producers
        this.producersStale = true;
        if (isOffsetOutOfRange(error)) {
          await this.handleOutOfRange(error.topic, error.partition);
          continue;
        }
        if (isFenced(error)) {
          // another process initialised our transactional id: the group gave our slot away while we stalled
          this.member.requestRejoin(`this process's transactional id was fenced (${errorMessage(error)})`);
          continue;
        }
        if (!isRetriable(error)) throw this.fatal(error);
        this.noteError('replication', error);
        await sleepUntilAborted(backoff, signal);
        if (this.producersStale) await this.connectProducers().catch((e) => this.noteError('producer reconnect', e));
        backoff = Math.min(backoff * 2, 5000);
        await this.reader.refresh().catch(() => undefined);
      }
    }
    await this.settle(prefetch);
    this.options.onProgress?.(this.progress());
  }

  /**
   * New producers. With --exactly-once the record producer's InitProducerId on the slot's transactional id
   * aborts an open transaction of any earlier user of the slot and fences it for good.
   */
  private async connectProducers(): Promise<void> {
    if (this.producer) await Promise.allSettled([this.producer.disconnect(), this.controlProducer.disconnect()]);
    this.producer = this.target.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      ...(this.options.exactlyOnce ? { transactionalId: flowTransactionalId(this.options.flowId, this.slot ?? 0), transactionTimeout: 60_000 } : {}),
    });
    this.controlProducer = this.target.producer({ allowAutoTopicCreation: false });
    await Promise.all([this.producer.connect(), this.controlProducer.connect()]);
    if (this.options.exactlyOnce) await initTransactions(this.producer);
    this.producersStale = false;
  }

  /** Waits for an in-flight prefetch and drops it (its positions are re-fetched). */
  private async settle(prefetch: Promise<FetchedPartition[]> | null): Promise<null> {
    if (prefetch) {
      await prefetch.catch(() => undefined);
      this.resetFetchPositions();
    }
    return null;
  }

  private fetchRound(): Promise<FetchedPartition[]> {
    const positions = [...this.partitions.values()].map((p) => ({ topic: p.topic, partition: p.partition, offset: p.fetchNext }));
    if (positions.length === 0) return sleepUntilAborted(500, this.options.signal).then(() => []);
    return this.reader.fetch(positions);
  }

  /**
   * A partition that returned nothing although its log goes on: either its next batch is larger than the
   * per-partition fetch size and another partition came first in the response (the broker then returns only
   * part of it, which is dropped), or an empty batch left by compaction sits there. Fetching it alone makes
   * the broker return the whole next batch, however large; if even that is empty, the offset holds no record.
   */
  private async unstick(fetched: FetchedPartition[]): Promise<FetchedPartition[]> {
    const out: FetchedPartition[] = [];
    for (const f of fetched) {
      const state = this.partitions.get(partitionKey(f.topic, f.partition));
      const stuck = state !== undefined && state.fetchNext === f.fetchOffset && f.next <= f.fetchOffset && f.fetchOffset < f.lastStableOffset;
      if (!stuck) {
        if (state) state.stuck = 0;
        out.push(f);
        continue;
      }
      state.stuck += 1;
      const [alone] = await this.reader.fetch([{ topic: f.topic, partition: f.partition, offset: f.fetchOffset }], 100, Math.max(64 * 1024 * 1024, this.options.fetchMaxBytesPerPartition));
      if (alone && alone.next > alone.fetchOffset) {
        state.stuck = 0;
        out.push(alone);
      } else if (alone && !alone.throttled && state.stuck >= 3) {
        // a lone, unthrottled fetch returns the whole next batch if there is one with records: this one has none
        this.options.log.warn(`${f.topic}/${f.partition}: offset ${f.fetchOffset} holds no record (an empty batch left by compaction); stepping over it`);
        out.push({ ...alone, next: f.fetchOffset + 1 });
        state.stuck = 0;
      } else out.push(f);
    }
    return out;
  }

  private advanceFetchPositions(fetched: FetchedPartition[]): void {
    for (const f of fetched) {
      const state = this.partitions.get(partitionKey(f.topic, f.partition));
      if (!state || state.fetchNext !== f.fetchOffset) continue;
      state.end = f.lastStableOffset;
      state.fetchNext = Math.max(f.next, f.fetchOffset);
    }
  }

  private resetFetchPositions(): void {
    for (const state of this.partitions.values()) state.fetchNext = state.storedNext;
  }

  /** Produces a fetched round to the target, then stores its map entries and positions. */
  private async writeRound(fetched: FetchedPartition[]): Promise<void> {
    const chunksByPartition: Chunk[][] = [];
    const moved: PartitionState[] = [];
    let tooLarge: Error | undefined;
    for (const f of fetched) {
      const state = this.partitions.get(partitionKey(f.topic, f.partition));
      if (!state || state.storedNext !== f.fetchOffset) continue;
      // advanceFetchPositions already moved fetchNext past this round (markers, aborted records, empty batches)
      let next = state.fetchNext;
      let records = f.records;
      const tooBig = records.findIndex((r) => recordSize(r) + BATCH_OVERHEAD > (this.targetMaxBytes.get(state.targetTopic) ?? 1_048_588));
      if (tooBig >= 0) {
        // copy and store everything before it, then stop: the record is never skipped
        tooLarge ??= this.tooLargeRecord(state, records[tooBig] as RawRecord);
        next = (records[tooBig] as RawRecord).offset;
        records = records.slice(0, tooBig);
      }
      if (records.length > 0) chunksByPartition.push(this.chunk(state, records, next));
      if (next > state.storedNext) moved.push(state);
      state.pendingNext = next;
    }
    if (moved.length === 0) {
      if (tooLarge) throw tooLarge;
      this.checkCaughtUp();
      return;
    }
    const entries: OffsetMapEntry[] = [];
    const lastTarget = new Map<PartitionState, number>();
    let transaction: Transaction | null = null;
    try {
      if (this.options.exactlyOnce) transaction = await this.producer.transaction();
      const sender = transaction ?? this.producer;
      const rounds = Math.max(0, ...chunksByPartition.map((c) => c.length));
      for (let round = 0; round < rounds; round += 1) {
        const chunks = chunksByPartition.map((c) => c[round]).filter((c): c is Chunk => c !== undefined);
        const byTopic = new Map<string, Chunk[]>();
        for (const c of chunks) byTopic.set(c.state.targetTopic, [...(byTopic.get(c.state.targetTopic) ?? []), c]);
        const result: RecordMetadata[] = await sender.sendBatch({
          acks: -1,
          compression: this.compression,
          topicMessages: [...byTopic].map(([topic, list]) => ({
            topic,
            messages: list.flatMap((c) =>
              c.records.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, partition: c.state.partition })),
            ),
          })),
        });
        for (const c of chunks) {
          const meta = result.find((m) => m.topicName === c.state.targetTopic && m.partition === c.state.partition);
          if (!meta || meta.baseOffset === undefined || !(Number(meta.baseOffset) >= 0)) {
            // kafkajs leaves out partitions its metadata does not know yet: nothing was written for this one
            this.producersStale = true;
            throw Object.assign(new Error(`the target did not acknowledge ${c.state.targetTopic}/${c.state.partition} (partition unknown to the producer's metadata)`), { retriable: true });
          }
          const base = Number(meta.baseOffset);
          entries.push({ ...entryFromOffsets(c.state.topic, c.state.partition, c.state.targetTopic, base, c.records.map((r) => r.offset), c.next), owner: this.instance });
          lastTarget.set(c.state, base + c.records.length);
        }
      }
      // test-only: widen the window between records and map entries, where a frozen process wakes up as a zombie
      if (TEST_STALL_BEFORE_MAP_MS > 0) {
        this.options.log.info(`test: records written, pausing ${TEST_STALL_BEFORE_MAP_MS} ms before the offset map`);
        await sleepUntilAborted(TEST_STALL_BEFORE_MAP_MS);
      }
      const now = Date.now();
      const mapMessages = entries.map((e) => ({ ...encodeOffsetMapEntry(e), partition: 0 }));
      const positionMessages = moved.map((state) => {
        const next = state.pendingNext;
        return { ...encodePosition({ topic: state.topic, partition: state.partition, targetTopic: state.targetTopic, next, targetNext: lastTarget.get(state) ?? state.targetNext, at: now, owner: this.instance }), partition: 0 };
      });
      if (transaction) {
        await transaction.sendBatch({
          acks: -1,
          topicMessages: [
            ...(mapMessages.length > 0 ? [{ topic: this.store.topics.offsetMap, messages: mapMessages }] : []),
            { topic: this.store.topics.positions, messages: positionMessages },
          ],
        });
        await transaction.commit();
        transaction = null;
      } else {
        // the map before the positions: a stored position always has its map entries
        if (mapMessages.length > 0) await this.producer.sendBatch({ acks: -1, topicMessages: [{ topic: this.store.topics.offsetMap, messages: mapMessages }] });
        await this.producer.sendBatch({ acks: -1, topicMessages: [{ topic: this.store.topics.positions, messages: positionMessages }] });
      }
    } catch (error) {
      if (transaction) await transaction.abort().catch(() => undefined);
      if (isMessageTooLarge(error)) throw this.tooLarge(chunksByPartition);
      throw error;
    }
    for (const state of moved) {
      state.storedNext = state.pendingNext;
      state.targetNext = lastTarget.get(state) ?? state.targetNext;
    }
    for (const list of chunksByPartition) {
      for (const c of list) {
        const bytes = c.records.reduce((n, r) => n + recordSize(r) - RECORD_OVERHEAD, 0);
        c.state.records += c.records.length;
        c.state.bytes += bytes;
        this.records += c.records.length;
        this.bytes += bytes;
      }
    }
    if (tooLarge) throw tooLarge;
    this.checkCaughtUp();
  }

  private tooLargeRecord(state: PartitionState, r: RawRecord): Error {
    const maxMessageBytes = this.targetMaxBytes.get(state.targetTopic) ?? 1_048_588;
    return operationalError(
      `record ${state.topic}/${state.partition} offset ${r.offset} is ${recordSize(r)} bytes; target topic ${state.targetTopic} accepts at most ${maxMessageBytes} bytes (max.message.bytes)`,
      `raise max.message.bytes of ${state.targetTopic} on the target (mskctl never splits or drops records), then run the same command again: it continues at this record`,
      'RECORD_TOO_LARGE',
    );
  }

  /** Splits a partition's records into batches the target accepts. */
  private chunk(state: PartitionState, records: RawRecord[], next: number): Chunk[] {
    const maxMessageBytes = this.targetMaxBytes.get(state.targetTopic) ?? 1_048_588;
    const limit = Math.max(1, Math.min(this.options.maxBatchBytes, maxMessageBytes - BATCH_OVERHEAD));
    const chunks: Chunk[] = [];
    let current: RawRecord[] = [];
    let size = 0;
    for (const r of records) {
      const s = recordSize(r);
      if (current.length > 0 && size + s > limit) {
        chunks.push({ state, records: current, next: r.offset });
        current = [];
        size = 0;
      }
      current.push(r);
      size += s;
    }
    if (current.length > 0) chunks.push({ state, records: current, next });
    return chunks;
  }

  private tooLarge(chunks: Chunk[][]): Error {
    const first = chunks.flat()[0];
    const topic = first?.state.targetTopic ?? '?';
    return operationalError(
      `the target refused a batch for ${topic} as too large (MESSAGE_TOO_LARGE)`,
      `raise max.message.bytes of ${topic} on the target, or lower --max-batch-bytes`,
      'RECORD_TOO_LARGE',
    );
  }

  private checkCaughtUp(): void {
    const states = [...this.partitions.values()];
    if (this.drainTo) {
      if (states.every((s) => s.storedNext >= (this.drainTo?.get(partitionKey(s.topic, s.partition)) ?? 0))) this.stopReason = 'stop-request';
      return;
    }
    if (this.options.untilCaughtUp && states.every((s) => s.end >= 0 && s.storedNext >= s.end)) this.stopReason = 'caught-up';
  }

  private finished(): boolean {
    if (this.stopReason !== null) return true;
    if (this.options.untilCaughtUp && this.partitions.size === 0) {
      this.stopReason = 'caught-up';
      return true;
    }
    return false;
  }

  private async handleOutOfRange(topic: string, partition: number): Promise<void> {
    const state = this.partitions.get(partitionKey(topic, partition));
    if (!state) return;
    const offsets = await this.sourceAdmin.fetchTopicOffsets(topic);
    const o = offsets.find((x) => x.partition === partition);
    const low = Number(o?.low ?? 0);
    const high = Number(o?.high ?? 0);
    if (state.storedNext < low) {
      this.options.log.warn(`source ${topic}/${partition}: records ${state.storedNext}..${low - 1} were deleted by retention before they were replicated; continuing at ${low}`);
      state.storedNext = low;
      state.fetchNext = low;
    } else if (state.storedNext > high) {
      throw operationalError(
        `stored position ${state.storedNext} of ${topic}/${partition} is beyond the source log end (${high}): the source topic was recreated or truncated`,
        `use a new --flow-id, or delete the flow's topics ${this.store.topics.positions} and ${this.store.topics.offsetMap} on the target to start over`,
        'POSITION_BEYOND_END',
      );
    }
  }

  /** Lists source topics, plans, creates or grows target topics, and works out the flow's partitions. */
  private async refreshPlan(): Promise<void> {
    const plan = await planFlow(this.sourceAdmin, this.targetAdmin, this.options);
    this.plan = plan.plan;
    for (const entry of plan.plan.topics) {
      for (const warning of entry.warnings) this.warnOnce(`${entry.source}: ${warning}`);
      for (const s of entry.skippedConfigs) this.warnOnce(`${entry.source}: config ${s.name}=${s.value} not set on ${entry.target}: ${s.reason}`, 'debug');
      if (entry.action === 'create') {
        await createTopic(this.targetAdmin, entry.target, entry.sourcePartitions, entry.configs);
        this.options.log.info(`replicate: created ${entry.target} with ${entry.sourcePartitions} partitions`);
      } else if (entry.action === 'grow') {
        await growTopic(this.targetAdmin, entry.target, entry.sourcePartitions);
        // kafkajs producers only re-read metadata for new topics, not new partitions: start fresh ones
        this.producersStale = true;
        this.options.log.info(`replicate: grew ${entry.target} from ${entry.targetPartitions} to ${entry.sourcePartitions} partitions`);
      }
    }
    for (const conflict of plan.plan.conflicts) this.warnOnce(`topic name conflict: ${conflict}`);
    const described = await describeTopics(this.targetAdmin, plan.plan.topics.map((t) => t.target));
    for (const t of described) this.targetMaxBytes.set(t.name, Number(t.effective['max.message.bytes'] ?? 1_048_588));
    const universe = new Map<string, FlowPartition>();
    for (const entry of plan.plan.topics) {
      for (let partition = 0; partition < entry.sourcePartitions; partition += 1) universe.set(partitionKey(entry.source, partition), { topic: entry.source, partition, targetTopic: entry.target });
    }
    this.universe = universe;
    // a source topic deleted (or no longer selected) stops being replicated; its target topic stays
    for (const [key, state] of this.partitions) {
      if (!universe.has(key)) {
        this.partitions.delete(key);
        this.warnOnce(`${state.topic}: no longer on the source or no longer selected; its target topic ${state.targetTopic} is kept`);
      }
    }
    if (this.generation >= 0 && this.universeKey() !== this.universeAtJoin) this.member.requestRejoin("the flow's partitions changed (a new topic or more partitions on the source)");
  }

  private universeKey(): string {
    return createHash('sha256').update([...this.universe.keys()].sort().join('\n')).digest('hex');
  }

  /** Joins the flow's group (again) and takes up the partitions of the new generation. */
  private async rejoin(): Promise<void> {
    const { log, flowId } = this.options;
    if (this.generation >= 0) log.info(`replicate: rejoining the replication group: ${this.member.rejoinReason ?? 'requested'}`);
    const metadata = encodeMemberMetadata({ instance: this.instance, config: this.configHash, slot: this.slot, maxSlot: this.maxSlotSeen });
    const joined = await this.member.join(metadata, (members) => this.assign(members));
    let assignment;
    try {
      assignment = decodeAssignment(joined.assignment);
    } catch (error) {
      throw operationalError(`the replication group ${flowGroupId(flowId)} handed out an assignment this version cannot read: ${errorMessage(error)}`, 'run the same mskctl version in every process of a flow', 'GROUP_ASSIGNMENT_INVALID', error);
    }
    if (assignment.error !== undefined) throw usageError(`flow ${flowId}: ${assignment.error}`, `start it with the options of the running processes (mskctl replicate status --flow-id ${flowId} lists them), or use another --flow-id`, 'FLOW_OPTIONS_DIFFER');
    if (this.generation >= 0) this.rebalances += 1;
    this.generation = joined.generationId;
    this.groupMembers = assignment.members;
    this.slot = assignment.slot;
    this.maxSlotSeen = Math.max(this.maxSlotSeen, assignment.members - 1, ...assignment.fenceSlots);
    this.universeAtJoin = this.universeKey();
    if (this.options.exactlyOnce || !this.producer || this.producersStale) await this.connectProducers();
    if (this.options.exactlyOnce) for (const slot of assignment.fenceSlots) await this.fenceSlot(slot);
    await this.applyAssignment(new Set(assignment.partitions));
    log.info(`replicate: generation ${joined.generationId}: ${this.partitions.size} of ${this.universe.size} partitions, ${assignment.members} process${assignment.members === 1 ? '' : 'es'} share the flow${this.options.exactlyOnce ? `, transactional id ${flowTransactionalId(flowId, assignment.slot)}` : ''}`);
  }

  /** On the elected leader: shares the flow's partitions among the members (assignment.ts). */
  private async assign(members: Array<{ memberId: string; metadata: Buffer }>): Promise<Map<string, Buffer>> {
    await this.refreshPlan().catch((error) => this.noteError('metadata refresh', error));
    const { snapshot } = await this.store.readSnapshot();
    const owners = new Map([...snapshot.claims].map(([key, claim]) => [key, claim.owner]));
    const readable: AssignableMember[] = [];
    const out = new Map<string, Buffer>();
    for (const m of members) {
      try {
        readable.push({ memberId: m.memberId, metadata: decodeMemberMetadata(m.metadata) });
      } catch {
        out.set(m.memberId, encodeAssignment({ partitions: [], slot: 0, members: 0, fenceSlots: [], error: 'this process runs another mskctl version than the flow\'s leader; run the same version everywhere' }));
      }
    }
    const assignments = assignPartitions({ members: readable, partitions: [...this.universe.values()], owners, config: this.configHash });
    for (const [memberId, a] of assignments) out.set(memberId, encodeAssignment(a));
    return out;
  }

  /** --exactly-once: initialises a transactional id no member holds any more, aborting and fencing its last user. */
  private async fenceSlot(slot: number): Promise<void> {
    const producer = this.target.producer({ idempotent: true, maxInFlightRequests: 1, transactionalId: flowTransactionalId(this.options.flowId, slot), allowAutoTopicCreation: false });
    await producer.connect();
    await initTransactions(producer);
    await producer.disconnect();
    this.options.log.debug(`replicate: fenced transactional id ${flowTransactionalId(this.options.flowId, slot)}`);
  }

  /**
   * Drops the partitions the group moved elsewhere and takes up the new ones: their positions are read from the
   * target (after the producers above fenced any earlier writer), then claimed before anything is written.
   */
  private async applyAssignment(keys: Set<string>): Promise<void> {
    const { snapshot } = await this.store.readSnapshot(0, { settled: true, log: this.options.log });
    // a partition stays only if no other process claimed it meanwhile (this one may have been frozen past its session)
    for (const key of this.partitions.keys()) if (!keys.has(key) || snapshot.claims.get(key)?.owner !== this.instance) this.partitions.delete(key);
    let unknown = [...keys].filter((k) => !this.partitions.has(k) && !this.universe.has(k));
    if (unknown.length > 0) {
      // the leader saw topics or partitions this process has not yet
      await this.refreshPlan();
      unknown = unknown.filter((k) => !this.universe.has(k));
      if (unknown.length > 0) {
        this.options.log.warn(`replicate: assigned partitions this process does not see on the source yet: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''}; rejoining`);
        this.member.requestRejoin('assigned partitions unknown to this process');
      }
    }
    const gained = [...keys].filter((k) => !this.partitions.has(k)).map((k) => this.universe.get(k)).filter((p): p is FlowPartition => p !== undefined);
    if (gained.length === 0) return;
    const sourceStarts = new Map<string, number>();
    const targetEnds = new Map<string, number>();
    const fresh = gained.filter((g) => !snapshot.positions.has(partitionKey(g.topic, g.partition)));
    for (const topic of new Set(fresh.map((f) => f.topic))) {
      for (const o of await this.sourceAdmin.fetchTopicOffsets(topic)) sourceStarts.set(partitionKey(topic, o.partition), Number(o.low));
    }
    for (const topic of new Set(gained.map((g) => g.targetTopic))) {
      for (const o of await this.targetAdmin.fetchTopicOffsets(topic)) targetEnds.set(partitionKey(topic, o.partition), Number(o.high));
    }
    const now = Date.now();
    const claims: Array<{ key: string; value: string; partition: number }> = [];
    const mapClaims: Array<{ key: string; value: string; partition: number }> = [];
    for (const g of gained) {
      const key = partitionKey(g.topic, g.partition);
      const stored = snapshot.positions.get(key);
      // never replicated: start at the source log start
      const next = stored?.next ?? sourceStarts.get(key) ?? 0;
      // where this partition's next record lands on the target: what translation answers for an offset not yet copied
      const targetNext = stored?.targetNext ?? targetEnds.get(partitionKey(g.targetTopic, g.partition)) ?? null;
      this.partitions.set(key, { ...g, fetchNext: next, storedNext: next, targetNext, end: -1, records: 0, bytes: 0, stuck: 0, pendingNext: next });
      const position = { topic: g.topic, partition: g.partition, targetTopic: g.targetTopic, next, targetNext, at: now, owner: this.instance };
      claims.push({ ...encodeClaim(position), partition: 0 });
      mapClaims.push({ ...encodeOffsetMapClaim({ topic: g.topic, partition: g.partition, targetTopic: g.targetTopic, owner: this.instance, next, targetNext }), partition: 0 });
    }
    // the claims land before this process writes anything for these partitions
    await this.controlProducer.sendBatch({
      acks: -1,
      topicMessages: [
        { topic: this.store.topics.offsetMap, messages: mapClaims },
        { topic: this.store.topics.positions, messages: claims },
      ],
    });
    if (fresh.length > 0) this.options.log.debug(`replicate: ${fresh.length} partitions never replicated start at the source log start`);
  }

  private warnOnce(message: string, level: 'warn' | 'debug' = 'warn'): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    if (level === 'warn') this.options.log.warn(message);
    else this.options.log.debug(message);
  }

  private async heartbeat(state: FlowState, reason?: string): Promise<void> {
    const record = encodeHeartbeat({
      instance: this.instance,
      state,
      at: Date.now(),
      intervalMs: this.options.heartbeatMs,
      startedAt: this.startedAt,
      host: hostname(),
      pid: process.pid,
      reason,
      exactlyOnce: this.options.exactlyOnce,
      ...(this.generation >= 0 ? { generation: this.generation } : {}),
      ...(this.slot !== null ? { slot: this.slot } : {}),
      partitions: this.partitions.size,
    });
    await this.controlProducer.send({ topic: this.store.topics.positions, acks: -1, messages: [{ ...record, partition: 0 }] });
  }

  /** Reads the positions topic past what was there at start: a stop request there is for this instance. */
  private async checkStopRequest(): Promise<void> {
    if (this.drainTo) return;
    const state = await this.store.topicState(this.store.topics.positions);
    await this.store.readPositionsInto(this.controlSnapshot, this.controlOffset, state.end);
    this.controlOffset = Math.max(this.controlOffset, state.end);
    const stop = this.controlSnapshot.stop;
    if (!stop) return;
    // drain: replicate up to the source ends of this moment, store positions, exit
    // every partition of the flow: the group may hand this process others' partitions while it drains
    const drainTo = new Map<string, number>();
    const topics = new Set([...this.universe.values()].map((p) => p.topic));
    for (const topic of topics) {
      for (const o of await this.sourceAdmin.fetchTopicOffsets(topic)) drainTo.set(partitionKey(topic, o.partition), Number(o.offset));
    }
    this.drainTo = drainTo;
    this.state = 'stopping';
    this.options.log.info(`replicate: stop request ${stop.id} from ${stop.by}: draining to the current source end offsets`);
    await this.heartbeat('stopping').catch(() => undefined);
    this.checkCaughtUp();
  }

  private noteError(what: string, error: unknown): void {
    this.lastError = `${new Date().toISOString()} ${what}: ${errorMessage(error)}`;
    this.options.log.warn(`${what}: ${errorMessage(error)} (retrying)`);
  }

  private fatal(error: unknown): Error {
    if (error instanceof Error && error.name === 'MskctlError') return error;
    return operationalError(`replication failed: ${errorMessage(error)}`, 'positions are stored on the target; fix the cause and run the same command to resume', 'REPLICATION_FAILED', error);
  }

  progress(): Progress {
    const now = Date.now();
    const seconds = Math.max(0.001, (now - this.lastProgress.at) / 1000);
    const recordsPerSecond = (this.records - this.lastProgress.records) / seconds;
    const bytesPerSecond = (this.bytes - this.lastProgress.bytes) / seconds;
    this.lastProgress = { at: now, records: this.records, bytes: this.bytes };
    const lagByTopic: Record<string, number> = {};
    let lag = 0;
    for (const p of this.partitionProgress()) {
      lagByTopic[p.topic] = (lagByTopic[p.topic] ?? 0) + p.lag;
      lag += p.lag;
    }
    return { elapsedMs: now - this.startedAt, records: this.records, bytes: this.bytes, recordsPerSecond, bytesPerSecond, lag, lagByTopic, partitions: this.partitions.size, lastError: this.lastError, state: this.state };
  }

  partitionProgress(): PartitionProgress[] {
    return [...this.partitions.values()].map((s) => ({
      topic: s.topic,
      partition: s.partition,
      targetTopic: s.targetTopic,
      next: s.storedNext,
      end: s.end,
      lag: s.end < 0 ? 0 : Math.max(0, s.end - s.storedNext),
      records: s.records,
    }));
  }

  private summary(): ReplicationSummary {
    const durationMs = Date.now() - this.startedAt;
    const seconds = Math.max(0.001, durationMs / 1000);
    const byTopic = new Map<string, { source: string; target: string; partitions: number; records: number; lag: number }>();
    for (const p of this.partitionProgress()) {
      const t = byTopic.get(p.topic) ?? { source: p.topic, target: p.targetTopic, partitions: 0, records: 0, lag: 0 };
      t.partitions += 1;
      t.records += p.records;
      t.lag += p.lag;
      byTopic.set(p.topic, t);
    }
    const topics = [...byTopic.values()].sort((a, b) => a.source.localeCompare(b.source));
    return {
      flowId: this.options.flowId,
      instance: this.instance,
      stoppedBy: this.stopReason ?? 'signal',
      exactlyOnce: this.options.exactlyOnce,
      records: this.records,
      bytes: this.bytes,
      durationMs,
      recordsPerSecond: this.records / seconds,
      megabytesPerSecond: this.bytes / 1e6 / seconds,
      lag: topics.reduce((n, t) => n + t.lag, 0),
      topics,
      internalTopics: this.store.topics,
      group: { id: flowGroupId(this.options.flowId), generation: this.generation, rebalances: this.rebalances, members: this.groupMembers },
    };
  }

  private async shutdown(): Promise<void> {
    const reason = this.stopReason ?? 'error';
    this.state = 'stopped';
    if (this.controlProducer) await this.heartbeat('stopped', reason).catch(() => undefined);
    // leaving at once lets the other processes take over now instead of after the session timeout
    if (this.member) {
      await this.member.leave();
      await this.member.disconnect().catch(() => undefined);
    }
    await Promise.allSettled([
      this.reader?.disconnect(),
      this.producer?.disconnect(),
      this.controlProducer?.disconnect(),
      this.store.close(),
    ]);
    await Promise.allSettled([this.sourceAdmin.disconnect(), this.targetAdmin.disconnect()]);
  }

  /** Throws the exit-130 error after a signal stop (called by the command once the summary is rendered). */
  static interruptedError(): Error {
    return interrupted('replication interrupted after a clean shutdown: positions stored on the target; run the same command to resume');
  }
}

function connectError(side: 'source' | 'target', error: unknown): Error {
  return operationalError(`cannot connect to the ${side} cluster: ${errorMessage(error)}`, `check --${side} and its auth options (mskctl check diagnoses connectivity)`, 'KAFKA_CONNECT', error);
}

/**
 * InitProducerId for a transactional producer's id: kafkajs' connect() only initialises the idempotent id and
 * leaves this to the first transaction, which would be too late to fence the id's previous user before
 * positions are read. An empty transaction sends no EndTxn.
 */
async function initTransactions(producer: Producer): Promise<void> {
  const transaction = await producer.transaction();
  await transaction.abort();
}

/** Another process initialised this process's transactional id (kafkajs reports it as either type). */
function isFenced(error: unknown): boolean {
  let e = error as { type?: string; cause?: unknown; originalError?: unknown } | undefined;
  for (let depth = 0; e && depth < 5; depth += 1) {
    if (e.type === 'PRODUCER_FENCED' || e.type === 'INVALID_PRODUCER_EPOCH') return true;
    e = (e.cause ?? e.originalError) as typeof e;
  }
  return false;
}

function isMessageTooLarge(error: unknown): boolean {
  const e = error as { type?: string; cause?: { type?: string } };
  return e?.type === 'MESSAGE_TOO_LARGE' || e?.type === 'RECORD_LIST_TOO_LARGE' || /MESSAGE_TOO_LARGE|too large/i.test(errorMessage(error));
}

export interface FlowPlanOptions {
  selection: TopicSelection;
  rename: RenamePolicy;
  sourceAlias: string;
  targetKind: TargetKind;
  serverlessMaxMessageBytes: number;
}

/** Describes both clusters and plans the flow's topics (used by --dry-run and by every metadata refresh). */
export async function planFlow(sourceAdmin: Admin, targetAdmin: Admin, options: FlowPlanOptions): Promise<{ plan: TopicPlan; source: DescribedTopic[]; target: DescribedTopic[] }> {
  const sourceNames = await sourceAdmin.listTopics();
  const selected = sourceNames.filter((name) => selectionReason(name, options.selection) === undefined);
  const source = await describeTopics(sourceAdmin, selected);
  const excludedNames = sourceNames.filter((name) => !selected.includes(name));
  const targetNames = new Set(await targetAdmin.listTopics());
  const wanted = source.map((t) => (options.rename === 'identity' ? t.name : `${options.sourceAlias}.${t.name}`)).filter((n) => targetNames.has(n));
  const target = await describeTopics(targetAdmin, wanted);
  const targetForPlan = target.map((t) => ({ ...t, configs: { ...t.configs, ...t.effective } }));
  const plan = planTopics([...source, ...excludedNames.map((name) => ({ name, partitions: 0, configs: {} }))], targetForPlan, options);
  return { plan, source, target };
}

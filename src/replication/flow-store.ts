/**
 * A flow's state on the TARGET cluster: the compacted positions topic (positions, heartbeats, stop requests)
 * and the offset-map topic. Reads go through the manual-assignment reader (read_committed, so records of
 * aborted exactly-once transactions are never seen); nothing here creates a consumer group.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { operationalError } from '../output/errors.js';
import type { Logger } from '../output/log.js';
import { PartitionReader, readTopicToEnd } from '../kafka/partition-reader.js';
import { FlowOffsetMap } from './offset-map.js';
import { applyPositionsRecord, emptySnapshot, encodeStopRequest, type FlowSnapshot, type StopRequest } from './positions.js';
import { flowTopics } from './topic-plan.js';

export interface FlowTopicState {
  exists: boolean;
  /** read_committed end offset of partition 0 */
  end: number;
}

export class FlowStore {
  readonly topics: { positions: string; offsetMap: string };
  private readonly reader: PartitionReader;
  private connected = false;

  constructor(
    readonly flowId: string,
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly targetKind: 'serverless' | 'kafka' = 'kafka',
  ) {
    this.topics = flowTopics(flowId);
    this.reader = new PartitionReader(kafka, { readCommitted: true, maxWaitMs: 100, maxBytesPerPartition: 4 * 1024 * 1024 });
  }

  private async ensureReader(): Promise<void> {
    if (!this.connected) {
      await this.reader.connect();
      this.connected = true;
    }
  }

  async close(): Promise<void> {
    if (this.connected) await this.reader.disconnect();
    this.connected = false;
  }

  /** Creates the two internal topics when missing (single partition: readers see every record in write order). */
  async ensureTopics(): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    const topics = [];
    if (!existing.has(this.topics.positions)) {
      // small segments so compaction keeps the topic short (Serverless fixes segment settings itself)
      const segments = this.targetKind === 'kafka' ? [{ name: 'segment.bytes', value: String(16 * 1024 * 1024) }, { name: 'segment.ms', value: '600000' }, { name: 'min.cleanable.dirty.ratio', value: '0.1' }] : [];
      topics.push({ topic: this.topics.positions, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }, ...segments] });
    }
    if (!existing.has(this.topics.offsetMap)) {
      // kept as long as the flow exists: any committed offset, however old, stays translatable
      topics.push({ topic: this.topics.offsetMap, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'delete' }, { name: 'retention.ms', value: '-1' }, { name: 'retention.bytes', value: '-1' }] });
    }
    if (topics.length > 0) {
      try {
        await this.admin.createTopics({ topics, waitForLeaders: true });
      } catch (error) {
        if (!/already exists/i.test((error as Error).message)) {
          throw operationalError(`cannot create the flow's internal topics on the target: ${(error as Error).message}`, 'the target principal needs CreateTopic on mskctl.* topics', 'KAFKA_CREATE_TOPIC', error);
        }
      }
    }
  }

  async topicState(topic: string): Promise<FlowTopicState> {
    const existing = await this.admin.listTopics();
    if (!existing.includes(topic)) return { exists: false, end: 0 };
    const offsets = await this.admin.fetchTopicOffsets(topic);
    const p0 = offsets.find((o) => o.partition === 0);
    return { exists: true, end: Number(p0?.offset ?? 0) };
  }

  /**
   * The flow's positions, heartbeats and latest stop request, read to the current end. `settled`: first wait
   * until every transaction already written to the positions topic has ended. A transaction's commit returns
   * before its markers reach the partition, so a process taking over partitions right after their previous
   * owner committed would otherwise read the owner's second-to-last positions and copy a range twice.
   */
  async readSnapshot(from = 0, options: { settled?: boolean; log?: Logger } = {}): Promise<{ snapshot: FlowSnapshot; end: number; exists: boolean }> {
    const state = await this.topicState(this.topics.positions);
    const snapshot = emptySnapshot();
    if (!state.exists) return { snapshot, end: 0, exists: false };
    const end = options.settled ? await this.settledEnd(this.topics.positions, state.end, options.log) : state.end;
    await this.readPositionsInto(snapshot, from, end);
    return { snapshot, end, exists: true };
  }

  /** Waits until the last stable offset reaches the high watermark of this moment; returns it. */
  private async settledEnd(topic: string, stable: number, log?: Logger): Promise<number> {
    await this.ensureReader();
    const look = async (at: number) => (await this.reader.fetch([{ topic, partition: 0, offset: at }], 0, 1024)).find((f) => f.partition === 0);
    const first = await look(stable);
    if (!first) return stable;
    const target = first.highWatermark;
    let lso = first.lastStableOffset;
    const started = Date.now();
    let told = false;
    while (lso < target) {
      if (!told && Date.now() - started > 5_000) {
        told = true;
        log?.info(`replicate: waiting for an open transaction on ${topic} to end (a process stopped inside one: it ends within the transaction timeout, 60 s)`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      lso = (await look(lso))?.lastStableOffset ?? target;
    }
    return lso;
  }

  /** Applies positions records in [from, end) to a snapshot. */
  async readPositionsInto(snapshot: FlowSnapshot, from: number, end: number): Promise<void> {
    if (end <= from) return;
    await this.ensureReader();
    await readTopicToEnd(this.reader, this.topics.positions, [{ partition: 0, start: from, end }], (_p, record) => {
      if (record.key === null) return;
      applyPositionsRecord(snapshot, record.key.toString('utf8'), record.value === null ? null : record.value.toString('utf8'), record.offset);
    });
  }

  /** The whole offset map, advanced by the stored positions (gaps read past after the last mapped record). */
  async readOffsetMap(snapshot?: FlowSnapshot): Promise<{ map: FlowOffsetMap; entries: number; exists: boolean }> {
    const map = new FlowOffsetMap();
    const { entries, exists } = await this.readOffsetMapInto(map);
    if (snapshot) map.advanceAll(snapshot.positions.values());
    return { map, entries, exists };
  }

  /**
   * Applies the offset-map records from `from` to the current (read_committed) end to `map` and returns that
   * end: the map topic is append-only, so a reader that keeps its map reads on from where it stopped.
   */
  async readOffsetMapInto(map: FlowOffsetMap, from = 0): Promise<{ end: number; entries: number; exists: boolean }> {
    const state = await this.topicState(this.topics.offsetMap);
    let entries = 0;
    if (state.exists && state.end > from) {
      await this.ensureReader();
      await readTopicToEnd(this.reader, this.topics.offsetMap, [{ partition: 0, start: from, end: state.end }], (_p, record) => {
        if (record.key === null || record.value === null) return;
        map.apply(record.key.toString('utf8'), record.value.toString('utf8'));
        entries += 1;
      });
    }
    return { end: state.end, entries, exists: state.exists };
  }

  /** Writes a stop request; running replicators of the flow see it within a heartbeat interval. */
  async writeStopRequest(producer: Producer): Promise<StopRequest & { offset: number }> {
    const stop: StopRequest = { id: randomUUID(), at: Date.now(), by: `${hostname()}/${process.pid}` };
    const record = encodeStopRequest(stop);
    const [meta] = await producer.send({ topic: this.topics.positions, acks: -1, messages: [{ key: record.key, value: record.value, partition: 0 }] });
    return { ...stop, offset: Number(meta?.baseOffset ?? -1) };
  }
}

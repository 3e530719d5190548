/**
 * A small simulated world for the executor's unit tests: two clusters, a replication flow, a producer
 * writing sequence numbers and a consumer group recording what it processed. Time is virtual: every
 * sleep advances the clock and lets the world move one tick. Kafka itself is exercised by the
 * integration tests against real brokers; this checks the executor's ordering, resume and refusals.
 */
import type { ClusterPort, Clock, GroupObservation, HookRunner, PartitionBounds, PartitionOffset, ReplicationControl, StateStore, TranslatedOffset } from '../../../src/cutover/ports.js';
import { interrupted } from '../../../src/output/errors.js';

type Side = 'source' | 'target';

interface Log {
  low: number;
  /** sequence number of each record, index = offset − low */
  records: number[];
}

class SimCluster {
  topics = new Map<string, Log[]>();
  groups = new Map<string, { members: number; committed: Map<string, number> }>();
  setOffsetsCalls = 0;

  constructor(readonly name: Side) {}

  group(id: string): { members: number; committed: Map<string, number> } {
    let g = this.groups.get(id);
    if (!g) {
      g = { members: 0, committed: new Map() };
      this.groups.set(id, g);
    }
    return g;
  }

  high(topic: string, partition: number): number {
    const log = this.topics.get(topic)![partition]!;
    return log.low + log.records.length;
  }

  port(): ClusterPort {
    return {
      name: this.name,
      partitionCounts: async (topics) => new Map(topics.filter((t) => this.topics.has(t)).map((t) => [t, this.topics.get(t)!.length])),
      describeGroup: async (group): Promise<GroupObservation> => {
        const g = this.groups.get(group);
        if (!g) return { group, state: 'Dead', members: 0 };
        return { group, state: g.members > 0 ? 'Stable' : 'Empty', members: g.members };
      },
      committedOffsets: async (group, topics): Promise<PartitionOffset[]> =>
        topics.filter((t) => this.topics.has(t)).flatMap((t) => this.topics.get(t)!.map((_, p) => ({ topic: t, partition: p, offset: this.groups.get(group)?.committed.get(`${t}:${p}`) ?? -1 }))),
      setOffsets: async (group, offsets) => {
        const g = this.group(group);
        if (g.members > 0) throw new Error('The coordinator is not aware of this member (UNKNOWN_MEMBER_ID)');
        this.setOffsetsCalls += 1;
        for (const o of offsets) g.committed.set(`${o.topic}:${o.partition}`, o.offset);
      },
      topicBounds: async (topics): Promise<PartitionBounds[]> =>
        topics.filter((t) => this.topics.has(t)).flatMap((t) => this.topics.get(t)!.map((log, p) => ({ topic: t, partition: p, low: log.low, high: log.low + log.records.length }))),
    };
  }
}

export interface WorldOptions {
  topics?: Record<string, number>;
  group?: string;
  /** records already on the target before replication (shifts target offsets, so translation matters) */
  targetPrefill?: number;
  /** records the producer writes per tick, per partition */
  rate?: number;
  /** records the replication copies per tick, per partition */
  replicationSpeed?: number;
  /** the replication starts only after the history was written and consumed (the consumer is ahead of it) */
  replicationStartsLate?: boolean;
  /** more consumer groups on the same topics, each recording what it processed */
  extraGroups?: string[];
}

export class World {
  source = new SimCluster('source');
  target = new SimCluster('target');
  now = 1_700_000_000_000;
  seq = 0;
  producerOn: Side | undefined = 'source';
  consumerOn: Side | undefined = 'source';
  replicationRunning = true;
  replicationStops = 0;
  /** replicated source position per partition, and the exact offset map (source offset → target offset) */
  positions = new Map<string, number>();
  offsetMap = new Map<string, Map<number, number>>();
  processed: number[] = [];
  extraGroups = new Map<string, { on: Side | undefined; processed: number[] }>();
  hookRuns: string[] = [];
  readonly group: string;
  readonly rate: number;
  replicationSpeed: number;

  constructor(options: WorldOptions = {}) {
    const topics = options.topics ?? { orders: 2 };
    this.group = options.group ?? 'billing';
    this.rate = options.rate ?? 3;
    this.replicationSpeed = options.replicationSpeed ?? 1000;
    for (const [topic, partitions] of Object.entries(topics)) {
      this.source.topics.set(topic, Array.from({ length: partitions }, () => ({ low: 0, records: [] })));
      this.target.topics.set(topic, Array.from({ length: partitions }, () => ({ low: 0, records: Array.from({ length: options.targetPrefill ?? 0 }, () => -1) })));
    }
    this.source.group(this.group).members = 1;
    for (const group of options.extraGroups ?? []) {
      this.extraGroups.set(group, { on: 'source', processed: [] });
      this.source.group(group).members = 1;
    }
    // some history, consumed and replicated
    this.replicationRunning = !options.replicationStartsLate;
    for (let i = 0; i < 5; i += 1) this.tick();
    this.replicationRunning = true;
  }

  private partitions(): Array<[string, number]> {
    return [...this.source.topics.entries()].flatMap(([t, logs]) => logs.map((_, p) => [t, p] as [string, number]));
  }

  tick(): void {
    // producer
    if (this.producerOn) {
      const cluster = this[this.producerOn];
      for (const [t, p] of this.partitions()) for (let i = 0; i < this.rate; i += 1) cluster.topics.get(t)![p]!.records.push((this.seq += 1));
    }
    // replication: copy up to replicationSpeed records per partition, recording the offset map
    if (this.replicationRunning) {
      for (const [t, p] of this.partitions()) {
        const k = `${t}:${p}`;
        const src = this.source.topics.get(t)![p]!;
        const dst = this.target.topics.get(t)![p]!;
        let pos = this.positions.get(k) ?? 0;
        const end = src.low + src.records.length;
        for (let n = 0; n < this.replicationSpeed && pos < end; n += 1, pos += 1) {
          const map = this.offsetMap.get(k) ?? new Map<number, number>();
          map.set(pos, dst.low + dst.records.length);
          this.offsetMap.set(k, map);
          dst.records.push(src.records[pos - src.low]!);
        }
        this.positions.set(k, pos);
      }
    }
    // consumers: read everything available from their committed offsets, commit
    this.consume(this.group, this.consumerOn, this.processed);
    for (const [group, extra] of this.extraGroups) this.consume(group, extra.on, extra.processed);
  }

  private consume(group: string, on: Side | undefined, processed: number[]): void {
    if (!on) return;
    const cluster = this[on];
    const g = cluster.group(group);
    for (const [t, p] of this.partitions()) {
      const k = `${t}:${p}`;
      const log = cluster.topics.get(t)![p]!;
      // without a commit, a consumer on the target starts at the end (auto.offset.reset=latest)
      let offset = g.committed.get(k) ?? (on === 'target' ? log.low + log.records.length : 0);
      for (; offset < log.low + log.records.length; offset += 1) {
        const seq = log.records[offset - log.low]!;
        if (seq >= 0) processed.push(seq);
      }
      g.committed.set(k, offset);
    }
  }

  /** stops or starts a group's consumers, the main group or an extra one */
  moveGroup(group: string, to: Side | undefined): void {
    if (group === this.group) {
      if (to) this.startConsumer(to);
      else this.stopConsumer();
      return;
    }
    const extra = this.extraGroups.get(group)!;
    if (extra.on) this[extra.on].group(group).members = 0;
    extra.on = to;
    if (to) this[to].group(group).members = 1;
  }

  stopConsumer(): void {
    if (this.consumerOn) this[this.consumerOn].group(this.group).members = 0;
    this.consumerOn = undefined;
  }

  startConsumer(on: Side): void {
    this.consumerOn = on;
    this[on].group(this.group).members = 1;
  }

  clock(): Clock {
    return {
      now: () => this.now,
      sleep: async (ms, signal) => {
        if (signal.aborted) throw interrupted();
        this.now += ms;
        this.tick();
      },
    };
  }

  hooks(): HookRunner {
    return {
      run: async (command, env) => {
        this.hookRuns.push(env.MSKCTL_GROUP ? `${command} ${env.MSKCTL_GROUP}` : command);
        if (command === 'stop-consumer') this.moveGroup(env.MSKCTL_GROUP ?? this.group, undefined);
        else if (command === 'start-consumer') this.moveGroup(env.MSKCTL_GROUP ?? this.group, 'target');
        else if (command === 'stop-producer') this.producerOn = undefined;
        else if (command === 'start-producer') this.producerOn = 'target';
        else if (command === 'fail') throw new Error('exit code 1');
        else throw new Error(`unknown hook ${command}`);
      },
    };
  }

  replication(): ReplicationControl {
    return {
      isRunning: async () => this.replicationRunning,
      lag: async (_flow, topics) =>
        this.partitions()
          .filter(([t]) => topics.includes(t))
          .map(([t, p]) => ({ topic: t, partition: p, lag: this.source.high(t, p) - (this.positions.get(`${t}:${p}`) ?? 0) })),
      translate: async (_flow, offsets): Promise<TranslatedOffset[]> =>
        offsets.map((o) => {
          const k = `${o.topic}:${o.partition}`;
          if (o.offset < 0) return { topic: o.topic, partition: o.partition, sourceOffset: o.offset, targetOffset: -1, exact: false };
          const mapped = this.offsetMap.get(k)?.get(o.offset);
          if (mapped === undefined && o.offset > (this.positions.get(k) ?? 0)) return { topic: o.topic, partition: o.partition, sourceOffset: o.offset, targetOffset: -1, exact: false, pending: true };
          // at the replicated end: the next target offset
          const targetOffset = mapped ?? this.target.high(o.topic, o.partition);
          return { topic: o.topic, partition: o.partition, sourceOffset: o.offset, targetOffset, exact: true };
        }),
      stop: async () => {
        this.replicationStops += 1;
        this.replicationRunning = false;
      },
    };
  }

  /** every sequence number written so far, processed exactly once */
  deliveryReport(group = this.group): { written: number; processed: number; missing: number; duplicates: number } {
    const processed = group === this.group ? this.processed : this.extraGroups.get(group)!.processed;
    const counts = new Map<number, number>();
    for (const s of processed) counts.set(s, (counts.get(s) ?? 0) + 1);
    let missing = 0;
    let duplicates = 0;
    for (let s = 1; s <= this.seq; s += 1) {
      const c = counts.get(s) ?? 0;
      if (c === 0) missing += 1;
      else duplicates += c - 1;
    }
    return { written: this.seq, processed: processed.length, missing, duplicates };
  }
}

/** An in-memory state store that round-trips through JSON, like the file does, and can crash on a chosen save. */
export class MemoryStore implements StateStore {
  location = 'memory://cutover.state.yaml';
  value: unknown;
  saves = 0;
  crashWhen: ((state: unknown) => boolean) | undefined;

  load(): unknown {
    return this.value === undefined ? undefined : JSON.parse(JSON.stringify(this.value));
  }

  save(state: unknown): void {
    if (this.crashWhen?.(state)) {
      this.crashWhen = undefined;
      throw new CrashError();
    }
    this.saves += 1;
    this.value = JSON.parse(JSON.stringify(state));
  }
}

/** Stands for kill -9: the process dies before the state reaches the disk. */
export class CrashError extends Error {
  constructor() {
    super('simulated crash');
  }
}

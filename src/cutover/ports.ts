/**
 * What the cutover needs from the outside world, as small interfaces (types only). The executor talks to
 * these; src/cutover/adapters.ts wires them to the real Kafka client and the replication modules.
 */

export interface PartitionOffset {
  topic: string;
  partition: number;
  /** committed offset (the next record to read); -1 when the group has no commit for the partition */
  offset: number;
}

export interface PartitionBounds {
  topic: string;
  partition: number;
  /** log start offset */
  low: number;
  /** log end offset (high watermark) */
  high: number;
}

export interface GroupObservation {
  group: string;
  /** Kafka's group state: Empty, Stable, PreparingRebalance, CompletingRebalance, Dead (absent) */
  state: string;
  /** active members */
  members: number;
}

/** One cluster's admin operations, as the cutover uses them. */
export interface ClusterPort {
  readonly name: 'source' | 'target';
  /** partition counts per topic; a missing topic is absent from the map */
  partitionCounts(topics: string[]): Promise<Map<string, number>>;
  describeGroup(group: string): Promise<GroupObservation>;
  /** committed offsets for every partition of these topics (-1 where none) */
  committedOffsets(group: string, topics: string[]): Promise<PartitionOffset[]>;
  /** commit offsets for a group; callers guarantee the group is empty (the broker refuses otherwise) */
  setOffsets(group: string, offsets: PartitionOffset[]): Promise<void>;
  topicBounds(topics: string[]): Promise<PartitionBounds[]>;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** source end offset minus the replicated source position */
  lag: number;
}

export interface TranslatedOffset {
  topic: string;
  partition: number;
  /** committed offset on the source */
  sourceOffset: number;
  /** the target offset of the first record at or after sourceOffset */
  targetOffset: number;
  /** false when the map had no exact entry and the translation is a lower bound (re-delivers records) */
  exact: boolean;
  /** the flow has not replicated up to sourceOffset yet: no translation until it catches up */
  pending?: boolean;
}

/** Control of the `mskctl replicate` flow the cutover relies on. */
export interface ReplicationControl {
  isRunning(flowId: string): Promise<boolean>;
  lag(flowId: string, topics: string[]): Promise<PartitionLag[]>;
  /** translates committed source offsets (entries with offset -1 are passed through as untranslatable) */
  translate(flowId: string, offsets: PartitionOffset[]): Promise<TranslatedOffset[]>;
  /** stops the flow; resolves once it stopped (stopping a stopped flow is a no-op) */
  stop(flowId: string): Promise<void>;
}

export interface HookRunner {
  /** runs a shell command; rejects when it exits non-zero or outlives the timeout */
  run(command: string, env: Record<string, string>, timeoutMs: number, signal: AbortSignal): Promise<void>;
}

export interface Clock {
  now(): number;
  /** resolves after ms, rejects when the signal aborts */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export interface StateStore {
  /** where the state lives, for messages */
  readonly location: string;
  load(): unknown;
  /** atomic: a crash leaves either the old or the new state, never a torn file */
  save(state: unknown): void;
}

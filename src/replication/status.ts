/**
 * A flow's status and its stop request, as functions the cutover builds on (the `replicate status` and
 * `replicate stop` commands are thin adapters over them). Everything is read from the target's positions
 * topic and the source's end offsets; no replicator needs to run.
 */
import type { Admin, Kafka } from 'kafkajs';
import { operationalError, usageError } from '../output/errors.js';
import { FlowStore } from './flow-store.js';
import { flowLiveness, type Liveness } from './positions.js';

export interface PartitionStatus {
  topic: string;
  partition: number;
  targetTopic: string;
  /** next source offset to replicate: everything before it is on the target and in the offset map */
  position: number;
  /** read_committed end offset of the source partition (-1 when the topic is gone) */
  sourceEnd: number;
  /** sourceEnd - position (-1 when unknown) */
  lag: number;
  updatedAt: string;
}

export interface FlowStatus {
  flowId: string;
  /** running: a heartbeat younger than three intervals; stale: the last one is older (process died); stopped: it said so */
  state: Liveness;
  instances: Array<{ instance: string; state: string; host: string; pid: number; lastHeartbeat: string; ageSeconds: number; alive: boolean; reason?: string; exactlyOnce: boolean; partitions?: number; generation?: number; slot?: number }>;
  stopRequest: { id: string; at: string; by: string } | null;
  lag: number;
  caughtUp: boolean;
  partitions: PartitionStatus[];
  internalTopics: { positions: string; offsetMap: string };
}

function flowNotFound(store: FlowStore): Error {
  return usageError(`flow ${store.flowId} has no positions topic (${store.topics.positions}) on the target`, 'check --flow-id and --target; the topic appears when `mskctl replicate` first runs', 'FLOW_NOT_FOUND');
}

export async function readFlowStatus(input: { flowId: string; sourceAdmin: Admin; target: Kafka; targetAdmin: Admin; now?: number }): Promise<FlowStatus> {
  const store = new FlowStore(input.flowId, input.target, input.targetAdmin);
  try {
    const { snapshot, exists } = await store.readSnapshot();
    if (!exists) throw flowNotFound(store);
    const positions = [...snapshot.positions.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    const ends = new Map<string, number>();
    for (const topic of new Set(positions.map((p) => p.topic))) {
      try {
        for (const o of await input.sourceAdmin.fetchTopicOffsets(topic)) ends.set(`${topic}/${o.partition}`, Number(o.offset));
      } catch {
        // topic deleted on the source: its lag is unknown
      }
    }
    const partitions: PartitionStatus[] = positions.map((p) => {
      const end = ends.get(`${p.topic}/${p.partition}`) ?? -1;
      return { topic: p.topic, partition: p.partition, targetTopic: p.targetTopic, position: p.next, sourceEnd: end, lag: end < 0 ? -1 : Math.max(0, end - p.next), updatedAt: new Date(p.at).toISOString() };
    });
    const liveness = flowLiveness(snapshot.heartbeats.values(), input.now ?? Date.now());
    return {
      flowId: input.flowId,
      state: liveness.state,
      instances: liveness.instances.map((i) => ({ instance: i.instance, state: i.state, host: i.host, pid: i.pid, lastHeartbeat: new Date(i.at).toISOString(), ageSeconds: Math.round(i.ageMs / 100) / 10, alive: i.alive, reason: i.reason, exactlyOnce: i.exactlyOnce, partitions: i.partitions, generation: i.generation, slot: i.slot })),
      stopRequest: snapshot.stop ? { id: snapshot.stop.id, at: new Date(snapshot.stop.at).toISOString(), by: snapshot.stop.by } : null,
      lag: partitions.reduce((n, p) => n + Math.max(0, p.lag), 0),
      caughtUp: partitions.every((p) => p.lag === 0),
      partitions,
      internalTopics: store.topics,
    };
  } finally {
    await store.close();
  }
}

export interface StopOutcome {
  flowId: string;
  /** false when no instance was running (nothing to stop) */
  requested: boolean;
  requestId?: string;
  /** the flow's state when the command returned */
  state: Liveness | 'stop requested';
  waitedSeconds: number;
}

/**
 * Writes a stop request when the flow runs; with `wait`, returns once its instances report `stopped` (or died),
 * after draining to the source end offsets of the moment they saw the request. Throws STOP_TIMEOUT otherwise.
 */
export async function requestStop(input: { flowId: string; target: Kafka; targetAdmin: Admin; wait: boolean; timeoutMs: number; log?: (line: string) => void }): Promise<StopOutcome> {
  const store = new FlowStore(input.flowId, input.target, input.targetAdmin);
  const producer = input.target.producer({ allowAutoTopicCreation: false });
  try {
    const before = await store.readSnapshot();
    if (!before.exists) throw flowNotFound(store);
    const was = flowLiveness(before.snapshot.heartbeats.values(), Date.now()).state;
    if (was !== 'running' && was !== 'stopping') return { flowId: input.flowId, requested: false, state: was, waitedSeconds: 0 };
    await producer.connect();
    const request = await store.writeStopRequest(producer);
    input.log?.(`replicate stop: request ${request.id} written to ${store.topics.positions} at offset ${request.offset}`);
    const began = Date.now();
    let state: Liveness = 'stopping';
    while (input.wait && Date.now() - began < input.timeoutMs) {
      const { snapshot } = await store.readSnapshot();
      state = flowLiveness(snapshot.heartbeats.values(), Date.now()).state;
      if (state === 'stopped' || state === 'stale') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    if (input.wait && state !== 'stopped' && state !== 'stale') {
      throw operationalError(`flow ${input.flowId} did not stop within ${input.timeoutMs / 1000} s (state ${state})`, 'it drains to the source end offsets first; check `mskctl replicate status`, or raise --timeout', 'STOP_TIMEOUT');
    }
    return { flowId: input.flowId, requested: true, requestId: request.id, state: input.wait ? state : 'stop requested', waitedSeconds: Math.round((Date.now() - began) / 100) / 10 };
  } finally {
    await producer.disconnect().catch(() => undefined);
    await store.close();
  }
}

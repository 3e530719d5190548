/**
 * Wires the cutover's ports to the real modules: kafkajs admin clients from src/kafka/client.ts for both
 * clusters, and the replication flow's state on the target through src/replication/flow-store.ts.
 * Loaded lazily by `cutover run` only.
 */
import type { Admin, Kafka } from 'kafkajs';
import type { GlobalOptions } from '../commands/types.js';
import { loadContexts } from '../config/contexts.js';
import { connectionClientOptions, createKafka, type KafkaClientOptions } from '../kafka/client.js';
import { MskctlError, operationalError, usageError } from '../output/errors.js';
import { retry } from '../util/retry.js';
import { resolveSide, type Side } from '../replication/endpoints.js';
import type { Logger } from '../output/log.js';
import { FlowStore } from '../replication/flow-store.js';
import { FlowOffsetMap } from '../replication/offset-map.js';
import type { FlowSnapshot } from '../replication/positions.js';
import { readFlowStatus, requestStop, type FlowStatus } from '../replication/status.js';
import type { CutoverPlan } from './plan.js';
import { clusterPortFromAdmin } from './kafka-cluster.js';
import type { ClusterPort, PartitionLag, ReplicationControl, TranslatedOffset } from './ports.js';

export interface LivePorts {
  source: ClusterPort;
  target: ClusterPort;
  replication: ReplicationControl;
  close(): Promise<void>;
}

/** A plan's cluster (a context name, else bootstrap addresses) as client options, resolved like `mskctl replicate` does. */
export async function clientOptionsFor(spec: string, side: Side, global: GlobalOptions, log: Logger, env: NodeJS.ProcessEnv = process.env): Promise<KafkaClientOptions> {
  const resolved = resolveSide(side, spec, {}, loadContexts(env), env, { region: global.region, profile: global.profile });
  return connectionClientOptions(resolved, { clientId: `mskctl-cutover-${side}`, logger: log, logLevel: global.verbose ? 'warn' : 'nothing', endpointUrl: global.endpointUrl });
}

/** Retries a read of the flow's topics a few times: a reader's metadata can lag behind a just-created topic. */
async function retrying<T>(read: () => Promise<T>, attempts = 5): Promise<T> {
  try {
    return await retry(read, {
      // an operational MskctlError (exit 3) or any Kafka error may pass; an input or usage error will not
      retriable: (error) => (error instanceof MskctlError ? error.exitCode === 3 : true),
      delayMs: (attempt) => (attempt < attempts ? 200 * attempt : null),
    });
  } catch (error) {
    if (error instanceof MskctlError) throw error;
    throw operationalError(`reading the replication flow's state on the target failed: ${error instanceof Error ? error.message : String(error)}`, 'check the flow with mskctl replicate status; run the cutover again', 'FLOW_READ_FAILED', error);
  }
}

/**
 * The flow's offset map, read incrementally: the map topic is append-only, so each look reads only the
 * entries written since the previous one (the cutover translates on every poll while it waits).
 */
class IncrementalOffsetMap {
  private map = new FlowOffsetMap();
  private readUpTo = 0;

  constructor(private readonly store: FlowStore) {}

  async current(snapshot: FlowSnapshot): Promise<FlowOffsetMap> {
    const read = await this.store.readOffsetMapInto(this.map, this.readUpTo);
    if (read.exists) {
      let { end } = read;
      if (end < this.readUpTo) {
        // the map topic was recreated: start over
        this.map = new FlowOffsetMap();
        ({ end } = await this.store.readOffsetMapInto(this.map, 0));
      }
      this.readUpTo = end;
    }
    this.map.advanceAll(snapshot.positions.values());
    return this.map;
  }
}

interface FlowAccess {
  flowId: string;
  store: FlowStore;
  offsetMap: IncrementalOffsetMap;
  sourceAdmin: Admin;
  target: Kafka;
  targetAdmin: Admin;
}

/** The replication's own status (src/replication/status.ts); a flow that never ran has none. */
async function statusOf(flow: FlowAccess): Promise<FlowStatus | undefined> {
  try {
    return await retrying(() => readFlowStatus({ flowId: flow.flowId, sourceAdmin: flow.sourceAdmin, target: flow.target, targetAdmin: flow.targetAdmin }));
  } catch (error) {
    if (error instanceof MskctlError && error.code === 'FLOW_NOT_FOUND') return undefined;
    throw error;
  }
}

function replicationControl(flow: FlowAccess): ReplicationControl {
  const { flowId, store, offsetMap, sourceAdmin } = flow;
  return {
    async isRunning() {
      const state = (await statusOf(flow))?.state;
      return state === 'running' || state === 'stopping';
    },
    async lag(_flow, topics): Promise<PartitionLag[]> {
      const status = await statusOf(flow);
      const known = new Map((status?.partitions ?? []).filter((p) => p.lag >= 0).map((p) => [`${p.topic}/${p.partition}`, p.lag]));
      const lags: PartitionLag[] = [];
      for (const topic of topics) {
        for (const o of await retrying(() => sourceAdmin.fetchTopicOffsets(topic))) {
          const lag = known.get(`${topic}/${o.partition}`);
          // a partition the flow has no position for has no known lag, unless it holds nothing to copy
          if (lag !== undefined) lags.push({ topic, partition: o.partition, lag });
          else if (Number(o.high) === Number(o.low)) lags.push({ topic, partition: o.partition, lag: 0 });
        }
      }
      return lags;
    },
    async translate(_flow, offsets): Promise<TranslatedOffset[]> {
      const { snapshot: positions } = await retrying(() => store.readSnapshot());
      const map = await retrying(() => offsetMap.current(positions));
      return offsets.map((o) => {
        if (o.offset < 0) return { topic: o.topic, partition: o.partition, sourceOffset: o.offset, targetOffset: -1, exact: false };
        const partitionMap = map.get(o.topic, o.partition);
        if (partitionMap?.targetTopic && partitionMap.targetTopic !== o.topic) {
          throw usageError(`flow ${flowId} renames ${o.topic} to ${partitionMap.targetTopic} on the target`, 'mskctl cutover moves groups between identically named topics; replicate with --rename identity');
        }
        const t = map.translate(o.topic, o.partition, o.offset);
        if ((t.status === 'exact' || t.status === 'end') && t.targetOffset !== null) {
          return { topic: o.topic, partition: o.partition, sourceOffset: o.offset, targetOffset: t.targetOffset, exact: true };
        }
        // 'ahead' or 'unknown': the flow has not copied up to this offset yet
        return { topic: o.topic, partition: o.partition, sourceOffset: o.offset, targetOffset: -1, exact: false, pending: true };
      });
    },
    async stop() {
      // the executor watches the flow until it reports stopped, so the request is not awaited here
      if ((await statusOf(flow))?.state === 'running') await retrying(() => requestStop({ flowId, target: flow.target, targetAdmin: flow.targetAdmin, wait: false, timeoutMs: 0 }));
    },
  };
}

export async function connectPorts(plan: CutoverPlan, global: GlobalOptions, log: Logger): Promise<LivePorts> {
  // the flow's internal topics are written with the flow's target compression
  const { registerCodecs } = await import('../kafka/codecs.js');
  await registerCodecs();
  const sourceKafka: Kafka = await createKafka(await clientOptionsFor(plan.source, 'source', global, log));
  const targetKafka: Kafka = await createKafka(await clientOptionsFor(plan.target, 'target', global, log));
  const sourceAdmin = sourceKafka.admin();
  const targetAdmin = targetKafka.admin();
  try {
    await Promise.all([sourceAdmin.connect(), targetAdmin.connect()]);
  } catch (error) {
    await Promise.allSettled([sourceAdmin.disconnect(), targetAdmin.disconnect()]);
    throw operationalError(`cannot connect to the clusters: ${(error as Error).message}`, `check the plan's source (${plan.source}) and target (${plan.target}); mskctl check diagnoses a connection step by step`, 'KAFKA_CONNECT', error);
  }
  const store = new FlowStore(plan.flowId, targetKafka, targetAdmin);
  const offsetMap = new IncrementalOffsetMap(store);
  return {
    source: clusterPortFromAdmin('source', sourceAdmin),
    target: clusterPortFromAdmin('target', targetAdmin),
    replication: replicationControl({ flowId: plan.flowId, store, offsetMap, sourceAdmin, target: targetKafka, targetAdmin }),
    async close() {
      await Promise.allSettled([store.close(), sourceAdmin.disconnect(), targetAdmin.disconnect()]);
    },
  };
}

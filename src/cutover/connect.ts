/**
 * Wires the cutover's ports to the real modules: kafkajs admin clients from src/kafka/client.ts for both
 * clusters, and the replication flow's control from src/replication/. Loaded lazily by `cutover run` only.
 */
import type { GlobalOptions } from '../commands/types.js';
import type { Logger } from '../output/log.js';
import { operationalError } from '../output/errors.js';
import type { CutoverPlan } from './plan.js';
import type { ClusterPort, ReplicationControl } from './ports.js';

export interface LivePorts {
  source: ClusterPort;
  target: ClusterPort;
  replication: ReplicationControl;
  close(): Promise<void>;
}

export async function connectPorts(_plan: CutoverPlan, _global: GlobalOptions, _log: Logger): Promise<LivePorts> {
  throw operationalError('cutover run needs the Kafka client factory and the replication modules, which this build does not include yet');
}

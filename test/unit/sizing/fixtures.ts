/** Workloads built directly (no parsing) for the sizing unit tests. */
import type { Workload } from '../../../src/sizing/workload.js';

export function workload(overrides: Partial<Workload> = {}): Workload {
  return {
    name: 'w',
    messagesPerSecond: 1000,
    avgMessageBytes: 15_000,
    maxMessageBytes: 1_000_000,
    consumerGroups: 1,
    topics: 10,
    partitions: 50,
    retentionSeconds: 168 * 3600,
    compacted: false,
    auth: ['iam'],
    needsBrokerConfig: false,
    needsZookeeper: false,
    splittable: true,
    origin: 'test',
    ...overrides,
  };
}

/** messages/s for a target ingress in decimal MB/s with 1 KB messages */
export const mbPerSecond = (mb: number): Partial<Workload> => ({ messagesPerSecond: mb * 1000, avgMessageBytes: 1000, maxMessageBytes: 1000 });

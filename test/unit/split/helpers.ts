/** Builders for split-planner tests: small inventories in code, limits with chosen Serverless quotas. */
import { defaultLimits, type Limits } from '../../../src/sizing/limits.js';
import type { Application, ConsumerGroup, Inventory, Topic } from '../../../src/split/inventory.js';

export const MB = 1e6;

export interface QuotaOverrides {
  ingress?: number;
  egress?: number;
  partitions?: number;
  compactedPartitions?: number;
  consumerGroups?: number;
  connections?: number;
  clustersPerAccount?: number;
}

/** The built-in limits with some Serverless quotas replaced (values in B/s or counts). */
export function limitsWith(overrides: QuotaOverrides = {}): Limits {
  const limits = defaultLimits();
  const s = limits.serverless;
  if (overrides.ingress !== undefined) s.ingressPerCluster.value = overrides.ingress;
  if (overrides.egress !== undefined) s.egressPerCluster.value = overrides.egress;
  if (overrides.partitions !== undefined) s.partitions.value = overrides.partitions;
  if (overrides.compactedPartitions !== undefined) s.compactedPartitions.value = overrides.compactedPartitions;
  if (overrides.consumerGroups !== undefined) s.consumerGroups.value = overrides.consumerGroups;
  if (overrides.connections !== undefined) s.connections.value = overrides.connections;
  if (overrides.clustersPerAccount !== undefined) s.clustersPerAccount.value = overrides.clustersPerAccount;
  return limits;
}

export function app(name: string, team: string, extra: Partial<Application> = {}): Application {
  return { name, team, latency: 'batch', dataClass: 'internal', auth: ['iam'], needsBrokerConfig: false, needsZookeeper: false, connections: 0, produces: [], ...extra };
}

export function topic(name: string, ingress: number, partitions: number, extra: Partial<Topic> = {}): Topic {
  return { name, isPattern: false, count: 1, partitions, ingressBytesPerSecond: ingress, retentionSeconds: 86400, compacted: false, avgMessageBytes: 1000, maxMessageBytes: 10_000, ...extra };
}

export function group(name: string, application: string, topics: string[]): ConsumerGroup {
  return { name, application, topics, clientIds: [] };
}

export function inventory(applications: Application[], topics: Topic[], consumerGroups: ConsumerGroup[] = []): Inventory {
  return { file: 'test.yaml', applications, topics, consumerGroups };
}

/**
 * kafkajs' private cluster factory: the Kafka instance keeps it under a symbol, and it builds the cluster
 * objects (metadata, leader and coordinator lookup, brokers with every protocol request) that kafkajs'
 * producer, consumer and admin are made of. mskctl needs requests those public clients do not offer: Fetch
 * at chosen offsets (partition-reader.ts) and the group membership protocol (group-member.ts). kafkajs 2.2.4
 * is its last release, so these internals are fixed; a missing one fails loudly.
 */
import type { Kafka } from 'kafkajs';
import { operationalError } from '../output/errors.js';

export type ClusterFactory<C> = (options: Record<string, unknown>) => C;

export function privateClusterFactory<C>(kafka: Kafka): ClusterFactory<C> {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const factory = symbol === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[symbol];
  if (typeof factory !== 'function') {
    throw operationalError('this kafkajs version does not expose the cluster factory mskctl builds on', 'install kafkajs 2.2.4 (package-lock.json pins it)', 'KAFKAJS_UNSUPPORTED');
  }
  return factory as ClusterFactory<C>;
}

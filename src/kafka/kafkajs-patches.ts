/**
 * A fix for kafkajs 2.2.4 (its last release): the producer groups a send's messages per partition by
 * copying the partition's array for every message (`[...current, message]`), quadratic in the batch size.
 * With the replicator's batches of thousands of records per partition that copy was a third of its CPU time.
 * The replacement does the same grouping with push. It must be in place before kafkajs is first loaded
 * (its producer captures the function at load time); when kafkajs is already loaded it changes nothing.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

type Partitioner = (args: { topic: string; partitionMetadata: unknown[]; message: unknown }) => number;

export function groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner }: { topic: string; partitionMetadata: unknown[]; messages: unknown[]; partitioner: Partitioner }): Record<number, unknown[]> {
  if (partitionMetadata.length === 0) return {};
  const result: Record<number, unknown[]> = {};
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    (result[partition] ??= []).push(message);
  }
  return result;
}

/** true when the fix is in place for the kafkajs that will be loaded */
export function patchKafkajs(): boolean {
  const path = require.resolve('kafkajs/src/producer/groupMessagesPerPartition.js');
  const cache = require.cache as Record<string, unknown>;
  const cached = cache[path] as { exports?: unknown } | undefined;
  if (cached) return cached.exports === groupMessagesPerPartition;
  const { Module } = require('node:module') as { Module: new (id: string) => { filename: string; loaded: boolean; exports: unknown; paths: string[] } };
  const module = new Module(path);
  module.filename = path;
  module.loaded = true;
  module.exports = groupMessagesPerPartition;
  cache[path] = module;
  return true;
}

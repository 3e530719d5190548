/**
 * Records produced by an independent client (kcat, librdkafka) in every compression codec replicate intact;
 * what mskctl writes in every target codec is readable by librdkafka again.
 */
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { TARGET_COMPRESSIONS } from '../../src/kafka/codecs.js';
import { clients, createTopics, h, readAll, recordShape, replicate, replicatorOptions, uniqueId } from './replication-support.js';

const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const;
const PER_CODEC = 3_000;
const id = uniqueId();
const topic = `codec-${id}`;
let source: Kafka;
let target: Kafka;

function kcat(args: string[], input?: string): string {
  return execFileSync('kcat', ['-b', h.source.plaintext, ...args], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
}

beforeAll(async () => {
  ({ source, target } = await clients());
  await createTopics(source, [{ topic, partitions: CODECS.length }]);
  CODECS.forEach((codec, partition) => {
    const lines = Array.from({ length: PER_CODEC }, (_, i) => `${codec}-key-${i % 50}|${codec}-value-${i}-${'v'.repeat(i % 200)}`).join('\n') + '\n';
    // librdkafka batches with linger, so these land as multi-record compressed batches
    kcat(['-P', '-t', topic, '-p', String(partition), '-z', codec, '-K', '|', '-H', `codec=${codec}`, '-H', 'rep=1', '-H', 'rep=2', '-X', 'linger.ms=50'], lines);
  });
});

describe('compression codecs', () => {
  it.each(TARGET_COMPRESSIONS.map((c) => [c]))('kcat records in gzip, snappy, lz4 and zstd replicate intact, written to the target with %s', async (compression) => {
    const flowId = `codec-${id}-${compression}`;
    const summary = await replicate(source, target, replicatorOptions(flowId, [topic], { rename: 'prefix', sourceAlias: compression, compression }));
    expect(summary.records).toBe(PER_CODEC * CODECS.length);
    const targetTopic = `${compression}.${topic}`;
    const [src, tgt] = await Promise.all([readAll(source, topic), readAll(target, targetTopic)]);
    for (const [partition, records] of src) {
      expect(records.length).toBe(PER_CODEC);
      expect(tgt.get(partition)!.map(recordShape)).toEqual(records.map(recordShape));
      // what kcat wrote is what arrived: headers in their order of keys, repeated ones kept
      expect(recordShape(tgt.get(partition)![0]!).headers).toEqual({ codec: [Buffer.from(CODECS[partition]!).toString('base64')], rep: [Buffer.from('1').toString('base64'), Buffer.from('2').toString('base64')] });
    }
    // librdkafka reads the batches mskctl compressed
    const consumed = execFileSync('kcat', ['-b', h.target.plaintext, '-C', '-t', targetTopic, '-e', '-q', '-f', '%p|%k|%s\\n'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 60_000 })
      .split('\n')
      .filter(Boolean);
    expect(consumed.length).toBe(PER_CODEC * CODECS.length);
    const last = consumed.filter((l) => l.startsWith('2|')).at(-1);
    expect(last).toBe(`2|lz4-key-${(PER_CODEC - 1) % 50}|lz4-value-${PER_CODEC - 1}-${'v'.repeat((PER_CODEC - 1) % 200)}`);
  });
});

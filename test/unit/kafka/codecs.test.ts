import { describe, expect, it } from 'vitest';
import kafkajs from 'kafkajs';
import { isXerialSnappy, registerCodecs } from '../../../src/kafka/codecs.js';
import { groupMessagesPerPartition } from '../../../src/kafka/kafkajs-patches.js';

type Codec = { compress(e: { buffer: Buffer }): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> };

describe('compression codecs', () => {
  it('every codec round-trips; snappy writes the xerial framing the Java client writes and reads raw snappy too', async () => {
    await registerCodecs();
    const data = Buffer.from(Array.from({ length: 100_000 }, (_, i) => `record-${i % 977};`).join(''));
    const codecs = kafkajs.CompressionCodecs as unknown as Record<number, () => Codec>;
    for (const type of [kafkajs.CompressionTypes.GZIP, kafkajs.CompressionTypes.Snappy, kafkajs.CompressionTypes.LZ4, kafkajs.CompressionTypes.ZSTD]) {
      const codec = codecs[type]!();
      const compressed = await codec.compress({ buffer: data });
      expect(compressed.length).toBeLessThan(data.length / 2);
      expect((await codec.decompress(compressed)).equals(data)).toBe(true);
    }
    const snappy = codecs[kafkajs.CompressionTypes.Snappy]!();
    const framed = await snappy.compress({ buffer: data });
    expect(isXerialSnappy(framed)).toBe(true);
    const { createRequire } = await import('node:module');
    const raw = (createRequire(import.meta.url)('snappy') as { compressSync(b: Buffer): Buffer }).compressSync(data);
    expect(isXerialSnappy(raw)).toBe(false);
    expect((await snappy.decompress(raw)).equals(data)).toBe(true);
  });
});

describe('kafkajs grouping fix', () => {
  it('groups like kafkajs does, keeping each partition\'s order', () => {
    const messages = Array.from({ length: 10 }, (_, i) => ({ partition: i % 3, value: String(i) }));
    const grouped = groupMessagesPerPartition({ topic: 't', partitionMetadata: [{}], messages, partitioner: ({ message }) => (message as { partition: number }).partition });
    expect(Object.fromEntries(Object.entries(grouped).map(([p, list]) => [p, (list as Array<{ value: string }>).map((m) => m.value)]))).toEqual({ 0: ['0', '3', '6', '9'], 1: ['1', '4', '7'], 2: ['2', '5', '8'] });
    expect(groupMessagesPerPartition({ topic: 't', partitionMetadata: [], messages, partitioner: () => 0 })).toEqual({});
  });
});

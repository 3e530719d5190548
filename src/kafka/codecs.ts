/**
 * Compression codecs for kafkajs, which only ships gzip. Java and librdkafka producers commonly use snappy,
 * lz4 and zstd, and a kafkajs consumer that meets an unregistered codec fails. The implementations come from
 * npm packages whose native binaries are published as per-platform npm packages (napi-rs), so installing them
 * downloads nothing else:
 *   snappy            → `snappy`               (Kafka's Java client frames snappy the xerial way; both read)
 *   lz4               → `lz4-napi`             (LZ4 frame format, as Kafka uses since magic v1 / KIP-57)
 *   zstd              → `@mongodb-js/zstd` 1.x
 * Registration is global to kafkajs and idempotent; it is awaited before any client is created.
 */
import { createRequire } from 'node:module';
import { patchKafkajs } from './kafkajs-patches.js';

export const TARGET_COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type TargetCompression = (typeof TARGET_COMPRESSIONS)[number];

interface KafkaEncoder {
  buffer: Buffer;
}
interface Codec {
  compress(encoder: KafkaEncoder): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

// xerial snappy-java stream header: magic \x82SNAPPY\0, version 1, compatible version 1
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_LENGTH = 16;
const XERIAL_BLOCK = 32 * 1024;

/** Decodes raw snappy or a xerial-framed stream (what the Java producer writes). */
export function isXerialSnappy(buffer: Buffer): boolean {
  return buffer.length >= XERIAL_HEADER_LENGTH && buffer.subarray(0, 8).equals(XERIAL_MAGIC);
}

let registered: Promise<void> | undefined;

export function registerCodecs(): Promise<void> {
  registered ??= register();
  return registered;
}

async function register(): Promise<void> {
  patchKafkajs();
  const kafkajs = (await import('kafkajs')).default;
  const require = createRequire(import.meta.url);
  // the native modules are CommonJS with synchronous variants; sync calls avoid a thread-pool hop per batch
  const snappy = require('snappy') as { compressSync(b: Buffer): Buffer; uncompressSync(b: Buffer, o?: { asBuffer: boolean }): Buffer };
  const lz4 = require('lz4-napi') as { compressFrameSync(b: Buffer): Buffer; decompressFrameSync(b: Buffer): Buffer };
  const zstd = require('@mongodb-js/zstd') as { compress(b: Buffer, level?: number): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> };

  const snappyCodec = (): Codec => ({
    async compress(encoder) {
      // xerial framing, like the Java producer: readable by every client
      const input = encoder.buffer;
      const parts: Buffer[] = [Buffer.concat([XERIAL_MAGIC, Buffer.from([0, 0, 0, 1, 0, 0, 0, 1])])];
      for (let offset = 0; offset < input.length; offset += XERIAL_BLOCK) {
        const block = snappy.compressSync(input.subarray(offset, offset + XERIAL_BLOCK));
        const length = Buffer.alloc(4);
        length.writeUInt32BE(block.length, 0);
        parts.push(length, block);
      }
      return Buffer.concat(parts);
    },
    async decompress(buffer) {
      if (!isXerialSnappy(buffer)) return snappy.uncompressSync(buffer, { asBuffer: true });
      const parts: Buffer[] = [];
      let offset = XERIAL_HEADER_LENGTH;
      while (offset + 4 <= buffer.length) {
        const length = buffer.readUInt32BE(offset);
        offset += 4;
        parts.push(snappy.uncompressSync(buffer.subarray(offset, offset + length), { asBuffer: true }));
        offset += length;
      }
      return Buffer.concat(parts);
    },
  });
  const lz4Codec = (): Codec => ({
    async compress(encoder) {
      return lz4.compressFrameSync(encoder.buffer);
    },
    async decompress(buffer) {
      return lz4.decompressFrameSync(buffer);
    },
  });
  const zstdCodec = (): Codec => ({
    async compress(encoder) {
      return zstd.compress(encoder.buffer, 3);
    },
    async decompress(buffer) {
      return zstd.decompress(buffer);
    },
  });
  const codecs = kafkajs.CompressionCodecs as unknown as Record<number, () => Codec>;
  codecs[kafkajs.CompressionTypes.Snappy] = snappyCodec;
  codecs[kafkajs.CompressionTypes.LZ4] = lz4Codec;
  codecs[kafkajs.CompressionTypes.ZSTD] = zstdCodec;
}

/** kafkajs' CompressionTypes value for a --compression choice. */
export async function compressionType(name: TargetCompression): Promise<number> {
  const { CompressionTypes } = (await import('kafkajs')).default;
  switch (name) {
    case 'none':
      return CompressionTypes.None;
    case 'gzip':
      return CompressionTypes.GZIP;
    case 'snappy':
      return CompressionTypes.Snappy;
    case 'lz4':
      return CompressionTypes.LZ4;
    case 'zstd':
      return CompressionTypes.ZSTD;
  }
}

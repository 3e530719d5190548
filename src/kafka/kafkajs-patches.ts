/**
 * Speed fixes for kafkajs 2.2.4 (its last release) on the replicator's hot path, where every copied byte is
 * decoded, re-encoded and checksummed. Profiled on 1 KB records, these were half of the replicator's CPU time:
 *   - the producer groups a send's messages per partition by copying the partition's array for every message
 *     (`[...current, message]`), quadratic in the batch size → the same grouping with push;
 *   - the record-batch CRC32C is a byte-at-a-time JavaScript table loop (13% of the CPU time) → the
 *     hardware-accelerated one of `@node-rs/crc32` (napi-rs; prebuilt per-platform npm packages, nothing
 *     downloaded); checked against the standard check value, else kafkajs' own is kept;
 *   - every encoder (one per record, per batch, per request) starts with a zero-filled 512-byte Buffer.alloc
 *     and grows with zero-filled copies (with the garbage they leave, a third of the CPU time) → unfilled,
 *     pooled Buffer.allocUnsafe: an encoder only ever exposes the bytes it has written.
 * They must be in place before kafkajs is first loaded (its modules capture these at load time); when kafkajs
 * is already loaded they change nothing.
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

/** CRC-32C of "123456789", the standard check value of the Castagnoli polynomial. */
const CRC32C_CHECK = 0xe3069283;

/** The native CRC32C, or null when its binary is missing for this platform or gives a wrong checksum. */
export function nativeCrc32c(): ((buffer: Buffer) => number) | null {
  try {
    const { crc32c } = require('@node-rs/crc32') as { crc32c(input: Buffer, initial?: number): number };
    const checksum = (buffer: Buffer): number => crc32c(buffer) >>> 0;
    return checksum(Buffer.from('123456789')) === CRC32C_CHECK ? checksum : null;
  } catch {
    return null;
  }
}

interface EncoderInstance {
  buf: Buffer;
  offset: number;
  ensureAvailable(length: number): void;
}
interface EncoderClass {
  new (initialSize?: number): EncoderInstance;
  nextPowerOfTwo(value: number): number;
  prototype: EncoderInstance;
}

/** kafkajs' Encoder with unfilled, pooled buffers (same bytes out). */
export function pooledEncoder(Encoder: EncoderClass): EncoderClass {
  class PooledEncoder extends Encoder {
    constructor(initialSize = 511) {
      super(0);
      this.buf = Buffer.allocUnsafe(Encoder.nextPowerOfTwo(initialSize));
    }
  }
  Encoder.prototype.ensureAvailable = function ensureAvailable(this: EncoderInstance, length: number): void {
    if (this.offset + length > this.buf.length) {
      const grown = Buffer.allocUnsafe(Encoder.nextPowerOfTwo(this.offset + length));
      this.buf.copy(grown, 0, 0, this.offset);
      this.buf = grown;
    }
  };
  return PooledEncoder as unknown as EncoderClass;
}

type ModuleCache = Record<string, { exports?: unknown } | undefined>;

/** Puts `exports` in the require cache under kafkajs' module path; false when kafkajs already loaded its own. */
function replaceModule(path: string, exports: unknown): boolean {
  const cache = require.cache as ModuleCache;
  const cached = cache[path];
  if (cached) return cached.exports === exports;
  const { Module } = require('node:module') as { Module: new (id: string) => { filename: string; loaded: boolean; exports: unknown; paths: string[] } };
  const module = new Module(path);
  module.filename = path;
  module.loaded = true;
  module.exports = exports;
  (cache as Record<string, unknown>)[path] = module;
  return true;
}

let patched: { grouping: boolean; crc32c: boolean; encoder: boolean } | undefined;

/** Applies the fixes (once); says which are in place for the kafkajs that will be loaded. */
export function patchKafkajs(): { grouping: boolean; crc32c: boolean; encoder: boolean } {
  if (patched) return patched;
  const grouping = replaceModule(require.resolve('kafkajs/src/producer/groupMessagesPerPartition.js'), groupMessagesPerPartition);
  const native = nativeCrc32c();
  const crc32c = native !== null && replaceModule(require.resolve('kafkajs/src/protocol/recordBatch/crc32C/index.js'), native);
  const encoderPath = require.resolve('kafkajs/src/protocol/encoder.js');
  let encoder = false;
  if (!(require.cache as ModuleCache)[encoderPath]) {
    // load kafkajs' own class first (its module only needs kafkajs' Long), then put the pooled one in its place
    const original = require(encoderPath) as EncoderClass;
    const pooled = pooledEncoder(original);
    (require.cache as ModuleCache)[encoderPath]!.exports = pooled;
    encoder = true;
  }
  patched = { grouping, crc32c, encoder };
  return patched;
}

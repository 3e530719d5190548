import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nativeCrc32c, pooledEncoder } from '../../../src/kafka/kafkajs-patches.js';

const require = createRequire(import.meta.url);
// kafkajs' own implementations, straight from their files (the patches replace other module paths)
const jsCrc32c = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js') as (b: Buffer) => number;
type Encoder = { buffer: Buffer; writeInt8(v: number): Encoder; writeInt32(v: number): Encoder; writeBytes(b: Buffer): Encoder; writeVarIntString(s: string): Encoder; writeEncoder(e: Encoder): Encoder };
const OriginalEncoder = require('kafkajs/src/protocol/encoder.js') as new (size?: number) => Encoder;

describe('native CRC32C', () => {
  it('is available here and equals kafkajs’ JavaScript CRC32C on any bytes', () => {
    const native = nativeCrc32c();
    expect(native).not.toBeNull();
    expect(native!(Buffer.from('123456789'))).toBe(0xe3069283);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (bytes) => {
        expect(native!(Buffer.from(bytes))).toBe(jsCrc32c(Buffer.from(bytes)));
      }),
    );
  });
});

describe('pooled encoder', () => {
  it('writes exactly the bytes kafkajs’ encoder writes, through any growth', () => {
    // a subclass, so that patching its prototype leaves kafkajs' class as it is for the comparison
    const Pooled = pooledEncoder(class extends (OriginalEncoder as unknown as new (size?: number) => object) {} as never) as unknown as new (size?: number) => Encoder;
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.uint8Array({ maxLength: 3000 }), fc.string({ maxLength: 300 }), fc.integer({ min: -128, max: 127 })), { maxLength: 40 }), fc.integer({ min: 0, max: 2000 }), (writes, initial) => {
        const encode = (E: new (size?: number) => Encoder) => {
          const e = new E(initial);
          for (const w of writes) {
            if (typeof w === 'number') e.writeInt8(w).writeInt32(w * 1000);
            else if (typeof w === 'string') e.writeVarIntString(w);
            else e.writeBytes(Buffer.from(w));
          }
          const outer = new E();
          return outer.writeInt32(7).writeEncoder(e).buffer;
        };
        expect(encode(Pooled).equals(encode(OriginalEncoder))).toBe(true);
      }),
    );
  });
});

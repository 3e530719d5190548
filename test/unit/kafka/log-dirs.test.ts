/**
 * The DescribeLogDirs v1 codec against bytes laid out by hand from the Kafka protocol guide: big-endian
 * INT16/INT32/INT64, STRING = INT16 length + UTF-8, ARRAY = INT32 count + items, BOOLEAN = one byte.
 */
import { describe, expect, it } from 'vitest';
import { decodeDescribeLogDirsResponse, describeLogDirsRequest, DESCRIBE_LOG_DIRS_API_KEY, DESCRIBE_LOG_DIRS_VERSION } from '../../../src/kafka/log-dirs.js';

const int16 = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const int64 = (n: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(n);
  return b;
};
const string = (s: string): Buffer => Buffer.concat([int16(Buffer.byteLength(s)), Buffer.from(s)]);
const bool = (v: boolean): Buffer => Buffer.from([v ? 1 : 0]);

describe('DescribeLogDirs v1 request', () => {
  it('is API key 35 version 1 and encodes [topic [partitions]]', async () => {
    const request = describeLogDirsRequest([
      { topic: 'orders', partitions: [0, 2] },
      { topic: 'é', partitions: [] },
    ]);
    expect([request.apiKey, request.apiVersion]).toEqual([DESCRIBE_LOG_DIRS_API_KEY, DESCRIBE_LOG_DIRS_VERSION]);
    expect([request.apiKey, request.apiVersion]).toEqual([35, 1]);
    const expected = Buffer.concat([int32(2), string('orders'), int32(2), int32(0), int32(2), string('é'), int32(0)]);
    expect((await request.encode()).buffer.equals(expected)).toBe(true);
  });

  it('refuses an empty topic list, which the nullable array would send as null (every topic)', () => {
    expect(() => describeLogDirsRequest([])).toThrow(/at least one topic/);
  });
});

describe('DescribeLogDirs v1 response', () => {
  it('decodes throttle time, log directories with their error codes, topics and partitions', () => {
    const partition = (index: number, size: bigint, lag: bigint, future: boolean): Buffer => Buffer.concat([int32(index), int64(size), int64(lag), bool(future)]);
    const payload = Buffer.concat([
      int32(25), // throttle_time_ms
      int32(2), // results
      int16(0),
      string('/var/kafka/data-1'),
      int32(2), // topics
      string('orders'),
      int32(2),
      partition(0, 5_000_000_000_123n, 0n, false),
      partition(2, 0n, 7n, false),
      string('audit'),
      int32(1),
      partition(1, 42n, 0n, true),
      int16(56), // KAFKA_STORAGE_ERROR: an offline directory
      string('/var/kafka/data-2'),
      int32(0),
    ]);
    expect(decodeDescribeLogDirsResponse(payload)).toEqual({
      throttleTimeMs: 25,
      results: [
        {
          errorCode: 0,
          logDir: '/var/kafka/data-1',
          topics: [
            {
              name: 'orders',
              partitions: [
                { partition: 0, sizeBytes: 5_000_000_000_123n, offsetLag: 0n, isFuture: false },
                { partition: 2, sizeBytes: 0n, offsetLag: 7n, isFuture: false },
              ],
            },
            { name: 'audit', partitions: [{ partition: 1, sizeBytes: 42n, offsetLag: 0n, isFuture: true }] },
          ],
        },
        { errorCode: 56, logDir: '/var/kafka/data-2', topics: [] },
      ],
    });
  });

  it('decodes the empty answer a broker gives a principal not allowed to describe the cluster', () => {
    expect(decodeDescribeLogDirsResponse(Buffer.concat([int32(0), int32(0)]))).toEqual({ throttleTimeMs: 0, results: [] });
  });
});

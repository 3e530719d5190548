import { describe, expect, it } from 'vitest';
import { progressLine, prometheusText } from '../../../src/replication/metrics.js';
import type { Progress } from '../../../src/replication/replicator.js';

const progress: Progress = { elapsedMs: 1000, records: 1_234_567, bytes: 12_300_000, recordsPerSecond: 8000, bytesPerSecond: 1_200_000, lag: 42, lagByTopic: { orders: 40, payments: 2, idle: 0 }, partitions: 9, lastError: null, state: 'running' };

describe('progress and metrics', () => {
  it('a progress line states units, lag per topic and the last error', () => {
    expect(progressLine(progress)).toBe('replicate: 1,234,567 records  12.3 MB  8,000 records/s  1.2 MB/s  lag 42 records (orders 40, payments 2)  9 partitions');
    expect(progressLine({ ...progress, lastError: 'x: boom', state: 'stopping' })).toMatch(/stopping {2}last error: x: boom$/);
  });

  it('Prometheus text with escaped labels', () => {
    const text = prometheusText('f"1', progress, [{ topic: 'orders', partition: 3, targetTopic: 'orders', next: 10, end: 12, lag: 2, records: 10 }]);
    expect(text).toMatch(/^mskctl_replicate_records_total\{flow="f\\"1"\} 1234567$/m);
    expect(text).toMatch(/^mskctl_replicate_lag_records\{flow="f\\"1",topic="orders",partition="3"\} 2$/m);
    expect(text).toMatch(/^# TYPE mskctl_replicate_bytes_total counter$/m);
    expect(text).toMatch(/^mskctl_replicate_up\{flow="f\\"1"\} 1$/m);
  });
});

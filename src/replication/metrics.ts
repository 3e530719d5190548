/** Prometheus text exposition and progress lines for a running flow. Pure. */
import { formatNumber } from '../sizing/units.js';
import type { PartitionProgress, Progress } from './replicator.js';

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function prometheusText(flowId: string, progress: Progress, partitions: PartitionProgress[]): string {
  const flow = `flow="${escapeLabel(flowId)}"`;
  const lines = [
    '# HELP mskctl_replicate_records_total Records copied to the target by this process.',
    '# TYPE mskctl_replicate_records_total counter',
    `mskctl_replicate_records_total{${flow}} ${progress.records}`,
    '# HELP mskctl_replicate_bytes_total Bytes of keys, values and headers copied by this process.',
    '# TYPE mskctl_replicate_bytes_total counter',
    `mskctl_replicate_bytes_total{${flow}} ${progress.bytes}`,
    '# HELP mskctl_replicate_lag_records Source records not yet replicated (read_committed end offset minus stored position).',
    '# TYPE mskctl_replicate_lag_records gauge',
    ...partitions.map((p) => `mskctl_replicate_lag_records{${flow},topic="${escapeLabel(p.topic)}",partition="${p.partition}"} ${p.lag}`),
    '# HELP mskctl_replicate_position Next source offset to replicate (stored on the target).',
    '# TYPE mskctl_replicate_position gauge',
    ...partitions.map((p) => `mskctl_replicate_position{${flow},topic="${escapeLabel(p.topic)}",partition="${p.partition}"} ${p.next}`),
    '# HELP mskctl_replicate_partitions Source partitions this process replicates.',
    '# TYPE mskctl_replicate_partitions gauge',
    `mskctl_replicate_partitions{${flow}} ${progress.partitions}`,
    '# HELP mskctl_replicate_up 1 while replicating, 0 while stopping.',
    '# TYPE mskctl_replicate_up gauge',
    `mskctl_replicate_up{${flow}} ${progress.state === 'running' ? 1 : 0}`,
  ];
  return lines.join('\n') + '\n';
}

/** One line: "1,234,567 records  12.3 MB  8,000 records/s  1.2 MB/s  lag 42 (orders 40, payments 2)  last error: ..." */
export function progressLine(progress: Progress): string {
  const topics = Object.entries(progress.lagByTopic)
    .filter(([, lag]) => lag > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([t, lag]) => `${t} ${formatNumber(lag, 0)}`);
  const lag = `lag ${formatNumber(progress.lag, 0)} records${topics.length ? ` (${topics.join(', ')})` : ''}`;
  const parts = [
    `${formatNumber(progress.records, 0)} records`,
    `${formatNumber(progress.bytes / 1e6, 1)} MB`,
    `${formatNumber(progress.recordsPerSecond, 0)} records/s`,
    `${formatNumber(progress.bytesPerSecond / 1e6, 2)} MB/s`,
    lag,
    `${progress.partitions} partitions`,
  ];
  if (progress.state !== 'running') parts.push(progress.state);
  if (progress.lastError) parts.push(`last error: ${progress.lastError}`);
  return `replicate: ${parts.join('  ')}`;
}

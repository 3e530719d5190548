/**
 * The MSK Serverless check: one row per quota a workload can be compared with, a verdict with its reasons,
 * the smallest partition count that satisfies the per-partition quotas, and — when one cluster is not
 * enough — how many Serverless clusters a split would need and which dimension forces it.
 */
import type { Limits } from './limits.js';
import { deriveFigures, type DerivedFigures, type Workload } from './workload.js';

export type Status = 'pass' | 'warn' | 'fail';
/** what would make a failing row pass */
export type Remedy = 'none' | 'more-partitions' | 'split' | 'unfixable';

export interface QuotaRow {
  dimension: string;
  /** the limit's key in `mskctl quotas` / a --quotas file */
  limitKey: string;
  /** the workload's figure: a number in `unit`, or a description (authentication, ZooKeeper, ...) */
  value: number | string;
  limit: number | string;
  unit: string;
  /** value ÷ limit, or null for yes/no rows */
  utilisation: number | null;
  status: Status;
  remedy: Remedy;
  note?: string;
}

export type ServerlessVerdictKind = 'fits' | 'fits-with-warnings' | 'needs-more-partitions' | 'needs-split' | 'does-not-fit';

export interface PartitionAdvice {
  /** smallest total partition count within the per-partition quotas */
  toFit: number;
  /** smallest total partition count within headroom × the per-partition quotas */
  withinHeadroom: number;
  /** withinHeadroom spread evenly: partitions per topic, and the resulting total */
  perTopic: number;
  total: number;
  decidingDimension: string;
}

export interface SplitAdvice {
  /** Serverless clusters needed to stay within the quotas */
  clustersToFit: number;
  /** Serverless clusters needed to stay within headroom × the quotas */
  clusters: number;
  decidingDimension: string;
  /** per-dimension cluster counts (within headroom) */
  byDimension: Array<{ dimension: string; clusters: number }>;
  note?: string;
}

export interface ServerlessCheck {
  rows: QuotaRow[];
  verdict: ServerlessVerdictKind;
  /** true when the workload passes --check for target serverless (fits on one cluster, warnings allowed) */
  pass: boolean;
  reasons: string[];
  /** reasons no partition count or split can fix */
  unfixable: string[];
  partitions?: PartitionAdvice;
  split?: SplitAdvice;
}

export function statusOf(utilisation: number, headroom: number): Status {
  if (utilisation > 1) return 'fail';
  if (utilisation > headroom) return 'warn';
  return 'pass';
}

function numericRow(
  dimension: string,
  limitKey: string,
  value: number,
  limit: number,
  unit: string,
  headroom: number,
  remedyWhenFailing: Remedy,
  note?: string,
): QuotaRow {
  const utilisation = value / limit;
  const status = statusOf(utilisation, headroom);
  return { dimension, limitKey, value, limit, unit, utilisation, status, remedy: status === 'fail' ? remedyWhenFailing : 'none', ...(note ? { note } : {}) };
}

function yesNoRow(dimension: string, limitKey: string, value: string, limit: string, status: Status, note?: string): QuotaRow {
  return { dimension, limitKey, value, limit, unit: '', utilisation: null, status, remedy: status === 'fail' ? 'unfixable' : 'none', ...(note ? { note } : {}) };
}

/** The quota rows for one workload. */
export function serverlessRows(w: Workload, d: DerivedFigures, limits: Limits, headroom: number): QuotaRow[] {
  const q = limits.serverless;
  const rows: QuotaRow[] = [
    numericRow('cluster ingress', 'serverless.ingressPerCluster', d.ingressBytesPerSecond, q.ingressPerCluster.value, 'B/s', headroom, 'split'),
    numericRow('cluster egress', 'serverless.egressPerCluster', d.egressBytesPerSecond, q.egressPerCluster.value, 'B/s', headroom, 'split'),
    numericRow('ingress per partition', 'serverless.ingressPerPartition', d.ingressBytesPerSecondPerPartition, q.ingressPerPartition.value, 'B/s', headroom, 'more-partitions', 'assumes traffic spread evenly over partitions'),
    numericRow('egress per partition', 'serverless.egressPerPartition', d.egressBytesPerSecondPerPartition, q.egressPerPartition.value, 'B/s', headroom, 'more-partitions', 'assumes traffic spread evenly over partitions'),
    numericRow('partitions', 'serverless.partitions', d.partitions, q.partitions.value, 'partitions', headroom, 'split'),
  ];
  if (w.compacted) {
    rows.push(
      numericRow('compacted partitions', 'serverless.compactedPartitions', d.partitions, q.compactedPartitions.value, 'partitions', headroom, 'split'),
      numericRow('compacted partition size', 'serverless.maxCompactedPartitionSize', d.storageBytesPerPartition, q.maxCompactedPartitionSize.value, 'B', headroom, 'more-partitions', 'ingress × retention per partition: an upper bound before compaction'),
    );
  }
  rows.push(
    numericRow('message size (max)', 'serverless.messageSize', w.maxMessageBytes, q.messageSize.value, 'B', headroom, 'unfixable'),
    numericRow('consumer groups', 'serverless.consumerGroups', w.consumerGroups, q.consumerGroups.value, 'groups', headroom, 'unfixable', 'every group reads every topic in this model, so a split does not reduce groups per cluster'),
  );
  if (w.connections !== undefined) {
    rows.push(numericRow('client connections', 'serverless.connections', w.connections, q.connections.value, 'connections', headroom, 'split'));
  }
  if (w.requestsPerSecond !== undefined) {
    rows.push(numericRow('request rate', 'serverless.requestRate', w.requestsPerSecond, q.requestRate.value, 'requests/s', headroom, 'split'));
  }
  const accepted = q.authentication.value;
  if (w.auth === undefined) {
    rows.push(yesNoRow('authentication', 'serverless.authentication', 'not stated', accepted.join(', ') + ' only', 'warn', 'state the workload\'s auth; Serverless clients must use IAM'));
  } else {
    const ok = w.auth.some((a) => accepted.includes(a));
    rows.push(yesNoRow('authentication', 'serverless.authentication', w.auth.join(', '), accepted.join(', ') + ' only', ok ? 'pass' : 'fail', ok ? undefined : 'clients cannot use IAM'));
  }
  rows.push(
    yesNoRow('ZooKeeper access', 'n/a', w.needsZookeeper ? 'needed' : 'not needed', 'not offered', w.needsZookeeper ? 'fail' : 'pass'),
    yesNoRow('broker-level configuration', 'n/a', w.needsBrokerConfig ? 'needed' : 'not needed', 'not offered', w.needsBrokerConfig ? 'fail' : 'pass'),
  );
  return rows;
}

/** Smallest total partition count that satisfies the per-partition quotas (to fit and within headroom). */
export function minimumPartitions(w: Workload, d: DerivedFigures, limits: Limits, headroom: number): PartitionAdvice {
  const q = limits.serverless;
  const demands: Array<{ dimension: string; amount: number; limit: number }> = [
    { dimension: 'ingress per partition', amount: d.ingressBytesPerSecond, limit: q.ingressPerPartition.value },
    { dimension: 'egress per partition', amount: d.egressBytesPerSecond, limit: q.egressPerPartition.value },
  ];
  if (w.compacted) demands.push({ dimension: 'compacted partition size', amount: d.storageBytes, limit: q.maxCompactedPartitionSize.value });
  let toFit = 1;
  let withinHeadroom = 1;
  let decidingDimension = demands[0]!.dimension;
  for (const demand of demands) {
    toFit = Math.max(toFit, ceilRatio(demand.amount, demand.limit));
    const needed = ceilRatio(demand.amount, demand.limit * headroom);
    if (needed > withinHeadroom) {
      withinHeadroom = needed;
      decidingDimension = demand.dimension;
    }
  }
  const perTopic = Math.max(1, Math.ceil(withinHeadroom / w.topics));
  return { toFit, withinHeadroom, perTopic, total: perTopic * w.topics, decidingDimension };
}

/** ceil(a / b) that ignores floating-point dust (4.5e9 / 2e8 is 22.5, not 22.500000001). */
export function ceilRatio(a: number, b: number): number {
  const ratio = a / b;
  const rounded = Math.round(ratio);
  return Math.abs(ratio - rounded) < 1e-9 ? rounded : Math.ceil(ratio);
}

/**
 * Clusters a split needs, per splittable dimension: the partition count used is the larger of the
 * workload's and the smallest count the per-partition quotas need.
 */
export function splitAdvice(w: Workload, d: DerivedFigures, limits: Limits, headroom: number, partitionsNeeded: number): SplitAdvice {
  const q = limits.serverless;
  const demands: Array<{ dimension: string; amount: number; limit: number }> = [
    { dimension: 'cluster ingress', amount: d.ingressBytesPerSecond, limit: q.ingressPerCluster.value },
    { dimension: 'cluster egress', amount: d.egressBytesPerSecond, limit: q.egressPerCluster.value },
    { dimension: 'partitions', amount: partitionsNeeded, limit: q.partitions.value },
  ];
  if (w.compacted) demands.push({ dimension: 'compacted partitions', amount: partitionsNeeded, limit: q.compactedPartitions.value });
  if (w.connections !== undefined) demands.push({ dimension: 'client connections', amount: w.connections, limit: q.connections.value });
  if (w.requestsPerSecond !== undefined) demands.push({ dimension: 'request rate', amount: w.requestsPerSecond, limit: q.requestRate.value });
  const byDimension = demands.map((demand) => ({ dimension: demand.dimension, clusters: ceilRatio(demand.amount, demand.limit * headroom) }));
  const clustersToFit = Math.max(...demands.map((demand) => ceilRatio(demand.amount, demand.limit)));
  let deciding = byDimension[0]!;
  for (const entry of byDimension) if (entry.clusters > deciding.clusters) deciding = entry;
  const note = deciding.clusters > limits.serverless.clustersPerAccount.value
    ? `more than ${limits.serverless.clustersPerAccount.value} Serverless clusters per account: needs a quota increase or several accounts`
    : undefined;
  return { clustersToFit, clusters: deciding.clusters, decidingDimension: deciding.dimension, byDimension, ...(note ? { note } : {}) };
}

function times(ratio: number): string {
  return ratio >= 10 ? `${Math.round(ratio * 10) / 10}×` : `${Math.round(ratio * 100) / 100}×`;
}

/** Describes a failing or warning row for the verdict's reasons. */
function describeRow(row: QuotaRow, show: (value: number, unit: string) => string, headroom: number): string {
  if (row.utilisation === null) {
    return `${row.dimension}: ${row.value}; Serverless: ${row.limit}${row.note ? ` (${row.note})` : ''}`;
  }
  const value = show(row.value as number, row.unit);
  const limit = show(row.limit as number, row.unit);
  return row.status === 'fail'
    ? `${row.dimension} ${value} is ${times(row.utilisation)} the ${limit} quota`
    : `${row.dimension} ${value} is ${Math.round(row.utilisation * 1000) / 10}% of the ${limit} quota (above the ${Math.round(headroom * 100)}% headroom)`;
}

/** The whole Serverless check for one workload. `show` formats a figure with its unit for the reasons. */
export function checkServerless(
  w: Workload,
  limits: Limits,
  headroom: number,
  show: (value: number, unit: string) => string,
): ServerlessCheck {
  const d = deriveFigures(w, limits.standard.defaultReplicationFactor.value);
  const rows = serverlessRows(w, d, limits, headroom);
  const failing = rows.filter((r) => r.status === 'fail');
  const warning = rows.filter((r) => r.status === 'warn');
  const unfixable = failing.filter((r) => r.remedy === 'unfixable').map((r) => describeRow(r, show, headroom));
  const reasons: string[] = [];

  const perPartitionFails = failing.some((r) => r.remedy === 'more-partitions');
  const partitionAdvice = minimumPartitions(w, d, limits, headroom);
  const partitions = perPartitionFails ? partitionAdvice : undefined;
  const partitionsNeeded = Math.max(d.partitions, partitionAdvice.toFit);
  const split = splitAdvice(w, d, limits, headroom, partitionsNeeded);
  const needsSplit = split.clustersToFit > 1;

  let verdict: ServerlessVerdictKind;
  if (unfixable.length > 0) {
    verdict = 'does-not-fit';
    reasons.push(...unfixable);
    if (needsSplit) reasons.push(`even split by topic, it would need ${split.clusters} clusters (${split.decidingDimension} decides), but no split fixes the reasons above`);
  } else if (needsSplit) {
    const perTopicTooBig = perTopicOverflow(w, d, limits);
    if (!w.splittable || perTopicTooBig !== undefined || split.clusters > w.topics) {
      verdict = 'does-not-fit';
      const why = !w.splittable
        ? 'the workload is marked not splittable'
        : perTopicTooBig ?? `it has ${w.topics} topics, fewer than the ${split.clusters} clusters needed (a topic cannot span clusters)`;
      unfixable.push(`needs ${split.clusters} Serverless clusters (${split.decidingDimension} decides), but ${why}`);
      reasons.push(...failing.map((r) => describeRow(r, show, headroom)), ...unfixable);
    } else {
      verdict = 'needs-split';
      reasons.push(...failing.filter((r) => r.remedy === 'split').map((r) => describeRow(r, show, headroom)));
      reasons.push(`split the topics across ${split.clusters} Serverless clusters (${split.decidingDimension} decides; ${split.clustersToFit} at 100% of the quotas)`);
      if (split.note) reasons.push(split.note);
    }
    if (partitions) reasons.push(`and raise partitions to at least ${partitions.total} (${partitions.perTopic} per topic; ${partitions.toFit} at 100% of the per-partition quotas)`);
  } else if (perPartitionFails) {
    verdict = 'needs-more-partitions';
    reasons.push(...failing.map((r) => describeRow(r, show, headroom)));
    reasons.push(`raise partitions to at least ${partitionAdvice.total} (${partitionAdvice.perTopic} per topic; ${partitionAdvice.toFit} at 100% of the per-partition quotas; ${partitionAdvice.decidingDimension} decides)`);
  } else if (warning.length > 0) {
    verdict = 'fits-with-warnings';
    reasons.push(...warning.map((r) => describeRow(r, show, headroom)));
  } else {
    verdict = 'fits';
    reasons.push(`every quota within ${Math.round(headroom * 100)}% headroom`);
  }
  return {
    rows,
    verdict,
    pass: verdict === 'fits' || verdict === 'fits-with-warnings',
    reasons,
    unfixable,
    ...(partitions ? { partitions } : {}),
    ...(needsSplit ? { split } : {}),
  };
}

/** When one topic alone (traffic spread evenly over topics) exceeds a whole cluster, no split by topic helps. */
function perTopicOverflow(w: Workload, d: DerivedFigures, limits: Limits): string | undefined {
  const q = limits.serverless;
  const perTopicIn = d.ingressBytesPerSecond / w.topics;
  const perTopicOut = d.egressBytesPerSecond / w.topics;
  if (perTopicIn > q.ingressPerCluster.value) return 'one topic alone exceeds a cluster\'s ingress quota';
  if (perTopicOut > q.egressPerCluster.value) return 'one topic alone exceeds a cluster\'s egress quota';
  return undefined;
}

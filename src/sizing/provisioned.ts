/**
 * MSK Provisioned broker sizing.
 *
 * Standard brokers, per broker size, the smallest broker count b that satisfies every dimension, using the
 * right-sizing rule (AWS Big Data Blog, 2022) with r = replication factor, c = consumer groups, h = headroom:
 *   EBS:        ingress × r           <= h × EBS bandwidth     × b
 *   network:    ingress × (c + r - 1) <= h × network bandwidth × b
 *   partitions: partitions × r        <= recommended replicas per broker × b
 *   storage:    ingress × retention × r <= h × 16,384 GiB × b
 * then rounded up to a multiple of three (three Availability Zones) and at least r. The cheapest size whose
 * count stays within the brokers-per-cluster limit wins; the dimension with the largest raw count decides.
 *
 * Express brokers: ingress and egress against AWS's per-broker SUSTAINED figures (already below the brokers'
 * maxima, so no further headroom: this reproduces AWS's example, 45 MBps in / 90 MBps out → 3 ×
 * express.m7g.large), partitions × 3 replicas against the recommended partitions per broker; storage is elastic.
 */
import { expressCost, standardCost, type CostEstimate } from './cost.js';
import type { Limits } from './limits.js';
import { ceilRatio } from './serverless.js';
import { deriveFigures, type Workload } from './workload.js';

export interface DimensionNeed {
  dimension: string;
  /** brokers this dimension alone needs, before rounding to a multiple of three */
  brokers: number;
  /** at the chosen broker count: demand ÷ capacity */
  utilisation: number;
}

export interface BrokerOption {
  brokerType: string;
  brokers: number;
  decidingDimension: string;
  needs: DimensionNeed[];
  /** true when the count stays within the brokers-per-cluster limit */
  withinClusterLimit: boolean;
  monthlyCostUsd: number;
}

export interface ProvisionedSizing {
  kind: 'standard' | 'express';
  /** the recommended option: the cheapest within the cluster limit, else the one needing fewest brokers */
  recommended: BrokerOption;
  /** true when the recommended option fits in one cluster */
  pass: boolean;
  reasons: string[];
  replicationFactor: number;
  brokersPerClusterLimit: number;
  /** storage per broker for Standard (all replicas ÷ brokers), bytes */
  storagePerBrokerBytes?: number;
  cost: CostEstimate;
  options: BrokerOption[];
}

/** Rounds a raw broker count up to a multiple of `multiple`, and to at least `minimum`. */
export function roundBrokers(raw: number, multiple: number, minimum: number): number {
  const atLeast = Math.max(raw, minimum, 1);
  return Math.ceil(atLeast / multiple - 1e-9) * multiple;
}

function pick(options: BrokerOption[]): BrokerOption {
  const within = options.filter((o) => o.withinClusterLimit);
  const pool = within.length > 0 ? within : options;
  // compare whole cents: broker prices scale linearly, so several sizes often cost exactly the same
  const cents = (o: BrokerOption): number => Math.round(o.monthlyCostUsd * 100);
  return [...pool].sort((a, b) =>
    within.length > 0 ? cents(a) - cents(b) || a.brokers - b.brokers : a.brokers - b.brokers || cents(a) - cents(b),
  )[0]!;
}

function decide(needs: Array<{ dimension: string; brokers: number }>): { dimension: string; raw: number } {
  let best = needs[0]!;
  for (const need of needs) if (need.brokers > best.brokers) best = need;
  return { dimension: best.dimension, raw: best.brokers };
}

interface Dimension {
  dimension: string;
  demand: number;
  /** what one broker offers */
  capacity: number;
  /** the share of the capacity sizing may use (the headroom; 1 for counts) */
  usable: number;
}

/** One broker size: the count every dimension needs, rounded; its utilisation and its cost at that count. */
function evaluateOption(
  brokerType: string,
  dimensions: Dimension[],
  rounding: { multiple: number; minimum: number; clusterLimit: number },
  costAt: (brokers: number) => CostEstimate,
): { option: BrokerOption; cost: CostEstimate } {
  const raw = dimensions.map((x) => ({ dimension: x.dimension, brokers: ceilRatio(x.demand, x.capacity * x.usable) }));
  const { dimension, raw: rawBrokers } = decide(raw);
  const brokers = roundBrokers(rawBrokers, rounding.multiple, rounding.minimum);
  const cost = costAt(brokers);
  const option: BrokerOption = {
    brokerType,
    brokers,
    decidingDimension: dimension,
    needs: raw.map((n, i) => ({ ...n, utilisation: dimensions[i]!.demand / dimensions[i]!.capacity / brokers })),
    withinClusterLimit: brokers <= rounding.clusterLimit,
    monthlyCostUsd: cost.totalMonthlyUsd,
  };
  return { option, cost };
}

export function sizeStandard(w: Workload, limits: Limits, headroom: number): ProvisionedSizing {
  const d = deriveFigures(w, limits.standard.defaultReplicationFactor.value);
  const r = d.replicationFactor;
  const c = w.consumerGroups;
  const multiple = limits.rightSizing.brokerMultiple.value;
  const clusterLimit = w.needsZookeeper ? limits.standard.brokersPerClusterZookeeper.value : limits.standard.brokersPerClusterKraft.value;
  const maxVolume = limits.standard.storagePerBrokerMax.value;

  const options: BrokerOption[] = [];
  const costs = new Map<BrokerOption, CostEstimate>();
  for (const [brokerType, broker] of Object.entries(limits.standard.brokers)) {
    if (!broker.ebsThroughput || !broker.networkThroughput) continue; // no throughput figures (kafka.t3.small)
    const { option, cost } = evaluateOption(
      brokerType,
      [
        { dimension: 'EBS throughput', demand: d.ingressBytesPerSecond * r, capacity: broker.ebsThroughput.value, usable: headroom },
        { dimension: 'network throughput', demand: d.ingressBytesPerSecond * (c + r - 1), capacity: broker.networkThroughput.value, usable: headroom },
        { dimension: 'partitions per broker', demand: d.partitions * r, capacity: broker.partitionsRecommended.value, usable: 1 },
        { dimension: 'storage per broker', demand: d.storageBytesReplicated, capacity: maxVolume, usable: headroom },
      ],
      { multiple, minimum: r, clusterLimit },
      (brokers) => standardCost({ brokerType, brokers, provisionedStorageBytes: Math.max(d.storageBytesReplicated / headroom, brokers * limits.standard.storagePerBrokerMin.value) }, limits),
    );
    options.push(option);
    costs.set(option, cost);
  }
  const recommended = pick(options);
  const cost = costs.get(recommended)!;
  const reasons: string[] = [];
  const mode = w.needsZookeeper ? 'ZooKeeper mode' : 'KRaft mode';
  if (recommended.withinClusterLimit) {
    reasons.push(`${recommended.brokers} × ${recommended.brokerType}: ${recommended.decidingDimension} decides (cheapest size within ${clusterLimit} brokers per cluster, ${mode})`);
  } else {
    reasons.push(`even the best size needs ${recommended.brokers} × ${recommended.brokerType} (${recommended.decidingDimension} decides), above the ${clusterLimit}-broker limit per cluster in ${mode}`);
  }
  return {
    kind: 'standard',
    recommended,
    pass: recommended.withinClusterLimit,
    reasons,
    replicationFactor: r,
    brokersPerClusterLimit: clusterLimit,
    storagePerBrokerBytes: d.storageBytesReplicated / recommended.brokers,
    cost,
    options,
  };
}

export function sizeExpress(w: Workload, limits: Limits): ProvisionedSizing {
  const d = deriveFigures(w, limits.standard.defaultReplicationFactor.value);
  const r = limits.express.replicationFactor.value;
  const multiple = limits.rightSizing.brokerMultiple.value;
  const clusterLimit = limits.express.brokersPerCluster.value;
  const options: BrokerOption[] = [];
  const costs = new Map<BrokerOption, CostEstimate>();
  for (const [brokerType, broker] of Object.entries(limits.express.brokers)) {
    const { option, cost } = evaluateOption(
      brokerType,
      [
        { dimension: 'sustained ingress', demand: d.ingressBytesPerSecond, capacity: broker.sustainedIngress.value, usable: 1 },
        { dimension: 'sustained egress', demand: d.egressBytesPerSecond, capacity: broker.sustainedEgress.value, usable: 1 },
        { dimension: 'partitions per broker', demand: d.partitions * r, capacity: broker.partitionsRecommended.value, usable: 1 },
      ],
      { multiple, minimum: r, clusterLimit },
      (brokers) => expressCost({ brokerType, brokers, ingressBytesPerSecond: d.ingressBytesPerSecond, storageBytes: d.storageBytes }, limits),
    );
    options.push(option);
    costs.set(option, cost);
  }
  const recommended = pick(options);
  const cost = costs.get(recommended)!;
  const reasons = recommended.withinClusterLimit
    ? [`${recommended.brokers} × ${recommended.brokerType}: ${recommended.decidingDimension} decides (cheapest size within ${clusterLimit} brokers per cluster)`]
    : [`even the best size needs ${recommended.brokers} × ${recommended.brokerType} (${recommended.decidingDimension} decides), above ${clusterLimit} brokers per cluster`];
  if (w.replicationFactor !== undefined && w.replicationFactor !== r) {
    reasons.push(`Express fixes the replication factor at ${r}; the workload's ${w.replicationFactor} does not apply`);
  }
  return { kind: 'express', recommended, pass: recommended.withinClusterLimit, reasons, replicationFactor: r, brokersPerClusterLimit: clusterLimit, cost, options };
}

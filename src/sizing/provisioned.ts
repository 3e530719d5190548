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

export function sizeStandard(w: Workload, limits: Limits, headroom: number): ProvisionedSizing {
  const d = deriveFigures(w, limits.standard.defaultReplicationFactor.value);
  const r = d.replicationFactor;
  const c = w.consumerGroups;
  const multiple = limits.rightSizing.brokerMultiple.value;
  const clusterLimit = w.needsZookeeper ? limits.standard.brokersPerClusterZookeeper.value : limits.standard.brokersPerClusterKraft.value;
  const maxVolume = limits.standard.storagePerBrokerMax.value;

  const options: BrokerOption[] = [];
  for (const [brokerType, broker] of Object.entries(limits.standard.brokers)) {
    if (!broker.ebsThroughput || !broker.networkThroughput) continue; // no throughput figures (kafka.t3.small)
    const demand = {
      ebs: d.ingressBytesPerSecond * r,
      network: d.ingressBytesPerSecond * (c + r - 1),
      partitions: d.partitions * r,
      storage: d.storageBytesReplicated,
    };
    const capacity = {
      ebs: broker.ebsThroughput.value,
      network: broker.networkThroughput.value,
      partitions: broker.partitionsRecommended.value,
      storage: maxVolume,
    };
    const raw = [
      { dimension: 'EBS throughput', brokers: ceilRatio(demand.ebs, capacity.ebs * headroom) },
      { dimension: 'network throughput', brokers: ceilRatio(demand.network, capacity.network * headroom) },
      { dimension: 'partitions per broker', brokers: ceilRatio(demand.partitions, capacity.partitions) },
      { dimension: 'storage per broker', brokers: ceilRatio(demand.storage, capacity.storage * headroom) },
    ];
    const { dimension } = decide(raw);
    const brokers = roundBrokers(decide(raw).raw, multiple, r);
    const utilisation = [demand.ebs / capacity.ebs, demand.network / capacity.network, demand.partitions / capacity.partitions, demand.storage / capacity.storage].map((u) => u / brokers);
    const provisionedStorageBytes = Math.max(d.storageBytesReplicated / headroom, brokers * limits.standard.storagePerBrokerMin.value);
    options.push({
      brokerType,
      brokers,
      decidingDimension: dimension,
      needs: raw.map((n, i) => ({ ...n, utilisation: utilisation[i]! })),
      withinClusterLimit: brokers <= clusterLimit,
      monthlyCostUsd: standardCost({ brokerType, brokers, provisionedStorageBytes }, limits).totalMonthlyUsd,
    });
  }
  const recommended = pick(options);
  const provisionedStorageBytes = Math.max(d.storageBytesReplicated / headroom, recommended.brokers * limits.standard.storagePerBrokerMin.value);
  const cost = standardCost({ brokerType: recommended.brokerType, brokers: recommended.brokers, provisionedStorageBytes }, limits);
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
  for (const [brokerType, broker] of Object.entries(limits.express.brokers)) {
    const demand = { ingress: d.ingressBytesPerSecond, egress: d.egressBytesPerSecond, partitions: d.partitions * r };
    const capacity = { ingress: broker.sustainedIngress.value, egress: broker.sustainedEgress.value, partitions: broker.partitionsRecommended.value };
    const raw = [
      { dimension: 'sustained ingress', brokers: ceilRatio(demand.ingress, capacity.ingress) },
      { dimension: 'sustained egress', brokers: ceilRatio(demand.egress, capacity.egress) },
      { dimension: 'partitions per broker', brokers: ceilRatio(demand.partitions, capacity.partitions) },
    ];
    const { dimension, raw: rawBrokers } = decide(raw);
    const brokers = roundBrokers(rawBrokers, multiple, r);
    const utilisation = [demand.ingress / capacity.ingress, demand.egress / capacity.egress, demand.partitions / capacity.partitions].map((u) => u / brokers);
    options.push({
      brokerType,
      brokers,
      decidingDimension: dimension,
      needs: raw.map((n, i) => ({ ...n, utilisation: utilisation[i]! })),
      withinClusterLimit: brokers <= clusterLimit,
      monthlyCostUsd: expressCost({ brokerType, brokers, ingressBytesPerSecond: d.ingressBytesPerSecond, storageBytes: d.storageBytes }, limits).totalMonthlyUsd,
    });
  }
  const recommended = pick(options);
  const cost = expressCost({ brokerType: recommended.brokerType, brokers: recommended.brokers, ingressBytesPerSecond: d.ingressBytesPerSecond, storageBytes: d.storageBytes }, limits);
  const reasons = recommended.withinClusterLimit
    ? [`${recommended.brokers} × ${recommended.brokerType}: ${recommended.decidingDimension} decides (cheapest size within ${clusterLimit} brokers per cluster)`]
    : [`even the best size needs ${recommended.brokers} × ${recommended.brokerType} (${recommended.decidingDimension} decides), above ${clusterLimit} brokers per cluster`];
  if (w.replicationFactor !== undefined && w.replicationFactor !== r) {
    reasons.push(`Express fixes the replication factor at ${r}; the workload's ${w.replicationFactor} does not apply`);
  }
  return { kind: 'express', recommended, pass: recommended.withinClusterLimit, reasons, replicationFactor: r, brokersPerClusterLimit: clusterLimit, cost, options };
}

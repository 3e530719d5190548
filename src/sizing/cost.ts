/**
 * Monthly cost estimates from the price table in limits.ts: on-demand USD, the prices' region and date
 * stated with every estimate. Billed "GB" is GiB (as AWS's sizing tool reads it); a month is
 * `rightSizing.hoursPerMonth` hours.
 */
import type { Figure, Limits } from './limits.js';

export interface CostItem {
  item: string;
  quantity: number;
  /** unit of the quantity, e.g. "cluster-hours", "GiB-months" */
  unit: string;
  /** USD per unit */
  unitPrice: number;
  /** USD per month */
  monthly: number;
}

export interface CostEstimate {
  /** USD per month */
  totalMonthlyUsd: number;
  items: CostItem[];
  /** "estimate: on-demand USD, us-east-1 prices as of 2026" */
  label: string;
  notes: string[];
}

export function costLabel(limits: Limits): string {
  return `estimate: on-demand USD per month, ${limits.prices.region} prices as of ${limits.prices.date}, ${limits.rightSizing.hoursPerMonth.value} h/month; verify on aws.amazon.com/msk/pricing`;
}

function item(name: string, quantity: number, unit: string, price: Figure): CostItem {
  return { item: name, quantity, unit, unitPrice: price.value, monthly: quantity * price.value };
}

function estimate(limits: Limits, items: CostItem[], notes: string[]): CostEstimate {
  return { totalMonthlyUsd: items.reduce((sum, i) => sum + i.monthly, 0), items, label: costLabel(limits), notes };
}

/** Bytes per second sustained for a month, in billed GiB. */
export function billedGBPerMonth(bytesPerSecond: number, limits: Limits): number {
  return (bytesPerSecond * limits.rightSizing.hoursPerMonth.value * 3600) / limits.convention.bytesPerBilledGB;
}

export function billedGB(bytes: number, limits: Limits): number {
  return bytes / limits.convention.bytesPerBilledGB;
}

export interface ServerlessCostInput {
  clusters: number;
  partitions: number;
  ingressBytesPerSecond: number;
  egressBytesPerSecond: number;
  /** one copy: ingress × retention */
  storageBytes: number;
}

export function serverlessCost(input: ServerlessCostInput, limits: Limits): CostEstimate {
  const p = limits.prices.serverless;
  const hours = limits.rightSizing.hoursPerMonth.value;
  return estimate(
    limits,
    [
      item('cluster-hours', input.clusters * hours, 'cluster-hours', p.clusterHour),
      item('partition-hours', input.partitions * hours, 'partition-hours', p.partitionHour),
      item('data in', billedGBPerMonth(input.ingressBytesPerSecond, limits), 'GiB', p.dataInPerGB),
      item('data out', billedGBPerMonth(input.egressBytesPerSecond, limits), 'GiB', p.dataOutPerGB),
      item('storage (one copy, at full retention)', billedGB(input.storageBytes, limits), 'GiB-months', p.storagePerGBMonth),
    ],
    ['steady state: the rate runs all month and storage is at full retention'],
  );
}

export interface StandardCostInput {
  brokerType: string;
  brokers: number;
  /** EBS provisioned across all brokers, bytes */
  provisionedStorageBytes: number;
}

export function standardCost(input: StandardCostInput, limits: Limits): CostEstimate {
  const broker = limits.standard.brokers[input.brokerType];
  if (!broker) throw new Error(`no price for broker type ${input.brokerType}`);
  const hours = limits.rightSizing.hoursPerMonth.value;
  return estimate(
    limits,
    [
      item(`${input.brokerType} broker-hours`, input.brokers * hours, 'broker-hours', broker.pricePerHour),
      item('EBS storage (all replicas, with headroom)', billedGB(input.provisionedStorageBytes, limits), 'GiB-months', limits.prices.standard.storagePerGBMonth),
    ],
    ['provisioned storage throughput and data transfer are not included'],
  );
}

export interface ExpressCostInput {
  brokerType: string;
  brokers: number;
  ingressBytesPerSecond: number;
  /** one copy: ingress × retention */
  storageBytes: number;
}

export function expressCost(input: ExpressCostInput, limits: Limits): CostEstimate {
  const broker = limits.express.brokers[input.brokerType];
  if (!broker) throw new Error(`no price for broker type ${input.brokerType}`);
  const hours = limits.rightSizing.hoursPerMonth.value;
  return estimate(
    limits,
    [
      item(`${input.brokerType} broker-hours`, input.brokers * hours, 'broker-hours', broker.pricePerHour),
      item('storage (billed as one copy)', billedGB(input.storageBytes, limits), 'GiB-months', limits.prices.express.storagePerGBMonth),
      item('data written', billedGBPerMonth(input.ingressBytesPerSecond, limits), 'GiB', limits.prices.express.dataWrittenPerGB),
    ],
    ['steady state: the rate runs all month and storage is at full retention'],
  );
}

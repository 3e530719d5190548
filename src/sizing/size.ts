/**
 * `mskctl size` as a pure function: workloads + limits + options → the typed result that json/yaml print
 * and the table renders. No I/O.
 */
import { serverlessCost, type CostEstimate } from './cost.js';
import { formatFigure } from './format.js';
import type { Limits } from './limits.js';
import { sizeExpress, sizeStandard, type ProvisionedSizing } from './provisioned.js';
import { checkServerless, type ServerlessCheck } from './serverless.js';
import { deriveFigures, type DerivedFigures, type Workload } from './workload.js';

export const TARGETS = ['serverless', 'standard', 'express'] as const;
export type Target = (typeof TARGETS)[number];

export interface WorkloadSizing {
  name: string;
  origin: string;
  input: Omit<Workload, 'name' | 'origin'>;
  derived: DerivedFigures;
  serverless: ServerlessCheck & { cost: CostEstimate };
  standard: ProvisionedSizing;
  express: ProvisionedSizing;
  /** passes the --target's limits */
  targetPass: boolean;
}

export interface SizeResult {
  unitConvention: string;
  /** warn above (Serverless) and size under (Standard) this share of a limit */
  headroom: number;
  target: Target;
  /** all workloads pass the target's limits (what --check gates on) */
  pass: boolean;
  failing: string[];
  /** "file:line" of every limit a --quotas file overrode */
  overriddenLimits: string[];
  costLabel: string;
  workloads: WorkloadSizing[];
}

export interface SizeOptions {
  headroom: number;
  target: Target;
}

export function sizeWorkload(w: Workload, limits: Limits, options: SizeOptions): WorkloadSizing {
  const derived = deriveFigures(w, limits.standard.defaultReplicationFactor.value);
  const check = checkServerless(w, limits, options.headroom, formatFigure);
  const clusters = check.split?.clusters ?? 1;
  const partitions = Math.max(derived.partitions, check.partitions?.total ?? 0);
  const cost = serverlessCost(
    {
      clusters,
      partitions,
      ingressBytesPerSecond: derived.ingressBytesPerSecond,
      egressBytesPerSecond: derived.egressBytesPerSecond,
      storageBytes: derived.storageBytes,
    },
    limits,
  );
  if (clusters > 1) cost.notes.push(`${clusters} Serverless clusters, as the split needs`);
  if (partitions > derived.partitions) cost.notes.push(`${partitions} partitions, as the per-partition quotas need`);
  if (!check.pass && check.verdict === 'does-not-fit') cost.notes.push('the workload cannot run on MSK Serverless; figure for comparison only');
  const standard = sizeStandard(w, limits, options.headroom);
  const express = sizeExpress(w, limits);
  const { name, origin, ...input } = w;
  const targetPass = options.target === 'serverless' ? check.pass : options.target === 'standard' ? standard.pass : express.pass;
  return { name, origin, input, derived, serverless: { ...check, cost }, standard, express, targetPass };
}

export function sizeWorkloads(workloads: Workload[], limits: Limits, options: SizeOptions): SizeResult {
  const sized = workloads.map((w) => sizeWorkload(w, limits, options));
  const failing = sized.filter((s) => !s.targetPass).map((s) => s.name);
  const overriddenLimits: string[] = [];
  const walk = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (typeof record.overriddenBy === 'string') overriddenLimits.push(record.overriddenBy);
    for (const child of Object.values(record)) walk(child);
  };
  walk(limits);
  return {
    unitConvention: limits.convention.text,
    headroom: options.headroom,
    target: options.target,
    pass: failing.length === 0,
    failing,
    overriddenLimits,
    costLabel: sized[0]?.serverless.cost.label ?? '',
    workloads: sized,
  };
}

/** `mskctl split plan FILE`: inventory + limits → planSplit → table / json / yaml / mermaid. */
import type { CommandContext, CommandResult } from './types.js';
import { usageError } from '../output/errors.js';
import { formatTable, paint, type Cell, type RenderOptions } from '../output/render.js';
import { readInputFile } from '../input/yaml.js';
import { loadLimits } from '../sizing/limits.js';
import { formatNumber, formatPercent, formatThroughput } from '../sizing/units.js';
import { parseInventory } from '../split/inventory.js';
import { GROUP_BY, planSplit, STRATEGIES, type GroupBy, type PlannedCluster, type SplitPlan, type Strategy, type UsageRow } from '../split/plan.js';
import { resolveHeadroom } from './size.js';

export interface SplitPlanOptions {
  strategy?: string;
  groupBy?: string;
  headroom?: string;
  check?: boolean;
  quotas?: string;
  source?: string;
}

export async function run(ctx: CommandContext<SplitPlanOptions>): Promise<CommandResult<SplitPlan>> {
  const file = ctx.args[0] as string;
  const { options } = ctx;
  const strategy = (options.strategy ?? 'segregated') as Strategy;
  if (!STRATEGIES.includes(strategy)) throw usageError(`--strategy: found ${JSON.stringify(options.strategy)}`, `one of ${STRATEGIES.join(', ')}`);
  const groupBy = (options.groupBy ?? 'team') as GroupBy;
  if (!GROUP_BY.includes(groupBy)) throw usageError(`--group-by: found ${JSON.stringify(options.groupBy)}`, `one of ${GROUP_BY.join(', ')}`);
  const limits = loadLimits(options.quotas);
  const headroom = resolveHeadroom(options.headroom, limits);
  const inventory = parseInventory(readInputFile(file));
  const plan = planSplit(inventory, { strategy, groupBy, headroom, limits, source: options.source ?? 'monolith' });
  if (!plan.feasible) for (const problem of plan.problems) ctx.log.warn(problem);
  return { data: plan, table: renderPlan, mermaid: renderMermaid, exitCode: options.check && !plan.feasible ? 1 : 0 };
}

// ---- table ------------------------------------------------------------------------------------------------

function usageCell(row: UsageRow, o: RenderOptions, headroom: number): string {
  const value = row.unit === 'B/s' ? formatThroughput(row.value) : formatNumber(row.value, 0);
  if (row.utilisation === null) return value;
  const percent = formatPercent(row.utilisation, 0);
  const text = `${value} (${percent})`;
  return row.utilisation > headroom + 1e-9 ? paint(o, 'red', text) : text;
}

function listCell(items: string[], max = 3): string {
  if (items.length <= max) return items.join('\n') || '-';
  return `${items.slice(0, max).join('\n')}\n… ${items.length - max} more`;
}

function clusterRow(c: PlannedCluster, o: RenderOptions, headroom: number): Cell[] {
  const usage = new Map(c.usage.map((u) => [u.dimension, u]));
  const cell = (d: UsageRow['dimension']): string => usageCell(usage.get(d)!, o, headroom);
  return [
    c.name,
    c.type === 'serverless' ? `Serverless\n${c.role}` : `Provisioned\n${c.sizing?.brokers !== undefined ? `${c.sizing.brokers} × ${c.sizing.brokerType}` : ''}`,
    c.group,
    `${topicsText(c.topics.length)}\n${formatNumber(c.applications.length, 0)} apps`,
    cell('ingress'),
    cell('egress'),
    cell('partitions'),
    cell('compactedPartitions'),
    cell('consumerGroups'),
    cell('connections'),
  ];
}

export function renderPlan(plan: SplitPlan, o: RenderOptions): string {
  const parts: string[] = [];
  const verdict = plan.feasible ? paint(o, 'green', 'FEASIBLE') : paint(o, 'red', 'NOT FEASIBLE');
  parts.push(
    `Split plan: strategy ${plan.strategy}, grouped by ${plan.groupBy}, headroom ${formatPercent(plan.headroom, 0)} of each Serverless quota — ${verdict}`,
    `Monolith: ${formatNumber(plan.totals.topics, 0)} topics, ${formatNumber(plan.totals.partitions, 0)} partitions, ${formatThroughput(plan.totals.ingressBytesPerSecond)} in, ${formatThroughput(plan.totals.egressBytesPerSecond)} out, ${plan.totals.applications} applications, ${plan.totals.consumerGroups} consumer groups`,
    `Clusters: ${plan.serverlessClusters} Serverless (lower bound ${plan.lowerBound.serverlessClusters}) + ${plan.provisionedClusters} Provisioned`,
    '',
  );
  parts.push(
    formatTable(
      ['cluster', 'type', 'group', 'holds', 'ingress', 'egress', 'partitions', 'compacted', 'groups', 'connections'],
      plan.clusters.map((c) => clusterRow(c, o, plan.headroom)),
      o,
      'Clusters (value and share of the Serverless quota; Provisioned: value only)',
    ),
  );
  const provisioned = plan.clusters.filter((c) => c.type === 'provisioned');
  if (provisioned.length > 0) {
    const rows: Cell[][] = [];
    for (const c of provisioned) {
      const reasons = [...new Set((c.reasons ?? []).map((r) => r.reason))];
      rows.push([c.name, c.sizing?.summary ?? 'not sized', listCell(reasons.map((r) => {
        const n = (c.reasons ?? []).filter((x) => x.reason === r).length;
        return `${r} (${n} ${n === 1 ? 'topic' : 'topics'})`;
      }), 4)]);
    }
    parts.push('', formatTable(['Provisioned cluster', 'size (sizing module)', 'why not Serverless'], rows, o, 'Provisioned clusters'));
  }
  parts.push(
    '',
    formatTable(
      ['from', 'to', 'kind', 'topics', 'throughput'],
      plan.flows.map((f) => [f.from, f.to, f.kind, formatNumber(f.topics.length, 0), formatThroughput(f.bytesPerSecond)]),
      o,
      'Replication flows',
    ),
  );
  const stepLines: string[] = ['', 'Migration steps (in order):'];
  let lastCluster = '';
  for (const step of plan.steps) {
    if (step.cluster !== lastCluster) {
      stepLines.push(`  ${step.cluster} (${step.group})`);
      lastCluster = step.cluster;
    }
    const command = step.command.length > 240 ? `${step.command.slice(0, 237)}...` : step.command;
    stepLines.push(`    ${step.order}. ${step.action}`, `       $ ${command}`);
  }
  parts.push(stepLines.join('\n'));
  if (plan.risks.length > 0) {
    const shown = plan.risks.slice(0, 25);
    parts.push(
      '',
      formatTable(['risk', 'subject', 'detail'], shown.map((r) => [r.kind, r.subject, r.detail]), o, `Risks (${plan.risks.length})`),
    );
    if (plan.risks.length > shown.length) parts.push(`… ${plan.risks.length - shown.length} more risks in --output yaml or json`);
  }
  if (plan.problems.length > 0) parts.push('', paint(o, 'red', `No feasible plan as the quotas stand:\n${plan.problems.map((p) => `  - ${p}`).join('\n')}`));
  parts.push('', `Units: ${plan.units}`);
  return parts.join('\n');
}

// ---- mermaid ----------------------------------------------------------------------------------------------

function topicsText(n: number): string {
  return `${formatNumber(n, 0)} ${n === 1 ? 'topic' : 'topics'}`;
}

function nodeId(name: string): string {
  return `c_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

function label(text: string): string {
  return text.replace(/"/g, '#quot;');
}

export function renderMermaid(plan: SplitPlan): string {
  const lines = ['flowchart LR', `  ${nodeId(plan.source)}[("${label(plan.source)}<br/>source cluster")]`];
  for (const c of plan.clusters) {
    const ingress = c.usage.find((u) => u.dimension === 'ingress')!;
    const kind = c.type === 'serverless' ? `Serverless ${c.role}` : `Provisioned${c.sizing?.brokers !== undefined ? ` ${c.sizing.brokers} × ${c.sizing.brokerType}` : ''}`;
    const text = `${label(c.name)}<br/>${kind}<br/>${topicsText(c.topics.length)} · ${formatThroughput(ingress.value)} in`;
    lines.push(c.type === 'serverless' ? `  ${nodeId(c.name)}["${text}"]` : `  ${nodeId(c.name)}[["${text}"]]`);
  }
  for (const f of plan.flows) {
    const text = `${topicsText(f.topics.length)}, ${formatThroughput(f.bytesPerSecond)}`;
    lines.push(f.kind === 'migration' ? `  ${nodeId(f.from)} -. "${label(text)}" .-> ${nodeId(f.to)}` : `  ${nodeId(f.from)} -- "${label(text)}" --> ${nodeId(f.to)}`);
  }
  return lines.join('\n');
}

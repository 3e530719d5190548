/** `mskctl size [FILE]`: options → workloads + limits → sizeWorkloads → table / json / yaml. */
import type { CommandContext, CommandResult } from './types.js';
import { inputError, usageError } from '../output/errors.js';
import { formatKeyValue, formatTable, paint, type Cell, type RenderOptions } from '../output/render.js';
import { readInputFile } from '../input/yaml.js';
import { loadLimits, type Limits } from '../sizing/limits.js';
import { formatFigure, formatStorage, formatUsd } from '../sizing/format.js';
import { sizeWorkloads, TARGETS, type SizeResult, type Target, type WorkloadSizing } from '../sizing/size.js';
import type { QuotaRow } from '../sizing/serverless.js';
import type { ProvisionedSizing } from '../sizing/provisioned.js';
import { formatBytes, formatDuration, formatNumber, formatPercent, formatThroughput, parseFraction, UnitParseError } from '../sizing/units.js';
import { hasWorkloadFlags, workloadFromFlags, workloadsFromDocument, type WorkloadFlags } from '../sizing/workload.js';

export interface SizeCommandOptions extends WorkloadFlags {
  check?: boolean;
  target?: string;
  headroom?: string;
  quotas?: string;
}

export function resolveHeadroom(text: string | undefined, limits: Limits): number {
  if (text === undefined) return limits.rightSizing.defaultHeadroom.value;
  try {
    return parseFraction(text);
  } catch (error) {
    if (error instanceof UnitParseError) throw inputError({ path: '--headroom' }, `found ${JSON.stringify(text)}`, error.expected);
    throw error;
  }
}

export async function run(ctx: CommandContext<SizeCommandOptions>): Promise<CommandResult<SizeResult>> {
  const file = ctx.args[0] as string | undefined;
  const options = ctx.options;
  const target = (options.target ?? 'serverless') as Target;
  if (!TARGETS.includes(target)) throw usageError(`--target: found ${JSON.stringify(options.target)}`, `one of ${TARGETS.join(', ')}`);
  const limits = loadLimits(options.quotas);
  const headroom = resolveHeadroom(options.headroom, limits);
  if (file !== undefined && hasWorkloadFlags(options)) {
    throw usageError(`both a workload file (${file}) and workload flags given`, 'give either a workload file or flags such as --rate and --avg-size, not both');
  }
  const workloads = file !== undefined ? workloadsFromDocument(readInputFile(file)) : [workloadFromFlags(options)];
  const result = sizeWorkloads(workloads, limits, { headroom, target });
  for (const where of result.overriddenLimits) ctx.log.debug(`limit overridden by ${where}`);
  return { data: result, table: renderSize, exitCode: options.check && !result.pass ? 1 : 0 };
}

// ---- table rendering ----------------------------------------------------------------------------------------

const VERDICT_TEXT = {
  fits: 'FITS',
  'fits-with-warnings': 'FITS, WITH WARNINGS',
  'needs-more-partitions': 'NEEDS MORE PARTITIONS',
  'needs-split': 'NEEDS A SPLIT',
  'does-not-fit': 'DOES NOT FIT',
} as const;

function statusCell(status: QuotaRow['status'], o: RenderOptions): string {
  return status === 'pass' ? paint(o, 'green', 'pass') : status === 'warn' ? paint(o, 'yellow', 'WARN') : paint(o, 'red', 'FAIL');
}

function rowValue(row: QuotaRow, value: number | string): string {
  return typeof value === 'number' ? formatFigure(value, row.unit) : value;
}

function derivedTable(s: WorkloadSizing, o: RenderOptions): string {
  const d = s.derived;
  const w = s.input;
  const pairs: Array<[string, string]> = [
    ['message rate', `${formatNumber(w.messagesPerSecond)} messages/s`],
    ['message size avg / max', `${formatFigure(w.avgMessageBytes, 'B')} / ${formatFigure(w.maxMessageBytes, 'B')}`],
    ['ingress (rate × avg size)', formatThroughput(d.ingressBytesPerSecond)],
    [`egress (ingress × ${w.consumerGroups} group${w.consumerGroups === 1 ? '' : 's'})`, formatThroughput(d.egressBytesPerSecond)],
    ['partitions', `${formatNumber(d.partitions)} (${w.topics} topics, ${formatNumber(d.partitionsPerTopic)} per topic)`],
    ['ingress per partition', formatThroughput(d.ingressBytesPerSecondPerPartition)],
    ['egress per partition', formatThroughput(d.egressBytesPerSecondPerPartition)],
    ['retention', `${formatDuration(w.retentionSeconds)} (${formatNumber(w.retentionSeconds)} s)`],
    ['storage, one copy (ingress × retention)', formatStorage(d.storageBytes)],
    [`storage × RF ${d.replicationFactor} (Provisioned Standard)`, formatStorage(d.storageBytesReplicated)],
  ];
  return formatKeyValue(pairs, o, `Workload ${s.name} (${s.origin})`);
}

function serverlessTable(s: WorkloadSizing, headroom: number, o: RenderOptions): string {
  const rows: Cell[][] = s.serverless.rows.map((r) => [
    r.dimension,
    rowValue(r, r.value),
    rowValue(r, r.limit),
    r.utilisation === null ? '-' : formatPercent(r.utilisation),
    statusCell(r.status, o),
  ]);
  const table = formatTable(['dimension', 'value', 'Serverless limit', 'used', 'status'], rows, o, `MSK Serverless quota check (warn above ${formatPercent(headroom, 0)})`);
  const verdict = s.serverless.verdict;
  const colour = verdict === 'fits' ? 'green' : verdict === 'fits-with-warnings' ? 'yellow' : 'red';
  const lines = [`verdict: ${paint(o, colour, VERDICT_TEXT[verdict])}`, ...s.serverless.reasons.map((r) => `  - ${r}`)];
  return `${table}\n${lines.join('\n')}`;
}

function optionsTable(s: WorkloadSizing, o: RenderOptions): string {
  const sl = s.serverless;
  const clusters = sl.split?.clusters ?? 1;
  const serverlessWhat = sl.verdict === 'does-not-fit' ? 'cannot run there (see verdict)' : `${clusters} cluster${clusters > 1 ? 's' : ''}${sl.partitions ? `, ${formatNumber(sl.partitions.total)} partitions` : ''}`;
  const serverlessDecides = sl.split ? sl.split.decidingDimension : sl.partitions ? sl.partitions.decidingDimension : '-';
  const provisioned = (p: ProvisionedSizing): Cell[] => {
    const r = p.recommended;
    const storage = p.storagePerBrokerBytes === undefined ? '' : `, ${formatBytes(p.storagePerBrokerBytes)} per broker`;
    const over = r.withinClusterLimit ? '' : paint(o, 'red', ` (over the ${p.brokersPerClusterLimit}-broker limit)`);
    return [`${r.brokers} × ${r.brokerType}${storage}${over}`, r.decidingDimension, formatUsd(p.cost.totalMonthlyUsd)];
  };
  return formatTable(
    ['cluster type', 'size', 'deciding dimension', 'USD/month (estimate)'],
    [
      ['MSK Serverless', serverlessWhat, serverlessDecides, sl.verdict === 'does-not-fit' ? 'n/a' : formatUsd(sl.cost.totalMonthlyUsd)],
      [`Standard (RF ${s.standard.replicationFactor})`, ...provisioned(s.standard)],
      ['Express (RF 3)', ...provisioned(s.express)],
    ],
    o,
  );
}

export function renderSize(result: SizeResult, o: RenderOptions): string {
  const parts: string[] = [];
  for (const s of result.workloads) {
    parts.push(derivedTable(s, o), serverlessTable(s, result.headroom, o), optionsTable(s, o), '');
  }
  parts.push(`cost: ${result.costLabel}`);
  parts.push(`units: ${result.unitConvention}`);
  if (result.overriddenLimits.length > 0) parts.push(`limits overridden: ${result.overriddenLimits.join(', ')}`);
  const failing = result.failing.length;
  parts.push(
    failing === 0
      ? `check (--target ${result.target}): ${paint(o, 'green', 'pass')}, all ${result.workloads.length} workload(s) fit`
      : `check (--target ${result.target}): ${paint(o, 'red', 'FAIL')}, ${failing} of ${result.workloads.length} workload(s) do not fit: ${result.failing.join(', ')}`,
  );
  return parts.join('\n') + '\n';
}

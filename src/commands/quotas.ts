/** `mskctl quotas`: every limit and price in use, with its source, date and confidence. */
import type { CommandContext, CommandResult } from './types.js';
import { formatTable, type RenderOptions } from '../output/render.js';
import { figureKey, listFigures, loadLimits, type Confidence } from '../sizing/limits.js';
import { formatFigure } from '../sizing/format.js';
import { formatNumber } from '../sizing/units.js';

export interface QuotaEntry {
  key: string;
  description: string;
  value: number;
  unit: string;
  published: string;
  source: string;
  date: string;
  confidence: Confidence;
  overriddenBy?: string;
}

export interface QuotasResult {
  unitConvention: string;
  awsMBps: 'decimal' | 'binary';
  priceRegion: string;
  priceDate: string;
  confidenceLegend: Record<Confidence, string>;
  serverlessAuthentication: string[];
  limits: QuotaEntry[];
}

export const CONFIDENCE_LEGEND: Record<Confidence, string> = {
  P: 'AWS documentation page',
  A: 'AWS-authored code or tooling',
  V: 'verbatim third-party copy of an AWS page',
  U: 'unverified (third-party price list, assumption, or user override)',
};

export async function run(ctx: CommandContext<{ quotas?: string }>): Promise<CommandResult<QuotasResult>> {
  const limits = loadLimits(ctx.options.quotas);
  const entries: QuotaEntry[] = listFigures(limits).map(({ path, figure }) => ({
    key: figureKey(path),
    description: figure.description,
    value: figure.value,
    unit: figure.unit,
    published: figure.published,
    source: figure.source,
    date: figure.date,
    confidence: figure.confidence,
    ...(figure.overriddenBy ? { overriddenBy: figure.overriddenBy } : {}),
  }));
  return {
    data: {
      unitConvention: limits.convention.text,
      awsMBps: limits.convention.awsMBps,
      priceRegion: limits.prices.region,
      priceDate: limits.prices.date,
      confidenceLegend: CONFIDENCE_LEGEND,
      serverlessAuthentication: limits.serverless.authentication.value,
      limits: entries,
    },
    table: renderQuotas,
  };
}

function shown(entry: QuotaEntry): string {
  if (entry.unit.startsWith('USD')) return `${formatNumber(entry.value, 4)} ${entry.unit}`;
  if (entry.unit === 'fraction of a limit') return `${formatNumber(entry.value * 100, 1)}%`;
  return formatFigure(entry.value, entry.unit);
}

export function renderQuotas(result: QuotasResult, o: RenderOptions): string {
  // sources are long: number them and list them under the table
  const sources: string[] = [];
  const sourceRef = (source: string): string => {
    let index = sources.indexOf(source);
    if (index < 0) index = sources.push(source) - 1;
    return `[${index + 1}]`;
  };
  const rows = result.limits.map((e) => [
    e.key,
    shown(e),
    e.published,
    e.confidence,
    e.date,
    e.overriddenBy ? `override ${e.overriddenBy}` : sourceRef(e.source),
  ]);
  const table = formatTable(['key', 'value used', 'as published', 'conf.', 'date', 'source'], rows, o);
  const legend = Object.entries(result.confidenceLegend).map(([k, v]) => `${k} = ${v}`).join('; ');
  return [
    table,
    'sources:',
    ...sources.map((source, i) => `  [${i + 1}] ${source}`),
    `Serverless authentication: ${result.serverlessAuthentication.join(', ')} only; no broker-level configuration, no ZooKeeper`,
    `prices: on-demand USD, ${result.priceRegion}, as of ${result.priceDate}`,
    `units: ${result.unitConvention}`,
    `confidence: ${legend}`,
    'override any value with --quotas FILE (YAML/JSON, nested keys as above, e.g. "serverless: { partitions: 4000 }")',
  ].join('\n');
}

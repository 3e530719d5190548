/**
 * Renders a command's typed result. `json` and `yaml` render the same object and are the stable
 * contract for scripts; `table` is for people and is produced by the command's own table function.
 */
import { stringify as toYaml } from 'yaml';
import Table from 'cli-table3';
import { usageError } from './errors.js';

export const OUTPUT_FORMATS = ['table', 'json', 'yaml', 'mermaid'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface RenderOptions {
  color: boolean;
}

export function renderResult<T>(
  data: T,
  format: OutputFormat,
  table: ((data: T, options: RenderOptions) => string) | undefined,
  options: RenderOptions,
  mermaid?: (data: T) => string,
): string {
  switch (format) {
    case 'mermaid': {
      // a diagram only where a command draws one (split plan); elsewhere it is a usage error
      if (!mermaid) throw usageError('--output mermaid is not available for this command', 'use --output table, json or yaml (mermaid: split plan)');
      const text = mermaid(data);
      return text.endsWith('\n') ? text : text + '\n';
    }
    case 'json':
      return JSON.stringify(data, null, 2) + '\n';
    case 'yaml':
      return toYaml(data, { lineWidth: 0 });
    case 'table': {
      if (table) {
        const text = table(data, options);
        return text.endsWith('\n') ? text : text + '\n';
      }
      return toYaml(data, { lineWidth: 0 });
    }
  }
}

export type Cell = string | number | { content: string; colSpan?: number; hAlign?: 'left' | 'center' | 'right' };

/** A cli-table3 table with mskctl's look; colours only when allowed. */
export function formatTable(head: string[], rows: Cell[][], options: RenderOptions, title?: string): string {
  const table = new Table({
    head,
    style: { head: options.color ? ['cyan'] : [], border: options.color ? ['grey'] : [] },
  });
  for (const row of rows) table.push(row as never);
  const body = table.toString();
  return title ? `${title}\n${body}` : body;
}

/** Key/value table for single objects. */
export function formatKeyValue(pairs: Array<[string, string | number]>, options: RenderOptions, title?: string): string {
  const table = new Table({ style: { head: [], border: options.color ? ['grey'] : [] } });
  for (const [key, value] of pairs) table.push({ [key]: String(value) } as never);
  const body = table.toString();
  return title ? `${title}\n${body}` : body;
}

export function paint(options: RenderOptions, code: 'red' | 'green' | 'yellow' | 'dim' | 'bold', text: string): string {
  if (!options.color) return text;
  const codes = { red: '31', green: '32', yellow: '33', dim: '2', bold: '1' } as const;
  return `\x1b[${codes[code]}m${text}\x1b[0m`;
}

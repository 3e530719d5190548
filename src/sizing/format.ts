/** Printing sizing figures with their units (decimal, with the binary reading where a limit is binary). */
import { formatBinaryBytes, formatBytes, formatNumber, formatThroughput } from './units.js';

/** "8.39 MB (8 MiB)" when a byte figure is a whole number of a binary unit but not of a decimal one, else "15 MB". */
export function formatBytesBoth(bytes: number, digits = 2): string {
  const decimal = formatBytes(bytes, digits);
  const binaryStep = [1024 ** 4, 1024 ** 3, 1024 ** 2, 1024].find((step) => bytes >= step);
  const decimalStep = [1e12, 1e9, 1e6, 1e3].find((step) => bytes >= step);
  if (binaryStep !== undefined && Number.isInteger(bytes / binaryStep) && (decimalStep === undefined || !Number.isInteger(bytes / decimalStep))) {
    return `${decimal} (${formatBinaryBytes(bytes, digits)})`;
  }
  return decimal;
}

/** Storage: decimal and binary side by side, "1,166.4 TB (1,060.838 TiB)". */
export function formatStorage(bytes: number): string {
  return `${formatBytes(bytes, 3)} (${formatBinaryBytes(bytes, 3)})`;
}

/** A figure in the canonical units the sizing cores use ("B/s", "B", or a count's unit). */
export function formatFigure(value: number, unit: string): string {
  if (unit === 'B/s') return formatThroughput(value);
  if (unit === 'B') return formatBytesBoth(value);
  // "1 group", "2 groups": units that are one plural word read better in the singular for 1
  const label = value === 1 && /^[a-z]+s$/.test(unit) ? unit.slice(0, -1) : unit;
  return `${formatNumber(value)} ${label}`;
}

export function formatUsd(value: number): string {
  return `$${formatNumber(value, value >= 100 ? 0 : 2)}`;
}

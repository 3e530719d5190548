/**
 * Units, parsed and printed explicitly. Convention (stated in every output that prints a figure):
 * - input sizes accept decimal (KB = 1000 B, MB, GB, TB) and binary (KiB = 1024 B, MiB, GiB, TiB) units;
 * - printed throughput and storage use DECIMAL units (MB/s = 10^6 B/s, GB, TB), with binary given
 *   where a limit is defined in binary (the 8 MiB message size). AWS writes its quotas as "MBps"
 *   without defining M; the limits module records which reading it uses.
 */

export const UNIT_CONVENTION =
  'decimal units: 1 KB = 1000 B, 1 MB = 10^6 B, 1 GB = 10^9 B, 1 TB = 10^12 B; binary units say so (KiB, MiB, GiB, TiB = powers of 1024)';

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  byte: 1,
  bytes: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

const DURATION_UNITS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  sec: 1,
  m: 60,
  min: 60,
  h: 3600,
  hr: 3600,
  d: 86400,
  day: 86400,
  days: 86400,
  w: 604800,
};

/** Thrown by the parsers; callers wrap it into an inputError with the file/field location. */
export class UnitParseError extends Error {
  constructor(
    readonly found: string,
    readonly expected: string,
  ) {
    super(`found ${JSON.stringify(found)}, expected ${expected}`);
    this.name = 'UnitParseError';
  }
}

const NUMBER = String.raw`([0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:e([+-]?[0-9]+))?`;

function parseNumberWithUnit(text: string): { value: number; unit: string } | undefined {
  const match = new RegExp(`^\\s*${NUMBER}\\s*([a-zA-Z/]*)\\s*$`).exec(text.replace(/_/g, '').replace(/,(?=\d{3}\b)/g, ''));
  if (!match) return undefined;
  const mantissa = Number(match[1]);
  const exponent = match[2] === undefined ? 0 : Number(match[2]);
  return { value: mantissa * 10 ** exponent, unit: (match[3] ?? '').toLowerCase() };
}

const SIZE_EXPECTED = 'a size with a unit, such as 512B, 30KB, 30KiB, 15MB or 8MiB';

/** Parses a size ("30KB", "30 KiB", "8MiB") to bytes. A bare number is refused: units are explicit. */
export function parseSize(text: string | number): number {
  if (typeof text === 'number') throw new UnitParseError(String(text), SIZE_EXPECTED);
  const parsed = parseNumberWithUnit(text);
  if (!parsed || parsed.unit === '') throw new UnitParseError(text, SIZE_EXPECTED);
  const factor = SIZE_UNITS[parsed.unit];
  if (factor === undefined) throw new UnitParseError(text, SIZE_EXPECTED);
  return parsed.value * factor;
}

const RATE_EXPECTED = 'a rate such as 1000/s, 1.5k/s, 60000/min or 1000';

/** Parses a message rate ("1000/s", "60000/min", "2k/s", or a bare number meaning per second) to per second. */
export function parseRate(text: string | number): number {
  if (typeof text === 'number') {
    if (!Number.isFinite(text)) throw new UnitParseError(String(text), RATE_EXPECTED);
    return text;
  }
  const match = /^\s*([0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*([kmKM]?)\s*(?:\/\s*(s|sec|second|m|min|minute|h|hour))?\s*$/.exec(
    text.replace(/_/g, '').replace(/,(?=\d{3}\b)/g, ''),
  );
  if (!match) throw new UnitParseError(text, RATE_EXPECTED);
  const scale = { '': 1, k: 1e3, m: 1e6 }[(match[2] ?? '').toLowerCase()] ?? 1;
  const per = { s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hour: 3600 }[match[3] ?? 's'] ?? 1;
  return (Number(match[1]) * scale) / per;
}

const THROUGHPUT_EXPECTED = 'a throughput such as 5MB/s, 512KiB/s or 1GB/s';

/** Parses a byte throughput ("5MB/s", "512 KiB/s") to bytes per second. */
export function parseThroughput(text: string | number): number {
  if (typeof text === 'number') throw new UnitParseError(String(text), THROUGHPUT_EXPECTED);
  const match = /^(.*?)\s*\/\s*(s|sec|second)\s*$/i.exec(text) ?? /^(.*?)ps\s*$/i.exec(text);
  if (!match) throw new UnitParseError(text, THROUGHPUT_EXPECTED);
  try {
    return parseSize(match[1]!);
  } catch {
    throw new UnitParseError(text, THROUGHPUT_EXPECTED);
  }
}

const DURATION_EXPECTED = 'a duration with a unit, such as 500ms, 30s, 30m, 72h or 7d';

/** Parses a duration ("72h", "7d", "30m", "1h30m") to seconds. */
export function parseDuration(text: string | number): number {
  if (typeof text === 'number') throw new UnitParseError(String(text), DURATION_EXPECTED);
  const compact = text.replace(/\s+/g, '').toLowerCase();
  if (compact === '') throw new UnitParseError(text, DURATION_EXPECTED);
  let total = 0;
  let rest = compact;
  const piece = /^([0-9]+(?:\.[0-9]+)?)(ms|sec|min|hr|days|day|s|m|h|d|w)/;
  while (rest.length > 0) {
    const match = piece.exec(rest);
    if (!match) throw new UnitParseError(text, DURATION_EXPECTED);
    total += Number(match[1]) * DURATION_UNITS[match[2]!]!;
    rest = rest.slice(match[0].length);
  }
  return total;
}

export function parseDurationMs(text: string | number): number {
  return Math.round(parseDuration(text) * 1000);
}

function trimNumber(value: number, digits: number): string {
  if (!Number.isFinite(value)) return String(value);
  const fixed = value.toFixed(digits);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** Formats a number with thousands separators and at most `digits` decimals. */
export function formatNumber(value: number, digits = 2): string {
  const [intPart, frac] = trimNumber(value, digits).split('.');
  const grouped = intPart!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac ? `${grouped}.${frac}` : grouped;
}

const DECIMAL_STEPS: Array<[number, string]> = [
  [1e12, 'TB'],
  [1e9, 'GB'],
  [1e6, 'MB'],
  [1e3, 'KB'],
];
const BINARY_STEPS: Array<[number, string]> = [
  [1024 ** 4, 'TiB'],
  [1024 ** 3, 'GiB'],
  [1024 ** 2, 'MiB'],
  [1024, 'KiB'],
];

/** "4.5 GB", "300 KB", "12 B" (decimal). */
export function formatBytes(bytes: number, digits = 2): string {
  for (const [factor, unit] of DECIMAL_STEPS) if (Math.abs(bytes) >= factor) return `${formatNumber(bytes / factor, digits)} ${unit}`;
  return `${formatNumber(bytes, digits)} B`;
}

/** "8 MiB", "1.5 GiB" (binary). */
export function formatBinaryBytes(bytes: number, digits = 2): string {
  for (const [factor, unit] of BINARY_STEPS) if (Math.abs(bytes) >= factor) return `${formatNumber(bytes / factor, digits)} ${unit}`;
  return `${formatNumber(bytes, digits)} B`;
}

/** "4.5 GB/s" (decimal). */
export function formatThroughput(bytesPerSecond: number, digits = 2): string {
  return `${formatBytes(bytesPerSecond, digits)}/s`;
}

/** "72 h", "7 d", "30 s", "250 ms". */
export function formatDuration(seconds: number): string {
  if (seconds >= 86400 && seconds % 86400 === 0) return `${seconds / 86400} d`;
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`;
  if (seconds < 1) return `${formatNumber(seconds * 1000, 1)} ms`;
  return `${formatNumber(seconds, 2)} s`;
}

export function formatPercent(fraction: number, digits = 1): string {
  return `${formatNumber(fraction * 100, digits)}%`;
}

/** Headroom as a fraction: accepts 0.8, "0.8", "80%" or "80". */
export function parseFraction(text: string | number): number {
  const raw = typeof text === 'number' ? String(text) : text.trim();
  const match = /^([0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*(%?)$/.exec(raw);
  if (!match) throw new UnitParseError(raw, 'a fraction between 0 and 1 such as 0.8, or a percentage such as 80%');
  let value = Number(match[1]);
  if (match[2] === '%' || value > 1) value /= 100;
  if (!(value > 0 && value <= 1)) throw new UnitParseError(raw, 'a fraction between 0 and 1 such as 0.8, or a percentage such as 80%');
  return value;
}

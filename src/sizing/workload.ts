/**
 * The workload model: what an application asks of Kafka, read from a file (one or many named workloads,
 * YAML or JSON) or from flags, validated up front with file:line, field path, found and expected.
 * Derived figures are pure functions of a Workload.
 */
import { inputError, usageError, type InputLocation } from '../output/errors.js';
import type { ParsedDocument } from '../input/yaml.js';
import { parseDuration, parseRate, parseSize, UnitParseError } from './units.js';

export const AUTH_MECHANISMS = ['iam', 'scram', 'tls', 'plaintext', 'unauthenticated'] as const;
export type AuthMechanism = (typeof AUTH_MECHANISMS)[number];

export interface Workload {
  name: string;
  /** messages per second */
  messagesPerSecond: number;
  avgMessageBytes: number;
  maxMessageBytes: number;
  consumerGroups: number;
  topics: number;
  /** total partitions across all topics */
  partitions: number;
  retentionSeconds: number;
  /** Provisioned replication factor; undefined = the limits' default (3) */
  replicationFactor?: number;
  compacted: boolean;
  /** the authentication its clients can use; undefined = not stated */
  auth?: AuthMechanism[];
  needsBrokerConfig: boolean;
  needsZookeeper: boolean;
  /** concurrent client connections, when known */
  connections?: number;
  /** client requests per second, when known */
  requestsPerSecond?: number;
  /** false when the workload must stay on one cluster (e.g. transactions spanning all topics) */
  splittable: boolean;
  /** where it was read from: "file:line" or "flags" */
  origin: string;
}

/** Every figure derived from a workload; field names carry their unit. */
export interface DerivedFigures {
  ingressBytesPerSecond: number;
  egressBytesPerSecond: number;
  partitions: number;
  partitionsPerTopic: number;
  ingressBytesPerSecondPerPartition: number;
  egressBytesPerSecondPerPartition: number;
  /** one copy: ingress × retention (what Serverless and Express bill) */
  storageBytes: number;
  replicationFactor: number;
  /** ingress × retention × replication factor (what Provisioned Standard keeps on EBS) */
  storageBytesReplicated: number;
  /** one copy of one partition, assuming the ingress is spread evenly */
  storageBytesPerPartition: number;
}

// ---- derived figures (pure) -----------------------------------------------------------------------------

export const ingressOf = (w: Workload): number => w.messagesPerSecond * w.avgMessageBytes;
export const egressOf = (w: Workload): number => ingressOf(w) * w.consumerGroups;
export const storageOf = (w: Workload): number => ingressOf(w) * w.retentionSeconds;
export const storageReplicatedOf = (w: Workload, replicationFactor: number): number => storageOf(w) * replicationFactor;

export function deriveFigures(w: Workload, defaultReplicationFactor: number): DerivedFigures {
  const ingress = ingressOf(w);
  const egress = egressOf(w);
  const replicationFactor = w.replicationFactor ?? defaultReplicationFactor;
  const storage = storageOf(w);
  return {
    ingressBytesPerSecond: ingress,
    egressBytesPerSecond: egress,
    partitions: w.partitions,
    partitionsPerTopic: w.partitions / w.topics,
    ingressBytesPerSecondPerPartition: ingress / w.partitions,
    egressBytesPerSecondPerPartition: egress / w.partitions,
    storageBytes: storage,
    replicationFactor,
    storageBytesReplicated: storage * replicationFactor,
    storageBytesPerPartition: storage / w.partitions,
  };
}

// ---- fields -------------------------------------------------------------------------------------------------

type Raw = unknown;
type Where = InputLocation;

/** One field: its name in files, its flag, what it expects, and how to read it. */
interface FieldSpec {
  key: string;
  flag: string;
  expected: string;
}

const FIELDS = {
  name: { key: 'name', flag: '--name', expected: 'a non-empty name' },
  rate: { key: 'rate', flag: '--rate', expected: 'a message rate > 0 such as 1000/s, 150k/s or 60000/min' },
  avgSize: { key: 'avgSize', flag: '--avg-size', expected: 'a size > 0 with a unit, such as 30KB or 30KiB' },
  maxSize: { key: 'maxSize', flag: '--max-size', expected: 'a size with a unit, at least the average size, such as 1MB or 8MiB' },
  consumerGroups: { key: 'consumerGroups', flag: '--groups', expected: 'a whole number >= 0 of consumer groups' },
  topics: { key: 'topics', flag: '--topics', expected: 'a whole number >= 1 of topics' },
  partitionsPerTopic: { key: 'partitionsPerTopic', flag: '--partitions', expected: 'a whole number >= 1 of partitions per topic' },
  partitions: { key: 'partitions', flag: '--partitions-total', expected: 'a whole number >= 1 of partitions in total' },
  retention: { key: 'retention', flag: '--retention', expected: 'a duration > 0 with a unit, such as 72h or 7d' },
  replicationFactor: { key: 'replicationFactor', flag: '--replication-factor', expected: 'a whole number >= 1, usually 3' },
  compacted: { key: 'compacted', flag: '--compacted', expected: 'true or false' },
  auth: { key: 'auth', flag: '--auth', expected: `one or more of ${AUTH_MECHANISMS.join(', ')}` },
  needsBrokerConfig: { key: 'needsBrokerConfig', flag: '--needs-broker-config', expected: 'true or false' },
  needsZookeeper: { key: 'needsZookeeper', flag: '--needs-zookeeper', expected: 'true or false' },
  connections: { key: 'connections', flag: '--connections', expected: 'a whole number >= 0 of client connections' },
  requestRate: { key: 'requestRate', flag: '--request-rate', expected: 'a request rate > 0 such as 5000/s' },
  splittable: { key: 'splittable', flag: '--not-splittable', expected: 'true or false' },
} as const satisfies Record<string, FieldSpec>;

type FieldName = keyof typeof FIELDS;
const FILE_KEYS = Object.values(FIELDS).map((f) => f.key);

function show(raw: Raw): string {
  if (typeof raw === 'string') return JSON.stringify(raw);
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return `a list (${JSON.stringify(raw)})`;
  if (typeof raw === 'object') return 'a mapping';
  return String(raw);
}

function bad(where: Where, field: FieldName, raw: Raw, detail?: string): never {
  throw inputError(where, `found ${show(raw)}${detail ? ` (${detail})` : ''}`, FIELDS[field].expected);
}

/** How raw values arrive: typed YAML/JSON scalars from files, strings from flags. */
type Origin = 'file' | 'flag';

function readCount(raw: Raw, where: Where, field: FieldName, min: number, origin: Origin): number {
  let value: number;
  if (typeof raw === 'number') value = raw;
  else if (origin === 'flag' && typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw)) value = Number(raw);
  else bad(where, field, raw);
  if (!Number.isInteger(value)) bad(where, field, raw, 'not a whole number');
  if (value < min) bad(where, field, raw, min === 1 ? 'must be at least 1' : 'must not be negative');
  return value;
}

function readPositiveRate(raw: Raw, where: Where, field: FieldName, origin: Origin): number {
  if (typeof raw !== 'number' && typeof raw !== 'string') bad(where, field, raw);
  if (origin === 'flag' && typeof raw === 'string' && /^\s*-/.test(raw)) bad(where, field, raw, 'must be greater than zero');
  let value: number;
  try {
    value = parseRate(raw);
  } catch (error) {
    if (error instanceof UnitParseError) bad(where, field, raw);
    throw error;
  }
  if (!(value > 0)) bad(where, field, raw, 'must be greater than zero');
  return value;
}

function readSize(raw: Raw, where: Where, field: FieldName): number {
  if (typeof raw !== 'string') bad(where, field, raw, typeof raw === 'number' ? 'a number without a unit' : undefined);
  let value: number;
  try {
    value = parseSize(raw);
  } catch (error) {
    if (error instanceof UnitParseError) bad(where, field, raw, /^\s*-/.test(raw) ? 'must be greater than zero' : /\d\s*$/.test(raw) ? 'no unit' : 'unknown or missing unit');
    throw error;
  }
  if (!(value > 0)) bad(where, field, raw, 'must be greater than zero');
  return value;
}

function readDuration(raw: Raw, where: Where, field: FieldName): number {
  if (typeof raw !== 'string') bad(where, field, raw, typeof raw === 'number' ? 'a number without a unit' : undefined);
  let value: number;
  try {
    value = parseDuration(raw);
  } catch (error) {
    if (error instanceof UnitParseError) bad(where, field, raw);
    throw error;
  }
  if (!(value > 0)) bad(where, field, raw, 'must be greater than zero');
  return value;
}

function readBoolean(raw: Raw, where: Where, field: FieldName): boolean {
  if (typeof raw === 'boolean') return raw;
  bad(where, field, raw);
}

function readAuth(raw: Raw, where: Where, at: (i: number) => Where): AuthMechanism[] {
  const list = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter((s) => s !== '') : raw;
  if (!Array.isArray(list) || list.length === 0) bad(where, 'auth', raw);
  return list.map((item: unknown, i: number) => {
    const normalised = typeof item === 'string' ? item.trim().toLowerCase().replace(/^sasl[/_-]?/, '') : item;
    const alias = normalised === 'mtls' ? 'tls' : normalised === 'aws_msk_iam' || normalised === 'oauthbearer' ? 'iam' : normalised;
    if (typeof alias !== 'string' || !(AUTH_MECHANISMS as readonly string[]).includes(alias)) {
      bad(typeof raw === 'string' ? where : at(i), 'auth', item);
    }
    return alias as AuthMechanism;
  });
}

function readName(raw: Raw, where: Where): string {
  if (typeof raw === 'number') return String(raw);
  if (typeof raw !== 'string' || raw.trim() === '') bad(where, 'name', raw);
  return raw.trim();
}

// ---- building one workload ----------------------------------------------------------------------------------

interface FieldSource {
  origin: Origin;
  /** raw value of a field, undefined when absent */
  get(field: FieldName): Raw;
  where(field: FieldName): Where;
  /** location of list item i of a field */
  whereItem(field: FieldName, index: number): Where;
  /** the workload as a whole, for "missing field" errors */
  whole: Where;
  describe(field: FieldName): string;
}

function buildWorkload(src: FieldSource, fallbackName: string, originText: string): Workload {
  const present = (f: FieldName): boolean => src.get(f) !== undefined && src.get(f) !== null;
  const require = (f: FieldName, why = ''): Raw => {
    if (!present(f)) {
      throw inputError(src.whole, `missing ${src.describe(f)}${why}`, FIELDS[f].expected, 'INPUT_MISSING');
    }
    return src.get(f);
  };

  const name = present('name') ? readName(src.get('name'), src.where('name')) : fallbackName;
  const messagesPerSecond = readPositiveRate(require('rate'), src.where('rate'), 'rate', src.origin);
  const avgMessageBytes = readSize(require('avgSize'), src.where('avgSize'), 'avgSize');
  const maxMessageBytes = present('maxSize') ? readSize(src.get('maxSize'), src.where('maxSize'), 'maxSize') : avgMessageBytes;
  if (maxMessageBytes < avgMessageBytes) {
    throw inputError(src.where('maxSize'), `found ${show(src.get('maxSize'))}, below the average size ${show(src.get('avgSize'))}`, FIELDS.maxSize.expected);
  }
  const consumerGroups = readCount(require('consumerGroups'), src.where('consumerGroups'), 'consumerGroups', 0, src.origin);
  const topics = readCount(require('topics'), src.where('topics'), 'topics', 1, src.origin);

  if (present('partitions') && present('partitionsPerTopic')) {
    throw inputError(src.where('partitions'), `both ${src.describe('partitions')} and ${src.describe('partitionsPerTopic')} given`, `one of them: ${FIELDS.partitions.expected}, or ${FIELDS.partitionsPerTopic.expected}`);
  }
  let partitions: number;
  if (present('partitions')) {
    partitions = readCount(src.get('partitions'), src.where('partitions'), 'partitions', 1, src.origin);
    if (partitions < topics) {
      throw inputError(src.where('partitions'), `found ${partitions} partitions for ${topics} topics`, 'at least one partition per topic');
    }
  } else if (present('partitionsPerTopic')) {
    partitions = topics * readCount(src.get('partitionsPerTopic'), src.where('partitionsPerTopic'), 'partitionsPerTopic', 1, src.origin);
  } else {
    throw inputError(src.whole, `missing ${src.describe('partitionsPerTopic')} or ${src.describe('partitions')}`, `${FIELDS.partitionsPerTopic.expected}, or ${FIELDS.partitions.expected}`, 'INPUT_MISSING');
  }

  const retentionSeconds = readDuration(require('retention'), src.where('retention'), 'retention');
  const replicationFactor = present('replicationFactor')
    ? readCount(src.get('replicationFactor'), src.where('replicationFactor'), 'replicationFactor', 1, src.origin)
    : undefined;
  const bool = (f: FieldName, fallback: boolean): boolean => (present(f) ? readBoolean(src.get(f), src.where(f), f) : fallback);
  const auth = present('auth') ? readAuth(src.get('auth'), src.where('auth'), (i) => src.whereItem('auth', i)) : undefined;
  const connections = present('connections') ? readCount(src.get('connections'), src.where('connections'), 'connections', 0, src.origin) : undefined;
  const requestsPerSecond = present('requestRate') ? readPositiveRate(src.get('requestRate'), src.where('requestRate'), 'requestRate', src.origin) : undefined;

  return {
    name,
    messagesPerSecond,
    avgMessageBytes,
    maxMessageBytes,
    consumerGroups,
    topics,
    partitions,
    retentionSeconds,
    ...(replicationFactor === undefined ? {} : { replicationFactor }),
    compacted: bool('compacted', false),
    ...(auth === undefined ? {} : { auth: [...new Set(auth)] }),
    needsBrokerConfig: bool('needsBrokerConfig', false),
    needsZookeeper: bool('needsZookeeper', false),
    ...(connections === undefined ? {} : { connections }),
    ...(requestsPerSecond === undefined ? {} : { requestsPerSecond }),
    splittable: bool('splittable', true),
    origin: originText,
  };
}

// ---- from a file --------------------------------------------------------------------------------------------

function pathText(path: Array<string | number>): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text === '' ? part : `.${part}`;
  return text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function suggest(key: string): string {
  const lower = key.toLowerCase().replace(/[-_]/g, '');
  const match = FILE_KEYS.find((k) => k.toLowerCase() === lower);
  return match ? ` (did you mean ${match}?)` : '';
}

function fromFileNode(doc: ParsedDocument, node: unknown, path: Array<string | number>, fallbackName: string): Workload {
  const loc = (p: Array<string | number>): Where => ({ file: doc.file, line: doc.lineOf(p), path: pathText(p) || '(top level)' });
  if (!isRecord(node)) {
    throw inputError(loc(path), `found ${show(node)}`, 'a workload: a mapping with rate, avgSize, consumerGroups, topics, partitionsPerTopic, retention, ...');
  }
  for (const key of Object.keys(node)) {
    if (!FILE_KEYS.includes(key as never)) {
      throw inputError(loc([...path, key]), `unknown field "${key}"${suggest(key)}`, `one of: ${FILE_KEYS.join(', ')}`, 'INPUT_UNKNOWN_FIELD');
    }
  }
  const src: FieldSource = {
    origin: 'file',
    get: (f) => node[FIELDS[f].key],
    where: (f) => loc([...path, FIELDS[f].key]),
    whereItem: (f, i) => loc([...path, FIELDS[f].key, i]),
    whole: loc(path),
    describe: (f) => `field "${FIELDS[f].key}"`,
  };
  return buildWorkload(src, fallbackName, `${doc.file}:${doc.lineOf(path) ?? 1}`);
}

/**
 * Reads workloads from a parsed file. Accepted shapes:
 *   workloads: [ {name: a, ...}, {name: b, ...} ]      a list of named workloads
 *   workloads: { a: {...}, b: {...} }                   a mapping from name to workload
 *   { name: a, rate: ..., ... }                          one workload at the top level
 */
export function workloadsFromDocument(doc: ParsedDocument): Workload[] {
  const root = doc.value;
  const baseName = doc.file.replace(/^.*[\\/]/, '').replace(/\.(ya?ml|json)$/i, '');
  if (!isRecord(root)) {
    throw inputError({ file: doc.file, line: 1, path: '(top level)' }, `found ${show(root)}`, 'a mapping: either `workloads:` (a list or a mapping of named workloads) or one workload');
  }
  let workloads: Workload[];
  if ('workloads' in root) {
    const extra = Object.keys(root).filter((k) => k !== 'workloads');
    if (extra.length > 0) {
      throw inputError({ file: doc.file, line: doc.lineOf([extra[0]!]), path: extra[0] }, `unknown top-level field "${extra[0]}"`, 'only `workloads:` next to the list of workloads', 'INPUT_UNKNOWN_FIELD');
    }
    const list = root.workloads;
    if (Array.isArray(list)) {
      if (list.length === 0) throw inputError({ file: doc.file, line: doc.lineOf(['workloads']), path: 'workloads' }, 'found an empty list', 'at least one workload', 'INPUT_EMPTY');
      workloads = list.map((item, i) => fromFileNode(doc, item, ['workloads', i], `workload-${i + 1}`));
    } else if (isRecord(list)) {
      if (Object.keys(list).length === 0) throw inputError({ file: doc.file, line: doc.lineOf(['workloads']), path: 'workloads' }, 'found an empty mapping', 'at least one workload', 'INPUT_EMPTY');
      workloads = Object.entries(list).map(([name, item]) => {
        const w = fromFileNode(doc, item, ['workloads', name], name);
        return isRecord(item) && item.name !== undefined ? w : { ...w, name };
      });
    } else {
      throw inputError({ file: doc.file, line: doc.lineOf(['workloads']), path: 'workloads' }, `found ${show(list)}`, 'a list of workloads, or a mapping from name to workload');
    }
  } else {
    workloads = [fromFileNode(doc, root, [], baseName)];
  }
  const seen = new Map<string, string>();
  for (const w of workloads) {
    const first = seen.get(w.name);
    if (first !== undefined) {
      const [file, line] = [w.origin.replace(/:\d+$/, ''), Number(w.origin.replace(/^.*:/, ''))];
      throw inputError({ file, line, path: 'name' }, `duplicate workload name "${w.name}" (first at ${first})`, 'a unique name per workload');
    }
    seen.set(w.name, w.origin);
  }
  return workloads;
}

// ---- from flags ---------------------------------------------------------------------------------------------

/** commander's camelCased option names for the workload flags */
export interface WorkloadFlags {
  name?: string;
  rate?: string;
  avgSize?: string;
  maxSize?: string;
  groups?: string;
  topics?: string;
  partitions?: string;
  partitionsTotal?: string;
  retention?: string;
  replicationFactor?: string;
  compacted?: boolean;
  auth?: string[];
  needsBrokerConfig?: boolean;
  needsZookeeper?: boolean;
  connections?: string;
  requestRate?: string;
  notSplittable?: boolean;
}

const FLAG_OPTION: Record<FieldName, keyof WorkloadFlags> = {
  name: 'name',
  rate: 'rate',
  avgSize: 'avgSize',
  maxSize: 'maxSize',
  consumerGroups: 'groups',
  topics: 'topics',
  partitionsPerTopic: 'partitions',
  partitions: 'partitionsTotal',
  retention: 'retention',
  replicationFactor: 'replicationFactor',
  compacted: 'compacted',
  auth: 'auth',
  needsBrokerConfig: 'needsBrokerConfig',
  needsZookeeper: 'needsZookeeper',
  connections: 'connections',
  requestRate: 'requestRate',
  splittable: 'notSplittable',
};

/** True when any workload flag was given (used to refuse a file and flags together). */
export function hasWorkloadFlags(flags: WorkloadFlags): boolean {
  return (Object.keys(FLAG_OPTION) as FieldName[]).some((f) => {
    const value = flags[FLAG_OPTION[f]];
    return value !== undefined && value !== false;
  });
}

/** Builds one workload from flags; errors name the flag. */
export function workloadFromFlags(flags: WorkloadFlags): Workload {
  if (!hasWorkloadFlags(flags)) {
    throw usageError(
      'no workload given',
      'pass a workload file (mskctl size fixtures/workloads/worked-example.yaml) or flags: --rate 1000/s --avg-size 15KB --groups 1 --topics 10 --partitions 5 --retention 7d',
    );
  }
  const src: FieldSource = {
    origin: 'flag',
    get: (f) => {
      const value = flags[FLAG_OPTION[f]];
      if (f === 'splittable') return value === true ? false : undefined;
      return value === false ? undefined : value;
    },
    where: (f) => ({ path: FIELDS[f].flag }),
    whereItem: (f) => ({ path: FIELDS[f].flag }),
    whole: { path: 'flags' },
    describe: (f) => FIELDS[f].flag,
  };
  return buildWorkload(src, flags.name ?? 'workload', 'flags');
}

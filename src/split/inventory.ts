/**
 * The split inventory: what runs on a monolithic Kafka cluster (applications and their owners and needs,
 * topics with throughput, consumer groups and what they read), validated up front so the planner can
 * trust every figure. Pure: takes a parsed document (src/input/yaml.ts), returns a normalised model.
 */
import type { ParsedDocument } from '../input/yaml.js';
import { inputError } from '../output/errors.js';
import { AUTH_MECHANISMS, type AuthMechanism } from '../sizing/workload.js';
import { parseDuration, parseRate, parseSize, parseThroughput, UnitParseError } from '../sizing/units.js';

export const LATENCY_CLASSES = ['time-sensitive', 'batch'] as const;
export type LatencyClass = (typeof LATENCY_CLASSES)[number];

/** the authentication modes a client can use: the sizing module's list, so both read the same */
export const AUTH_MODES = AUTH_MECHANISMS;
export type AuthMode = AuthMechanism;

/** The data class that makes data sensitive; any other label (internal, public, ...) is not. */
export const PII_DATA_CLASS = 'pii';

/** Marker the live inventory writes where a person has to fill in a value. */
export const TODO_MARKER = 'TODO';

export interface Application {
  name: string;
  team: string;
  latency: LatencyClass;
  dataClass: string;
  auth: AuthMode[];
  needsBrokerConfig: boolean;
  needsZookeeper: boolean;
  /** client connections the application opens to the cluster (0 when unknown) */
  connections: number;
  /** names of the topics it produces to (patterns resolved) */
  produces: string[];
}

export interface Topic {
  /** a topic name, or a glob pattern standing for a family of topics that move together */
  name: string;
  isPattern: boolean;
  /** how many topics the entry stands for (1 for a plain topic) */
  count: number;
  /** total partitions of the entry */
  partitions: number;
  ingressBytesPerSecond: number;
  messagesPerSecond?: number;
  avgMessageBytes?: number;
  /** the largest message produced (falls back to avgMessageBytes when not given) */
  maxMessageBytes?: number;
  /** the topic's max.message.bytes setting on the source cluster, when known */
  maxMessageBytesConfig?: number;
  /** seconds, or null for unlimited retention */
  retentionSeconds: number | null;
  compacted: boolean;
  /** bytes on disk (one copy), when measured */
  storageBytes?: number;
  /** application that owns the topic (defaults to its first producer) */
  owner?: string;
  /** data class of the topic's data (defaults to the owner's) */
  dataClass?: string;
}

export interface ConsumerGroup {
  name: string;
  application: string;
  /** names of the topics it reads (patterns resolved) */
  topics: string[];
  clientIds: string[];
}

export interface Inventory {
  file: string;
  applications: Application[];
  topics: Topic[];
  consumerGroups: ConsumerGroup[];
}

type Path = Array<string | number>;

function pathText(path: Path): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text === '' ? part : `.${part}`;
  return text;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}

/** Builds errors that carry the file, the line and the field path. */
class Reader {
  constructor(private readonly doc: ParsedDocument) {}

  fail(path: Path, problem: string, expected?: string): never {
    throw inputError({ file: this.doc.file, line: this.doc.lineOf(path), path: pathText(path) || undefined }, problem, expected);
  }

  map(value: unknown, path: Path, allowed: readonly string[], what: string): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(path, `found ${describe(value)}`, `${what} (a map)`);
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!allowed.includes(key)) this.fail([...path, key], `unknown field "${key}"`, `one of: ${allowed.join(', ')}`);
    }
    return record;
  }

  list(value: unknown, path: Path, what: string): unknown[] {
    if (!Array.isArray(value)) this.fail(path, `found ${describe(value)}`, `a list of ${what}`);
    return value;
  }

  string(value: unknown, path: Path, what: string): string {
    if (typeof value !== 'string' || value.trim() === '') this.fail(path, `found ${describe(value)}`, what);
    if (value.trim().toUpperCase().startsWith(TODO_MARKER)) {
      this.fail(path, `still says ${JSON.stringify(value)}`, `${what} (fill in the TODO the inventory left)`);
    }
    return value.trim();
  }

  stringList(value: unknown, path: Path, what: string): string[] {
    const items = typeof value === 'string' ? [value] : this.list(value, path, what);
    return items.map((item, i) => this.string(item, typeof value === 'string' ? path : [...path, i], what));
  }

  boolean(value: unknown, path: Path): boolean {
    if (typeof value !== 'boolean') this.fail(path, `found ${describe(value)}`, 'true or false');
    return value;
  }

  integer(value: unknown, path: Path, min: number, what: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) this.fail(path, `found ${describe(value)}`, what);
    return value;
  }

  oneOf<T extends string>(value: unknown, path: Path, choices: readonly T[]): T {
    const text = this.string(value, path, `one of: ${choices.join(', ')}`);
    if (!(choices as readonly string[]).includes(text)) this.fail(path, `found ${JSON.stringify(text)}`, `one of: ${choices.join(', ')}`);
    return text as T;
  }

  unit(value: unknown, path: Path, parse: (text: string | number) => number, positive: boolean): number {
    if (typeof value === 'string' && value.trim().toUpperCase().startsWith(TODO_MARKER)) {
      this.fail(path, `still says ${JSON.stringify(value)}`, 'a value with its unit (fill in the TODO the inventory left)');
    }
    try {
      const parsed = parse(value as string | number);
      if (!Number.isFinite(parsed) || parsed < 0 || (positive && parsed === 0)) {
        this.fail(path, `found ${describe(value)}`, positive ? 'a value above zero' : 'a value of zero or more');
      }
      return parsed;
    } catch (error) {
      if (error instanceof UnitParseError) this.fail(path, `found ${describe(value)}`, error.expected);
      throw error;
    }
  }
}

const TOP_FIELDS = ['version', 'source', 'defaults', 'applications', 'consumerGroups', 'topics'] as const;
const REQUIREMENT_FIELDS = ['latency', 'dataClass', 'auth', 'needsBrokerConfig', 'needsZookeeper'] as const;
const APPLICATION_FIELDS = ['name', 'team', ...REQUIREMENT_FIELDS, 'connections', 'produces', 'clientIds', 'note'] as const;
const GROUP_FIELDS = ['name', 'application', 'topics', 'clientIds', 'note'] as const;
const TOPIC_FIELDS = [
  'name',
  'pattern',
  'count',
  'partitions',
  'rate',
  'avgSize',
  'maxSize',
  'throughput',
  'maxMessageBytes',
  'retention',
  'compacted',
  'storage',
  'owner',
  'dataClass',
  'note',
] as const;

interface Requirements {
  latency?: LatencyClass;
  dataClass?: string;
  auth?: AuthMode[];
  needsBrokerConfig?: boolean;
  needsZookeeper?: boolean;
}

function readRequirements(reader: Reader, record: Record<string, unknown>, path: Path): Requirements {
  const out: Requirements = {};
  if (record.latency !== undefined) out.latency = reader.oneOf(record.latency, [...path, 'latency'], LATENCY_CLASSES);
  if (record.dataClass !== undefined) out.dataClass = reader.string(record.dataClass, [...path, 'dataClass'], 'a data class such as pii, internal or public').toLowerCase();
  if (record.auth !== undefined) {
    const modes = reader.stringList(record.auth, [...path, 'auth'], `authentication modes (${AUTH_MODES.join(', ')})`);
    if (modes.length === 0) reader.fail([...path, 'auth'], 'found an empty list', `at least one of: ${AUTH_MODES.join(', ')}`);
    out.auth = modes.map((mode, i) => reader.oneOf(mode.toLowerCase(), Array.isArray(record.auth) ? [...path, 'auth', i] : [...path, 'auth'], AUTH_MODES));
  }
  if (record.needsBrokerConfig !== undefined) out.needsBrokerConfig = reader.boolean(record.needsBrokerConfig, [...path, 'needsBrokerConfig']);
  if (record.needsZookeeper !== undefined) out.needsZookeeper = reader.boolean(record.needsZookeeper, [...path, 'needsZookeeper']);
  return out;
}

const GLOB_CHARS = /[*?]/;

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** Resolves topic references (names or glob patterns) against the inventory's topic entries. */
function resolveTopicRefs(reader: Reader, refs: string[], path: Path, topicNames: Set<string>, allNames: string[]): string[] {
  const resolved = new Set<string>();
  refs.forEach((ref, i) => {
    const where = [...path, i];
    if (topicNames.has(ref)) {
      resolved.add(ref);
      return;
    }
    if (!GLOB_CHARS.test(ref)) reader.fail(where, `unknown topic "${ref}"`, 'the name of an entry under topics (or a glob pattern such as orders.*)');
    const regex = globToRegExp(ref);
    const prefix = ref.slice(0, ref.search(GLOB_CHARS));
    let matched = false;
    for (const name of allNames) {
      if (name.startsWith(prefix) && regex.test(name)) {
        resolved.add(name);
        matched = true;
      }
    }
    if (!matched) reader.fail(where, `pattern "${ref}" matches no topic`, 'a pattern matching at least one entry under topics');
  });
  return [...resolved];
}

/** Validates and normalises an inventory document. Throws an exit-2 error naming file:line and field path. */
export function parseInventory(doc: ParsedDocument): Inventory {
  const reader: Reader = new Reader(doc);
  const top = reader.map(doc.value, [], TOP_FIELDS, 'an inventory with applications, consumerGroups and topics');
  if (top.version !== undefined && top.version !== 1) reader.fail(['version'], `found ${describe(top.version)}`, 'version 1');
  if (top.source !== undefined && (top.source === null || typeof top.source !== 'object' || Array.isArray(top.source))) {
    reader.fail(['source'], `found ${describe(top.source)}`, 'a map describing where the inventory was measured');
  }
  const defaults = top.defaults === undefined ? {} : readRequirements(reader, reader.map(top.defaults, ['defaults'], REQUIREMENT_FIELDS, 'default requirements'), ['defaults']);

  // topics first: applications and groups refer to them
  const topics: Topic[] = [];
  const topicIndex = new Map<string, number>();
  const rawTopics = top.topics === undefined ? reader.fail(['topics'], 'missing', 'a list of topics') : reader.list(top.topics, ['topics'], 'topics');
  const topicOwnerRefs: Array<{ ref: string; path: Path }> = [];
  rawTopics.forEach((raw, i) => {
    const path: Path = ['topics', i];
    const record = reader.map(raw, path, TOPIC_FIELDS, 'a topic');
    if ((record.name === undefined) === (record.pattern === undefined)) {
      reader.fail(path, record.name === undefined ? 'neither name nor pattern given' : 'both name and pattern given', 'exactly one of name (a topic) or pattern (a family of topics)');
    }
    const isPattern = record.pattern !== undefined;
    const name = isPattern ? reader.string(record.pattern, [...path, 'pattern'], 'a glob pattern such as tenant-*.events') : reader.string(record.name, [...path, 'name'], 'a topic name');
    if (topicIndex.has(name)) reader.fail([...path, isPattern ? 'pattern' : 'name'], `duplicate topic "${name}" (first at topics[${topicIndex.get(name)}])`, 'each topic listed once');
    const count = record.count === undefined ? 1 : reader.integer(record.count, [...path, 'count'], 1, 'a whole number of topics, 1 or more');
    if (!isPattern && count !== 1) reader.fail([...path, 'count'], `found ${count} on a single topic`, 'count only on a pattern entry');
    if (record.partitions === undefined) reader.fail(path, 'partitions missing', 'partitions: the total partition count (a whole number)');
    const partitions = reader.integer(record.partitions, [...path, 'partitions'], count, `a whole number of partitions, at least ${count}`);

    let ingress: number;
    let messagesPerSecond: number | undefined;
    let avgMessageBytes: number | undefined;
    if (record.throughput !== undefined) {
      if (record.rate !== undefined) reader.fail([...path, 'rate'], 'both throughput and rate given', 'either throughput (bytes per second) or rate with avgSize');
      ingress = reader.unit(record.throughput, [...path, 'throughput'], parseThroughput, false);
      if (record.avgSize !== undefined) avgMessageBytes = reader.unit(record.avgSize, [...path, 'avgSize'], parseSize, true);
    } else if (record.rate !== undefined) {
      messagesPerSecond = reader.unit(record.rate, [...path, 'rate'], parseRate, false);
      if (record.avgSize === undefined) reader.fail(path, 'rate given without avgSize', 'avgSize (such as 1KB) next to rate');
      avgMessageBytes = reader.unit(record.avgSize, [...path, 'avgSize'], parseSize, true);
      ingress = messagesPerSecond * avgMessageBytes;
    } else {
      reader.fail(path, 'no throughput given', 'throughput (such as 2MB/s) or rate with avgSize (such as rate: 1000/s, avgSize: 2KB)');
    }
    const maxMessageBytes = record.maxSize === undefined ? undefined : reader.unit(record.maxSize, [...path, 'maxSize'], parseSize, true);
    if (maxMessageBytes !== undefined && avgMessageBytes !== undefined && maxMessageBytes < avgMessageBytes) {
      reader.fail([...path, 'maxSize'], `maxSize ${String(record.maxSize)} is below avgSize ${String(record.avgSize)}`, 'a maximum message size at least the average');
    }
    const maxMessageBytesConfig = record.maxMessageBytes === undefined ? undefined : reader.unit(record.maxMessageBytes, [...path, 'maxMessageBytes'], parseSize, true);
    let retentionSeconds: number | null = 7 * 86400;
    if (record.retention !== undefined) {
      retentionSeconds = record.retention === 'unlimited' || record.retention === -1 ? null : reader.unit(record.retention, [...path, 'retention'], parseDuration, true);
    }
    const compacted = record.compacted === undefined ? false : reader.boolean(record.compacted, [...path, 'compacted']);
    const storageBytes = record.storage === undefined ? undefined : reader.unit(record.storage, [...path, 'storage'], parseSize, false);
    const dataClass = record.dataClass === undefined ? undefined : reader.string(record.dataClass, [...path, 'dataClass'], 'a data class such as pii, internal or public').toLowerCase();
    if (record.owner !== undefined) topicOwnerRefs.push({ ref: reader.string(record.owner, [...path, 'owner'], 'the name of an application'), path: [...path, 'owner'] });
    topicIndex.set(name, i);
    topics.push({
      name,
      isPattern,
      count,
      partitions,
      ingressBytesPerSecond: ingress,
      ...(messagesPerSecond !== undefined && { messagesPerSecond }),
      ...(avgMessageBytes !== undefined && { avgMessageBytes }),
      ...((maxMessageBytes ?? avgMessageBytes) !== undefined && { maxMessageBytes: maxMessageBytes ?? avgMessageBytes }),
      ...(maxMessageBytesConfig !== undefined && { maxMessageBytesConfig }),
      retentionSeconds,
      compacted,
      ...(storageBytes !== undefined && { storageBytes }),
      ...(record.owner !== undefined && { owner: (record.owner as string).trim() }),
      ...(dataClass !== undefined && { dataClass }),
    });
  });
  const topicNames = new Set(topicIndex.keys());
  const allTopicNames = [...topicIndex.keys()];

  const applications: Application[] = [];
  const applicationIndex = new Map<string, number>();
  const rawApplications = top.applications === undefined ? reader.fail(['applications'], 'missing', 'a list of applications') : reader.list(top.applications, ['applications'], 'applications');
  rawApplications.forEach((raw, i) => {
    const path: Path = ['applications', i];
    const record = reader.map(raw, path, APPLICATION_FIELDS, 'an application');
    if (record.name === undefined) reader.fail(path, 'name missing', 'name: the application name');
    const name = reader.string(record.name, [...path, 'name'], 'an application name');
    if (applicationIndex.has(name)) reader.fail([...path, 'name'], `duplicate application "${name}" (first at applications[${applicationIndex.get(name)}])`, 'each application listed once');
    if (record.team === undefined) reader.fail(path, 'team missing', 'team: the team that owns the application');
    const team = reader.string(record.team, [...path, 'team'], 'the owning team');
    const own = readRequirements(reader, record, path);
    const merged = { ...defaults, ...own };
    if (merged.auth === undefined) reader.fail(path, 'auth missing (and no defaults.auth)', `auth: the authentication modes its clients can use (${AUTH_MODES.join(', ')})`);
    const connections = record.connections === undefined ? 0 : reader.integer(record.connections, [...path, 'connections'], 0, 'a whole number of client connections');
    const produces = record.produces === undefined ? [] : resolveTopicRefs(reader, reader.stringList(record.produces, [...path, 'produces'], 'topic names or patterns'), [...path, 'produces'], topicNames, allTopicNames);
    if (record.clientIds !== undefined) reader.stringList(record.clientIds, [...path, 'clientIds'], 'client ids');
    applicationIndex.set(name, i);
    applications.push({
      name,
      team,
      latency: merged.latency ?? 'batch',
      dataClass: merged.dataClass ?? 'internal',
      auth: merged.auth,
      needsBrokerConfig: merged.needsBrokerConfig ?? false,
      needsZookeeper: merged.needsZookeeper ?? false,
      connections,
      produces,
    });
  });

  const consumerGroups: ConsumerGroup[] = [];
  const groupIndex = new Map<string, number>();
  const rawGroups = top.consumerGroups === undefined ? [] : reader.list(top.consumerGroups, ['consumerGroups'], 'consumer groups');
  rawGroups.forEach((raw, i) => {
    const path: Path = ['consumerGroups', i];
    const record = reader.map(raw, path, GROUP_FIELDS, 'a consumer group');
    if (record.name === undefined) reader.fail(path, 'name missing', 'name: the consumer group id');
    const name = reader.string(record.name, [...path, 'name'], 'a consumer group id');
    if (groupIndex.has(name)) reader.fail([...path, 'name'], `duplicate consumer group "${name}" (first at consumerGroups[${groupIndex.get(name)}])`, 'each consumer group listed once');
    if (record.application === undefined) reader.fail(path, 'application missing', 'application: the application the group belongs to');
    const application = reader.string(record.application, [...path, 'application'], 'the name of an application');
    if (!applicationIndex.has(application)) reader.fail([...path, 'application'], `unknown application "${application}"`, 'the name of an entry under applications');
    if (record.topics === undefined) reader.fail(path, 'topics missing', 'topics: the topics (names or patterns) the group reads');
    const topicsRead = resolveTopicRefs(reader, reader.stringList(record.topics, [...path, 'topics'], 'topic names or patterns'), [...path, 'topics'], topicNames, allTopicNames);
    const clientIds = record.clientIds === undefined ? [] : reader.stringList(record.clientIds, [...path, 'clientIds'], 'client ids');
    groupIndex.set(name, i);
    consumerGroups.push({ name, application, topics: topicsRead, clientIds });
  });

  for (const { ref, path } of topicOwnerRefs) {
    if (!applicationIndex.has(ref)) reader.fail(path, `unknown application "${ref}"`, 'the name of an entry under applications');
  }
  return { file: doc.file, applications, topics, consumerGroups };
}

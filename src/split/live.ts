/**
 * Turns what `split inventory` measured on a live cluster into an inventory document for `split plan`.
 * Pure. What Kafka cannot tell (owners, latency and data classes, authentication, which applications
 * produce) is written as TODO for a person to fill in; `split plan` refuses an inventory with TODOs left.
 */
import { formatBytes } from '../sizing/units.js';
import { TODO_MARKER } from './inventory.js';

export interface TopicMeasurement {
  name: string;
  partitions: number;
  retentionMs?: number;
  retentionBytes?: number;
  cleanupPolicy?: string;
  maxMessageBytes?: number;
  /** records appended per second over the sample window (all partitions) */
  messagesPerSecond: number;
  /** records between the log start and end offsets (all partitions) */
  recordsInLog: number;
  sampledRecords: number;
  /** key + value + headers, uncompressed, of the sampled records */
  avgRecordBytes?: number;
  maxRecordBytes?: number;
  /** bytes in the log, one copy (the leader replicas' sizes); absent when the cluster refused DescribeLogDirs */
  storageBytes?: number;
}

export interface GroupMeasurement {
  name: string;
  state: string;
  members: number;
  clientIds: string[];
  topics: string[];
}

export interface ClusterMeasurement {
  clusterId: string;
  brokers: number;
  measuredAt: string;
  sampleSeconds: number;
  topics: TopicMeasurement[];
  groups: GroupMeasurement[];
  /** "measured" when DescribeLogDirs answered; otherwise why not */
  storage: string;
}

/** A guess at the application behind a client id: instance numbers, host names and random suffixes removed. */
export function applicationHint(clientId: string, groupName: string): string {
  let hint = clientId.trim();
  // Java's default client id: consumer-<group>-<n>
  const javaDefault = /^consumer-(.+)-\d+$/.exec(hint);
  if (javaDefault && javaDefault[1] === groupName) return groupName;
  // kafkajs' default client id
  if (hint === '' || hint === 'kafkajs') return groupName;
  for (;;) {
    const next = hint
      .replace(/[-_.](\d+|[0-9a-f]{8,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i, '')
      .replace(/[-_.](consumer|producer|client)$/i, '');
    if (next === hint || next === '') break;
    hint = next;
  }
  return hint;
}

/** A duration in the largest whole unit: 604800000 ms → "7d". */
export function retentionText(ms: number | undefined): string | undefined {
  if (ms === undefined || Number.isNaN(ms)) return undefined;
  if (ms < 0) return 'unlimited';
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

function roundRate(perSecond: number): string {
  if (perSecond === 0) return '0/s';
  if (perSecond >= 100) return `${Math.round(perSecond)}/s`;
  return `${Number(perSecond.toPrecision(3))}/s`;
}

/** The inventory document (a plain object, YAML-ready) and how many TODOs it leaves. */
export function inventoryFromMeasurement(m: ClusterMeasurement, bootstrap: string): { document: Record<string, unknown>; todos: number } {
  let todos = 0;
  const todo = (what: string): string => {
    todos++;
    return `${TODO_MARKER}: ${what}`;
  };
  // applications guessed from the client ids of each group's members
  const applications = new Map<string, { groups: string[]; clientIds: Set<string> }>();
  const groupApp = new Map<string, string>();
  for (const g of m.groups) {
    const hints = [...new Set(g.clientIds.map((c) => applicationHint(c, g.name)))];
    const name = hints.length === 1 ? hints[0]! : g.name;
    groupApp.set(g.name, name);
    const app = applications.get(name) ?? { groups: [], clientIds: new Set<string>() };
    app.groups.push(g.name);
    for (const c of g.clientIds) app.clientIds.add(c);
    applications.set(name, app);
  }
  const document = {
    version: 1,
    source: {
      bootstrap,
      clusterId: m.clusterId,
      brokers: m.brokers,
      measuredAt: m.measuredAt,
      sample: `${m.sampleSeconds}s`,
      storage: m.storage,
      note: 'rates: records appended per second over the sample; sizes: key + value + headers of sampled recent records (uncompressed); applications: guessed from consumer client ids',
    },
    applications: [...applications.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, app]) => ({
        name,
        team: todo('owning team'),
        latency: todo('time-sensitive or batch'),
        dataClass: todo('pii, internal or public'),
        auth: [todo('iam, scram, tls or plaintext')],
        needsBrokerConfig: false,
        needsZookeeper: false,
        produces: [],
        clientIds: [...app.clientIds].sort(),
        note: `consumer groups: ${app.groups.sort().join(', ')}; add the topics it produces under produces, and the producer-only applications as entries of their own`,
      })),
    consumerGroups: m.groups.map((g) => ({
      name: g.name,
      application: groupApp.get(g.name)!,
      topics: g.topics,
      clientIds: g.clientIds,
      note: `${g.state}, ${g.members} members at measurement`,
    })),
    topics: m.topics.map((t) => {
      const entry: Record<string, unknown> = { name: t.name, partitions: t.partitions };
      if (t.messagesPerSecond === 0) {
        entry.throughput = '0B/s';
      } else {
        entry.rate = roundRate(t.messagesPerSecond);
        if (t.avgRecordBytes !== undefined) entry.avgSize = `${Math.max(1, Math.round(t.avgRecordBytes))}B`;
        else entry.avgSize = todo('average message size (no record could be sampled)');
      }
      if (t.maxRecordBytes !== undefined) entry.maxSize = `${Math.max(t.maxRecordBytes, Math.round(t.avgRecordBytes ?? 0))}B`;
      const retention = retentionText(t.retentionMs);
      if (retention !== undefined) entry.retention = retention;
      if (t.cleanupPolicy?.split(',').map((p) => p.trim()).includes('compact')) entry.compacted = true;
      if (t.maxMessageBytes !== undefined) entry.maxMessageBytes = `${t.maxMessageBytes}B`;
      // decimal units, as split plan reads them; 3 decimals keep small topics distinguishable
      if (t.storageBytes !== undefined) entry.storage = formatBytes(t.storageBytes, 3);
      const notes = [`${t.sampledRecords} records sampled`, `${t.recordsInLog} records in the log`];
      if (t.messagesPerSecond === 0) notes.push('no writes during the sample');
      entry.note = notes.join('; ');
      return entry;
    }),
  };
  return { document, todos };
}

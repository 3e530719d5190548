/**
 * The split planner: an inventory of a monolithic cluster → MSK Serverless clusters (and Provisioned ones for
 * what Serverless cannot hold), topic assignments, replication flows, ordered migration steps and risks.
 * Pure and fast: quotas come in as a `Limits` value, Provisioned sizing as a function.
 */
import type { Limits } from '../sizing/limits.js';
import type { Workload } from '../sizing/workload.js';
import { sizeStandard } from '../sizing/provisioned.js';
import { formatBinaryBytes, formatThroughput } from '../sizing/units.js';
import { PII_DATA_CLASS, type Application, type ConsumerGroup, type Inventory, type LatencyClass, type Topic } from './inventory.js';
import { DIMENSIONS, Packer, type Bin, type Capacity, type Dimension, type PackItem } from './packing.js';

export const STRATEGIES = ['segregated', 'write-read'] as const;
export type Strategy = (typeof STRATEGIES)[number];
export const GROUP_BY = ['team', 'application', 'latency', 'data-class'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/** A Provisioned cluster's size: the sizing module's Standard-broker answer, summarised. */
export interface ProvisionedEstimate {
  feasible: boolean;
  /** e.g. "6 × kafka.m7g.xlarge (Standard), decided by egress" */
  summary: string;
  brokers?: number;
  brokerType?: string;
  /** why no size works, when infeasible */
  reason?: string;
}

export interface PlanOptions {
  strategy: Strategy;
  groupBy: GroupBy;
  /** share of each quota to plan up to (0-1] */
  headroom: number;
  limits: Limits;
  /** how the monolith is named in commands (a context or a bootstrap string) */
  source?: string;
}

export interface UsageRow {
  dimension: Dimension;
  /** bytes/s for ingress and egress; counts otherwise */
  value: number;
  unit: string;
  /** the Serverless quota (null for a Provisioned cluster) */
  limit: number | null;
  /** value / limit (null for a Provisioned cluster) */
  utilisation: number | null;
}

export interface PlannedCluster {
  name: string;
  type: 'serverless' | 'provisioned';
  role: 'dedicated' | 'write' | 'read';
  /** the group (team, application, latency or data class) or read class it serves */
  group: string;
  applications: string[];
  teams: string[];
  topics: string[];
  consumerGroups: string[];
  usage: UsageRow[];
  /** why these topics cannot go Serverless (Provisioned clusters only) */
  reasons?: Array<{ topic: string; reason: string }>;
  sizing?: ProvisionedEstimate;
}

export interface ReplicationFlow {
  from: string;
  to: string;
  /** migration: temporary, monolith → new cluster; permanent: write → read cluster */
  kind: 'migration' | 'permanent';
  topics: string[];
  /** bytes per second */
  bytesPerSecond: number;
}

export interface MigrationStep {
  /** the group of clusters these steps move (the segregation group, or the write/read layer) */
  group: string;
  cluster: string;
  order: number;
  action: string;
  command: string;
  note?: string;
}

export type RiskKind =
  | 'reads-from-several-clusters'
  | 'writes-to-several-clusters'
  | 'topic-shared-by-teams'
  | 'partitions-raised'
  | 'message-size-config'
  | 'topic-without-owner'
  | 'serverless-clusters-per-account'
  | 'provisioned-infeasible'
  | 'chained-replication';

export interface Risk {
  kind: RiskKind;
  subject: string;
  detail: string;
}

export interface SplitPlan {
  strategy: Strategy;
  groupBy: GroupBy;
  headroom: number;
  units: string;
  source: string;
  totals: { topics: number; partitions: number; ingressBytesPerSecond: number; egressBytesPerSecond: number; applications: number; consumerGroups: number };
  clusters: PlannedCluster[];
  flows: ReplicationFlow[];
  steps: MigrationStep[];
  risks: Risk[];
  /** Serverless clusters in the plan against the lower bound (sum over packing units of max over dimensions of ceil(total/limit)) */
  serverlessClusters: number;
  provisionedClusters: number;
  lowerBound: { serverlessClusters: number; byDimension: Record<Dimension, number> };
  /** false when no plan fits as the quotas stand (problems say why) */
  feasible: boolean;
  problems: string[];
  /** where each topic went */
  assignments: Record<string, string>;
}

// ---- quotas ---------------------------------------------------------------------------------------------

export interface SplitQuotas {
  capacity: Capacity;
  limits: Capacity;
  ingressPerPartition: number;
  egressPerPartition: number;
  maxMessageBytes: number;
  maxCompactedPartitionBytes: number;
  clustersPerAccount: number;
  authentication: string[];
}

/** The Serverless quotas the planner packs against, with the headroom applied. */
export function splitQuotas(limits: Limits, headroom: number): SplitQuotas {
  const s = limits.serverless;
  const full: Capacity = {
    ingress: s.ingressPerCluster.value,
    egress: s.egressPerCluster.value,
    partitions: s.partitions.value,
    compactedPartitions: s.compactedPartitions.value,
    consumerGroups: s.consumerGroups.value,
    connections: s.connections.value,
  };
  const capacity = {} as Capacity;
  for (const d of DIMENSIONS) {
    const scaled = full[d] * headroom;
    // counts are whole: 80% of 2400 partitions is 1920, of 500 groups 400
    capacity[d] = d === 'ingress' || d === 'egress' ? scaled : Math.floor(scaled + 1e-9);
  }
  return {
    capacity,
    limits: full,
    ingressPerPartition: s.ingressPerPartition.value * headroom,
    egressPerPartition: s.egressPerPartition.value * headroom,
    maxMessageBytes: s.messageSize.value,
    maxCompactedPartitionBytes: s.maxCompactedPartitionSize.value,
    clustersPerAccount: s.clustersPerAccount.value,
    authentication: s.authentication.value,
  };
}

const UNIT_OF: Record<Dimension, string> = {
  ingress: 'B/s',
  egress: 'B/s',
  partitions: 'partitions',
  compactedPartitions: 'partitions',
  consumerGroups: 'groups',
  connections: 'connections',
};

// ---- facts about each topic ----------------------------------------------------------------------------------

interface TopicFacts {
  topic: Topic;
  owner?: Application;
  producers: Application[];
  groups: ConsumerGroup[];
  /** every application that connects for this topic: owner, producers and consumers */
  touching: Application[];
  latency: LatencyClass;
  dataClass: string;
  partitions: number;
  egress: number;
  provisionedReasons: string[];
}

function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

function analyseTopics(inventory: Inventory, quotas: SplitQuotas, headroom: number, risks: Risk[]): TopicFacts[] {
  const apps = new Map(inventory.applications.map((a) => [a.name, a]));
  const producersOf = new Map<string, Application[]>();
  for (const app of inventory.applications) {
    for (const t of app.produces) {
      const list = producersOf.get(t);
      if (list) list.push(app);
      else producersOf.set(t, [app]);
    }
  }
  const groupsOf = new Map<string, ConsumerGroup[]>();
  for (const group of inventory.consumerGroups) {
    for (const t of group.topics) {
      const list = groupsOf.get(t);
      if (list) list.push(group);
      else groupsOf.set(t, [group]);
    }
  }
  const facts: TopicFacts[] = [];
  for (const topic of inventory.topics) {
    const producers = producersOf.get(topic.name) ?? [];
    const groups = groupsOf.get(topic.name) ?? [];
    const owner = topic.owner !== undefined ? apps.get(topic.owner) : (producers[0] ?? (groups[0] ? apps.get(groups[0].application) : undefined));
    const touchingSet = new Map<string, Application>();
    if (owner) touchingSet.set(owner.name, owner);
    for (const p of producers) touchingSet.set(p.name, p);
    for (const g of groups) {
      const app = apps.get(g.application);
      if (app) touchingSet.set(app.name, app);
    }
    const touching = [...touchingSet.values()];
    const latency: LatencyClass = touching.some((a) => a.latency === 'time-sensitive') ? 'time-sensitive' : 'batch';
    const dataClass = topic.dataClass ?? owner?.dataClass ?? 'internal';
    const egress = topic.ingressBytesPerSecond * groups.length;

    // the per-partition quotas (and the compacted partition size) may ask for more partitions
    let partitions = topic.partitions;
    const needIn = Math.ceil(topic.ingressBytesPerSecond / quotas.ingressPerPartition - 1e-9);
    const needOut = Math.ceil(egress / quotas.egressPerPartition - 1e-9);
    const needSize = topic.compacted && topic.storageBytes !== undefined ? Math.ceil(topic.storageBytes / quotas.maxCompactedPartitionBytes - 1e-9) : 0;
    const required = Math.max(needIn, needOut, needSize);
    if (required > partitions) {
      const why = required === needSize ? 'the compacted partition size limit' : required === needIn ? 'the per-partition ingress quota' : 'the per-partition egress quota';
      risks.push({
        kind: 'partitions-raised',
        subject: topic.name,
        detail: `planned with ${required} partitions instead of ${partitions} to stay within ${formatPercent(headroom)} of ${why}; adding partitions changes which partition a key goes to`,
      });
      partitions = required;
    }

    const reasons: string[] = [];
    if (topic.maxMessageBytes !== undefined && topic.maxMessageBytes > quotas.maxMessageBytes) {
      reasons.push(`largest message ${formatBinaryBytes(topic.maxMessageBytes)} is over the Serverless maximum of ${formatBinaryBytes(quotas.maxMessageBytes)}`);
    } else if (topic.maxMessageBytesConfig !== undefined && topic.maxMessageBytesConfig > quotas.maxMessageBytes) {
      risks.push({
        kind: 'message-size-config',
        subject: topic.name,
        detail: `max.message.bytes is ${formatBinaryBytes(topic.maxMessageBytesConfig)} on the source; Serverless caps it at ${formatBinaryBytes(quotas.maxMessageBytes)} (the inventory's largest message fits)`,
      });
    }
    for (const app of touching) {
      if (app.needsZookeeper) reasons.push(`application ${app.name} needs ZooKeeper access`);
      if (app.needsBrokerConfig) reasons.push(`application ${app.name} needs broker-level configuration`);
      if (!app.auth.some((mode) => quotas.authentication.includes(mode))) {
        reasons.push(`application ${app.name} cannot use ${quotas.authentication.join('/').toUpperCase()} (it uses ${app.auth.join(', ')})`);
      }
    }
    if (!owner) {
      risks.push({ kind: 'topic-without-owner', subject: topic.name, detail: 'no application produces, owns or reads it; it is grouped under "unowned"' });
    }
    const writerTeams = new Set([...(owner ? [owner.team] : []), ...producers.map((p) => p.team)]);
    if (writerTeams.size > 1) {
      risks.push({ kind: 'topic-shared-by-teams', subject: topic.name, detail: `written or owned by teams ${[...writerTeams].sort().join(', ')}; one of them must own its cluster` });
    }
    facts.push({ topic, owner, producers, groups, touching, latency, dataClass, partitions, egress, provisionedReasons: reasons });
  }
  return facts;
}

function groupKey(f: TopicFacts, groupBy: GroupBy): string {
  switch (groupBy) {
    case 'team':
      return f.owner?.team ?? 'unowned';
    case 'application':
      return f.owner?.name ?? 'unowned';
    case 'latency':
      return f.latency;
    case 'data-class':
      return f.dataClass;
  }
}

/** Lower-case, digits and dashes: usable as an MSK cluster name. */
function slug(text: string): string {
  const s = text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return s === '' ? 'group' : s.slice(0, 48);
}

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

function usageOf(bin: Bin, quotas: SplitQuotas, serverless: boolean): UsageRow[] {
  const values: Record<Dimension, number> = {
    ingress: bin.load[0]!,
    egress: bin.load[1]!,
    partitions: bin.load[2]!,
    compactedPartitions: bin.load[3]!,
    consumerGroups: bin.groups.size,
    connections: bin.connections,
  };
  return DIMENSIONS.map((d) => ({
    dimension: d,
    value: values[d],
    unit: UNIT_OF[d],
    limit: serverless ? quotas.limits[d] : null,
    utilisation: serverless ? (quotas.limits[d] > 0 ? values[d] / quotas.limits[d] : 0) : null,
  }));
}

/** A unit of packing: the items of one group (or read class) and what to call its clusters. */
interface PackUnit {
  key: string;
  role: PlannedCluster['role'];
  prefix: string;
  items: PackItem[];
}

/** Bundles a unit's topics per affinity (application) when the bundle fits one cluster; else single topics. */
function bundle(packer: Packer, items: PackItem[]): PackItem[] {
  const byAffinity = new Map<string, PackItem[]>();
  for (const item of items) {
    const list = byAffinity.get(item.affinity);
    if (list) list.push(item);
    else byAffinity.set(item.affinity, [item]);
  }
  const out: PackItem[] = [];
  for (const [affinity, list] of byAffinity) {
    if (list.length === 1) {
      out.push(list[0]!);
      continue;
    }
    const merged: PackItem = {
      topics: list.flatMap((i) => i.topics),
      load: [0, 0, 0, 0],
      groups: sortedUnique(list.flatMap((i) => i.groups)),
      apps: sortedUnique(list.flatMap((i) => i.apps)),
      affinity,
    };
    for (const i of list) for (let d = 0; d < 4; d++) merged.load[d] = merged.load[d]! + i.load[d]!;
    if (packer.fitsAlone(merged)) out.push(merged);
    else out.push(...list);
  }
  return out;
}

// ---- the plan -------------------------------------------------------------------------------------------

function escapeRegex(text: string): string {
  return text.replace(/[.+^${}()|[\]\\*?]/g, '\\$&');
}

function globToRegexSource(glob: string): string {
  return glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
}

/** First index in a sorted array whose value is >= key. */
function lowerIndex(sorted: string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function countWithPrefix(sorted: string[], prefix: string): number {
  return lowerIndex(sorted, prefix + '\uffff') - lowerIndex(sorted, prefix);
}

/**
 * A regex for exactly these topics, short: a prefix ending at a delimiter (. _ - /) becomes "prefix.*" when
 * every topic of the inventory with that prefix is in the set.
 */
export function topicRegex(topics: Topic[], allNamesSorted: string[]): string {
  const names = topics.filter((t) => !t.isPattern).map((t) => t.name).sort();
  const parts: string[] = topics.filter((t) => t.isPattern).map((t) => globToRegexSource(t.name));
  let i = 0;
  while (i < names.length) {
    const name = names[i]!;
    let chosen: string | undefined;
    for (let k = 0; k < name.length - 1; k++) {
      if (!'._-/'.includes(name[k]!)) continue;
      const prefix = name.slice(0, k + 1);
      if (countWithPrefix(allNamesSorted, prefix) === countWithPrefix(names, prefix)) {
        chosen = prefix;
        break;
      }
    }
    if (chosen === undefined) {
      parts.push(escapeRegex(name));
      i++;
    } else {
      parts.push(`${escapeRegex(chosen)}.*`);
      i = lowerIndex(names, chosen + '\uffff');
    }
  }
  return `^(${parts.join('|')})$`;
}

/** The shell variable a user sets to a new cluster's bootstrap string: ANALYTICS_1_BOOTSTRAP. */
export function bootstrapVar(cluster: string): string {
  return `${cluster.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_BOOTSTRAP`;
}

function bootstrapOf(cluster: string): string {
  return `"$${bootstrapVar(cluster)}"`;
}

function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:,=@-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

export function planSplit(inventory: Inventory, options: PlanOptions): SplitPlan {
  const { strategy, groupBy, headroom, limits } = options;
  const source = options.source ?? 'monolith';
  const quotas = splitQuotas(limits, headroom);
  const risks: Risk[] = [];
  const problems: string[] = [];
  const facts = analyseTopics(inventory, quotas, headroom, risks);
  const appByName = new Map(inventory.applications.map((a) => [a.name, a]));
  const topicByName = new Map(inventory.topics.map((t) => [t.name, t]));
  const factsByName = new Map(facts.map((f) => [f.topic.name, f]));
  const connectionsByApp = new Map(inventory.applications.map((a) => [a.name, a.connections]));
  const connectionsOf = (app: string): number => connectionsByApp.get(app) ?? 0;
  const packer = new Packer(quotas.capacity, connectionsOf);

  // what must go Provisioned: requirements Serverless cannot meet, or a single topic over a per-cluster quota
  const serverlessFacts: TopicFacts[] = [];
  const provisionedFacts: TopicFacts[] = [];
  const dedicatedItem = (f: TopicFacts): PackItem => ({
    topics: [f.topic.name],
    load: [f.topic.ingressBytesPerSecond, f.egress, f.partitions, f.topic.compacted ? f.partitions : 0],
    groups: f.groups.map((g) => g.name),
    apps: f.touching.map((a) => a.name),
    affinity: f.owner?.name ?? '',
  });
  for (const f of facts) {
    if (f.provisionedReasons.length === 0) {
      const alone = packer.demand(dedicatedItem(f));
      const over = DIMENSIONS.filter((d, i) => alone[i]! > quotas.capacity[d] * (1 + 1e-9) + 1e-9);
      for (const d of over) {
        f.provisionedReasons.push(`the topic alone needs ${describeValue(d, alone[DIMENSIONS.indexOf(d)]!)} of ${d}, over ${formatPercent(headroom)} of one Serverless cluster's ${describeValue(d, quotas.limits[d])}`);
      }
    }
    (f.provisionedReasons.length > 0 ? provisionedFacts : serverlessFacts).push(f);
  }

  const clusters: PlannedCluster[] = [];
  const flows: ReplicationFlow[] = [];
  const assignments: Record<string, string> = {};
  let lowerBoundClusters = 0;
  const lowerBoundByDimension = Object.fromEntries(DIMENSIONS.map((d) => [d, 0])) as Record<Dimension, number>;

  const packUnit = (unit: PackUnit): Array<{ name: string; bin: Bin }> => {
    const bins = packer.pack(bundle(packer, unit.items));
    const bound = packer.lowerBound(unit.items);
    lowerBoundClusters += bound.clusters;
    for (const d of DIMENSIONS) lowerBoundByDimension[d] += bound.byDimension[d];
    return bins.map((bin, i) => ({ name: bins.length === 1 ? unit.prefix : `${unit.prefix}-${i + 1}`, bin }));
  };

  const clusterFromBin = (name: string, role: PlannedCluster['role'], group: string, bin: Bin, consumerGroupsOf: (f: TopicFacts) => string[]): PlannedCluster => {
    const topics = bin.items.flatMap((i) => i.topics).sort();
    const topicFacts = topics.map((t) => factsByName.get(t)!);
    return {
      name,
      type: 'serverless',
      role,
      group,
      applications: sortedUnique(bin.apps.keys()),
      teams: sortedUnique([...bin.apps.keys()].map((a) => appByName.get(a)?.team ?? a)),
      topics,
      consumerGroups: sortedUnique(topicFacts.flatMap(consumerGroupsOf)),
      usage: usageOf(bin, quotas, true),
    };
  };

  if (strategy === 'segregated') {
    const units = new Map<string, PackUnit>();
    for (const f of serverlessFacts) {
      const key = groupKey(f, groupBy);
      let unit = units.get(key);
      if (!unit) {
        unit = { key, role: 'dedicated', prefix: slug(key), items: [] };
        units.set(key, unit);
      }
      unit.items.push(dedicatedItem(f));
    }
    for (const unit of [...units.values()].sort((a, b) => (a.key < b.key ? -1 : 1))) {
      for (const { name, bin } of packUnit(unit)) {
        const cluster = clusterFromBin(name, 'dedicated', unit.key, bin, (f) => f.groups.map((g) => g.name));
        clusters.push(cluster);
        for (const t of cluster.topics) assignments[t] = name;
        flows.push({ from: source, to: name, kind: 'migration', topics: cluster.topics, bytesPerSecond: bin.load[0]! });
      }
    }
  } else {
    // read clusters per consumer class: latency × PII, from each group's application and the data it reads
    const classOf = (group: ConsumerGroup): string => {
      const app = appByName.get(group.application);
      const latency = app?.latency ?? 'batch';
      const pii = app?.dataClass === PII_DATA_CLASS || group.topics.some((t) => factsByName.get(t)?.dataClass === PII_DATA_CLASS);
      return `${latency === 'time-sensitive' ? 'time-sensitive' : 'batch'}-${pii ? 'pii' : 'non-pii'}`;
    };
    const serverlessNames = new Set(serverlessFacts.map((f) => f.topic.name));
    const readUnits = new Map<string, PackUnit>();
    const readersByClass = new Map<string, Map<string, ConsumerGroup[]>>();
    for (const group of inventory.consumerGroups) {
      const cls = classOf(group);
      for (const t of group.topics) {
        if (!serverlessNames.has(t)) continue;
        let perTopic = readersByClass.get(cls);
        if (!perTopic) {
          perTopic = new Map();
          readersByClass.set(cls, perTopic);
        }
        const list = perTopic.get(t);
        if (list) list.push(group);
        else perTopic.set(t, [group]);
      }
    }
    for (const [cls, perTopic] of readersByClass) {
      const unit: PackUnit = { key: cls, role: 'read', prefix: `read-${cls}`, items: [] };
      for (const [t, groups] of perTopic) {
        const f = factsByName.get(t)!;
        unit.items.push({
          topics: [t],
          load: [f.topic.ingressBytesPerSecond, f.topic.ingressBytesPerSecond * groups.length, f.partitions, f.topic.compacted ? f.partitions : 0],
          groups: groups.map((g) => g.name),
          apps: sortedUnique(groups.map((g) => g.application)),
          affinity: groups[0]!.application,
        });
      }
      readUnits.set(cls, unit);
    }
    // a topic whose replica and readers overflow one read cluster on their own goes Provisioned as well
    const readPlacement = new Map<string, string[]>(); // topic → read clusters
    const readClusterInfo: Array<{ name: string; cls: string; bin: Bin; readers: Map<string, ConsumerGroup[]> }> = [];
    for (const cls of [...readUnits.keys()].sort()) {
      const unit = readUnits.get(cls)!;
      const tooBig = unit.items.filter((i) => !packer.fitsAlone(i));
      for (const item of tooBig) {
        const f = factsByName.get(item.topics[0]!)!;
        if (f.provisionedReasons.length === 0) f.provisionedReasons.push(`its readers of class ${cls} alone exceed ${formatPercent(headroom)} of one Serverless read cluster`);
      }
      unit.items = unit.items.filter((i) => packer.fitsAlone(i));
    }
    const stillServerless = (t: string): boolean => factsByName.get(t)!.provisionedReasons.length === 0;
    for (const cls of [...readUnits.keys()].sort()) {
      const unit = readUnits.get(cls)!;
      unit.items = unit.items.filter((i) => stillServerless(i.topics[0]!));
      if (unit.items.length === 0) continue;
      for (const { name, bin } of packUnit(unit)) {
        readClusterInfo.push({ name, cls, bin, readers: readersByClass.get(cls)! });
        for (const item of bin.items) for (const t of item.topics) readPlacement.set(t, [...(readPlacement.get(t) ?? []), name]);
      }
    }
    // write clusters: producers, and one replication flow per read cluster that needs the topic
    const writeUnits = new Map<string, PackUnit>();
    const moved = serverlessFacts.filter((f) => f.provisionedReasons.length > 0);
    for (const f of moved) provisionedFacts.push(f);
    const writeFacts = serverlessFacts.filter((f) => f.provisionedReasons.length === 0);
    for (const f of writeFacts) {
      const key = groupKey(f, groupBy);
      let unit = writeUnits.get(key);
      if (!unit) {
        unit = { key, role: 'write', prefix: `write-${slug(key)}`, items: [] };
        writeUnits.set(key, unit);
      }
      const readers = readPlacement.get(f.topic.name) ?? [];
      const writers = sortedUnique([...(f.owner && f.producers.length === 0 ? [f.owner.name] : []), ...f.producers.map((p) => p.name)]);
      unit.items.push({
        topics: [f.topic.name],
        load: [f.topic.ingressBytesPerSecond, f.topic.ingressBytesPerSecond * readers.length, f.partitions, f.topic.compacted ? f.partitions : 0],
        groups: readers.map((r) => `replication→${r}`),
        apps: writers,
        affinity: f.owner?.name ?? '',
      });
    }
    const writeOf = new Map<string, string>();
    for (const unit of [...writeUnits.values()].sort((a, b) => (a.key < b.key ? -1 : 1))) {
      for (const { name, bin } of packUnit(unit)) {
        const cluster = clusterFromBin(name, 'write', unit.key, bin, () => []);
        cluster.consumerGroups = sortedUnique(bin.groups.keys());
        clusters.push(cluster);
        for (const t of cluster.topics) {
          assignments[t] = name;
          writeOf.set(t, name);
        }
        flows.push({ from: source, to: name, kind: 'migration', topics: cluster.topics, bytesPerSecond: bin.load[0]! });
      }
    }
    for (const info of readClusterInfo) {
      const cluster = clusterFromBin(info.name, 'read', info.cls, info.bin, (f) => (info.readers.get(f.topic.name) ?? []).map((g) => g.name));
      clusters.push(cluster);
      const byWrite = new Map<string, string[]>();
      for (const t of cluster.topics) {
        const w = writeOf.get(t)!;
        byWrite.set(w, [...(byWrite.get(w) ?? []), t]);
      }
      for (const [w, topics] of [...byWrite].sort()) {
        flows.push({ from: w, to: info.name, kind: 'permanent', topics, bytesPerSecond: topics.reduce((s, t) => s + topicByName.get(t)!.ingressBytesPerSecond, 0) });
      }
    }
    if (readClusterInfo.length > 0) {
      risks.push({
        kind: 'chained-replication',
        subject: 'read clusters',
        detail: 'consumers read replicas two hops from the monolith (monolith → write → read) during migration; translate consumer offsets per hop, or cut consumers over after producers have moved',
      });
    }
  }

  // Provisioned clusters: one per group (segregated) or one for everything (write-read)
  const provisionedUnits = new Map<string, TopicFacts[]>();
  for (const f of provisionedFacts) {
    const key = strategy === 'segregated' ? groupKey(f, groupBy) : 'all';
    const list = provisionedUnits.get(key);
    if (list) list.push(f);
    else provisionedUnits.set(key, [f]);
  }
  for (const [key, list] of [...provisionedUnits].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const name = key === 'all' ? 'provisioned' : `${slug(key)}-provisioned`;
    const bin = packer.newBin();
    for (const f of list) packer.add(bin, dedicatedItem(f));
    const topics = list.map((f) => f.topic.name).sort();
    const cluster: PlannedCluster = {
      name,
      type: 'provisioned',
      role: 'dedicated',
      group: key,
      applications: sortedUnique(bin.apps.keys()),
      teams: sortedUnique([...bin.apps.keys()].map((a) => appByName.get(a)?.team ?? a)),
      topics,
      consumerGroups: sortedUnique(list.flatMap((f) => f.groups.map((g) => g.name))),
      usage: usageOf(bin, quotas, false),
      reasons: list.flatMap((f) => f.provisionedReasons.map((reason) => ({ topic: f.topic.name, reason }))),
    };
    cluster.sizing = estimateProvisioned(provisionedWorkload(name, list, bin), limits, headroom);
    if (!cluster.sizing.feasible) {
      problems.push(`Provisioned cluster ${name}: ${cluster.sizing.reason ?? 'no broker size fits'}`);
      risks.push({ kind: 'provisioned-infeasible', subject: name, detail: cluster.sizing.reason ?? 'no broker size fits' });
    }
    clusters.push(cluster);
    for (const t of topics) assignments[t] = name;
    flows.push({ from: source, to: name, kind: 'migration', topics, bytesPerSecond: bin.load[0]! });
  }

  const serverlessCount = clusters.filter((c) => c.type === 'serverless').length;
  if (serverlessCount > quotas.clustersPerAccount) {
    const detail = `the plan needs ${serverlessCount} Serverless clusters; an account holds ${quotas.clustersPerAccount} (raise the quota with AWS, or use several accounts, then pass the raised value with --quotas)`;
    problems.push(detail);
    risks.push({ kind: 'serverless-clusters-per-account', subject: 'account', detail });
  }
  addApplicationSpreadRisks(inventory, clusters, strategy, risks);

  return {
    strategy,
    groupBy,
    headroom,
    units: `${limits.convention.text}; ingress/egress in bytes per second (B/s)`,
    source,
    totals: {
      topics: inventory.topics.reduce((s, t) => s + t.count, 0),
      partitions: inventory.topics.reduce((s, t) => s + t.partitions, 0),
      ingressBytesPerSecond: facts.reduce((s, f) => s + f.topic.ingressBytesPerSecond, 0),
      egressBytesPerSecond: facts.reduce((s, f) => s + f.egress, 0),
      applications: inventory.applications.length,
      consumerGroups: inventory.consumerGroups.length,
    },
    clusters,
    flows,
    steps: migrationSteps(clusters, flows, source, topicByName, strategy),
    risks,
    serverlessClusters: serverlessCount,
    provisionedClusters: clusters.length - serverlessCount,
    lowerBound: { serverlessClusters: lowerBoundClusters, byDimension: lowerBoundByDimension },
    feasible: problems.length === 0,
    problems,
    assignments,
  };
}

function describeValue(d: Dimension, value: number): string {
  return d === 'ingress' || d === 'egress' ? formatThroughput(value) : `${Math.round(value)} ${UNIT_OF[d]}`;
}

function estimateProvisioned(workload: Workload, limits: Limits, headroom: number): ProvisionedEstimate {
  const sizing = sizeStandard(workload, limits, headroom);
  const r = sizing.recommended;
  return {
    feasible: sizing.pass,
    summary: `${r.brokers} × ${r.brokerType} (Standard, RF ${sizing.replicationFactor}), ${r.decidingDimension} decides, about ${Math.round(sizing.cost.totalMonthlyUsd)} USD/month`,
    brokers: r.brokers,
    brokerType: r.brokerType,
    ...(!sizing.pass && { reason: sizing.reasons.join('; ') }),
  };
}

/** The aggregate workload of a Provisioned cluster, in the sizing module's terms. */
function provisionedWorkload(name: string, list: TopicFacts[], bin: Bin): Workload {
  const ingress = bin.load[0]!;
  const messages = list.reduce((s, f) => s + (f.topic.messagesPerSecond ?? (f.topic.avgMessageBytes ? f.topic.ingressBytesPerSecond / f.topic.avgMessageBytes : 0)), 0);
  const maxMessage = Math.max(1, ...list.map((f) => f.topic.maxMessageBytes ?? f.topic.avgMessageBytes ?? 1));
  const avg = messages > 0 ? ingress / messages : maxMessage;
  // unlimited retention: the measured storage tells how many seconds of ingress are kept
  const retention = Math.max(0, ...list.map((f) => f.topic.retentionSeconds ?? (f.topic.storageBytes && f.topic.ingressBytesPerSecond > 0 ? f.topic.storageBytes / f.topic.ingressBytesPerSecond : 0)));
  const auth = sortedUnique(list.flatMap((f) => f.touching.flatMap((a) => a.auth))) as Workload['auth'];
  return {
    name,
    messagesPerSecond: messages > 0 ? messages : ingress / avg,
    avgMessageBytes: avg,
    maxMessageBytes: Math.max(maxMessage, avg),
    // egress over ingress: the sizing module multiplies ingress by the group count
    consumerGroups: ingress > 0 ? Math.max(1, Math.ceil(bin.load[1]! / ingress - 1e-9)) : bin.groups.size,
    topics: list.reduce((s, f) => s + f.topic.count, 0),
    partitions: bin.load[2]!,
    retentionSeconds: retention,
    compacted: list.some((f) => f.topic.compacted),
    auth,
    needsBrokerConfig: list.some((f) => f.touching.some((a) => a.needsBrokerConfig)),
    needsZookeeper: list.some((f) => f.touching.some((a) => a.needsZookeeper)),
    ...(bin.connections > 0 && { connections: bin.connections }),
    splittable: true,
    origin: `split plan (${list.length} topics)`,
  };
}

function addApplicationSpreadRisks(inventory: Inventory, clusters: PlannedCluster[], strategy: Strategy, risks: Risk[]): void {
  const readsFrom = new Map<string, Set<string>>();
  const writesTo = new Map<string, Set<string>>();
  const groupCluster = new Map<string, Set<string>>();
  for (const c of clusters) {
    if (c.role === 'write') continue;
    for (const g of c.consumerGroups) {
      const set = groupCluster.get(g) ?? new Set<string>();
      set.add(c.name);
      groupCluster.set(g, set);
    }
  }
  for (const group of inventory.consumerGroups) {
    const set = readsFrom.get(group.application) ?? new Set<string>();
    for (const c of groupCluster.get(group.name) ?? []) set.add(c);
    readsFrom.set(group.application, set);
  }
  const topicCluster = new Map<string, string>();
  for (const c of clusters) if (c.role !== 'read') for (const t of c.topics) topicCluster.set(t, c.name);
  for (const app of inventory.applications) {
    const set = new Set<string>();
    for (const t of app.produces) {
      const c = topicCluster.get(t);
      if (c) set.add(c);
    }
    writesTo.set(app.name, set);
  }
  for (const [app, set] of [...readsFrom].sort()) {
    if (set.size > 1) risks.push({ kind: 'reads-from-several-clusters', subject: app, detail: `its consumer groups read from ${set.size} clusters: ${[...set].sort().join(', ')}` });
  }
  for (const [app, set] of [...writesTo].sort()) {
    if (set.size > 1) risks.push({ kind: 'writes-to-several-clusters', subject: app, detail: `it produces to ${set.size} clusters: ${[...set].sort().join(', ')}${strategy === 'segregated' ? '' : ' (write layer)'}` });
  }
}

function migrationSteps(clusters: PlannedCluster[], flows: ReplicationFlow[], source: string, topicByName: Map<string, Topic>, strategy: Strategy): MigrationStep[] {
  const steps: MigrationStep[] = [];
  // pattern entries cover many topics: only plain names take part in prefix shortening
  const allNamesSorted = [...topicByName.values()].filter((t) => !t.isPattern).map((t) => t.name).sort();
  const regexCache = new Map<string, string>();
  const regexFor = (topics: Topic[]): string => {
    const key = topics.map((t) => t.name).join('\n');
    let regex = regexCache.get(key);
    if (regex === undefined) {
      regex = topicRegex(topics, allNamesSorted);
      regexCache.set(key, regex);
    }
    return regex;
  };
  const src = shellQuote(source);
  const byName = new Map(clusters.map((c) => [c.name, c]));
  const push = (group: string, cluster: string, action: string, command: string, note?: string): void => {
    steps.push({ group, cluster, order: steps.length + 1, action, command, ...(note !== undefined && { note }) });
  };
  const create = (c: PlannedCluster, group: string): void => {
    if (c.type === 'serverless') {
      push(group, c.name, 'create the MSK Serverless cluster (IAM authentication)', `aws kafka create-cluster-v2 --cluster-name ${c.name} --serverless file://${c.name}.serverless.json`, 'not an mskctl command: the JSON names the VPC subnets and security groups and enables IAM');
    } else {
      push(group, c.name, `create the MSK Provisioned cluster${c.sizing?.feasible ? ` (${c.sizing.summary})` : ''}`, `aws kafka create-cluster-v2 --cluster-name ${c.name} --provisioned file://${c.name}.provisioned.json`, 'not an mskctl command; size it with mskctl size --target standard');
    }
    push(group, c.name, 'check that clients reach it', `mskctl check --bootstrap ${bootstrapOf(c.name)}${c.type === 'serverless' ? ' --auth iam' : ''}`, `set ${bootstrapVar(c.name)} to its bootstrap string (aws kafka get-bootstrap-brokers)`);
  };
  const topicsOf = (names: string[]): Topic[] => names.map((t) => topicByName.get(t)!).filter(Boolean);
  const flowIdOf = (flow: ReplicationFlow): string => `${slug(flow.from)}-to-${flow.to}`;
  const replicate = (group: string, flow: ReplicationFlow, from: string, to: string): void => {
    const regex = shellQuote(regexFor(topicsOf(flow.topics)));
    const flowId = flowIdOf(flow);
    push(group, flow.to, `create the ${flow.topics.length} topics on ${flow.to} (the dry run shows the topic plan; the replication creates them)`, `mskctl replicate --source ${from} --target ${to} --topics ${regex} --flow-id ${flowId} --dry-run`);
    push(group, flow.to, `replicate ${flow.topics.length} topics (${formatThroughput(flow.bytesPerSecond)}) from ${flow.from}`, `mskctl replicate --source ${from} --target ${to} --topics ${regex} --flow-id ${flowId}`, flow.kind === 'permanent' ? 'permanent flow: keep it running after the migration' : 'creates missing topics, then copies records and positions; keep it running');
    push(group, flow.to, 'verify the replication has caught up (exit 1 while any partition lags)', `mskctl replicate status --source ${from} --target ${to} --flow-id ${flowId} --check`, 'lag 0 on every partition before any cutover');
  };
  const stopReplication = (group: string, flow: ReplicationFlow, to: string): void => {
    push(group, flow.to, `stop the replication ${flow.from} → ${flow.to} once the producers write to ${flow.to}`, `mskctl replicate stop --target ${to} --flow-id ${flowIdOf(flow)}`, 'drains to the source end offsets, stores the positions and exits; skip it if the cutover run already stopped the flow');
  };
  // mskctl cutover takes topic names (comma-separated); a pattern entry is passed as written and must be expanded
  const topicList = (names: string[]): string => shellQuote(names.join(','));
  const cutover = (group: string, c: PlannedCluster, from: string, groups: string[], topics: string[], flow: ReplicationFlow | undefined): void => {
    const file = `cutover-${c.name}.yaml`;
    const flowId = flow ? ` --flow-id ${flowIdOf(flow)}` : '';
    push(group, c.name, 'plan the cutover (consumers first, then producers)', `mskctl cutover plan --source ${from} --target ${bootstrapOf(c.name)}${flowId}${groups.length > 0 ? ` --groups ${shellQuote(groups.join(','))}` : ''} --topics ${topicList(topics)} > ${file}`);
    push(group, c.name, 'move the consumer groups, then the producers', `mskctl cutover run ${file} --execute`, 'resumable; mskctl cutover status shows where it stands');
  };
  if (strategy === 'segregated') {
    for (const c of clusters) {
      const group = c.group;
      create(c, group);
      const flow = flows.find((f) => f.to === c.name && f.kind === 'migration');
      if (flow) replicate(group, flow, src, bootstrapOf(c.name));
      cutover(group, c, src, c.consumerGroups, c.topics, flow);
      if (flow) stopReplication(group, flow, bootstrapOf(c.name));
    }
    return steps;
  }
  // write-read: build both layers, feed them, then move consumers to the read clusters and producers to the write clusters
  for (const c of clusters) create(c, c.role === 'read' ? 'read layer' : c.role === 'write' ? 'write layer' : 'provisioned');
  for (const flow of flows.filter((f) => f.kind === 'migration')) {
    const c = byName.get(flow.to)!;
    replicate(c.role === 'write' ? 'write layer' : 'provisioned', flow, src, bootstrapOf(flow.to));
  }
  for (const flow of flows.filter((f) => f.kind === 'permanent')) replicate('read layer', flow, bootstrapOf(flow.from), bootstrapOf(flow.to));
  for (const c of clusters.filter((x) => x.role === 'read')) {
    push(
      'read layer',
      c.name,
      `move consumer groups ${c.consumerGroups.join(', ')} to the read cluster first`,
      `mskctl cutover plan --source ${src} --target ${bootstrapOf(c.name)} --groups ${shellQuote(c.consumerGroups.join(','))} --topics ${topicList(c.topics)} > cutover-${c.name}.yaml && mskctl cutover run cutover-${c.name}.yaml --execute`,
      'two hops (monolith → write → read): mskctl cutover translates offsets through one flow, so these groups need the translation of each hop (mskctl replicate translate per flow); see the chained-replication risk',
    );
  }
  for (const c of clusters.filter((x) => x.role !== 'read')) {
    const layer = c.role === 'write' ? 'write layer' : 'provisioned';
    const flow = flows.find((f) => f.to === c.name && f.kind === 'migration');
    const groups = c.role === 'write' || c.consumerGroups.length === 0 ? '' : ` --groups ${shellQuote(c.consumerGroups.join(','))}`;
    push(layer, c.name, 'then move the producers (and, on a Provisioned cluster, its consumers)', `mskctl cutover plan --source ${src} --target ${bootstrapOf(c.name)}${flow ? ` --flow-id ${flowIdOf(flow)}` : ''}${groups} --topics ${topicList(c.topics)} > cutover-${c.name}.yaml && mskctl cutover run cutover-${c.name}.yaml --execute`, 'the write → read flows keep running');
    if (flow) stopReplication(layer, flow, bootstrapOf(c.name));
  }
  return steps;
}

/**
 * The topic plan of a replication flow: which source topics replicate, what each is called on the target,
 * which target topics must be created or grown, and which topic configurations carry over.
 * Pure: takes descriptions of both clusters, returns the plan. Never plans a deletion.
 */
import { inputError } from '../output/errors.js';

export type RenamePolicy = 'identity' | 'prefix';
export const RENAME_POLICIES: readonly RenamePolicy[] = ['identity', 'prefix'];

/** 'serverless' restricts the configs that may be set on a target topic; 'kafka' is any other cluster. */
export type TargetKind = 'serverless' | 'kafka';

/** A topic as described by the cluster: name, partition count and its NON-default configs. */
export interface TopicDescription {
  name: string;
  partitions: number;
  configs: Record<string, string>;
}

export interface TopicSelection {
  include: RegExp[];
  exclude: RegExp[];
  /** the patterns as given, for display */
  includePatterns: string[];
  excludePatterns: string[];
}

/**
 * Like MirrorMaker 2's `topics.exclude` default (internal, replica and double-underscore topics), plus
 * mskctl's own flow topics so a flow never replicates its own state (or another flow's).
 */
export const DEFAULT_EXCLUDES: readonly string[] = ['.*[\\-.]internal', '.*\\.replica', '__.*', 'mskctl\\..*', '_schemas', 'connect-.*'];

/**
 * Topic configs MirrorMaker 2 never copies (DefaultConfigPropertyFilter) and why. Timestamp type is left to the
 * target on purpose: copying LogAppendTime would make the target overwrite the replicated timestamps.
 */
const NEVER_CARRIED: Record<string, string> = {
  'message.timestamp.type': 'not carried: a LogAppendTime target would overwrite the replicated timestamps (MirrorMaker 2 does not copy it either)',
  'message.timestamp.difference.max.ms': 'not carried: replicated records keep their original timestamps, a source limit does not apply to them',
  'message.timestamp.before.max.ms': 'not carried: replicated records keep their original timestamps, a source limit does not apply to them',
  'message.timestamp.after.max.ms': 'not carried: replicated records keep their original timestamps, a source limit does not apply to them',
  'min.insync.replicas': 'not carried: depends on the target cluster\'s broker count (MirrorMaker 2 does not copy it either)',
  'unclean.leader.election.enable': 'not carried: a durability choice of the target cluster (MirrorMaker 2 does not copy it either)',
  'leader.replication.throttled.replicas': 'not carried: refers to source broker ids',
  'follower.replication.throttled.replicas': 'not carried: refers to source broker ids',
  'message.format.version': 'not carried: deprecated, the target broker decides',
  'message.downconversion.enable': 'not carried: a client-compatibility setting of the target cluster',
};

/**
 * Topic configs an MSK Serverless topic accepts (docs.aws.amazon.com/msk/latest/developerguide/serverless-config.html,
 * 2026, confidence P). All others are fixed by the service.
 */
export const SERVERLESS_SETTABLE_CONFIGS: readonly string[] = [
  'cleanup.policy',
  'compression.type',
  'max.message.bytes',
  'message.timestamp.difference.max.ms',
  'message.timestamp.type',
  'retention.bytes',
  'retention.ms',
];

export interface SkippedConfig {
  name: string;
  value: string;
  reason: string;
}

export type TopicAction = 'create' | 'grow' | 'none';

export interface TopicPlanEntry {
  source: string;
  target: string;
  sourcePartitions: number;
  /** partitions the target topic has now, null when it does not exist yet */
  targetPartitions: number | null;
  action: TopicAction;
  /** configs set when the topic is created (an existing topic's configs are left alone) */
  configs: Record<string, string>;
  skippedConfigs: SkippedConfig[];
  warnings: string[];
}

export interface ExcludedTopic {
  topic: string;
  reason: string;
}

export interface TopicPlan {
  topics: TopicPlanEntry[];
  excluded: ExcludedTopic[];
  /** several source topics map to one target name (prefix policy cannot cause this; identity cannot either, kept as a guard) */
  conflicts: string[];
}

export interface PlanOptions {
  selection: TopicSelection;
  rename: RenamePolicy;
  /** prefix for --rename prefix: "<alias>.<topic>" */
  sourceAlias: string;
  targetKind: TargetKind;
  /** the Serverless max.message.bytes limit (bytes), from the limits data module */
  serverlessMaxMessageBytes: number;
}

function compilePattern(pattern: string, flag: string): RegExp {
  try {
    // Anchored like Java's Pattern.matches, which MirrorMaker 2 uses: "orders" does not select "orders-dlq".
    return new RegExp(`^(?:${pattern})$`);
  } catch (error) {
    throw inputError({ path: flag }, `invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}`, 'a JavaScript regular expression such as "orders\\..*"');
  }
}

/** Compiles --topics and --exclude; the default excludes always apply on top of --exclude. */
export function compileSelection(include: string[], exclude: string[] = []): TopicSelection {
  if (include.length === 0) throw inputError({ path: '--topics' }, 'no topic pattern given', 'one or more regular expressions, e.g. --topics "orders.*,payments"');
  const excludePatterns = [...exclude, ...DEFAULT_EXCLUDES];
  return {
    include: include.map((p) => compilePattern(p, '--topics')),
    exclude: excludePatterns.map((p, i) => compilePattern(p, i < exclude.length ? '--exclude' : 'default excludes')),
    includePatterns: [...include],
    excludePatterns,
  };
}

/** Why a topic is not selected, or undefined when it is. */
export function selectionReason(topic: string, selection: TopicSelection): string | undefined {
  const excludedBy = selection.exclude.findIndex((re) => re.test(topic));
  if (excludedBy >= 0) return `matches exclude pattern ${JSON.stringify(selection.excludePatterns[excludedBy])}`;
  if (!selection.include.some((re) => re.test(topic))) return 'matches no --topics pattern';
  return undefined;
}

export function targetTopicName(source: string, rename: RenamePolicy, sourceAlias: string): string {
  return rename === 'identity' ? source : `${sourceAlias}.${source}`;
}

/** Configs to set on a new target topic, and the ones left out with the reason. */
export function carryConfigs(
  source: TopicDescription,
  targetKind: TargetKind,
  serverlessMaxMessageBytes: number,
): { configs: Record<string, string>; skipped: SkippedConfig[] } {
  const configs: Record<string, string> = {};
  const skipped: SkippedConfig[] = [];
  for (const name of Object.keys(source.configs).sort()) {
    const value = source.configs[name] as string;
    const never = NEVER_CARRIED[name];
    if (never !== undefined) {
      skipped.push({ name, value, reason: never });
      continue;
    }
    if (targetKind === 'serverless') {
      if (!SERVERLESS_SETTABLE_CONFIGS.includes(name)) {
        skipped.push({ name, value, reason: 'not settable on MSK Serverless (fixed by the service)' });
        continue;
      }
      if (name === 'max.message.bytes' && Number(value) > serverlessMaxMessageBytes) {
        configs[name] = String(serverlessMaxMessageBytes);
        skipped.push({ name, value, reason: `above the MSK Serverless limit; set to ${serverlessMaxMessageBytes} bytes, larger records will be refused` });
        continue;
      }
    }
    configs[name] = value;
  }
  return { configs, skipped };
}

function timestampWarnings(source: TopicDescription, target: TopicDescription | undefined, plannedConfigs: Record<string, string>): string[] {
  const warnings: string[] = [];
  const targetConfigs = target?.configs ?? plannedConfigs;
  const sourceType = source.configs['message.timestamp.type'] ?? 'CreateTime';
  const targetType = targetConfigs['message.timestamp.type'] ?? 'CreateTime';
  if (sourceType === 'LogAppendTime' && targetType === 'CreateTime') {
    warnings.push('source uses LogAppendTime: records keep their source append time, stored as CreateTime on the target');
  }
  if (targetType === 'LogAppendTime') {
    warnings.push('target uses LogAppendTime: the target overwrites every replicated timestamp with its own append time');
  }
  const limits = ['message.timestamp.difference.max.ms', 'message.timestamp.before.max.ms']
    .map((name) => [name, targetConfigs[name]] as const)
    .filter(([, v]) => v !== undefined && Number.isFinite(Number(v)) && Number(v) < Number.MAX_SAFE_INTEGER);
  const retention = Number(source.configs['retention.ms'] ?? 7 * 24 * 3600 * 1000);
  for (const [name, value] of limits) {
    if (retention < 0 || Number(value) < retention) {
      warnings.push(`target ${name}=${value} ms: records older than that (source retention.ms=${retention < 0 ? 'unlimited' : retention}) will be rejected by the target`);
    }
  }
  return warnings;
}

/**
 * Plans the flow: every selected source topic with its target name and the action needed on the target.
 * Existing target topics are never deleted or shrunk; a target with more partitions than the source is kept
 * (records still go to the same partition number) with a warning.
 */
export function planTopics(source: TopicDescription[], target: TopicDescription[], options: PlanOptions): TopicPlan {
  const targetByName = new Map(target.map((t) => [t.name, t]));
  const topics: TopicPlanEntry[] = [];
  const excluded: ExcludedTopic[] = [];
  const seenTargets = new Map<string, string>();
  const conflicts: string[] = [];
  for (const topic of [...source].sort((a, b) => a.name.localeCompare(b.name))) {
    const reason = selectionReason(topic.name, options.selection);
    if (reason !== undefined) {
      excluded.push({ topic: topic.name, reason });
      continue;
    }
    const targetName = targetTopicName(topic.name, options.rename, options.sourceAlias);
    const previous = seenTargets.get(targetName);
    if (previous !== undefined) conflicts.push(`${previous} and ${topic.name} both map to ${targetName}`);
    seenTargets.set(targetName, topic.name);
    const existing = targetByName.get(targetName);
    const { configs, skipped } = carryConfigs(topic, options.targetKind, options.serverlessMaxMessageBytes);
    const warnings = timestampWarnings(topic, existing, configs);
    let action: TopicAction = 'none';
    if (existing === undefined) action = 'create';
    else if (existing.partitions < topic.partitions) action = 'grow';
    else if (existing.partitions > topic.partitions) {
      warnings.push(`target has ${existing.partitions} partitions, source ${topic.partitions}: the extra target partitions receive nothing`);
    }
    if (existing !== undefined) {
      const sourceMax = Number(topic.configs['max.message.bytes'] ?? NaN);
      const targetMax = Number(existing.configs['max.message.bytes'] ?? NaN);
      if (Number.isFinite(sourceMax) && Number.isFinite(targetMax) && targetMax < sourceMax) {
        warnings.push(`target max.message.bytes=${targetMax} is below the source's ${sourceMax}: larger records will stop the replication`);
      }
    }
    topics.push({
      source: topic.name,
      target: targetName,
      sourcePartitions: topic.partitions,
      targetPartitions: existing?.partitions ?? null,
      action,
      configs: existing === undefined ? configs : {},
      skippedConfigs: existing === undefined ? skipped : [],
      warnings,
    });
  }
  return { topics, excluded, conflicts };
}

/** The names of mskctl's internal topics for a flow on the target cluster. */
export function flowTopics(flowId: string): { positions: string; offsetMap: string } {
  return { positions: `mskctl.${flowId}.positions`, offsetMap: `mskctl.${flowId}.offset-map` };
}

/** The classic group on the target through which a flow's processes share its partitions. */
export function flowGroupId(flowId: string): string {
  return `mskctl.${flowId}`;
}

/** --exactly-once: the transactional id of the process in slot `slot` (see assignment.ts); '*' for the pattern of all. */
export function flowTransactionalId(flowId: string, slot: number | '*'): string {
  return `mskctl.${flowId}.${slot}`;
}

const FLOW_ID = /^[A-Za-z0-9_-]{1,100}$/;

export function validateFlowId(flowId: string): string {
  if (!FLOW_ID.test(flowId)) {
    throw inputError({ path: '--flow-id' }, `invalid flow id ${JSON.stringify(flowId)}`, 'letters, digits, "_" and "-" (at most 100), e.g. orders-to-serverless');
  }
  return flowId;
}

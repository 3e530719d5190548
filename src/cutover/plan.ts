/**
 * The cutover plan: which clusters, which replication flow, which topics and consumer groups, the checks
 * and thresholds, the hooks that stop and start applications, and where the run's state is kept.
 * Pure: text in, validated plan out (and back); the command adapters do the file I/O.
 */
import { stringify } from 'yaml';
import { parseYamlDocument, type ParsedDocument } from '../input/yaml.js';
import { inputError } from '../output/errors.js';
import { parseDurationMs, UnitParseError } from '../sizing/units.js';

export const PLAN_KIND = 'CutoverPlan';
export const PLAN_VERSION = 1;

export interface CutoverChecks {
  /** highest replication lag (records) allowed on any partition to pass the preflight; 0 by default */
  maxLag: number;
  /** source end offsets must stay unchanged this long before producers count as stopped (ms) */
  producerQuietPeriodMs: number;
  /** how long to wait for an operator action: a source group to go inactive, target consumers to start (ms) */
  waitTimeoutMs: number;
  /** how long the replication may take to drain to lag 0 once producers stopped (ms) */
  drainTimeoutMs: number;
  /** how long to wait for the consumers to show progress on the target, and for target writes (ms) */
  confirmTimeoutMs: number;
  /** how often to poll the clusters while waiting (ms) */
  pollIntervalMs: number;
  /** after the producers moved, wait until the target topics receive new writes */
  confirmTargetWrites: boolean;
}

export interface CutoverHooks {
  /** stops one group's consumers on the source (env MSKCTL_GROUP); otherwise the operator does it */
  stop?: string;
  /** starts one group's consumers on the target (env MSKCTL_GROUP); otherwise the operator does it */
  start?: string;
  /** stops the producers on the source; otherwise the operator does it */
  producerStop?: string;
  /** starts the producers on the target once the replication drained; otherwise the operator does it */
  producerStart?: string;
  /** a hook running longer than this is killed and the step fails (ms) */
  timeoutMs: number;
}

export interface CutoverPlan {
  kind: typeof PLAN_KIND;
  version: typeof PLAN_VERSION;
  /** source cluster: a context name or a bootstrap list */
  source: string;
  /** target cluster: a context name or a bootstrap list */
  target: string;
  /** the `mskctl replicate` flow that copies the topics */
  flowId: string;
  /** topic names on the source (the flow keeps names on the target unless it renames them) */
  topics: string[];
  /** consumer groups moved one after the other, in this order */
  groups: string[];
  checks: CutoverChecks;
  hooks: CutoverHooks;
  /** state file, relative to the plan file's folder unless absolute; by default <plan>.state.yaml next to the plan */
  state?: string;
}

export const DEFAULT_CHECKS: CutoverChecks = {
  maxLag: 0,
  producerQuietPeriodMs: 30_000,
  waitTimeoutMs: 30 * 60_000,
  drainTimeoutMs: 10 * 60_000,
  confirmTimeoutMs: 5 * 60_000,
  pollIntervalMs: 2_000,
  confirmTargetWrites: false,
};

export const DEFAULT_HOOK_TIMEOUT_MS = 5 * 60_000;

export interface PlanDraft {
  source: string;
  target: string;
  flowId: string;
  topics: string[];
  groups: string[];
  checks?: Partial<CutoverChecks>;
  hooks?: Partial<CutoverHooks>;
  state?: string;
}

/** The default state file name for a plan file: cutover.yaml → cutover.state.yaml (kept next to the plan). */
export function defaultStateFile(planFile: string): string {
  const base = planFile.replace(/^.*[\\/]/, '');
  const stem = base.replace(/\.(ya?ml|json)$/i, '');
  return `${stem}.state.yaml`;
}

/** Where a plan's state lives: its `state` field, or <plan>.state.yaml, relative to the plan's folder (path-joined by the caller). */
export function stateFileOf(plan: CutoverPlan, planFile: string): string {
  return plan.state ?? defaultStateFile(planFile);
}

export function buildPlan(draft: PlanDraft): CutoverPlan {
  return {
    kind: PLAN_KIND,
    version: PLAN_VERSION,
    source: draft.source,
    target: draft.target,
    flowId: draft.flowId,
    topics: [...draft.topics],
    groups: [...draft.groups],
    checks: { ...DEFAULT_CHECKS, ...draft.checks },
    hooks: { timeoutMs: DEFAULT_HOOK_TIMEOUT_MS, ...draft.hooks },
    ...(draft.state !== undefined ? { state: draft.state } : {}),
  };
}

function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** The plan as YAML, with comments saying what each setting does. */
export function serializePlan(plan: CutoverPlan): string {
  const doc = {
    kind: plan.kind,
    version: plan.version,
    source: plan.source,
    target: plan.target,
    flowId: plan.flowId,
    topics: plan.topics,
    groups: plan.groups,
    checks: {
      maxLag: plan.checks.maxLag,
      producerQuietPeriod: formatMs(plan.checks.producerQuietPeriodMs),
      waitTimeout: formatMs(plan.checks.waitTimeoutMs),
      drainTimeout: formatMs(plan.checks.drainTimeoutMs),
      confirmTimeout: formatMs(plan.checks.confirmTimeoutMs),
      pollInterval: formatMs(plan.checks.pollIntervalMs),
      confirmTargetWrites: plan.checks.confirmTargetWrites,
    },
    hooks: {
      ...(plan.hooks.stop !== undefined ? { stop: plan.hooks.stop } : {}),
      ...(plan.hooks.start !== undefined ? { start: plan.hooks.start } : {}),
      ...(plan.hooks.producerStop !== undefined ? { producerStop: plan.hooks.producerStop } : {}),
      ...(plan.hooks.producerStart !== undefined ? { producerStart: plan.hooks.producerStart } : {}),
      timeout: formatMs(plan.hooks.timeoutMs),
    },
    ...(plan.state !== undefined ? { state: plan.state } : {}),
  };
  const header = [
    '# mskctl cutover plan (consumer-first). Check it, then: mskctl cutover run <this file> [--execute]',
    '# checks.maxLag: records per partition the replication may lag at preflight (0 = fully caught up)',
    '# checks.producerQuietPeriod: source end offsets unchanged this long = producers stopped',
    '# hooks (optional, run with sh -c; MSKCTL_GROUP is set for stop/start): without a hook, mskctl waits',
    '#   for the operator to do the step and watches the clusters until it is done',
    '# state: where the progress is saved (relative to this file; default <plan name>.state.yaml next to it)',
  ].join('\n');
  return `${header}\n${stringify(doc, { lineWidth: 0 })}`;
}

const TOP_LEVEL = ['kind', 'version', 'source', 'target', 'flowId', 'topics', 'groups', 'checks', 'hooks', 'state'] as const;
const CHECK_FIELDS = ['maxLag', 'producerQuietPeriod', 'waitTimeout', 'drainTimeout', 'confirmTimeout', 'pollInterval', 'confirmTargetWrites'] as const;
const HOOK_FIELDS = ['stop', 'start', 'producerStop', 'producerStart', 'timeout'] as const;

// Kafka's legal topic and group characters; topics at most 249 long.
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
const FLOW_ID = /^[a-zA-Z0-9._-]{1,200}$/;

/** Validates a parsed plan document; every error names the file, the line, the field and what is expected. */
export function validatePlan(doc: ParsedDocument, flagOf?: (path: Array<string | number>) => string | undefined): CutoverPlan {
  const file = doc.file;
  const at = (path: Array<string | number>) => {
    const field = path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[');
    // built from command-line flags: name the flag instead of a file position
    if (flagOf) return { path: flagOf(path) ?? field };
    return { file, line: doc.lineOf(path), path: field };
  };
  const root = doc.value;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw inputError({ file }, 'the plan must be a mapping', 'the output of `mskctl cutover plan`');
  }
  const raw = root as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!(TOP_LEVEL as readonly string[]).includes(key)) throw inputError(at([key]), `unknown field "${key}"`, `one of ${TOP_LEVEL.join(', ')}`);
  }
  if (raw.kind !== PLAN_KIND) throw inputError(at(['kind']), `kind is ${JSON.stringify(raw.kind)}`, `kind: ${PLAN_KIND}`);
  if (raw.version !== PLAN_VERSION) throw inputError(at(['version']), `version is ${JSON.stringify(raw.version)}`, `version: ${PLAN_VERSION}`);

  const requireString = (key: string, pattern?: RegExp, what?: string): string => {
    const value = raw[key];
    if (typeof value !== 'string' || value.trim() === '') throw inputError(at([key]), value === undefined ? `missing "${key}"` : `found ${JSON.stringify(value)}`, what ?? 'a non-empty string');
    if (pattern && !pattern.test(value)) throw inputError(at([key]), `found ${JSON.stringify(value)}`, what ?? `a value matching ${pattern}`);
    return value.trim();
  };
  const source = requireString('source', undefined, 'a context name or a bootstrap list such as b-1.example:9098');
  const target = requireString('target', undefined, 'a context name or a bootstrap list such as b-1.example:9098');
  if (source === target) throw inputError(at(['target']), `target is the same cluster as source (${source})`, 'two different clusters');
  const flowId = requireString('flowId', FLOW_ID, 'the --flow-id of the `mskctl replicate` flow (letters, digits, . _ -)');

  const nameList = (key: 'topics' | 'groups', pattern: RegExp | undefined, what: string): string[] => {
    const value = raw[key];
    if (!Array.isArray(value) || value.length === 0) throw inputError(at([key]), value === undefined ? `missing "${key}"` : `found ${JSON.stringify(value)}`, `a non-empty list of ${what}`);
    const seen = new Set<string>();
    return value.map((item, index) => {
      if (typeof item !== 'string' || item.trim() === '') throw inputError(at([key, index]), `found ${JSON.stringify(item)}`, `a ${what.replace(/s$/, '')} name`);
      if (pattern && !pattern.test(item)) throw inputError(at([key, index]), `"${item}" is not a valid Kafka name`, 'letters, digits, ".", "_" and "-", at most 249 characters');
      if (seen.has(item)) throw inputError(at([key, index]), `"${item}" is listed twice`, `each ${what.replace(/s$/, '')} once`);
      seen.add(item);
      return item;
    });
  };
  const topics = nameList('topics', TOPIC_NAME, 'topics');
  const groups = nameList('groups', undefined, 'consumer groups');

  const section = (key: 'checks' | 'hooks', fields: readonly string[]): Record<string, unknown> => {
    const value = raw[key];
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) throw inputError(at([key]), `found ${JSON.stringify(value)}`, `a mapping with ${fields.join(', ')}`);
    for (const field of Object.keys(value)) {
      if (!fields.includes(field)) throw inputError(at([key, field]), `unknown field "${field}"`, `one of ${fields.join(', ')}`);
    }
    return value as Record<string, unknown>;
  };
  const duration = (key: 'checks' | 'hooks', field: string, value: unknown, fallback: number, min: number): number => {
    if (value === undefined || value === null) return fallback;
    let ms: number;
    try {
      ms = parseDurationMs(value as string);
    } catch (error) {
      if (error instanceof UnitParseError) throw inputError(at([key, field]), `found ${JSON.stringify(value)}`, error.expected);
      throw error;
    }
    if (ms < min) throw inputError(at([key, field]), `${JSON.stringify(value)} is too short`, `at least ${formatMs(min)}`);
    return ms;
  };

  const checksRaw = section('checks', CHECK_FIELDS);
  let maxLag = DEFAULT_CHECKS.maxLag;
  if (checksRaw.maxLag !== undefined && checksRaw.maxLag !== null) {
    if (typeof checksRaw.maxLag !== 'number' || !Number.isInteger(checksRaw.maxLag) || checksRaw.maxLag < 0) {
      throw inputError(at(['checks', 'maxLag']), `found ${JSON.stringify(checksRaw.maxLag)}`, 'a whole number of records, 0 or more');
    }
    maxLag = checksRaw.maxLag;
  }
  let confirmTargetWrites = DEFAULT_CHECKS.confirmTargetWrites;
  if (checksRaw.confirmTargetWrites !== undefined && checksRaw.confirmTargetWrites !== null) {
    if (typeof checksRaw.confirmTargetWrites !== 'boolean') throw inputError(at(['checks', 'confirmTargetWrites']), `found ${JSON.stringify(checksRaw.confirmTargetWrites)}`, 'true or false');
    confirmTargetWrites = checksRaw.confirmTargetWrites;
  }
  const checks: CutoverChecks = {
    maxLag,
    producerQuietPeriodMs: duration('checks', 'producerQuietPeriod', checksRaw.producerQuietPeriod, DEFAULT_CHECKS.producerQuietPeriodMs, 100),
    waitTimeoutMs: duration('checks', 'waitTimeout', checksRaw.waitTimeout, DEFAULT_CHECKS.waitTimeoutMs, 1000),
    drainTimeoutMs: duration('checks', 'drainTimeout', checksRaw.drainTimeout, DEFAULT_CHECKS.drainTimeoutMs, 1000),
    confirmTimeoutMs: duration('checks', 'confirmTimeout', checksRaw.confirmTimeout, DEFAULT_CHECKS.confirmTimeoutMs, 1000),
    pollIntervalMs: duration('checks', 'pollInterval', checksRaw.pollInterval, DEFAULT_CHECKS.pollIntervalMs, 50),
    confirmTargetWrites,
  };
  if (checks.pollIntervalMs > checks.producerQuietPeriodMs) {
    throw inputError(at(['checks', 'pollInterval']), `pollInterval ${formatMs(checks.pollIntervalMs)} is longer than producerQuietPeriod ${formatMs(checks.producerQuietPeriodMs)}`, 'a poll interval no longer than the quiet period');
  }

  const hooksRaw = section('hooks', HOOK_FIELDS);
  const hooks: CutoverHooks = { timeoutMs: duration('hooks', 'timeout', hooksRaw.timeout, DEFAULT_HOOK_TIMEOUT_MS, 1000) };
  for (const field of ['stop', 'start', 'producerStop', 'producerStart'] as const) {
    const value = hooksRaw[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' || value.trim() === '') throw inputError(at(['hooks', field]), `found ${JSON.stringify(value)}`, 'a shell command, or leave the field out');
    hooks[field] = value;
  }

  const state = raw.state === undefined || raw.state === null ? undefined : requireString('state', undefined, 'a file path for the cutover state');
  return { kind: PLAN_KIND, version: PLAN_VERSION, source, target, flowId, topics, groups, checks, hooks, ...(state !== undefined ? { state } : {}) };
}

export function parsePlan(text: string, file: string): CutoverPlan {
  if (text.trim() === '') throw inputError({ file }, 'the file is empty', 'the output of `mskctl cutover plan`', 'INPUT_EMPTY');
  return validatePlan(parseYamlDocument(text, file));
}

/** A stable fingerprint of everything that decides what the cutover does (not hooks' timeouts or state path). */
export function planFingerprint(plan: CutoverPlan): string {
  const essential = JSON.stringify([plan.source, plan.target, plan.flowId, plan.topics, plan.groups]);
  // FNV-1a, 32 bit: enough to notice an edited plan; not a security measure
  let hash = 0x811c9dc5;
  for (let i = 0; i < essential.length; i += 1) {
    hash ^= essential.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/**
 * The consumer-first cutover as a state machine: the ordered steps a plan expands to, the persisted state,
 * pure transitions between states, and the pure decisions each step takes from what it observed.
 * No I/O here: the executor observes the clusters, asks these functions what to do, and saves the result.
 */
import type { CutoverPlan } from './plan.js';
import { planFingerprint } from './plan.js';
import type { GroupObservation, PartitionBounds, PartitionLag, PartitionOffset, TranslatedOffset } from './ports.js';

export const PHASES = ['preflight', 'consumers', 'producers', 'finish'] as const;
export type Phase = (typeof PHASES)[number];

export type StepKind =
  | 'preflight'
  | 'await-source-inactive'
  | 'commit-target-offsets'
  | 'start-on-target'
  | 'confirm-target-active'
  | 'await-source-quiet'
  | 'drain-replication'
  | 'start-producers-on-target'
  | 'confirm-target-writes'
  | 'stop-replication'
  | 'summary';

export interface StepDef {
  id: string;
  phase: Phase;
  kind: StepKind;
  group?: string;
  /** what the step does, one line */
  title: string;
  /** how to roll back if the cutover is abandoned at this step */
  rollback: string;
}

// ---------------------------------------------------------------- the steps of a plan

function rollbackText(plan: CutoverPlan, kind: StepKind, group?: string): string {
  const reverse = `a reverse flow (mskctl replicate --source ${plan.target} --target ${plan.source} --topics ${plan.topics.join(',')})`;
  switch (kind) {
    case 'preflight':
      return 'Nothing has changed yet: no offsets written, no application moved. To abandon, delete the state file.';
    case 'await-source-inactive':
    case 'commit-target-offsets':
      return `Group ${group} has not read anything on the target. Start its consumers on the source again: they resume from their source commits (mskctl never writes offsets on the source). Offsets written on the target for ${group} are overwritten by the next attempt.`;
    case 'start-on-target':
    case 'confirm-target-active':
      return `Group ${group} may be consuming on the target. To go back: stop it on the target, start it on the source; it resumes from the source commit it made when it stopped, so records it processed on the target since then are processed again. Producers still write to the source, so nothing is lost.`;
    case 'await-source-quiet':
    case 'drain-replication':
      return `Consumers read on the target; producers are stopping on the source. To go back: start the producers on the source again (the replication is still running and carries their records to the consumers on the target).`;
    case 'start-producers-on-target':
    case 'confirm-target-writes':
      return `Producers may write to the target. Records written there exist only on the target: to go back, run ${reverse}, then move the producers and then the consumers back to the source.`;
    case 'stop-replication':
    case 'summary':
      return `The replication flow ${plan.flowId} is stopped (or stopping). Both applications run on the target. To go back, run ${reverse} and move producers and consumers back; restarting flow ${plan.flowId} resumes from its stored positions.`;
  }
}

/** Every step of a plan, in execution order. */
export function stepsOf(plan: CutoverPlan): StepDef[] {
  const steps: StepDef[] = [];
  const add = (phase: Phase, kind: StepKind, title: string, group?: string): void => {
    const id = group === undefined ? `${phase}/${kind}` : `${phase}/${group}/${kind}`;
    steps.push({ id, phase, kind, title, rollback: rollbackText(plan, kind, group), ...(group !== undefined ? { group } : {}) });
  };
  add('preflight', 'preflight', `check topics, replication flow ${plan.flowId} (lag <= ${plan.checks.maxLag}), groups and offset translation`);
  for (const group of plan.groups) {
    add('consumers', 'await-source-inactive', plan.hooks.stop ? `run the stop hook, then wait until ${group} has no members on the source` : `wait until ${group} has no members on the source (stop its consumers there)`, group);
    add('consumers', 'commit-target-offsets', `translate ${group}'s final source offsets and commit them on the target (group empty there)`, group);
    add('consumers', 'start-on-target', plan.hooks.start ? `run the start hook for ${group} on the target` : `wait for ${group}'s consumers to join on the target (start them there)`, group);
    add('consumers', 'confirm-target-active', `confirm ${group} is active on the target and its lag falls`, group);
  }
  add('producers', 'await-source-quiet', `${plan.hooks.producerStop ? 'run the producer stop hook, then w' : 'w'}ait until the source topics get no writes for ${plan.checks.producerQuietPeriodMs / 1000} s`);
  add('producers', 'drain-replication', `wait until flow ${plan.flowId} has lag 0 on every partition`);
  add('producers', 'start-producers-on-target', plan.hooks.producerStart ? 'run the producer start hook (producers write to the target)' : 'tell the operator to start the producers on the target');
  if (plan.checks.confirmTargetWrites) add('producers', 'confirm-target-writes', 'confirm new writes arrive on the target topics');
  add('finish', 'stop-replication', `stop replication flow ${plan.flowId}`);
  add('finish', 'summary', 'write the summary: records per topic on source and target, duplicates, phase durations');
  return steps;
}

// ---------------------------------------------------------------- the persisted state

export interface StepRecord {
  startedAt: string;
  finishedAt?: string;
  note?: string;
}

export interface Refusal {
  step: string;
  code: string;
  message: string;
  hint: string;
  at?: string;
}

export interface TopicSummary {
  topic: string;
  /** records on the source when the producers had stopped (sum of end − start offsets) */
  sourceRecords: number;
  /** records on the target once the replication drained */
  targetRecordsAtDrain: number;
  /** records on the target now (including writes by the moved producers) */
  targetRecordsNow: number;
  /** records the replication wrote twice: target offsets spanned by the replicated range − source records */
  replicationDuplicates: number;
}

export interface GroupSummary {
  group: string;
  partitions: number;
  /** partitions whose translation was exact (no re-delivery) */
  exactPartitions: number;
  /** partitions translated to a lower bound: the consumer may re-read records there */
  inexactPartitions: number;
  /** partitions without a source commit: the consumer's auto.offset.reset decides on the target */
  uncommittedPartitions: number;
}

export interface CutoverSummary {
  topics: TopicSummary[];
  groups: GroupSummary[];
  /** duplicates seen: records the replication wrote twice, over all topics */
  duplicates: number;
  /** partitions over all groups whose translation was not exact (re-delivery possible there) */
  inexactPartitions: number;
  phases: Array<{ phase: Phase; durationMs: number }>;
  totalDurationMs: number;
}

/** One partition's replicated range: source records [low, high) and the target offsets they map to. */
export interface ReplicatedSpan {
  topic: string;
  partition: number;
  sourceRecords: number;
  /** target offsets between the translations of the source log start and end */
  targetRecords: number;
}

/** The replicated span of each partition, from the source bounds and the translations of their low and high offsets. */
export function replicatedSpans(bounds: PartitionBounds[], lows: TranslatedOffset[], highs: TranslatedOffset[]): ReplicatedSpan[] {
  const lowOf = new Map(lows.map((t) => [key(t.topic, t.partition), t.targetOffset]));
  const highOf = new Map(highs.map((t) => [key(t.topic, t.partition), t.targetOffset]));
  return bounds.map((b) => {
    const low = lowOf.get(key(b.topic, b.partition));
    const high = highOf.get(key(b.topic, b.partition));
    const empty = b.high === b.low;
    return { topic: b.topic, partition: b.partition, sourceRecords: b.high - b.low, targetRecords: empty || low === undefined || high === undefined ? 0 : high - low };
  });
}

export interface CutoverState {
  kind: 'CutoverState';
  version: 1;
  /** fingerprint of the plan the state belongs to */
  plan: string;
  flowId: string;
  createdAt: string;
  updatedAt: string;
  steps: Record<string, StepRecord>;
  phases: Partial<Record<Phase, { startedAt: string; finishedAt?: string }>>;
  groups: Record<string, { sourceOffsets?: PartitionOffset[]; targetOffsets?: TranslatedOffset[] }>;
  producers: { quietSourceBounds?: PartitionBounds[]; drainedTargetBounds?: PartitionBounds[]; replicatedSpans?: ReplicatedSpan[] };
  refusal?: Refusal;
  summary?: CutoverSummary;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function initialState(plan: CutoverPlan, now: number): CutoverState {
  return {
    kind: 'CutoverState',
    version: 1,
    plan: planFingerprint(plan),
    flowId: plan.flowId,
    createdAt: iso(now),
    updatedAt: iso(now),
    steps: {},
    phases: {},
    groups: {},
    producers: {},
  };
}

/** Problems that make a saved state unusable for this plan (wrong file, edited plan). */
export function stateMismatch(plan: CutoverPlan, state: CutoverState): string | undefined {
  if (state.plan !== planFingerprint(plan)) {
    return `the state was written for a different plan (fingerprint ${state.plan}, this plan ${planFingerprint(plan)}): source, target, flow, topics or groups changed`;
  }
  return undefined;
}

/** Structural check of a loaded state document; returns a problem description or undefined. */
export function stateShapeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the state is not a mapping';
  const v = value as Record<string, unknown>;
  if (v.kind !== 'CutoverState') return `kind is ${JSON.stringify(v.kind)}, expected CutoverState`;
  if (v.version !== 1) return `version is ${JSON.stringify(v.version)}, expected 1`;
  for (const key of ['plan', 'flowId', 'createdAt', 'updatedAt']) if (typeof v[key] !== 'string') return `${key} is missing or not a string`;
  for (const key of ['steps', 'phases', 'groups', 'producers']) {
    if (typeof v[key] !== 'object' || v[key] === null || Array.isArray(v[key])) return `${key} is missing or not a mapping`;
  }
  return undefined;
}

export function isStepDone(state: CutoverState, stepId: string): boolean {
  return state.steps[stepId]?.finishedAt !== undefined;
}

/** The next step to run, or undefined when the cutover is complete. */
export function nextStep(plan: CutoverPlan, state: CutoverState): StepDef | undefined {
  return stepsOf(plan).find((step) => !isStepDone(state, step.id));
}

export function isComplete(plan: CutoverPlan, state: CutoverState): boolean {
  return nextStep(plan, state) === undefined;
}

/** Where the cutover stands: the phase of the next step, or 'done'. */
export function currentPhase(plan: CutoverPlan, state: CutoverState): Phase | 'done' {
  return nextStep(plan, state)?.phase ?? 'done';
}

/** Marks a step as started (keeping the first start time when it resumes). */
export function startStep(state: CutoverState, step: StepDef, now: number): CutoverState {
  const at = iso(now);
  const existing = state.steps[step.id];
  const phase = state.phases[step.phase];
  const next: CutoverState = {
    ...state,
    updatedAt: at,
    steps: { ...state.steps, [step.id]: existing ?? { startedAt: at } },
    phases: { ...state.phases, [step.phase]: phase ?? { startedAt: at } },
  };
  delete next.refusal;
  return next;
}

/** What a finished step hands to the state. */
export interface StepOutcome {
  note?: string;
  group?: { sourceOffsets?: PartitionOffset[]; targetOffsets?: TranslatedOffset[] };
  quietSourceBounds?: PartitionBounds[];
  drainedTargetBounds?: PartitionBounds[];
  replicatedSpans?: ReplicatedSpan[];
  summary?: CutoverSummary;
}

/** Marks a step done and stores what it produced; closes its phase when it was the phase's last step. */
export function finishStep(plan: CutoverPlan, state: CutoverState, step: StepDef, outcome: StepOutcome, now: number): CutoverState {
  if (isStepDone(state, step.id)) return state;
  const at = iso(now);
  const started = state.steps[step.id]?.startedAt ?? at;
  const steps = { ...state.steps, [step.id]: { startedAt: started, finishedAt: at, ...(outcome.note !== undefined ? { note: outcome.note } : {}) } };
  const groups = { ...state.groups };
  if (step.group !== undefined && outcome.group) groups[step.group] = { ...groups[step.group], ...outcome.group };
  const producers = { ...state.producers };
  if (outcome.quietSourceBounds) producers.quietSourceBounds = outcome.quietSourceBounds;
  if (outcome.drainedTargetBounds) producers.drainedTargetBounds = outcome.drainedTargetBounds;
  if (outcome.replicatedSpans) producers.replicatedSpans = outcome.replicatedSpans;
  const phases = { ...state.phases };
  const phaseSteps = stepsOf(plan).filter((s) => s.phase === step.phase);
  const phaseStart = phases[step.phase]?.startedAt ?? started;
  phases[step.phase] = phaseSteps.every((s) => s.id === step.id || steps[s.id]?.finishedAt !== undefined) ? { startedAt: phaseStart, finishedAt: at } : { startedAt: phaseStart };
  const next: CutoverState = { ...state, updatedAt: at, steps, groups, producers, phases, ...(outcome.summary ? { summary: outcome.summary } : {}) };
  delete next.refusal;
  return next;
}

/** Records why a step refused to go on; the step stays pending so a later run retries it. */
export function refuseStep(state: CutoverState, refusal: Refusal, now: number): CutoverState {
  return { ...state, updatedAt: iso(now), refusal: { ...refusal, at: iso(now) } };
}

// ---------------------------------------------------------------- pure decisions

export interface PreflightCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** the refusal code when it failed */
  code?: string;
  hint?: string;
}

export interface GroupPreflightObservation {
  group: string;
  source: GroupObservation;
  target: GroupObservation;
  sourceOffsets: PartitionOffset[];
  targetOffsets: PartitionOffset[];
  translated: TranslatedOffset[];
}

export interface PreflightObservation {
  sourcePartitions: Map<string, number>;
  targetPartitions: Map<string, number>;
  replicationRunning: boolean;
  lag: PartitionLag[];
  targetBounds: PartitionBounds[];
  groups: GroupPreflightObservation[];
}

const key = (topic: string, partition: number): string => `${topic}:${partition}`;

function listSome(items: string[], max = 5): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** Translations that fall outside the target log: before its start or after its end. */
export function translationsOutsideLog(translated: TranslatedOffset[], bounds: PartitionBounds[]): string[] {
  const byPartition = new Map(bounds.map((b) => [key(b.topic, b.partition), b]));
  const problems: string[] = [];
  for (const t of translated) {
    if (t.sourceOffset < 0 || t.pending) continue;
    const b = byPartition.get(key(t.topic, t.partition));
    if (!b) problems.push(`${key(t.topic, t.partition)} has no target partition`);
    else if (t.targetOffset < b.low || t.targetOffset > b.high) problems.push(`${key(t.topic, t.partition)} → ${t.targetOffset} outside [${b.low}, ${b.high}]`);
  }
  return problems;
}

/** Partitions where the target group already committed beyond the translated offset (someone consumed there). */
export function targetAhead(translated: TranslatedOffset[], targetCommitted: PartitionOffset[]): string[] {
  const committed = new Map(targetCommitted.map((o) => [key(o.topic, o.partition), o.offset]));
  const ahead: string[] = [];
  for (const t of translated) {
    if (t.sourceOffset < 0) continue;
    const c = committed.get(key(t.topic, t.partition));
    if (c !== undefined && c > t.targetOffset) ahead.push(`${key(t.topic, t.partition)} committed ${c} > ${t.targetOffset}`);
  }
  return ahead;
}

export function evaluatePreflight(plan: CutoverPlan, obs: PreflightObservation): PreflightCheck[] {
  const checks: PreflightCheck[] = [];
  const topicProblems: string[] = [];
  for (const topic of plan.topics) {
    const s = obs.sourcePartitions.get(topic);
    const t = obs.targetPartitions.get(topic);
    if (s === undefined) topicProblems.push(`${topic} missing on the source`);
    else if (t === undefined) topicProblems.push(`${topic} missing on the target`);
    else if (s !== t) topicProblems.push(`${topic} has ${s} partitions on the source, ${t} on the target`);
  }
  checks.push(
    topicProblems.length === 0
      ? { name: 'topics', ok: true, detail: `${plan.topics.length} topics exist on both clusters with matching partition counts` }
      : { name: 'topics', ok: false, code: 'TOPICS_MISMATCH', detail: listSome(topicProblems), hint: `let flow ${plan.flowId} create the target topics (mskctl replicate), or fix the topic list in the plan` },
  );

  checks.push(
    obs.replicationRunning
      ? { name: 'replication running', ok: true, detail: `flow ${plan.flowId} is running` }
      : { name: 'replication running', ok: false, code: 'REPLICATION_NOT_RUNNING', detail: `flow ${plan.flowId} is not running`, hint: `start it: mskctl replicate --flow-id ${plan.flowId} --source ${plan.source} --target ${plan.target} --topics ${plan.topics.join(',')}` },
  );

  const lagByPartition = new Map(obs.lag.map((l) => [key(l.topic, l.partition), l.lag]));
  const over: string[] = [];
  const unknown: string[] = [];
  let maxLag = 0;
  for (const topic of plan.topics) {
    const partitions = obs.sourcePartitions.get(topic) ?? 0;
    for (let p = 0; p < partitions; p += 1) {
      const lag = lagByPartition.get(key(topic, p));
      if (lag === undefined) unknown.push(key(topic, p));
      else {
        maxLag = Math.max(maxLag, lag);
        if (lag > plan.checks.maxLag) over.push(`${key(topic, p)} lag ${lag}`);
      }
    }
  }
  if (over.length === 0 && unknown.length === 0) {
    checks.push({ name: 'replication lag', ok: true, detail: `highest lag ${maxLag} records, threshold ${plan.checks.maxLag}` });
  } else {
    const parts = [...(over.length ? [`above ${plan.checks.maxLag} records on ${over.length} partitions: ${listSome(over)}`] : []), ...(unknown.length ? [`unknown (not replicated yet) on ${listSome(unknown)}`] : [])];
    checks.push({ name: 'replication lag', ok: false, code: 'LAG_ABOVE_THRESHOLD', detail: parts.join('; '), hint: `let flow ${plan.flowId} catch up (mskctl replicate status --flow-id ${plan.flowId}), then run again; or raise checks.maxLag in the plan` });
  }

  for (const g of obs.groups) {
    const committed = g.sourceOffsets.filter((o) => o.offset >= 0);
    const missing = g.sourceOffsets.filter((o) => o.offset < 0).map((o) => key(o.topic, o.partition));
    checks.push(
      committed.length > 0
        ? { name: `group ${g.group}: source offsets`, ok: true, detail: `${committed.length} partitions committed on the source${missing.length ? `; no commit on ${listSome(missing)} (auto.offset.reset applies there)` : ''}` }
        : { name: `group ${g.group}: source offsets`, ok: false, code: 'SOURCE_OFFSETS_UNKNOWN', detail: `no committed offsets for ${plan.topics.join(', ')} on the source`, hint: `check the group name; a group that never committed has nothing to carry over (remove it from the plan)` },
    );
    const ahead = targetAhead(g.translated, g.targetOffsets);
    if (g.target.members > 0) {
      checks.push({ name: `group ${g.group}: target group empty`, ok: false, code: 'TARGET_GROUP_NOT_EMPTY', detail: `${g.group} has ${g.target.members} active members on the target (state ${g.target.state})`, hint: `stop the consumers of ${g.group} on the target; mskctl writes offsets only for an empty group` });
    } else if (ahead.length > 0) {
      checks.push({ name: `group ${g.group}: target group empty`, ok: false, code: 'TARGET_GROUP_NOT_EMPTY', detail: `${g.group} already committed on the target beyond the translated offsets: ${listSome(ahead)}`, hint: `someone consumed as ${g.group} on the target; if that was a test, delete the group there (kafka-consumer-groups.sh --bootstrap-server <target> --delete --group ${g.group})` });
    } else {
      checks.push({ name: `group ${g.group}: target group empty`, ok: true, detail: g.target.state === 'Dead' ? 'absent on the target' : `no active members on the target (state ${g.target.state})` });
    }
    const outside = translationsOutsideLog(g.translated, obs.targetBounds);
    const inexact = g.translated.filter((t) => t.sourceOffset >= 0 && !t.pending && !t.exact).length;
    const pending = g.translated.filter((t) => t.sourceOffset >= 0 && t.pending).length;
    checks.push(
      outside.length === 0
        ? {
            name: `group ${g.group}: translation`,
            ok: true,
            detail: `${committed.length - pending} offsets translate within the target log${inexact ? ` (${inexact} not exact: records may be re-delivered)` : ', all exact'}${pending ? `; ${pending} not replicated yet (translated when the group stops)` : ''}`,
          }
        : { name: `group ${g.group}: translation`, ok: false, code: 'TRANSLATION_OUTSIDE_LOG', detail: listSome(outside), hint: `the target log does not hold the records the group would resume at; check flow ${plan.flowId} (mskctl replicate translate --group ${g.group}) and the target topics' retention` },
    );
  }
  return checks;
}

export type CommitDecision =
  | { kind: 'commit'; offsets: PartitionOffset[] }
  | { kind: 'wait'; reason: string }
  | { kind: 'already-committed' }
  | { kind: 'refuse'; refusal: Omit<Refusal, 'step'> };

/** Decides the offset write for one group, from the target group, the translation and the target log. */
export function decideOffsetCommit(
  plan: CutoverPlan,
  group: string,
  target: GroupObservation,
  translated: TranslatedOffset[],
  targetCommitted: PartitionOffset[],
  targetBounds: PartitionBounds[],
): CommitDecision {
  if (target.members > 0) {
    return {
      kind: 'refuse',
      refusal: {
        code: 'TARGET_GROUP_ACTIVE',
        message: `refusing to write offsets for ${group} on the target: it has ${target.members} active members (state ${target.state})`,
        hint: `stop ${group}'s consumers on the target (they started before their offsets were set), then run the cutover again; the broker rejects offset writes for an active group anyway`,
      },
    };
  }
  const pending = translated.filter((t) => t.sourceOffset >= 0 && t.pending).map((t) => key(t.topic, t.partition));
  if (pending.length > 0) return { kind: 'wait', reason: `flow ${plan.flowId} has not replicated up to ${group}'s committed offsets on ${listSome(pending)} yet` };
  const outside = translationsOutsideLog(translated, targetBounds);
  if (outside.length > 0) {
    return {
      kind: 'refuse',
      refusal: {
        code: 'TRANSLATION_OUTSIDE_LOG',
        message: `refusing to write offsets for ${group}: translated offsets fall outside the target log: ${listSome(outside)}`,
        hint: `check flow ${plan.flowId} (mskctl replicate translate --group ${group}) and the target topics' retention, then run again`,
      },
    };
  }
  const ahead = targetAhead(translated, targetCommitted);
  if (ahead.length > 0) {
    return {
      kind: 'refuse',
      refusal: {
        code: 'TARGET_GROUP_NOT_EMPTY',
        message: `refusing to rewind ${group} on the target: it already committed beyond the translated offsets (${listSome(ahead)})`,
        hint: `someone consumed as ${group} on the target; delete the group there if that was a mistake, then run again`,
      },
    };
  }
  const offsets = translated.filter((t) => t.sourceOffset >= 0).map((t) => ({ topic: t.topic, partition: t.partition, offset: t.targetOffset }));
  const committed = new Map(targetCommitted.map((o) => [key(o.topic, o.partition), o.offset]));
  if (offsets.every((o) => committed.get(key(o.topic, o.partition)) === o.offset)) return { kind: 'already-committed' };
  return { kind: 'commit', offsets };
}

/** The group shows progress on the target: it committed past the switch point somewhere, or has no lag left. */
export function consumersProgressing(switchOffsets: TranslatedOffset[], current: PartitionOffset[], bounds: PartitionBounds[]): { progressing: boolean; lag: number } {
  const now = new Map(current.map((o) => [key(o.topic, o.partition), o.offset]));
  const high = new Map(bounds.map((b) => [key(b.topic, b.partition), b.high]));
  let advanced = false;
  let lag = 0;
  for (const t of switchOffsets) {
    if (t.sourceOffset < 0) continue;
    const committed = now.get(key(t.topic, t.partition)) ?? t.targetOffset;
    if (committed > t.targetOffset) advanced = true;
    lag += Math.max(0, (high.get(key(t.topic, t.partition)) ?? committed) - committed);
  }
  return { progressing: advanced || lag === 0, lag };
}

/** Tracks how long the source end offsets have stayed unchanged. */
export interface QuietTracker {
  signature: string;
  since: number;
  bounds: PartitionBounds[];
}

export function observeQuiet(tracker: QuietTracker | undefined, bounds: PartitionBounds[], now: number): QuietTracker {
  const signature = [...bounds].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1)).map((b) => `${key(b.topic, b.partition)}=${b.high}`).join(',');
  if (tracker && tracker.signature === signature) return tracker;
  return { signature, since: now, bounds };
}

export function isQuiet(tracker: QuietTracker, now: number, quietPeriodMs: number): boolean {
  return now - tracker.since >= quietPeriodMs;
}

/** End offsets that moved since the producers were found stopped. */
export function writesSince(before: PartitionBounds[], after: PartitionBounds[]): string[] {
  const was = new Map(before.map((b) => [key(b.topic, b.partition), b.high]));
  return after.filter((b) => (was.get(key(b.topic, b.partition)) ?? 0) !== b.high).map((b) => `${key(b.topic, b.partition)} ${was.get(key(b.topic, b.partition)) ?? 0} → ${b.high}`);
}

export type DrainDecision = { kind: 'drained' } | { kind: 'waiting'; lag: number } | { kind: 'refuse'; refusal: Omit<Refusal, 'step'> };

export function decideDrain(plan: CutoverPlan, lag: PartitionLag[], quietBounds: PartitionBounds[], sourceNow: PartitionBounds[]): DrainDecision {
  const moved = writesSince(quietBounds, sourceNow);
  if (moved.length > 0) {
    return {
      kind: 'refuse',
      refusal: {
        code: 'SOURCE_WRITES_RESUMED',
        message: `writes to the source appeared again after the producers stopped: ${listSome(moved)}`,
        hint: 'find the producer still writing to the source and stop it; then run the cutover again (it waits for a new quiet period)',
      },
    };
  }
  const lagByPartition = new Map(lag.map((l) => [key(l.topic, l.partition), l.lag]));
  let total = 0;
  for (const b of quietBounds) total += lagByPartition.get(key(b.topic, b.partition)) ?? Math.max(1, b.high - b.low);
  return total === 0 ? { kind: 'drained' } : { kind: 'waiting', lag: total };
}

/** New records on the target since the replication drained: the producers write there now. */
export function targetWritesSeen(drained: PartitionBounds[], now: PartitionBounds[]): boolean {
  return writesSince(drained, now).length > 0;
}

const recordsOf = (bounds: PartitionBounds[], topic: string): number => bounds.filter((b) => b.topic === topic).reduce((sum, b) => sum + (b.high - b.low), 0);

export function summarize(plan: CutoverPlan, state: CutoverState, targetNow: PartitionBounds[], now: number): CutoverSummary {
  const quiet = state.producers.quietSourceBounds ?? [];
  const drained = state.producers.drainedTargetBounds ?? [];
  const topics = plan.topics.map((topic) => {
    const sourceRecords = recordsOf(quiet, topic);
    const targetRecordsAtDrain = recordsOf(drained, topic);
    const spans = (state.producers.replicatedSpans ?? []).filter((s) => s.topic === topic);
    const replicationDuplicates = spans.reduce((sum, s) => sum + Math.max(0, s.targetRecords - s.sourceRecords), 0);
    return { topic, sourceRecords, targetRecordsAtDrain, targetRecordsNow: recordsOf(targetNow, topic), replicationDuplicates };
  });
  const groups = plan.groups.map((group) => {
    const translated = state.groups[group]?.targetOffsets ?? [];
    return {
      group,
      partitions: translated.length,
      exactPartitions: translated.filter((t) => t.sourceOffset >= 0 && t.exact).length,
      inexactPartitions: translated.filter((t) => t.sourceOffset >= 0 && !t.exact).length,
      uncommittedPartitions: translated.filter((t) => t.sourceOffset < 0).length,
    };
  });
  const phases = PHASES.flatMap((phase) => {
    const p = state.phases[phase];
    if (!p) return [];
    const end = p.finishedAt ? Date.parse(p.finishedAt) : now;
    return [{ phase, durationMs: end - Date.parse(p.startedAt) }];
  });
  const inexactPartitions = groups.reduce((sum, g) => sum + g.inexactPartitions, 0);
  const duplicates = topics.reduce((sum, t) => sum + t.replicationDuplicates, 0);
  return { topics, groups, duplicates, inexactPartitions, phases, totalDurationMs: now - Date.parse(state.createdAt) };
}

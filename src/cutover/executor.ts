/**
 * Drives the cutover state machine with real effects behind ports: observes the clusters, asks the pure
 * decisions what to do, acts (offset writes, hooks, stopping the flow), and saves the state after every
 * step so a crash or Ctrl-C resumes exactly where it stopped.
 */
import { checkFailed, interrupted, MskctlError, operationalError, usageError } from '../output/errors.js';
import type { Logger } from '../output/log.js';
import type { CutoverPlan } from './plan.js';
import type { ClusterPort, Clock, HookRunner, PartitionBounds, ReplicationControl, StateStore } from './ports.js';
import {
  consumersProgressing,
  currentPhase,
  decideDrain,
  decideOffsetCommit,
  evaluatePreflight,
  finishStep,
  initialState,
  isComplete,
  isQuiet,
  isStepDone,
  nextStep,
  observeQuiet,
  refuseStep,
  replicatedSpans,
  startStep,
  stateMismatch,
  stateShapeProblem,
  stepsOf,
  summarize,
  targetWritesSeen,
  writesSince,
  type CutoverState,
  type PreflightCheck,
  type PreflightObservation,
  type QuietTracker,
  type Refusal,
  type StepDef,
  type StepOutcome,
} from './state-machine.js';

export interface CutoverPorts {
  source: ClusterPort;
  target: ClusterPort;
  replication: ReplicationControl;
  hooks: HookRunner;
  clock: Clock;
  store: StateStore;
  log: Logger;
}

/** Awaits every promise (so none keeps running in the background after a failure) and throws the first failure. */
export async function settledAll<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** A step decided it must not go on; the cutover stops with exit 1 and the step is retried next run. */
export class RefusedError extends Error {
  constructor(readonly refusal: Omit<Refusal, 'step'>) {
    super(refusal.message);
    this.name = 'RefusedError';
  }
}

export function loadState(plan: CutoverPlan, store: StateStore): CutoverState | undefined {
  const value = store.load();
  if (value === undefined) return undefined;
  const shape = stateShapeProblem(value);
  if (shape) throw usageError(`${store.location}: not a cutover state file: ${shape}`, 'point the plan\'s "state" field at the right file, or delete the file to start over');
  const state = value as CutoverState;
  const mismatch = stateMismatch(plan, state);
  if (mismatch) throw usageError(`${store.location}: ${mismatch}`, 'restore the plan this state belongs to, or give the edited plan its own state file (field "state")');
  return state;
}

// ---------------------------------------------------------------- preflight (read-only)

export async function observePreflight(plan: CutoverPlan, ports: Pick<CutoverPorts, 'source' | 'target' | 'replication'>): Promise<PreflightObservation> {
  const { source, target, replication } = ports;
  const [sourcePartitions, targetPartitions, replicationRunning] = await settledAll([
    source.partitionCounts(plan.topics),
    target.partitionCounts(plan.topics),
    replication.isRunning(plan.flowId),
  ]);
  const onBoth = plan.topics.filter((t) => sourcePartitions.has(t) && targetPartitions.has(t));
  const lag = onBoth.length ? await replication.lag(plan.flowId, onBoth) : [];
  const groups = [];
  for (const group of plan.groups) {
    const [sourceGroup, targetGroup, sourceOffsets, targetOffsets] = await settledAll([
      source.describeGroup(group),
      target.describeGroup(group),
      onBoth.length ? source.committedOffsets(group, onBoth) : Promise.resolve([]),
      onBoth.length ? target.committedOffsets(group, onBoth) : Promise.resolve([]),
    ]);
    const translated = sourceOffsets.some((o) => o.offset >= 0) ? await replication.translate(plan.flowId, sourceOffsets) : [];
    groups.push({ group, source: sourceGroup, target: targetGroup, sourceOffsets, targetOffsets, translated });
  }
  // the target log after the translations: what they point at was written before they were read
  const targetBounds = onBoth.length ? await target.topicBounds(onBoth) : [];
  return { sourcePartitions, targetPartitions, replicationRunning, lag, targetBounds, groups };
}

export interface StepView {
  id: string;
  phase: string;
  title: string;
  status: 'done' | 'next' | 'pending';
  startedAt?: string;
  finishedAt?: string;
  note?: string;
}

export function stepViews(plan: CutoverPlan, state: CutoverState | undefined): StepView[] {
  const next = state ? nextStep(plan, state) : stepsOf(plan)[0];
  return stepsOf(plan).map((step) => {
    const record = state?.steps[step.id];
    const status = state && isStepDone(state, step.id) ? 'done' : step.id === next?.id ? 'next' : 'pending';
    return {
      id: step.id,
      phase: step.phase,
      title: step.title,
      status,
      ...(record?.startedAt ? { startedAt: record.startedAt } : {}),
      ...(record?.finishedAt ? { finishedAt: record.finishedAt } : {}),
      ...(record?.note ? { note: record.note } : {}),
    };
  });
}

// ---------------------------------------------------------------- running

interface Ctx {
  plan: CutoverPlan;
  ports: CutoverPorts;
  signal: AbortSignal;
  state: CutoverState;
}

async function pollUntil<T>(
  ctx: Ctx,
  timeoutMs: number,
  what: string,
  probe: () => Promise<{ done: true; value: T } | { done: false; progress?: string }>,
  onTimeout: () => MskctlError,
): Promise<T> {
  const { clock, log } = ctx.ports;
  const deadline = clock.now() + timeoutMs;
  let lastProgress = '';
  let lastLogged = 0;
  for (;;) {
    if (ctx.signal.aborted) throw interrupted();
    let result: { done: true; value: T } | { done: false; progress?: string };
    try {
      result = await probe();
    } catch (error) {
      // a failed look at a cluster while waiting is retried until the deadline; refusals and input errors are not
      if (error instanceof RefusedError || (error instanceof MskctlError && error.exitCode !== 3) || clock.now() >= deadline) throw error;
      result = { done: false, progress: `retrying after: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (result.done) return result.value;
    const now = clock.now();
    // a line when the situation changes, and a reminder every 30 s
    if (result.progress && (result.progress !== lastProgress || now - lastLogged >= 30_000)) {
      log.info(`  … ${what}: ${result.progress}`);
      lastProgress = result.progress;
      lastLogged = now;
    }
    if (now >= deadline) throw onTimeout();
    await clock.sleep(Math.min(ctx.plan.checks.pollIntervalMs, Math.max(0, deadline - now)), ctx.signal);
  }
}

function timeout(step: StepDef, what: string, ms: number, hint: string): MskctlError {
  return operationalError(`${step.id}: timed out after ${Math.round(ms / 1000)} s waiting for ${what}`, `${hint}; run the cutover again to keep waiting (it resumes at this step). Rollback: ${step.rollback}`, 'CUTOVER_TIMEOUT');
}

async function runHook(ctx: Ctx, name: string, command: string, env: Record<string, string>): Promise<void> {
  ctx.ports.log.info(`  running ${name} hook: ${command}`);
  try {
    await ctx.ports.hooks.run(command, { MSKCTL_CUTOVER_FLOW: ctx.plan.flowId, MSKCTL_SOURCE: ctx.plan.source, MSKCTL_TARGET: ctx.plan.target, ...env }, ctx.plan.hooks.timeoutMs, ctx.signal);
  } catch (error) {
    if (ctx.signal.aborted) throw interrupted();
    throw operationalError(`the ${name} hook failed: ${error instanceof Error ? error.message : String(error)}`, `fix the hook (${command}) or do the step by hand, then run the cutover again`, 'CUTOVER_HOOK_FAILED', error);
  }
}

const sumBounds = (bounds: PartitionBounds[]): number => bounds.reduce((s, b) => s + b.high, 0);

const handlers: Record<StepDef['kind'], (ctx: Ctx, step: StepDef) => Promise<StepOutcome>> = {
  async preflight(ctx) {
    const checks = evaluatePreflight(ctx.plan, await observePreflight(ctx.plan, ctx.ports));
    for (const check of checks) ctx.ports.log.info(`  ${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`);
    const failed = checks.filter((c) => !c.ok);
    if (failed.length > 0) {
      throw new RefusedError({
        code: failed[0]!.code ?? 'PREFLIGHT_FAILED',
        message: `preflight not met: ${failed.map((c) => `${c.name}: ${c.detail}`).join('; ')}`,
        hint: failed.map((c) => c.hint).filter(Boolean).join('; '),
      });
    }
    return { note: `${checks.length} checks passed` };
  },

  async 'await-source-inactive'(ctx, step) {
    const group = step.group!;
    const { source } = ctx.ports;
    const initial = await source.describeGroup(group);
    if (initial.members > 0) {
      if (ctx.plan.hooks.stop) await runHook(ctx, 'stop', ctx.plan.hooks.stop, { MSKCTL_GROUP: group });
      else ctx.ports.log.info(`  stop the consumers of ${group} on the source now (${ctx.plan.source}); waiting until the group has no members`);
      await pollUntil(
        ctx,
        ctx.plan.checks.waitTimeoutMs,
        `${group} on the source`,
        async () => {
          const g = await source.describeGroup(group);
          return g.members === 0 ? { done: true, value: g } : { done: false, progress: `${g.members} members, state ${g.state}` };
        },
        () => timeout(step, `${group} to have no members on the source`, ctx.plan.checks.waitTimeoutMs, `stop ${group}'s consumers on the source`),
      );
    }
    const sourceOffsets = await source.committedOffsets(group, ctx.plan.topics);
    return { note: `${group} inactive on the source`, group: { sourceOffsets } };
  },

  async 'commit-target-offsets'(ctx, step) {
    const group = step.group!;
    const { source, target, replication } = ctx.ports;
    const sourceGroup = await source.describeGroup(group);
    if (sourceGroup.members > 0) {
      throw new RefusedError({
        code: 'SOURCE_GROUP_ACTIVE',
        message: `${group} has ${sourceGroup.members} active members on the source again: its offsets there are still moving`,
        hint: `stop ${group}'s consumers on the source, then run the cutover again`,
      });
    }
    // The group is inactive, so its source commits are final; read them again in case they moved after the last step.
    const sourceOffsets = await source.committedOffsets(group, ctx.plan.topics);
    const observe = async () => {
      const translated = sourceOffsets.some((o) => o.offset >= 0) ? await replication.translate(ctx.plan.flowId, sourceOffsets) : [];
      const [targetGroup, targetCommitted, targetBounds] = await settledAll([target.describeGroup(group), target.committedOffsets(group, ctx.plan.topics), target.topicBounds(ctx.plan.topics)]);
      return { translated, targetGroup, targetCommitted, targetBounds, decision: decideOffsetCommit(ctx.plan, group, targetGroup, translated, targetCommitted, targetBounds) };
    };
    // the consumers may have been ahead of the replication: wait until it has copied up to their commits
    const { translated, targetGroup, targetBounds, decision } = await pollUntil(
      ctx,
      ctx.plan.checks.drainTimeoutMs,
      `translation of ${group}'s offsets`,
      async () => {
        const seen = await observe();
        return seen.decision.kind === 'wait' ? { done: false, progress: seen.decision.reason } : { done: true, value: seen };
      },
      () => timeout(step, `flow ${ctx.plan.flowId} to replicate up to ${group}'s committed offsets`, ctx.plan.checks.drainTimeoutMs, `check that flow ${ctx.plan.flowId} is running (mskctl replicate status)`),
    );
    if (decision.kind === 'refuse') throw new RefusedError(decision.refusal);
    if (decision.kind === 'commit') {
      await target.setOffsets(group, decision.offsets);
      const after = await target.committedOffsets(group, ctx.plan.topics);
      const again = decideOffsetCommit(ctx.plan, group, { ...targetGroup, members: 0 }, translated, after, targetBounds);
      if (again.kind !== 'already-committed') throw operationalError(`the offsets committed for ${group} on the target do not read back as written`, 'run the cutover again; if it persists, check the target group with kafka-consumer-groups.sh --describe');
    }
    const committed = translated.filter((t) => t.sourceOffset >= 0);
    for (const t of committed) ctx.ports.log.debug(`  ${group} ${t.topic}:${t.partition} source ${t.sourceOffset} → target ${t.targetOffset}${t.exact ? '' : ' (not exact)'}`);
    return {
      note: `${committed.length} offsets ${decision.kind === 'commit' ? 'committed' : 'already committed'} on the target`,
      group: { sourceOffsets, targetOffsets: translated },
    };
  },

  async 'start-on-target'(ctx, step) {
    const group = step.group!;
    const { target } = ctx.ports;
    const current = await target.describeGroup(group);
    if (current.members === 0) {
      if (ctx.plan.hooks.start) await runHook(ctx, 'start', ctx.plan.hooks.start, { MSKCTL_GROUP: group });
      else ctx.ports.log.info(`  start the consumers of ${group} on the target now (${ctx.plan.target}); waiting for them to join`);
      const wait = ctx.plan.hooks.start ? ctx.plan.checks.confirmTimeoutMs : ctx.plan.checks.waitTimeoutMs;
      await pollUntil(
        ctx,
        wait,
        `${group} on the target`,
        async () => {
          const g = await target.describeGroup(group);
          return g.members > 0 ? { done: true, value: g } : { done: false, progress: `no members yet (state ${g.state})` };
        },
        () => timeout(step, `${group}'s consumers to join on the target`, wait, `start ${group}'s consumers against ${ctx.plan.target}`),
      );
    }
    return { note: `${group} has members on the target` };
  },

  async 'confirm-target-active'(ctx, step) {
    const group = step.group!;
    const { target } = ctx.ports;
    const switchOffsets = ctx.state.groups[group]?.targetOffsets ?? [];
    const lag = await pollUntil(
      ctx,
      ctx.plan.checks.confirmTimeoutMs,
      `${group} progress on the target`,
      async () => {
        const [g, committed, bounds] = await settledAll([target.describeGroup(group), target.committedOffsets(group, ctx.plan.topics), target.topicBounds(ctx.plan.topics)]);
        const progress = consumersProgressing(switchOffsets, committed, bounds);
        if (g.members > 0 && progress.progressing) return { done: true, value: progress.lag };
        return { done: false, progress: g.members === 0 ? 'no active members' : `lag ${progress.lag} records, no commits past the switch point yet` };
      },
      () => timeout(step, `${group} to commit progress on the target`, ctx.plan.checks.confirmTimeoutMs, `check ${group}'s consumers on the target (logs, errors, auto.offset.reset)`),
    );
    return { note: `${group} active on the target, lag ${lag} records` };
  },

  async 'await-source-quiet'(ctx, step) {
    const { source } = ctx.ports;
    if (ctx.plan.hooks.producerStop) await runHook(ctx, 'producer stop', ctx.plan.hooks.producerStop, {});
    else ctx.ports.log.info(`  stop the producers on the source now (${ctx.plan.source}); waiting until the topics get no writes for ${ctx.plan.checks.producerQuietPeriodMs / 1000} s`);
    let tracker: QuietTracker | undefined;
    const quiet = await pollUntil(
      ctx,
      ctx.plan.checks.waitTimeoutMs + ctx.plan.checks.producerQuietPeriodMs,
      'source writes',
      async () => {
        const bounds = await source.topicBounds(ctx.plan.topics);
        const before = tracker;
        tracker = observeQuiet(tracker, bounds, ctx.ports.clock.now());
        if (isQuiet(tracker, ctx.ports.clock.now(), ctx.plan.checks.producerQuietPeriodMs)) return { done: true, value: tracker };
        const moved = before && before !== tracker ? sumBounds(tracker.bounds) - sumBounds(before.bounds) : 0;
        return { done: false, progress: moved > 0 ? `still receiving writes (${moved} records since the last look)` : 'no writes yet, quiet period running' };
      },
      () => timeout(step, 'the producers on the source to stop', ctx.plan.checks.waitTimeoutMs, 'stop every producer writing to the plan\'s topics on the source'),
    );
    return { note: `no writes for ${ctx.plan.checks.producerQuietPeriodMs / 1000} s`, quietSourceBounds: quiet.bounds };
  },

  async 'drain-replication'(ctx, step) {
    const { source, target, replication } = ctx.ports;
    const quietBounds = ctx.state.producers.quietSourceBounds ?? (await source.topicBounds(ctx.plan.topics));
    await pollUntil(
      ctx,
      ctx.plan.checks.drainTimeoutMs,
      `flow ${ctx.plan.flowId} draining`,
      async () => {
        const [lag, sourceNow] = await settledAll([replication.lag(ctx.plan.flowId, ctx.plan.topics), source.topicBounds(ctx.plan.topics)]);
        const decision = decideDrain(ctx.plan, lag, quietBounds, sourceNow);
        if (decision.kind === 'refuse') throw new RefusedError(decision.refusal);
        if (decision.kind === 'drained') return { done: true, value: true };
        return { done: false, progress: `lag ${decision.lag} records` };
      },
      () => timeout(step, `flow ${ctx.plan.flowId} to reach lag 0`, ctx.plan.checks.drainTimeoutMs, `check that flow ${ctx.plan.flowId} is running (mskctl replicate status)`),
    );
    const drainedTargetBounds = await target.topicBounds(ctx.plan.topics);
    // the replicated range of each partition on the target, for the duplicates count in the summary
    const nonEmpty = quietBounds.filter((b) => b.high > b.low);
    const [lows, highs] = nonEmpty.length
      ? await settledAll([
          replication.translate(ctx.plan.flowId, nonEmpty.map((b) => ({ topic: b.topic, partition: b.partition, offset: b.low }))),
          replication.translate(ctx.plan.flowId, nonEmpty.map((b) => ({ topic: b.topic, partition: b.partition, offset: b.high }))),
        ])
      : [[], []];
    return { note: 'replication lag 0 on every partition', drainedTargetBounds, replicatedSpans: replicatedSpans(quietBounds, lows, highs) };
  },

  async 'start-producers-on-target'(ctx) {
    if (ctx.plan.hooks.producerStart) {
      await runHook(ctx, 'producer start', ctx.plan.hooks.producerStart, {});
      return { note: 'producer start hook ran' };
    }
    ctx.ports.log.info(`  start the producers on the target now (${ctx.plan.target}): the replication has drained, the consumers already read there`);
    return { note: 'operator told to start the producers on the target' };
  },

  async 'confirm-target-writes'(ctx, step) {
    const { target } = ctx.ports;
    const drained = ctx.state.producers.drainedTargetBounds ?? [];
    await pollUntil(
      ctx,
      ctx.plan.checks.confirmTimeoutMs,
      'writes on the target',
      async () => {
        const now = await target.topicBounds(ctx.plan.topics);
        return targetWritesSeen(drained, now) ? { done: true, value: writesSince(drained, now) } : { done: false, progress: 'no new records on the target topics yet' };
      },
      () => timeout(step, 'new writes on the target topics', ctx.plan.checks.confirmTimeoutMs, `check the producers now write to ${ctx.plan.target}`),
    );
    return { note: 'new records arrive on the target' };
  },

  async 'stop-replication'(ctx, step) {
    const { replication } = ctx.ports;
    if (await replication.isRunning(ctx.plan.flowId)) {
      await replication.stop(ctx.plan.flowId);
      await pollUntil(
        ctx,
        ctx.plan.checks.confirmTimeoutMs,
        `flow ${ctx.plan.flowId} stopping`,
        async () => ((await replication.isRunning(ctx.plan.flowId)) ? { done: false, progress: 'still running' } : { done: true, value: true }),
        () => timeout(step, `flow ${ctx.plan.flowId} to stop`, ctx.plan.checks.confirmTimeoutMs, `stop the mskctl replicate processes of flow ${ctx.plan.flowId} by hand`),
      );
      return { note: `flow ${ctx.plan.flowId} stopped` };
    }
    return { note: `flow ${ctx.plan.flowId} was not running` };
  },

  async summary(ctx) {
    const targetNow = await ctx.ports.target.topicBounds(ctx.plan.topics);
    return { summary: summarize(ctx.plan, ctx.state, targetNow, ctx.ports.clock.now()) };
  },
};

export interface RunResult {
  state: CutoverState;
  /** true when this run changed nothing because the cutover had already completed */
  alreadyComplete: boolean;
  stepsRun: string[];
}

/** Runs the cutover from wherever its state says it stands, to completion or to the first refusal. */
export async function executeCutover(plan: CutoverPlan, ports: CutoverPorts, signal: AbortSignal): Promise<RunResult> {
  const { store, log, clock } = ports;
  const loaded = loadState(plan, store);
  if (loaded && isComplete(plan, loaded)) {
    log.info(`cutover of flow ${plan.flowId} already completed at ${loaded.updatedAt}; nothing to do`);
    return { state: loaded, alreadyComplete: true, stepsRun: [] };
  }
  const ctx: Ctx = { plan, ports, signal, state: loaded ?? initialState(plan, clock.now()) };
  if (loaded) log.info(`resuming the cutover of flow ${plan.flowId} at ${nextStep(plan, loaded)!.id} (state ${store.location})`);
  else store.save(ctx.state);
  const stepsRun: string[] = [];
  let phase: string | undefined;
  for (let step = nextStep(plan, ctx.state); step; step = nextStep(plan, ctx.state)) {
    if (signal.aborted) throw interrupted('interrupted; the cutover state is saved, run again to resume');
    if (step.phase !== phase) {
      phase = step.phase;
      log.info(`== phase ${step.phase}`);
      log.info(`   rollback from here: ${step.rollback}`);
    }
    log.info(`-> ${step.id}: ${step.title}`);
    const began = clock.now();
    ctx.state = startStep(ctx.state, step, began);
    store.save(ctx.state);
    let outcome: StepOutcome;
    try {
      outcome = await handlers[step.kind](ctx, step);
    } catch (error) {
      if (error instanceof RefusedError) {
        ctx.state = refuseStep(ctx.state, { step: step.id, ...error.refusal }, clock.now());
        store.save(ctx.state);
        throw checkFailed(`${step.id}: ${error.refusal.message}`, `${error.refusal.hint}. Rollback if you abandon: ${step.rollback}`, error.refusal.code);
      }
      if (signal.aborted || (error instanceof MskctlError && error.exitCode === 130)) {
        store.save(ctx.state);
        throw interrupted(`interrupted during ${step.id}; the state is saved in ${store.location}, run again to resume`);
      }
      if (!(error instanceof MskctlError)) {
        throw operationalError(`${step.id} failed: ${error instanceof Error ? error.message : String(error)}`, `run the cutover again to retry this step. Rollback if you abandon: ${step.rollback}`, 'CUTOVER_STEP_FAILED', error);
      }
      throw error;
    }
    ctx.state = finishStep(plan, ctx.state, step, outcome, clock.now());
    store.save(ctx.state);
    stepsRun.push(step.id);
    log.info(`   done in ${((clock.now() - began) / 1000).toFixed(1)} s${outcome.note ? `: ${outcome.note}` : ''}`);
  }
  log.info(`cutover of flow ${plan.flowId} complete (phase ${currentPhase(plan, ctx.state)})`);
  return { state: ctx.state, alreadyComplete: false, stepsRun };
}

/** Without --execute: what the cutover would do now, with the preflight evaluated when it has not passed yet. */
export async function previewCutover(plan: CutoverPlan, ports: Omit<CutoverPorts, 'hooks' | 'clock'>): Promise<{ state?: CutoverState; preflight?: PreflightCheck[] }> {
  const state = loadState(plan, ports.store);
  if (state && isStepDone(state, 'preflight/preflight')) return { state };
  let observed: PreflightObservation;
  try {
    observed = await observePreflight(plan, ports);
  } catch (error) {
    if (error instanceof MskctlError) throw error;
    throw operationalError(`the preflight could not look at the clusters: ${error instanceof Error ? error.message : String(error)}`, 'run it again; mskctl check diagnoses a connection step by step', 'KAFKA_REQUEST', error);
  }
  const preflight = evaluatePreflight(plan, observed);
  return { ...(state ? { state } : {}), preflight };
}

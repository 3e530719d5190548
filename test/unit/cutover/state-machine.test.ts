import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../src/cutover/plan.js';
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
  nextStep,
  observeQuiet,
  refuseStep,
  replicatedSpans,
  startStep,
  stateMismatch,
  stateShapeProblem,
  stepsOf,
  summarize,
  type CutoverState,
  type PreflightObservation,
} from '../../../src/cutover/state-machine.js';
import type { PartitionBounds, TranslatedOffset } from '../../../src/cutover/ports.js';

const plan = buildPlan({ source: 'old', target: 'new', flowId: 'f1', topics: ['orders'], groups: ['billing', 'audit'] });
const T0 = Date.parse('2026-01-01T00:00:00Z');

const bounds = (highs: number[], low = 0): PartitionBounds[] => highs.map((high, partition) => ({ topic: 'orders', partition, low, high }));
const translation = (pairs: Array<[number, number]>, exact = true): TranslatedOffset[] =>
  pairs.map(([sourceOffset, targetOffset], partition) => ({ topic: 'orders', partition, sourceOffset, targetOffset, exact }));

function completeAll(state: CutoverState, upTo?: string): CutoverState {
  let s = state;
  let t = T0;
  for (const step of stepsOf(plan)) {
    if (step.id === upTo) break;
    s = finishStep(plan, startStep(s, step, (t += 1000)), step, {}, (t += 1000));
  }
  return s;
}

describe('steps of a plan', () => {
  it('orders preflight, each group in turn, producers, then finish', () => {
    expect(stepsOf(plan).map((s) => s.id)).toEqual([
      'preflight/preflight',
      'consumers/billing/await-source-inactive',
      'consumers/billing/commit-target-offsets',
      'consumers/billing/start-on-target',
      'consumers/billing/confirm-target-active',
      'consumers/audit/await-source-inactive',
      'consumers/audit/commit-target-offsets',
      'consumers/audit/start-on-target',
      'consumers/audit/confirm-target-active',
      'producers/await-source-quiet',
      'producers/drain-replication',
      'producers/start-producers-on-target',
      'finish/stop-replication',
      'finish/summary',
    ]);
  });

  it('adds the target-writes confirmation only when asked, and names the hooks it runs', () => {
    const withChecks = buildPlan({ ...plan, checks: { confirmTargetWrites: true }, hooks: { stop: 'x', producerStart: 'y' } });
    const steps = stepsOf(withChecks);
    expect(steps.map((s) => s.id)).toContain('producers/confirm-target-writes');
    expect(steps.find((s) => s.id === 'consumers/billing/await-source-inactive')!.title).toMatch(/run the stop hook/);
    expect(steps.find((s) => s.id === 'producers/start-producers-on-target')!.title).toMatch(/run the producer start hook/);
  });

  it('gives every step rollback instructions that fit the phase', () => {
    const steps = stepsOf(plan);
    for (const step of steps) expect(step.rollback.length).toBeGreaterThan(40);
    expect(steps[0]!.rollback).toMatch(/Nothing has changed/);
    expect(steps.find((s) => s.kind === 'commit-target-offsets')!.rollback).toMatch(/mskctl never writes offsets on the source/);
    expect(steps.find((s) => s.kind === 'start-producers-on-target')!.rollback).toMatch(/mskctl replicate --source new --target old --topics orders/);
  });
});

describe('transitions', () => {
  it('starts at the preflight and walks every step to done', () => {
    let state = initialState(plan, T0);
    expect(currentPhase(plan, state)).toBe('preflight');
    const seen: string[] = [];
    for (let step = nextStep(plan, state), t = T0; step; step = nextStep(plan, state)) {
      seen.push(step.id);
      state = startStep(state, step, (t += 10));
      expect(state.phases[step.phase]?.startedAt).toBeDefined();
      state = finishStep(plan, state, step, {}, (t += 10));
    }
    expect(seen).toEqual(stepsOf(plan).map((s) => s.id));
    expect(isComplete(plan, state)).toBe(true);
    expect(currentPhase(plan, state)).toBe('done');
    for (const phase of ['preflight', 'consumers', 'producers', 'finish'] as const) expect(state.phases[phase]?.finishedAt).toBeDefined();
  });

  it('closes a phase only with its last step', () => {
    const partial = completeAll(initialState(plan, T0), 'consumers/audit/await-source-inactive');
    expect(partial.phases.preflight?.finishedAt).toBeDefined();
    expect(partial.phases.consumers?.startedAt).toBeDefined();
    expect(partial.phases.consumers?.finishedAt).toBeUndefined();
    expect(currentPhase(plan, partial)).toBe('consumers');
    expect(nextStep(plan, partial)!.id).toBe('consumers/audit/await-source-inactive');
  });

  it('resuming a started step keeps its first start time', () => {
    const step = stepsOf(plan)[0]!;
    const once = startStep(initialState(plan, T0), step, T0 + 5);
    const again = startStep(once, step, T0 + 99);
    expect(again.steps[step.id]!.startedAt).toBe(new Date(T0 + 5).toISOString());
  });

  it('finishing a finished step changes nothing', () => {
    const step = stepsOf(plan)[0]!;
    const done = finishStep(plan, startStep(initialState(plan, T0), step, T0), step, { note: 'first' }, T0 + 1);
    expect(finishStep(plan, done, step, { note: 'second' }, T0 + 2)).toBe(done);
  });

  it('stores what a step produced for the steps after it', () => {
    const [, inactive] = stepsOf(plan);
    const offsets = [{ topic: 'orders', partition: 0, offset: 7 }];
    const state = finishStep(plan, startStep(initialState(plan, T0), inactive!, T0), inactive!, { group: { sourceOffsets: offsets } }, T0 + 1);
    expect(state.groups.billing?.sourceOffsets).toEqual(offsets);
  });

  it('a refusal leaves the step pending; the next attempt clears it', () => {
    const step = stepsOf(plan)[0]!;
    const refused = refuseStep(startStep(initialState(plan, T0), step, T0), { step: step.id, code: 'LAG_ABOVE_THRESHOLD', message: 'm', hint: 'h' }, T0 + 1);
    expect(refused.refusal?.code).toBe('LAG_ABOVE_THRESHOLD');
    expect(nextStep(plan, refused)!.id).toBe(step.id);
    expect(startStep(refused, step, T0 + 2).refusal).toBeUndefined();
  });

  it('recognises a state written for another plan or not a state at all', () => {
    const state = initialState(plan, T0);
    expect(stateMismatch(plan, state)).toBeUndefined();
    expect(stateMismatch(buildPlan({ ...plan, topics: ['orders', 'x'] }), state)).toMatch(/different plan/);
    expect(stateShapeProblem(JSON.parse(JSON.stringify(state)))).toBeUndefined();
    expect(stateShapeProblem({ kind: 'CutoverPlan' })).toMatch(/expected CutoverState/);
    expect(stateShapeProblem({ ...state, steps: [] })).toMatch(/steps is missing or not a mapping/);
  });
});

function observation(overrides: Partial<PreflightObservation> = {}): PreflightObservation {
  const group = (name: string) => ({
    group: name,
    source: { group: name, state: 'Stable', members: 2 },
    target: { group: name, state: 'Dead', members: 0 },
    sourceOffsets: [
      { topic: 'orders', partition: 0, offset: 10 },
      { topic: 'orders', partition: 1, offset: 20 },
    ],
    targetOffsets: [],
    translated: translation([
      [10, 15],
      [20, 25],
    ]),
  });
  return {
    sourcePartitions: new Map([['orders', 2]]),
    targetPartitions: new Map([['orders', 2]]),
    replicationRunning: true,
    lag: [
      { topic: 'orders', partition: 0, lag: 0 },
      { topic: 'orders', partition: 1, lag: 0 },
    ],
    targetBounds: bounds([30, 30]),
    groups: [group('billing'), group('audit')],
    ...overrides,
  };
}

const failed = (obs: PreflightObservation, p = plan) => evaluatePreflight(p, obs).filter((c) => !c.ok);

describe('preflight', () => {
  it('passes when everything is in place', () => {
    expect(failed(observation())).toEqual([]);
  });

  it('fails on lag above the threshold, and on partitions without a known lag', () => {
    const lagging = observation({ lag: [{ topic: 'orders', partition: 0, lag: 3 }] });
    const [check] = failed(lagging);
    expect(check!.code).toBe('LAG_ABOVE_THRESHOLD');
    expect(check!.detail).toMatch(/above 0 records on 1 partitions: orders:0 lag 3; unknown \(not replicated yet\) on orders:1/);
    expect(failed(lagging, buildPlan({ ...plan, checks: { maxLag: 3 } })).map((c) => c.code)).toEqual(['LAG_ABOVE_THRESHOLD']);
    expect(failed(observation({ lag: [{ topic: 'orders', partition: 0, lag: 3 }, { topic: 'orders', partition: 1, lag: 0 }] }), buildPlan({ ...plan, checks: { maxLag: 3 } }))).toEqual([]);
  });

  it('fails on missing topics and partition mismatches', () => {
    expect(failed(observation({ targetPartitions: new Map() }))[0]!.detail).toMatch(/orders missing on the target/);
    expect(failed(observation({ targetPartitions: new Map([['orders', 3]]) }))[0]!.detail).toMatch(/2 partitions on the source, 3 on the target/);
  });

  it('fails when the flow is not running', () => {
    expect(failed(observation({ replicationRunning: false })).map((c) => c.code)).toEqual(['REPLICATION_NOT_RUNNING']);
  });

  it('fails on a group without source commits, an active target group, a target group ahead, offsets outside the log', () => {
    const obs = observation();
    obs.groups[0]!.sourceOffsets = obs.groups[0]!.sourceOffsets.map((o) => ({ ...o, offset: -1 }));
    obs.groups[0]!.translated = [];
    obs.groups[1]!.target = { group: 'audit', state: 'Stable', members: 1 };
    expect(failed(obs).map((c) => `${c.name}:${c.code}`)).toEqual(['group billing: source offsets:SOURCE_OFFSETS_UNKNOWN', 'group audit: target group empty:TARGET_GROUP_NOT_EMPTY']);

    const ahead = observation();
    ahead.groups[0]!.targetOffsets = [{ topic: 'orders', partition: 1, offset: 26 }];
    expect(failed(ahead)[0]!.detail).toMatch(/orders:1 committed 26 > 25/);

    const outside = observation({ targetBounds: bounds([30, 20]) });
    expect(failed(outside).map((c) => c.code)).toEqual(['TRANSLATION_OUTSIDE_LOG', 'TRANSLATION_OUTSIDE_LOG']);
    expect(failed(outside)[0]!.detail).toMatch(/orders:1 → 25 outside \[0, 20\]/);
  });
});

describe('offset commit decision', () => {
  const idle = { group: 'billing', state: 'Empty', members: 0 };
  const t = translation([
    [10, 15],
    [20, 25],
  ]);
  it('commits the translated offsets on an empty group', () => {
    expect(decideOffsetCommit(plan, 'billing', idle, t, [], bounds([30, 30]))).toEqual({
      kind: 'commit',
      offsets: [
        { topic: 'orders', partition: 0, offset: 15 },
        { topic: 'orders', partition: 1, offset: 25 },
      ],
    });
  });
  it('recognises offsets already committed (a resumed step)', () => {
    const committed = [
      { topic: 'orders', partition: 0, offset: 15 },
      { topic: 'orders', partition: 1, offset: 25 },
    ];
    expect(decideOffsetCommit(plan, 'billing', idle, t, committed, bounds([30, 30])).kind).toBe('already-committed');
  });
  it('skips partitions without a source commit', () => {
    const partly = [...t.slice(0, 1), { topic: 'orders', partition: 1, sourceOffset: -1, targetOffset: -1, exact: false }];
    expect(decideOffsetCommit(plan, 'billing', idle, partly, [], bounds([30, 30]))).toEqual({ kind: 'commit', offsets: [{ topic: 'orders', partition: 0, offset: 15 }] });
  });
  it('refuses an active group, offsets outside the log and a group ahead; waits on pending translations', () => {
    expect(decideOffsetCommit(plan, 'billing', { ...idle, state: 'Stable', members: 1 }, t, [], bounds([30, 30]))).toMatchObject({ kind: 'refuse', refusal: { code: 'TARGET_GROUP_ACTIVE' } });
    expect(decideOffsetCommit(plan, 'billing', idle, t, [], bounds([30, 30], 16))).toMatchObject({ kind: 'refuse', refusal: { code: 'TRANSLATION_OUTSIDE_LOG' } });
    expect(decideOffsetCommit(plan, 'billing', idle, t, [{ topic: 'orders', partition: 0, offset: 16 }], bounds([30, 30]))).toMatchObject({ kind: 'refuse', refusal: { code: 'TARGET_GROUP_NOT_EMPTY' } });
    expect(decideOffsetCommit(plan, 'billing', idle, [{ ...t[0]!, pending: true }], [], bounds([30, 30]))).toMatchObject({ kind: 'wait' });
  });
});

describe('waiting decisions', () => {
  it('consumers progress when they commit past the switch point or have no lag left', () => {
    const sw = translation([[10, 15]]);
    expect(consumersProgressing(sw, [{ topic: 'orders', partition: 0, offset: 15 }], bounds([20]))).toEqual({ progressing: false, lag: 5 });
    expect(consumersProgressing(sw, [{ topic: 'orders', partition: 0, offset: 17 }], bounds([20]))).toEqual({ progressing: true, lag: 3 });
    expect(consumersProgressing(sw, [{ topic: 'orders', partition: 0, offset: 15 }], bounds([15]))).toEqual({ progressing: true, lag: 0 });
  });

  it('the quiet period restarts whenever an end offset moves', () => {
    let tracker = observeQuiet(undefined, bounds([5, 5]), 1000);
    tracker = observeQuiet(tracker, bounds([5, 5]), 2000);
    expect(isQuiet(tracker, 2000, 1000)).toBe(true);
    tracker = observeQuiet(tracker, bounds([5, 6]), 3000);
    expect(isQuiet(tracker, 3500, 1000)).toBe(false);
    expect(isQuiet(tracker, 4000, 1000)).toBe(true);
    expect(tracker.bounds[1]!.high).toBe(6);
  });

  it('drains to zero, waits on lag, refuses when source writes resume', () => {
    const quiet = bounds([5, 5]);
    expect(decideDrain(plan, [{ topic: 'orders', partition: 0, lag: 0 }, { topic: 'orders', partition: 1, lag: 0 }], quiet, quiet)).toEqual({ kind: 'drained' });
    expect(decideDrain(plan, [{ topic: 'orders', partition: 0, lag: 2 }, { topic: 'orders', partition: 1, lag: 0 }], quiet, quiet)).toEqual({ kind: 'waiting', lag: 2 });
    // a partition the flow reports nothing for is not drained
    expect(decideDrain(plan, [{ topic: 'orders', partition: 0, lag: 0 }], quiet, quiet).kind).toBe('waiting');
    expect(decideDrain(plan, [], quiet, bounds([5, 7]))).toMatchObject({ kind: 'refuse', refusal: { code: 'SOURCE_WRITES_RESUMED', message: expect.stringMatching(/orders:1 5 → 7/) } });
  });
});

describe('summary', () => {
  it('counts records per topic, duplicates from the replicated span, and phase durations', () => {
    let state = completeAll(initialState(plan, T0), 'finish/summary');
    state = {
      ...state,
      producers: {
        quietSourceBounds: bounds([100, 50], 0),
        drainedTargetBounds: bounds([110, 57], 2),
        replicatedSpans: replicatedSpans(bounds([100, 50]), translation([[0, 2], [0, 2]]), translation([[100, 102], [50, 55]])),
      },
      groups: { billing: { targetOffsets: translation([[10, 12], [5, 7]]) }, audit: { targetOffsets: [...translation([[1, 3]], false), { topic: 'orders', partition: 1, sourceOffset: -1, targetOffset: -1, exact: false }] } },
    };
    const summary = summarize(plan, state, bounds([120, 60], 2), Date.parse(state.updatedAt) + 500);
    expect(summary.topics).toEqual([{ topic: 'orders', sourceRecords: 150, targetRecordsAtDrain: 163, targetRecordsNow: 176, replicationDuplicates: 3 }]);
    expect(summary.duplicates).toBe(3);
    expect(summary.groups).toEqual([
      { group: 'billing', partitions: 2, exactPartitions: 2, inexactPartitions: 0, uncommittedPartitions: 0 },
      { group: 'audit', partitions: 2, exactPartitions: 0, inexactPartitions: 1, uncommittedPartitions: 1 },
    ]);
    expect(summary.inexactPartitions).toBe(1);
    expect(summary.phases.map((p) => p.phase)).toEqual(['preflight', 'consumers', 'producers', 'finish']);
    expect(summary.phases[0]!.durationMs).toBe(1000);
    expect(summary.totalDurationMs).toBe(Date.parse(state.updatedAt) + 500 - T0);
  });
});

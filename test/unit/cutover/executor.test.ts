import { describe, expect, it } from 'vitest';
import { executeCutover, previewCutover, type CutoverPorts } from '../../../src/cutover/executor.js';
import { buildPlan, type CutoverPlan, type PlanDraft } from '../../../src/cutover/plan.js';
import { stepsOf, type CutoverState } from '../../../src/cutover/state-machine.js';
import { memoryLogger } from '../../../src/output/log.js';
import { MskctlError } from '../../../src/output/errors.js';
import { CrashError, MemoryStore, World } from './world.js';

function planFor(world: World, extra: Partial<PlanDraft> = {}): CutoverPlan {
  return buildPlan({
    source: 'src:9092',
    target: 'tgt:9092',
    flowId: 'orders',
    topics: [...world.source.topics.keys()],
    groups: [world.group],
    checks: { producerQuietPeriodMs: 3000, pollIntervalMs: 1000, waitTimeoutMs: 60_000, drainTimeoutMs: 60_000, confirmTimeoutMs: 60_000, confirmTargetWrites: true, ...extra.checks },
    hooks: { stop: 'stop-consumer', start: 'start-consumer', producerStop: 'stop-producer', producerStart: 'start-producer', ...extra.hooks },
  });
}

function portsFor(world: World, store: MemoryStore): CutoverPorts & { log: ReturnType<typeof memoryLogger> } {
  return {
    source: world.source.port(),
    target: world.target.port(),
    replication: world.replication(),
    hooks: world.hooks(),
    clock: world.clock(),
    store,
    log: memoryLogger(),
  };
}

async function failureOf(promise: Promise<unknown>): Promise<MskctlError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MskctlError) return error;
    throw error;
  }
  throw new Error('expected the cutover to stop with an error');
}

function expectCompleted(world: World, store: MemoryStore, plan: CutoverPlan): void {
  const state = store.value as CutoverState;
  for (const step of stepsOf(plan)) expect(state.steps[step.id]?.finishedAt, step.id).toBeDefined();
  expect(world.replicationRunning).toBe(false);
  expect(world.consumerOn).toBe('target');
  expect(world.producerOn).toBe('target');
  // let the moved apps run a while: everything written reaches the consumer, once
  for (let i = 0; i < 5; i += 1) world.tick();
  const report = world.deliveryReport();
  expect(report.written).toBeGreaterThan(0);
  expect(report.missing).toBe(0);
  expect(report.duplicates).toBe(0);
}

describe('cutover executor (simulated clusters)', () => {
  it('moves the consumer, then the producer, drains and stops the replication', async () => {
    const world = new World({ targetPrefill: 7 });
    const plan = planFor(world);
    const store = new MemoryStore();
    const ports = portsFor(world, store);
    const result = await executeCutover(plan, ports, new AbortController().signal);
    expect(result.alreadyComplete).toBe(false);
    expect(result.stepsRun).toEqual(stepsOf(plan).map((s) => s.id));
    expectCompleted(world, store, plan);
    // the offsets written on the target are the translated ones, shifted by the prefill
    const state = store.value as CutoverState;
    const translated = state.groups.billing!.targetOffsets!;
    expect(translated.every((t) => t.targetOffset === t.sourceOffset + 7 && t.exact)).toBe(true);
    expect(world.hookRuns).toEqual(['stop-consumer billing', 'start-consumer billing', 'stop-producer', 'start-producer']);
    expect(world.replicationStops).toBe(1);
    expect(state.summary!.duplicates).toBe(0);
    expect(state.summary!.topics[0]!.targetRecordsAtDrain).toBe(state.summary!.topics[0]!.sourceRecords + 2 * 7);
    expect(state.summary!.phases.map((p) => p.phase)).toEqual(['preflight', 'consumers', 'producers', 'finish']);
    // progress and rollback instructions on the log
    expect(ports.log.lines.some((l) => l.includes('rollback from here') && l.includes('reverse flow'))).toBe(true);
  });

  it('waits for the replication to reach the offsets a faster consumer committed before translating them', async () => {
    const world = new World({ rate: 1, replicationSpeed: 2, replicationStartsLate: true });
    const plan = planFor(world, { checks: { maxLag: 100 } });
    const store = new MemoryStore();
    const ports = portsFor(world, store);
    await executeCutover(plan, ports, new AbortController().signal);
    expect(ports.log.lines.some((l) => l.includes("flow orders has not replicated up to billing's committed offsets on orders:0, orders:1 yet"))).toBe(true);
    expectCompleted(world, store, plan);
  });

  it('counts records the replication wrote twice in the summary', async () => {
    const world = new World();
    // an at-least-once replicator restarted from an older position copies 4 records of orders:1 again
    world.positions.set('orders:1', world.positions.get('orders:1')! - 4);
    world.tick();
    const store = new MemoryStore();
    await executeCutover(planFor(world), portsFor(world, store), new AbortController().signal);
    const summary = (store.value as CutoverState).summary!;
    expect(summary.duplicates).toBe(4);
    expect(summary.topics[0]!.replicationDuplicates).toBe(4);
    expect(summary.topics[0]!.targetRecordsAtDrain).toBe(summary.topics[0]!.sourceRecords + 4);
  });

  it('moves several groups one after the other, each exactly', async () => {
    const world = new World({ extraGroups: ['audit', 'search'], targetPrefill: 4 });
    const plan = buildPlan({ ...planFor(world), groups: ['billing', 'audit', 'search'] });
    const store = new MemoryStore();
    await executeCutover(plan, portsFor(world, store), new AbortController().signal);
    expect(world.hookRuns).toEqual(['stop-consumer billing', 'start-consumer billing', 'stop-consumer audit', 'start-consumer audit', 'stop-consumer search', 'start-consumer search', 'stop-producer', 'start-producer']);
    for (let i = 0; i < 5; i += 1) world.tick();
    for (const group of ['billing', 'audit', 'search']) {
      expect(world.target.groups.get(group)?.members, group).toBe(1);
      expect(world.deliveryReport(group), group).toMatchObject({ missing: 0, duplicates: 0 });
    }
    expect((store.value as CutoverState).summary!.groups.map((g) => g.group)).toEqual(['billing', 'audit', 'search']);
  });

  it('re-running a finished cutover changes nothing', async () => {
    const world = new World();
    const plan = planFor(world);
    const store = new MemoryStore();
    await executeCutover(plan, portsFor(world, store), new AbortController().signal);
    const saved = JSON.stringify(store.value);
    const saves = store.saves;
    const hookRuns = world.hookRuns.length;
    const setOffsets = world.target.setOffsetsCalls;
    const again = await executeCutover(plan, portsFor(world, store), new AbortController().signal);
    expect(again.alreadyComplete).toBe(true);
    expect(again.stepsRun).toEqual([]);
    expect(store.saves).toBe(saves);
    expect(JSON.stringify(store.value)).toBe(saved);
    expect(world.hookRuns.length).toBe(hookRuns);
    expect(world.target.setOffsetsCalls).toBe(setOffsets);
    expect(world.replicationStops).toBe(1);
  });

  // A crash right after a step's effects, before its completion reaches the state file: the rerun must
  // redo the step idempotently and still finish with nothing lost and nothing processed twice.
  const stepIds = stepsOf(planFor(new World())).map((s) => s.id);
  it.each(stepIds)('resumes after a crash at the end of %s', async (stepId) => {
    const world = new World({ targetPrefill: 3 });
    const plan = planFor(world);
    const store = new MemoryStore();
    store.crashWhen = (state) => (state as CutoverState).steps[stepId]?.finishedAt !== undefined;
    await expect(executeCutover(plan, portsFor(world, store), new AbortController().signal)).rejects.toBeInstanceOf(CrashError);
    const saved = store.value as CutoverState;
    expect(saved.steps[stepId]?.startedAt).toBeDefined();
    expect(saved.steps[stepId]?.finishedAt).toBeUndefined();
    const ports = portsFor(world, store);
    const result = await executeCutover(plan, ports, new AbortController().signal);
    expect(result.stepsRun[0]).toBe(stepId);
    expect(ports.log.lines[0]).toContain(`resuming the cutover of flow orders at ${stepId}`);
    expectCompleted(world, store, plan);
    expect(world.replicationStops).toBe(1);
  });

  it.each(stepIds)('resumes after Ctrl-C at the start of %s', async (stepId) => {
    const world = new World();
    const plan = planFor(world);
    const store = new MemoryStore();
    const controller = new AbortController();
    const ports = portsFor(world, store);
    const save = store.save.bind(store);
    store.save = (state) => {
      save(state);
      if ((state as CutoverState).steps[stepId] && !(state as CutoverState).steps[stepId]!.finishedAt) controller.abort();
    };
    // steps that wait notice the interruption at once; a step that only computes may finish first
    const outcome = await executeCutover(plan, ports, controller.signal).then(
      () => 'finished',
      (error: unknown) => error,
    );
    if (outcome !== 'finished') {
      expect(outcome).toBeInstanceOf(MskctlError);
      expect((outcome as MskctlError).exitCode).toBe(130);
    }
    store.save = save;
    await executeCutover(plan, portsFor(world, store), new AbortController().signal);
    expectCompleted(world, store, plan);
  });

  it('refuses to write offsets for a group active on the target, and goes on once it is stopped', async () => {
    const world = new World();
    const plan = planFor(world);
    const store = new MemoryStore();
    // someone started the consumers on the target too early, after the preflight passed
    store.crashWhen = undefined;
    const ports = portsFor(world, store);
    const hooks = ports.hooks;
    ports.hooks = {
      run: async (command, env, t, s) => {
        await hooks.run(command, env, t, s);
        if (command === 'stop-consumer') world.target.group('billing').members = 2;
      },
    };
    const error = await failureOf(executeCutover(plan, ports, new AbortController().signal));
    expect(error.exitCode).toBe(1);
    expect(error.code).toBe('TARGET_GROUP_ACTIVE');
    expect(error.message).toMatch(/refusing to write offsets for billing on the target: it has 2 active members/);
    expect(error.hint).toMatch(/stop billing's consumers on the target/);
    expect(world.target.setOffsetsCalls).toBe(0);
    const state = store.value as CutoverState;
    expect(state.refusal?.step).toBe('consumers/billing/commit-target-offsets');
    expect(state.steps['consumers/billing/commit-target-offsets']?.finishedAt).toBeUndefined();
    // the operator stops them; the rerun carries on from the refused step
    world.target.group('billing').members = 0;
    await executeCutover(plan, portsFor(world, store), new AbortController().signal);
    expectCompleted(world, store, plan);
    expect((store.value as CutoverState).refusal).toBeUndefined();
  });

  it('refuses to pass the preflight while the replication lags above the threshold', async () => {
    const world = new World({ replicationSpeed: 1 });
    const plan = planFor(world);
    const store = new MemoryStore();
    const error = await failureOf(executeCutover(plan, portsFor(world, store), new AbortController().signal));
    expect(error.exitCode).toBe(1);
    expect(error.code).toBe('LAG_ABOVE_THRESHOLD');
    expect(error.message).toMatch(/replication lag: above 0 records on 2 partitions: orders:0 lag \d+/);
    expect(error.hint).toMatch(/mskctl replicate status/);
    expect(world.hookRuns).toEqual([]);
    expect((store.value as CutoverState).steps['preflight/preflight']?.finishedAt).toBeUndefined();
    // a threshold above the lag lets it pass
    const lenient = planFor(world, { checks: { maxLag: 1000 } });
    const preview = await previewCutover(lenient, { ...portsFor(world, new MemoryStore()) });
    expect(preview.preflight?.find((c) => c.name === 'replication lag')?.ok).toBe(true);
  });

  it('refuses offsets that fall outside the target log', async () => {
    const world = new World();
    const plan = planFor(world);
    const store = new MemoryStore();
    const ports = portsFor(world, store);
    const real = ports.replication.translate;
    ports.replication.translate = async (flow, offsets) => (await real(flow, offsets)).map((t) => ({ ...t, targetOffset: t.targetOffset + 10_000 }));
    const error = await failureOf(executeCutover(plan, ports, new AbortController().signal));
    expect(error.exitCode).toBe(1);
    expect(error.code).toBe('TRANSLATION_OUTSIDE_LOG');
    expect(world.target.setOffsetsCalls).toBe(0);
  });

  it('refuses a target group that already consumed beyond the translation', async () => {
    const world = new World();
    world.target.group('billing').committed.set('orders:0', 1_000_000);
    const plan = planFor(world);
    const error = await failureOf(executeCutover(plan, portsFor(world, new MemoryStore()), new AbortController().signal));
    expect(error.exitCode).toBe(1);
    expect(error.code).toBe('TARGET_GROUP_NOT_EMPTY');
    expect(error.message).toMatch(/already committed on the target beyond the translated offsets: orders:0 committed 1000000/);
  });

  it('refuses to drain when writes reappear on the source after the quiet period', async () => {
    const world = new World({ replicationSpeed: 1000 });
    const plan = planFor(world, { hooks: { producerStop: 'stop-producer' } });
    const store = new MemoryStore();
    const ports = portsFor(world, store);
    const real = ports.replication.lag;
    let restarted = false;
    ports.replication.lag = async (flow, topics) => {
      // a forgotten producer resumes writing to the source while the replication drains
      if (!restarted && (store.value as CutoverState).steps['producers/drain-replication']) {
        restarted = true;
        world.producerOn = 'source';
        world.tick();
      }
      return real(flow, topics);
    };
    const error = await failureOf(executeCutover(plan, ports, new AbortController().signal));
    expect(error.code).toBe('SOURCE_WRITES_RESUMED');
    expect(error.exitCode).toBe(1);
  });

  it('times out waiting for an operator with exit 3 and says how to go on', async () => {
    const world = new World();
    const plan = planFor(world, { hooks: { stop: undefined }, checks: { waitTimeoutMs: 5000 } });
    const error = await failureOf(executeCutover(plan, portsFor(world, new MemoryStore()), new AbortController().signal));
    expect(error.exitCode).toBe(3);
    expect(error.message).toMatch(/consumers\/billing\/await-source-inactive: timed out after 5 s waiting for billing to have no members on the source/);
    expect(error.hint).toMatch(/run the cutover again/);
  });

  it('without hooks, waits for the operator and watches the clusters', async () => {
    const world = new World();
    const plan = planFor(world, { hooks: { stop: undefined, start: undefined, producerStop: undefined, producerStart: undefined } });
    const store = new MemoryStore();
    const ports = portsFor(world, store);
    // the operator: stops the consumer a few ticks later, starts it on the target once offsets are there,
    // then moves the producer when told to
    let ticks = 0;
    const clock = ports.clock;
    ports.clock = {
      now: clock.now,
      sleep: async (ms, signal) => {
        await clock.sleep(ms, signal);
        ticks += 1;
        const state = store.value as CutoverState;
        if (ticks === 3) world.stopConsumer();
        if (state.steps['consumers/billing/start-on-target'] && !world.consumerOn) world.startConsumer('target');
        if (state.steps['producers/await-source-quiet'] && world.producerOn === 'source') world.producerOn = undefined;
        if (state.steps['producers/start-producers-on-target']) world.producerOn = 'target';
      },
    };
    await executeCutover(plan, ports, new AbortController().signal);
    expectCompleted(world, store, plan);
    expect(ports.log.lines.some((l) => l.includes('stop the consumers of billing on the source now'))).toBe(true);
    expect(ports.log.lines.some((l) => l.includes('start the producers on the target now'))).toBe(true);
  });

  it('a failing hook stops the step with exit 3; the rerun retries it', async () => {
    const world = new World();
    const store = new MemoryStore();
    const error = await failureOf(executeCutover(planFor(world, { hooks: { stop: 'fail' } }), portsFor(world, store), new AbortController().signal));
    expect(error.exitCode).toBe(3);
    expect(error.message).toMatch(/the stop hook failed: exit code 1/);
    expect((store.value as CutoverState).steps['preflight/preflight']?.finishedAt).toBeDefined();
    await executeCutover(planFor(world), portsFor(world, store), new AbortController().signal);
    expectCompleted(world, store, planFor(world));
  });

  it('refuses a state written for another plan', async () => {
    const world = new World();
    const store = new MemoryStore();
    await executeCutover(planFor(world), portsFor(world, store), new AbortController().signal);
    const other = buildPlan({ ...planFor(world), groups: ['billing', 'audit'] });
    const error = await failureOf(executeCutover(other, portsFor(world, store), new AbortController().signal));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/the state was written for a different plan/);
  });

  it('the preview evaluates the preflight and changes nothing', async () => {
    const world = new World();
    world.target.group('billing').members = 1;
    const store = new MemoryStore();
    const preview = await previewCutover(planFor(world), portsFor(world, store));
    expect(store.saves).toBe(0);
    expect(world.target.setOffsetsCalls).toBe(0);
    const check = preview.preflight!.find((c) => c.name === 'group billing: target group empty')!;
    expect(check.ok).toBe(false);
    expect(check.code).toBe('TARGET_GROUP_NOT_EMPTY');
    expect(preview.preflight!.filter((c) => c.ok).map((c) => c.name)).toEqual(['topics', 'replication running', 'replication lag', 'group billing: source offsets', 'group billing: translation']);
  });

  it('the preview of a started cutover shows its state and does not evaluate the preflight again', async () => {
    const world = new World();
    const plan = planFor(world);
    const store = new MemoryStore();
    store.crashWhen = (state) => (state as CutoverState).steps['producers/await-source-quiet'] !== undefined;
    await expect(executeCutover(plan, portsFor(world, store), new AbortController().signal)).rejects.toBeInstanceOf(CrashError);
    // the group now runs on the target: a fresh preflight would fail, the preview must not run it
    const saves = store.saves;
    const preview = await previewCutover(plan, portsFor(world, store));
    expect(preview.preflight).toBeUndefined();
    expect(preview.state?.steps['consumers/billing/confirm-target-active']?.finishedAt).toBeDefined();
    expect(store.saves).toBe(saves);
  });
});

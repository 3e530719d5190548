/** `mskctl cutover run FILE [--execute]`: preview (preflight + steps) or carry out the cutover, resumably. */
import type { CommandContext, CommandResult } from './types.js';
import { acquireRunLock, fileStateStore, loadPlanFile, shellHookRunner, systemClock } from '../cutover/local.js';
import { executeCutover, previewCutover, stepViews } from '../cutover/executor.js';
import { currentPhase, nextStep, stepsOf } from '../cutover/state-machine.js';
import { renderCutoverReport, type CutoverReport } from './cutover-view.js';

export interface CutoverRunOptions {
  execute?: boolean;
}

export async function run(ctx: CommandContext<CutoverRunOptions>): Promise<CommandResult<CutoverReport>> {
  const file = ctx.args[0] as string;
  const { plan, statePath } = loadPlanFile(file);
  const store = fileStateStore(statePath);
  // checked before connecting: a second run on the same state, or a state folder that cannot be written
  const release = ctx.options.execute ? acquireRunLock(statePath) : () => undefined;
  const { connectPorts } = await import('../cutover/connect.js');
  let live;
  try {
    live = await connectPorts(plan, ctx.global, ctx.log);
  } catch (error) {
    release();
    throw error;
  }
  try {
    if (!ctx.options.execute) {
      const preview = await previewCutover(plan, { ...live, store, log: ctx.log });
      const next = preview.state ? nextStep(plan, preview.state) : stepsOf(plan)[0];
      const failed = preview.preflight?.some((c) => !c.ok) ?? false;
      const report: CutoverReport = {
        plan: file,
        stateFile: statePath,
        flowId: plan.flowId,
        executed: false,
        phase: preview.state ? currentPhase(plan, preview.state) : 'not started',
        ...(next ? { nextStep: next.id, rollback: next.rollback } : {}),
        ...(preview.preflight ? { preflight: preview.preflight } : {}),
        ...(preview.state?.refusal ? { refusal: preview.state.refusal } : {}),
        steps: stepViews(plan, preview.state),
        ...(preview.state?.summary ? { summary: preview.state.summary } : {}),
      };
      return { data: report, table: renderCutoverReport, exitCode: failed ? 1 : 0 };
    }
    const result = await executeCutover(plan, { ...live, store, log: ctx.log, hooks: shellHookRunner(), clock: systemClock }, ctx.signal);
    const report: CutoverReport = {
      plan: file,
      stateFile: statePath,
      flowId: plan.flowId,
      executed: true,
      phase: currentPhase(plan, result.state),
      steps: stepViews(plan, result.state),
      stepsRun: result.stepsRun,
      alreadyComplete: result.alreadyComplete,
      ...(result.state.summary ? { summary: result.state.summary } : {}),
    };
    return { data: report, table: renderCutoverReport };
  } finally {
    await live.close();
    release();
  }
}

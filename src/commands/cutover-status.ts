/** `mskctl cutover status FILE`: where a cutover stands, from its state file (offline, no cluster access). */
import type { CommandContext, CommandResult } from './types.js';
import { fileStateStore, loadPlanFile } from '../cutover/local.js';
import { loadState, stepViews } from '../cutover/executor.js';
import { currentPhase, nextStep } from '../cutover/state-machine.js';
import { renderCutoverReport, type CutoverReport } from './cutover-view.js';

export async function run(ctx: CommandContext): Promise<CommandResult<CutoverReport>> {
  const file = ctx.args[0] as string;
  const { plan, statePath } = loadPlanFile(file);
  const state = loadState(plan, fileStateStore(statePath));
  const next = state ? nextStep(plan, state) : undefined;
  const report: CutoverReport = {
    plan: file,
    stateFile: statePath,
    flowId: plan.flowId,
    executed: false,
    phase: state ? currentPhase(plan, state) : 'not started',
    ...(next ? { nextStep: next.id, rollback: next.rollback } : {}),
    ...(state?.refusal ? { refusal: state.refusal } : {}),
    steps: stepViews(plan, state),
    ...(state?.summary ? { summary: state.summary } : {}),
  };
  return { data: report, table: renderCutoverReport };
}

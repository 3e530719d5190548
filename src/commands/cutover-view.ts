/** The result shape of `cutover run` and `cutover status`, and its table rendering (shared by both). */
import { formatKeyValue, formatTable, paint, type RenderOptions } from '../output/render.js';
import type { StepView } from '../cutover/executor.js';
import type { CutoverSummary, PreflightCheck, Refusal } from '../cutover/state-machine.js';

export interface CutoverReport {
  plan: string;
  stateFile: string;
  flowId: string;
  /** false: nothing was changed (no --execute, or `status`) */
  executed: boolean;
  /** the phase of the next step, or done */
  phase: string;
  /** the step that runs next, when not done */
  nextStep?: string;
  /** how to roll back from where the cutover stands */
  rollback?: string;
  preflight?: PreflightCheck[];
  /** set when the last run stopped at a refusal */
  refusal?: Refusal;
  steps: StepView[];
  stepsRun?: string[];
  alreadyComplete?: boolean;
  summary?: CutoverSummary;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function renderCutoverReport(report: CutoverReport, options: RenderOptions): string {
  const parts: string[] = [];
  parts.push(
    formatKeyValue(
      [
        ['plan', report.plan],
        ['state file', report.stateFile],
        ['flow', report.flowId],
        ['phase', report.phase],
        ...(report.nextStep ? ([['next step', report.nextStep]] as Array<[string, string]>) : []),
        ['changed anything', report.executed ? (report.alreadyComplete ? 'no (already complete)' : 'yes') : 'no'],
      ],
      options,
    ),
  );
  if (report.preflight) {
    parts.push(
      formatTable(
        ['check', 'result', 'detail'],
        report.preflight.map((c) => [c.name, c.ok ? paint(options, 'green', 'ok') : paint(options, 'red', 'FAIL'), c.hint && !c.ok ? `${c.detail}\n→ ${c.hint}` : c.detail]),
        options,
        'Preflight',
      ),
    );
  }
  parts.push(
    formatTable(
      ['step', 'status', 'finished', 'note / what it does'],
      report.steps.map((s) => [s.id, s.status === 'done' ? paint(options, 'green', 'done') : s.status === 'next' ? paint(options, 'bold', 'next') : 'pending', s.finishedAt ?? '', s.note ?? s.title]),
      options,
      'Steps',
    ),
  );
  if (report.refusal) parts.push(`${paint(options, 'red', 'Refused')} at ${report.refusal.step} (${report.refusal.code}): ${report.refusal.message}\n→ ${report.refusal.hint}`);
  if (report.summary) {
    const s = report.summary;
    parts.push(
      formatTable(
        ['topic', 'source records', 'target records at drain', 'target records now', 'duplicates (records)'],
        s.topics.map((t) => [t.topic, t.sourceRecords, t.targetRecordsAtDrain, t.targetRecordsNow, t.replicationDuplicates]),
        options,
        'Summary: records per topic (log end − log start offsets)',
      ),
    );
    parts.push(
      formatTable(
        ['group', 'partitions', 'exact translations', 'inexact', 'no source commit'],
        s.groups.map((g) => [g.group, g.partitions, g.exactPartitions, g.inexactPartitions, g.uncommittedPartitions]),
        options,
        'Groups moved',
      ),
    );
    parts.push(formatTable(['phase', 'duration'], [...s.phases.map((p) => [p.phase, seconds(p.durationMs)]), ['total', seconds(s.totalDurationMs)]], options, 'Phase durations'));
    parts.push(`duplicates seen: ${s.duplicates} records; inexact translations: ${s.inexactPartitions} partitions`);
  }
  if (report.rollback && report.phase !== 'done') parts.push(`Rollback from here: ${report.rollback}`);
  if (!report.executed && report.phase !== 'done') parts.push('Nothing was changed. Run with --execute to carry out the steps marked next and pending.');
  return parts.join('\n\n');
}

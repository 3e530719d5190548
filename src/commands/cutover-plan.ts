/** `mskctl cutover plan`: flags → a validated cutover plan (YAML with comments on stdout). */
import type { CommandContext, CommandResult } from './types.js';
import { usageError } from '../output/errors.js';
import { serializePlan, validatePlan } from '../cutover/plan.js';
import { parse as parseYaml } from 'yaml';

export interface CutoverPlanOptions {
  source?: string;
  target?: string;
  flowId?: string;
  groups?: string[];
  topics?: string[];
  maxLag?: string;
  producerQuietPeriod?: string;
  waitTimeout?: string;
  drainTimeout?: string;
  confirmTimeout?: string;
  pollInterval?: string;
  confirmTargetWrites?: boolean;
  stopHook?: string;
  startHook?: string;
  producerHook?: string;
  producerStartHook?: string;
  hookTimeout?: string;
  state?: string;
}

const FLAG_OF: Record<string, string> = {
  source: '--source',
  target: '--target',
  flowId: '--flow-id',
  topics: '--topics',
  groups: '--groups',
  maxLag: '--max-lag',
  producerQuietPeriod: '--producer-quiet-period',
  waitTimeout: '--wait-timeout',
  drainTimeout: '--drain-timeout',
  confirmTimeout: '--confirm-timeout',
  pollInterval: '--poll-interval',
  confirmTargetWrites: '--confirm-target-writes',
  stop: '--stop-hook',
  start: '--start-hook',
  producerStop: '--producer-hook',
  producerStart: '--producer-start-hook',
  timeout: '--hook-timeout',
  state: '--state',
};

export async function run(ctx: CommandContext<CutoverPlanOptions>): Promise<CommandResult<Record<string, unknown>>> {
  const o = ctx.options;
  for (const [flag, value] of [['--source', o.source], ['--target', o.target]] as const) {
    if (value === undefined) throw usageError(`missing ${flag}`, 'mskctl cutover plan --source SRC --target TGT [--flow-id ID] --groups G1,G2 --topics T1,T2');
  }
  if (!o.groups?.length) throw usageError('missing --groups', 'the consumer groups to move, comma-separated: --groups billing,audit');
  if (!o.topics?.length) throw usageError('missing --topics', 'the replicated topics the groups read, comma-separated: --topics orders,payments');
  let maxLag: unknown = undefined;
  if (o.maxLag !== undefined) maxLag = /^\d+$/.test(o.maxLag) ? Number(o.maxLag) : o.maxLag;
  const raw = {
    kind: 'CutoverPlan',
    version: 1,
    source: o.source,
    target: o.target,
    // the same default as `mskctl replicate --flow-id`
    flowId: o.flowId ?? 'default',
    topics: o.topics,
    groups: o.groups,
    checks: {
      maxLag,
      producerQuietPeriod: o.producerQuietPeriod,
      waitTimeout: o.waitTimeout,
      drainTimeout: o.drainTimeout,
      confirmTimeout: o.confirmTimeout,
      pollInterval: o.pollInterval,
      confirmTargetWrites: o.confirmTargetWrites || undefined,
    },
    hooks: { stop: o.stopHook, start: o.startHook, producerStop: o.producerHook, producerStart: o.producerStartHook, timeout: o.hookTimeout },
    state: o.state,
  };
  const plan = validatePlan({ value: raw, file: 'command line', lineOf: () => undefined }, (path) => {
    const named = [...path].reverse().find((p) => typeof p === 'string') as string | undefined;
    return named === undefined ? undefined : FLAG_OF[named];
  });
  const text = serializePlan(plan);
  // json/yaml output: the same document the YAML file holds, without the comments
  return { data: parseYaml(text) as Record<string, unknown>, table: () => text };
}

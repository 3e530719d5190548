/** Option parsing shared by the vpc-connection commands. */
import { resolveContext } from '../../config/contexts.js';
import { inputError, usageError } from '../../output/errors.js';
import { parseClusterArn, type ClusterArn } from '../../vpc/arn.js';
import type { CommandContext } from '../types.js';

/** --cluster-arn, or the context's clusterArn; `required` makes its absence a usage error. */
export function clusterArnOption(ctx: Pick<CommandContext, 'global'>, value: unknown, required: true): ClusterArn;
export function clusterArnOption(ctx: Pick<CommandContext, 'global'>, value: unknown, required: false): ClusterArn | undefined;
export function clusterArnOption(ctx: Pick<CommandContext, 'global'>, value: unknown, required: boolean): ClusterArn | undefined {
  const text = typeof value === 'string' ? value : resolveContext(ctx.global.context)?.clusterArn;
  if (text === undefined) {
    if (required) throw usageError('missing --cluster-arn', 'pass --cluster-arn arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid> or use a --context with clusterArn');
    return undefined;
  }
  return parseClusterArn(text, typeof value === 'string' ? '--cluster-arn' : `context ${ctx.global.context} clusterArn`);
}

export function requiredString(value: unknown, flag: string, expected: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw inputError({ path: flag }, `missing ${flag}`, expected);
  return value.trim();
}

export function stringList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** `mskctl vpc-connection delete ARN [--execute]`: shows what would be deleted; deletes only with --execute. */
import { deleteVpcConnection, describeVpcConnection } from '../../aws/msk.js';
import type { RenderOptions } from '../../output/render.js';
import { checkVpcConnectionArn } from '../../vpc/arn.js';
import type { VpcConnectionSummary } from '../../vpc/types.js';
import { withAws } from '../aws-session.js';
import type { CommandContext, CommandResult } from '../types.js';
import { arnRegion, render as renderConnection } from './describe.js';

interface DeleteResult {
  arn: string;
  executed: boolean;
  /** plan: would delete; deleting: DeleteVpcConnection accepted; absent: nothing to delete */
  action: 'plan' | 'deleting' | 'absent';
  connection?: VpcConnectionSummary;
  message: string;
}

export async function run(ctx: CommandContext<{ execute: boolean }>): Promise<CommandResult<DeleteResult>> {
  const arn = checkVpcConnectionArn(String(ctx.args[0] ?? ''));
  return withAws(ctx, arnRegion(arn), async (clients) => {
    const connection = await describeVpcConnection(clients, arn);
    if (!connection || connection.state === 'DELETING') {
      const message = connection ? `${arn} is already being deleted; nothing to do` : `${arn} does not exist (already deleted?); nothing to do`;
      return { data: { arn, executed: ctx.options.execute, action: 'absent', connection, message }, table: render };
    }
    if (!ctx.options.execute) {
      return {
        data: { arn, executed: false, action: 'plan', connection, message: `would delete ${arn} (${connection.state}); clients using it lose their connection. Run again with --execute to delete it` },
        table: render,
      };
    }
    const deleted = await deleteVpcConnection(clients, arn);
    const data: DeleteResult = deleted
      ? { arn, executed: true, action: 'deleting', connection: { ...connection, state: deleted.state ?? 'DELETING' }, message: `deleting ${arn} (${deleted.state ?? 'DELETING'})` }
      : { arn, executed: true, action: 'absent', message: `${arn} was already gone; nothing to do` };
    return { data, table: render };
  });
}

function render(r: DeleteResult, options: RenderOptions): string {
  return r.connection ? `${renderConnection(r.connection, options)}\n${r.message}` : r.message;
}

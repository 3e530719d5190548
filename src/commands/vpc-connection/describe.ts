/** `mskctl vpc-connection describe ARN`. */
import { describeVpcConnection } from '../../aws/msk.js';
import { MskctlError, ExitCode } from '../../output/errors.js';
import { formatKeyValue, type RenderOptions } from '../../output/render.js';
import { checkVpcConnectionArn } from '../../vpc/arn.js';
import type { VpcConnectionSummary } from '../../vpc/types.js';
import { withAws } from '../aws-session.js';
import type { CommandContext, CommandResult } from '../types.js';

export function arnRegion(arn: string): string | undefined {
  return arn.split(':')[3] || undefined;
}

export async function run(ctx: CommandContext): Promise<CommandResult<VpcConnectionSummary>> {
  const arn = checkVpcConnectionArn(String(ctx.args[0] ?? ''));
  return withAws(ctx, arnRegion(arn), async (clients) => {
    const connection = await describeVpcConnection(clients, arn);
    if (!connection) {
      throw new MskctlError(`no VPC connection ${arn}`, { code: 'VPC_CONNECTION_NOT_FOUND', exitCode: ExitCode.OPERATIONAL, hint: 'list them with `mskctl vpc-connection list`; check --region' });
    }
    return { data: connection, table: render };
  });
}

export function render(c: VpcConnectionSummary, options: RenderOptions): string {
  const pairs: Array<[string, string]> = [
    ['VPC connection', c.arn],
    ['state', c.state ?? ''],
    ['authentication', c.authentication ?? ''],
    ['VPC', c.vpcId ?? ''],
    ['cluster', c.targetClusterArn ?? ''],
    ['subnets', (c.subnets ?? []).join(', ')],
    ['security groups', (c.securityGroups ?? []).join(', ')],
    ['created', c.creationTime ?? ''],
  ];
  return formatKeyValue(pairs.filter(([, v]) => v !== ''), options);
}

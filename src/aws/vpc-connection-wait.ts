/** Polls a VPC connection until it is AVAILABLE or has ended, with progress on stderr and a timeout. */
import { operationalError } from '../output/errors.js';
import type { Logger } from '../output/log.js';
import { formatDuration } from '../sizing/units.js';
import { ENDED_STATES } from '../vpc/create-plan.js';
import type { VpcConnectionSummary } from '../vpc/types.js';
import type { AwsClients } from './clients.js';
import { describeVpcConnection } from './msk.js';
import { sleepOrInterrupt } from '../util/sleep.js';

export interface WaitOptions {
  timeoutMs: number;
  pollMs: number;
  signal: AbortSignal;
  log: Logger;
}


/** The connection as last seen: AVAILABLE, or an ended state (DELETED when it disappeared). */
export async function waitForVpcConnection(clients: AwsClients, start: VpcConnectionSummary, options: WaitOptions): Promise<VpcConnectionSummary> {
  const began = Date.now();
  let current = start;
  let lastState: string | undefined;
  while (current.state !== 'AVAILABLE' && !ENDED_STATES.has(current.state ?? '')) {
    const elapsed = Date.now() - began;
    if (elapsed >= options.timeoutMs) {
      throw operationalError(
        `timed out after ${formatDuration(Math.round(elapsed / 1000))} waiting for ${start.arn} to become AVAILABLE (state ${current.state ?? 'unknown'})`,
        `it may still finish: check with \`mskctl vpc-connection describe ${start.arn}\`, or wait longer with --timeout`,
        'VPC_CONNECTION_TIMEOUT',
      );
    }
    await sleepOrInterrupt(Math.min(options.pollMs, options.timeoutMs - elapsed), options.signal, 'interrupted while waiting; the VPC connection keeps being created, see `mskctl vpc-connection describe`');
    const seen = await describeVpcConnection(clients, start.arn);
    current = seen ? { ...current, ...seen, targetClusterArn: seen.targetClusterArn ?? current.targetClusterArn } : { ...current, state: 'DELETED' };
    // plain periodic lines unless stderr is a live terminal, where only changes are worth a line
    if (current.state !== lastState || !options.log.live) {
      options.log.info(`waiting for ${start.arn}: ${current.state} after ${((Date.now() - began) / 1000).toFixed(1)} s`);
    }
    lastState = current.state;
  }
  return current;
}

/** The caller's identity (account and ARN), from STS GetCallerIdentity. */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsClients } from './clients.js';
import { awsError } from './errors.js';

export interface CallerIdentity {
  account: string;
  arn: string;
}

export async function callerIdentity(clients: AwsClients): Promise<CallerIdentity> {
  const sts = await clients.sts();
  try {
    const out = await sts.send(new GetCallerIdentityCommand({}));
    return { account: out.Account ?? '', arn: out.Arn ?? '' };
  } catch (error) {
    throw awsError(error, 'sts:GetCallerIdentity');
  }
}

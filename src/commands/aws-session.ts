/**
 * Opens the AWS clients for a command (lazy: imports the SDK only when called) and closes them afterwards.
 */
import type { AwsClients } from '../aws/clients.js';
import type { CommandContext } from './types.js';

export async function withAws<T>(ctx: Pick<CommandContext, 'global' | 'log'>, arnRegion: string | undefined, body: (clients: AwsClients) => Promise<T>): Promise<T> {
  const { createAwsClients, resolveAwsSettings } = await import('../aws/clients.js');
  const settings = resolveAwsSettings(ctx.global, process.env, arnRegion);
  ctx.log.debug(`AWS: region ${settings.region ?? '(from profile)'}, profile ${settings.profile ?? '(default chain)'}, endpoint ${settings.endpointUrl ?? '(default)'}, ${settings.maxAttempts} attempts, ${settings.retryMode} retries`);
  const clients = createAwsClients(settings);
  try {
    return await body(clients);
  } finally {
    clients.destroy();
  }
}

/**
 * `mskctl split inventory --bootstrap …`: measures a live cluster and prints an inventory (YAML by default)
 * for `mskctl split plan`, with TODOs where a person has to say who owns what. Progress goes to stderr.
 */
import { stringify } from 'yaml';
import type { CommandContext, CommandResult } from './types.js';
import { inputError, operationalError, MskctlError } from '../output/errors.js';
import { resolveContext } from '../config/contexts.js';
import { bootstrapFlags, resolveConnection, type BootstrapOptions } from '../kafka/connection.js';
import { parseDurationMs, UnitParseError } from '../sizing/units.js';
import { inventoryFromMeasurement } from '../split/live.js';
import type { KafkaClientOptions } from '../kafka/client.js';

export interface SplitInventoryOptions extends BootstrapOptions {
  sample?: string;
  topics?: string;
  recordsPerTopic?: string;
}

async function connectionOptions(ctx: CommandContext<SplitInventoryOptions>): Promise<KafkaClientOptions> {
  const o = ctx.options;
  const connection = resolveConnection({
    bootstrap: o.bootstrap,
    context: resolveContext(ctx.global.context),
    flags: bootstrapFlags(o),
    env: process.env,
    global: { region: ctx.global.region, profile: ctx.global.profile },
  });
  const { connectionClientOptions } = await import('../kafka/client.js');
  return connectionClientOptions(connection, {
    clientId: 'mskctl-split-inventory',
    // fail within seconds, not minutes: the command retries per topic itself
    retry: { retries: 2, initialRetryTime: 300, maxRetryTime: 3000 },
    requestTimeoutMs: 30_000,
    logger: ctx.log,
    endpointUrl: ctx.global.endpointUrl,
  });
}

function parseSample(text: string | undefined): number {
  try {
    const ms = parseDurationMs(text ?? '60s');
    if (ms < 1000) throw new UnitParseError(text ?? '', 'a window of at least 1s, such as 60s or 5m');
    return ms;
  } catch (error) {
    if (error instanceof UnitParseError) throw inputError({ path: '--sample' }, `found ${JSON.stringify(text)}`, error.expected);
    throw error;
  }
}

function parseTopicsRegex(text: string | undefined): RegExp | undefined {
  if (text === undefined) return undefined;
  try {
    return new RegExp(text);
  } catch (error) {
    throw inputError({ path: '--topics' }, `found ${JSON.stringify(text)}: ${(error as Error).message}`, 'a regular expression such as ^orders\\. or (a|b)-events');
  }
}

export async function run(ctx: CommandContext<SplitInventoryOptions>): Promise<CommandResult<Record<string, unknown>>> {
  const sampleMs = parseSample(ctx.options.sample);
  const topics = parseTopicsRegex(ctx.options.topics);
  const recordsPerTopic = ctx.options.recordsPerTopic === undefined ? 5 : Number(ctx.options.recordsPerTopic);
  if (!Number.isInteger(recordsPerTopic) || recordsPerTopic < 0) throw inputError({ path: '--records-per-topic' }, `found ${JSON.stringify(ctx.options.recordsPerTopic)}`, 'a whole number, 0 or more');
  const connection = await connectionOptions(ctx);
  const { createKafka } = await import('../kafka/client.js');
  const { measureCluster } = await import('../kafka/inventory.js');
  const kafka = await createKafka(connection);
  const admin = kafka.admin();
  let measurement;
  try {
    await admin.connect();
    measurement = await measureCluster(kafka, admin, { topics, sampleMs, recordsPerTopic, log: ctx.log, signal: ctx.signal });
  } catch (error) {
    if (error instanceof MskctlError) throw error;
    throw operationalError(`measuring ${connection.brokers.join(',')} failed: ${error instanceof Error ? error.message : String(error)}`, 'check the bootstrap, the auth mode and that the principal may describe topics, configs and groups (mskctl check)', 'KAFKA_ERROR', error);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  const { document, todos } = inventoryFromMeasurement(measurement, connection.brokers.join(','));
  ctx.log.info(`inventory: ${measurement.topics.length} topics, ${measurement.groups.length} consumer groups; ${todos} TODOs to fill in before mskctl split plan`);
  return { data: document, table: (data) => renderInventoryYaml(data, todos) };
}

/** The inventory as YAML, with a header saying what to fill in. */
export function renderInventoryYaml(document: Record<string, unknown>, todos: number): string {
  const header = [
    '# Inventory measured by mskctl split inventory. Fill in every TODO (owners, latency and data classes,',
    '# authentication), add the topics each application produces and any producer-only applications, then run:',
    '#   mskctl split plan <this file>',
    `# TODOs left: ${todos}`,
  ];
  return `${header.join('\n')}\n${stringify(document, { lineWidth: 0 })}`;
}

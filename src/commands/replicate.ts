/**
 * `mskctl replicate` and its subcommands (status, translate, stop): options → endpoints → the replication
 * core → CommandResult. kafkajs and the AWS SDK load only here, lazily.
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import type { CommandContext, CommandResult } from '../commands/types.js';
import { loadContexts } from '../config/contexts.js';
import { inputError, operationalError, usageError } from '../output/errors.js';
import { formatKeyValue, formatTable, type RenderOptions } from '../output/render.js';
import { formatBytes, formatNumber, parseDurationMs, parseSize, UnitParseError } from '../sizing/units.js';
import { defaultLimits } from '../sizing/limits.js';
import { TARGET_COMPRESSIONS, type TargetCompression } from '../kafka/codecs.js';
import { describeSide, resolveSide, sideOptions, type ResolvedSide, type Side } from '../replication/endpoints.js';
import { compileSelection, flowTopics, RENAME_POLICIES, validateFlowId, type RenamePolicy, type TopicPlan } from '../replication/topic-plan.js';
import type { Translation } from '../replication/offset-map.js';
import type { FlowStatus, StopOutcome } from '../replication/status.js';
import { mm2Files } from '../replication/mm2.js';

type Options = Record<string, unknown>;

function str(options: Options, key: string): string | undefined {
  const v = options[key];
  return typeof v === 'string' ? v : undefined;
}

function list(options: Options, key: string): string[] {
  const v = options[key];
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  return [];
}

function durationMs(options: Options, key: string, flag: string, fallback: number): number {
  const v = str(options, key);
  if (v === undefined) return fallback;
  try {
    const ms = parseDurationMs(v);
    if (ms <= 0) throw new UnitParseError(v, 'a positive duration');
    return ms;
  } catch (error) {
    throw inputError({ path: flag }, `found ${JSON.stringify(v)}`, (error as UnitParseError).expected ?? 'a duration such as 30s or 5m');
  }
}

function sizeBytes(options: Options, key: string, flag: string, fallback: number): number {
  const v = str(options, key);
  if (v === undefined) return fallback;
  try {
    return parseSize(v);
  } catch (error) {
    throw inputError({ path: flag }, `found ${JSON.stringify(v)}`, (error as UnitParseError).expected ?? 'a size such as 1MiB');
  }
}

interface Sides {
  source: ResolvedSide;
  target: ResolvedSide;
}

function resolveSides(ctx: CommandContext<Options>): Sides {
  const contexts = loadContexts();
  const global = { region: ctx.global.region, profile: ctx.global.profile };
  return {
    source: resolveSide('source', str(ctx.options, 'source'), sideOptions(ctx.options, 'source'), contexts, process.env, global),
    target: resolveSide('target', str(ctx.options, 'target'), sideOptions(ctx.options, 'target'), contexts, process.env, global),
  };
}

async function kafkaFor(side: ResolvedSide, ctx: CommandContext<Options>): Promise<Kafka> {
  const { createKafka, connectionClientOptions } = await import('../kafka/client.js');
  return createKafka(
    await connectionClientOptions(side, { clientId: `mskctl-replicate-${side.side}`, logger: ctx.log, logLevel: ctx.global.verbose ? 'warn' : 'nothing', endpointUrl: ctx.global.endpointUrl }),
  );
}

async function withAdmin<T>(kafka: Kafka, side: Side, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (error) {
    throw operationalError(`cannot connect to the ${side} cluster: ${(error as Error).message}`, `check --${side} and its auth options (mskctl check diagnoses connectivity)`, 'KAFKA_CONNECT', error);
  }
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function flowIdOf(options: Options): string {
  return validateFlowId(str(options, 'flowId') ?? 'default');
}

function planOptions(options: Options, sides: Sides) {
  const rename = (str(options, 'rename') ?? 'identity') as RenamePolicy;
  if (!RENAME_POLICIES.includes(rename)) throw inputError({ path: '--rename' }, `found ${JSON.stringify(rename)}`, RENAME_POLICIES.join(' or '));
  const targetKindOption = str(options, 'targetKind');
  const targetKind = targetKindOption === 'serverless' || targetKindOption === 'kafka' ? targetKindOption : sides.target.serverless ? 'serverless' : 'kafka';
  return {
    selection: compileSelection(list(options, 'topics'), list(options, 'exclude')),
    rename,
    sourceAlias: str(options, 'sourceAlias') ?? 'source',
    targetKind: targetKind as 'serverless' | 'kafka',
    serverlessMaxMessageBytes: defaultLimits().serverless.messageSize.value,
  };
}

// ---------------------------------------------------------------------------------------------- replicate

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the result is a plan or a summary
export async function run(ctx: CommandContext<Options>): Promise<CommandResult<any>> {
  const o = ctx.options;
  const flowId = flowIdOf(o);
  const sides = resolveSides(ctx);
  const plan = planOptions(o, sides);
  const compression = (str(o, 'compression') ?? 'none') as TargetCompression;
  if (!TARGET_COMPRESSIONS.includes(compression)) throw inputError({ path: '--compression' }, `found ${JSON.stringify(compression)}`, TARGET_COMPRESSIONS.join(', '));
  const refreshMs = durationMs(o, 'refresh', '--refresh', 30_000);
  const heartbeatMs = durationMs(o, 'heartbeat', '--heartbeat', 2_000);
  const sessionTimeoutMs = durationMs(o, 'sessionTimeout', '--session-timeout', 10_000);
  if (sessionTimeoutMs < 1_000 || sessionTimeoutMs > 1_800_000) throw inputError({ path: '--session-timeout' }, `found ${str(o, 'sessionTimeout')}`, 'a duration from 1s to 30m (brokers accept 6s to 30m by default: group.min/max.session.timeout.ms)');
  const progressMs = durationMs(o, 'progressInterval', '--progress-interval', ctx.log.live ? 1_000 : 10_000);
  const maxBatchBytes = sizeBytes(o, 'maxBatchBytes', '--max-batch-bytes', 1024 * 1024);
  const metricsPort = str(o, 'metricsPort');
  if (metricsPort !== undefined && !/^\d{1,5}$/.test(metricsPort)) throw inputError({ path: '--metrics-port' }, `found ${JSON.stringify(metricsPort)}`, 'a TCP port number (0 picks a free one)');
  const emitDir = str(o, 'emitMm2');
  if (emitDir !== undefined) return emitMm2(ctx, emitDir, flowId, sides, plan, o);

  const { registerCodecs } = await import('../kafka/codecs.js');
  await registerCodecs();
  const [source, target] = await Promise.all([kafkaFor(sides.source, ctx), kafkaFor(sides.target, ctx)]);
  ctx.log.info(`replicate: flow ${flowId}: ${describeSide(sides.source)} → ${describeSide(sides.target)}`);

  if (o.dryRun === true) {
    const { planFlow } = await import('../replication/replicator.js');
    const result = await withAdmin(source, 'source', (sa) => withAdmin(target, 'target', (ta) => planFlow(sa, ta, plan)));
    return { data: { flowId, internalTopics: flowTopics(flowId), ...result.plan }, table: planTable };
  }

  const { Replicator } = await import('../replication/replicator.js');
  const { progressLine, prometheusText } = await import('../replication/metrics.js');
  let liveLine = false;
  const replicator = new Replicator(source, target, {
    flowId,
    ...plan,
    exactlyOnce: o.exactlyOnce === true,
    compression,
    refreshMs,
    heartbeatMs,
    sessionTimeoutMs,
    untilCaughtUp: o.untilCaughtUp === true,
    maxBatchBytes,
    fetchMaxBytes: sizeBytes(o, 'fetchMaxBytes', '--fetch-max-bytes', 8 * 1024 * 1024),
    fetchMaxBytesPerPartition: sizeBytes(o, 'fetchMaxPartitionBytes', '--fetch-max-partition-bytes', 1024 * 1024),
    progressMs,
    log: ctx.log,
    signal: ctx.signal,
    onProgress: (p) => {
      if (ctx.log.level === 'quiet') return;
      const line = progressLine(p);
      if (ctx.log.live) {
        process.stderr.write(`\r\x1b[K${line}`);
        liveLine = true;
      } else ctx.log.info(line);
    },
  });
  let server: Server | undefined;
  if (metricsPort !== undefined) {
    server = createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end('see /metrics\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(prometheusText(flowId, replicator.progress(), replicator.partitionProgress()));
    });
    const host = str(o, 'metricsHost') ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server?.once('error', reject);
      server?.listen(Number(metricsPort), host, () => resolve());
    });
    const address = server.address();
    ctx.log.info(`replicate: Prometheus metrics on http://${host}:${typeof address === 'object' && address ? address.port : metricsPort}/metrics`);
  }
  let summary;
  try {
    summary = await replicator.run();
  } finally {
    if (liveLine) process.stderr.write('\n');
    server?.close();
  }
  const statsFile = str(o, 'statsJson');
  if (statsFile) await writeFile(statsFile, JSON.stringify(summary, null, 2) + '\n');
  if (summary.stoppedBy === 'signal') {
    ctx.log.info(`replicate: ${formatNumber(summary.records, 0)} records copied; stopped by signal`);
    throw Replicator.interruptedError();
  }
  return { data: summary, table: summaryTable };
}

function planTable(data: { flowId: string; internalTopics: { positions: string; offsetMap: string } } & TopicPlan, options: RenderOptions): string {
  const rows = data.topics.map((t) => [
    t.source,
    t.target,
    t.sourcePartitions,
    t.targetPartitions ?? '-',
    t.action,
    Object.entries(t.configs).map(([k, v]) => `${k}=${v}`).join('\n') || '-',
    [...t.skippedConfigs.map((s) => `${s.name}=${s.value}: ${s.reason}`), ...t.warnings.map((w) => `warning: ${w}`)].join('\n') || '-',
  ]);
  let out = formatTable(['source topic', 'target topic', 'source partitions', 'target partitions', 'action', 'configs set', 'skipped configs / warnings'], rows, options, `Topic plan of flow ${data.flowId} (nothing was changed: --dry-run)`);
  if (data.excluded.length > 0) out += '\n' + formatTable(['excluded topic', 'reason'], data.excluded.map((e) => [e.topic, e.reason]), options);
  out += `\ninternal topics on the target: ${data.internalTopics.positions}, ${data.internalTopics.offsetMap}`;
  return out;
}

function summaryTable(data: Awaited<ReturnType<InstanceType<typeof import('../replication/replicator.js').Replicator>['run']>>, options: RenderOptions): string {
  const head = formatKeyValue(
    [
      ['flow', data.flowId],
      ['stopped by', data.stoppedBy],
      ['delivery', data.exactlyOnce ? 'exactly-once' : 'at-least-once'],
      ['records', formatNumber(data.records, 0)],
      ['bytes', formatBytes(data.bytes)],
      ['duration', `${formatNumber(data.durationMs / 1000, 1)} s`],
      ['throughput', `${formatNumber(data.recordsPerSecond, 0)} records/s, ${formatNumber(data.megabytesPerSecond, 2)} MB/s`],
      ['lag', `${formatNumber(data.lag, 0)} records`],
    ],
    options,
  );
  const topics = formatTable(['source topic', 'target topic', 'partitions', 'records copied', 'lag (records)'], data.topics.map((t) => [t.source, t.target, t.partitions, formatNumber(t.records, 0), formatNumber(t.lag, 0)]), options);
  return `${head}\n${topics}`;
}

// ---------------------------------------------------------------------------------------------- emit-mm2

async function emitMm2(ctx: CommandContext<Options>, dir: string, flowId: string, sides: Sides, plan: ReturnType<typeof planOptions>, o: Options): Promise<CommandResult<{ flowId: string; directory: string; files: Array<{ name: string; description: string }> }>> {
  const files = mm2Files({
    flowId,
    source: sides.source,
    target: sides.target,
    topics: plan.selection.includePatterns,
    exclude: plan.selection.excludePatterns,
    rename: plan.rename,
    sourceAlias: plan.sourceAlias,
    exactlyOnce: o.exactlyOnce === true,
  });
  await mkdir(dir, { recursive: true });
  for (const f of files) await writeFile(join(dir, f.name), f.content);
  ctx.log.info(`replicate: wrote ${files.map((f) => join(dir, f.name)).join(', ')}`);
  return {
    data: { flowId, directory: dir, files: files.map((f) => ({ name: f.name, description: f.description })) },
    table: (d, options) => formatTable(['file', 'what it is'], d.files.map((f) => [join(d.directory, f.name), f.description]), options),
  };
}

// ---------------------------------------------------------------------------------------------- status

export async function status(ctx: CommandContext<Options>): Promise<CommandResult<FlowStatus>> {
  const flowId = flowIdOf(ctx.options);
  const sides = resolveSides(ctx);
  const { registerCodecs } = await import('../kafka/codecs.js');
  await registerCodecs();
  const [source, target] = await Promise.all([kafkaFor(sides.source, ctx), kafkaFor(sides.target, ctx)]);
  const { readFlowStatus } = await import('../replication/status.js');
  const data = await withAdmin(target, 'target', (ta) => withAdmin(source, 'source', (sa) => readFlowStatus({ flowId, sourceAdmin: sa, target, targetAdmin: ta })));
  return { data, table: statusTable, exitCode: ctx.options.check === true && !data.caughtUp ? 1 : 0 };
}

function statusTable(d: FlowStatus, options: RenderOptions): string {
  const latest = d.instances[0];
  const alive = d.instances.filter((i) => i.alive);
  const head = formatKeyValue(
    [
      ['flow', d.flowId],
      ['state', d.state + (latest ? ` (instance ${latest.instance} on ${latest.host} pid ${latest.pid}, last heartbeat ${latest.ageSeconds} s ago${latest.reason ? `, ${latest.reason}` : ''})` : '')],
      ['processes', alive.length === 0 ? 'none alive' : alive.map((i) => `${i.instance} on ${i.host} pid ${i.pid}: ${i.partitions ?? '?'} partitions`).join('; ')],
      ['lag', `${formatNumber(d.lag, 0)} records${d.caughtUp ? ' (caught up)' : ''}`],
      ['stop request', d.stopRequest ? `${d.stopRequest.at} by ${d.stopRequest.by}` : '-'],
    ],
    options,
  );
  const rows = d.partitions.map((p) => [p.topic, p.partition, p.targetTopic, formatNumber(p.position, 0), p.sourceEnd < 0 ? '?' : formatNumber(p.sourceEnd, 0), p.lag < 0 ? '?' : formatNumber(p.lag, 0), p.updatedAt]);
  return `${head}\n${formatTable(['source topic', 'partition', 'target topic', 'replicated up to (offset)', 'source end (offset)', 'lag (records)', 'position stored at'], rows, options)}`;
}

// ---------------------------------------------------------------------------------------------- translate

export interface TranslateRow extends Translation {
  group: string;
  topic: string;
  partition: number;
  targetTopic: string | null;
}

export async function translate(ctx: CommandContext<Options>): Promise<CommandResult<{ flowId: string; translations: TranslateRow[] }>> {
  const flowId = flowIdOf(ctx.options);
  const groups = list(ctx.options, 'group');
  if (groups.length === 0) throw usageError('--group is required', 'name one or more consumer groups: --group G1 --group G2', 'USAGE');
  const sides = resolveSides(ctx);
  const { registerCodecs } = await import('../kafka/codecs.js');
  await registerCodecs();
  const [source, target] = await Promise.all([kafkaFor(sides.source, ctx), kafkaFor(sides.target, ctx)]);
  const { translateGroups } = await import('../replication/translate.js');
  const translations = await withAdmin(source, 'source', (sa) => withAdmin(target, 'target', (ta) => translateGroups({ flowId, groups, sourceAdmin: sa, target, targetAdmin: ta })));
  const incomplete = translations.some((t) => t.status === 'ahead' || t.status === 'unknown');
  return {
    data: { flowId, translations },
    table: (d, options) =>
      formatTable(
        ['group', 'source topic', 'partition', 'committed source offset', 'target topic', 'target offset', 'status'],
        d.translations.map((t) => [t.group, t.topic, t.partition, formatNumber(t.sourceOffset, 0), t.targetTopic ?? '-', t.targetOffset === null ? '-' : formatNumber(t.targetOffset, 0), t.status]),
        options,
        `Offset translation of flow ${d.flowId} (exact: the target offset of the first replicated record at or after the committed offset)`,
      ),
    exitCode: incomplete ? 1 : 0,
  };
}

// ---------------------------------------------------------------------------------------------- stop

export async function stop(ctx: CommandContext<Options>): Promise<CommandResult<StopOutcome>> {
  const flowId = flowIdOf(ctx.options);
  const timeoutMs = durationMs(ctx.options, 'timeout', '--timeout', 120_000);
  const targetSide = resolveSide('target', str(ctx.options, 'target'), sideOptions(ctx.options, 'target'), loadContexts(), process.env, { region: ctx.global.region, profile: ctx.global.profile });
  const target = await kafkaFor(targetSide, ctx);
  const { requestStop } = await import('../replication/status.js');
  const data = await withAdmin(target, 'target', (ta) => requestStop({ flowId, target, targetAdmin: ta, wait: ctx.options.wait !== false, timeoutMs, log: (line) => ctx.log.info(line) }));
  return { data, table: (d, options) => formatKeyValue(Object.entries(d).map(([k, v]) => [k, String(v)]), options) };
}

/**
 * `mskctl check`: options (flags > environment > context > defaults) → a check plan and the real probes →
 * the stepwise diagnosis in src/check/run.ts → a report (table/json/yaml). Exit 1 when a step failed.
 */
import type { CheckPlan } from '../check/run.js';
import type { CheckReport, StepResult } from '../check/types.js';
import { resolveContext } from '../config/contexts.js';
import { bootstrapFlags, resolveConnection, type BootstrapOptions } from '../kafka/connection.js';
import { inputError, usageError } from '../output/errors.js';
import { formatTable, paint, type RenderOptions } from '../output/render.js';
import { UnitParseError, parseDurationMs } from '../sizing/units.js';
import type { CommandContext, CommandResult } from './types.js';

export interface CheckOptions extends BootstrapOptions {
  timeout?: string;
  keepGoing?: boolean;
  produceConsume?: boolean;
  testTopic?: string;
  duration?: string;
  interval?: string;
  topic?: string;
  group?: string;
}

export const DEFAULT_TIMEOUT = '10s';

function durationOption(text: string, flag: string, min: number): number {
  let ms: number;
  try {
    ms = parseDurationMs(text);
  } catch (error) {
    if (error instanceof UnitParseError) throw inputError({ path: flag }, `found ${JSON.stringify(text)}`, 'a duration such as 10s, 500ms or 2m');
    throw error;
  }
  if (ms < min) throw inputError({ path: flag }, `found ${JSON.stringify(text)}`, `at least ${min} ms`);
  return ms;
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** Hidden-input prompt on stderr (the password never goes through a flag or shell history). */
async function promptPassword(question: string): Promise<string> {
  const { createInterface } = await import('node:readline');
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const output = rl as unknown as { _writeToOutput?: (s: string) => void; output: NodeJS.WritableStream };
    process.stderr.write(question);
    output._writeToOutput = () => undefined;
    rl.question('', (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

export async function run(ctx: CommandContext<CheckOptions>): Promise<CommandResult<CheckReport>> {
  const o = ctx.options;
  const context = resolveContext(ctx.global.context);
  const connection = resolveConnection({
    bootstrap: o.bootstrap,
    context,
    flags: bootstrapFlags(o),
    env: process.env,
    // on a terminal, an unset password variable is asked for (hidden) instead
    passwordMayBePrompted: process.stdin.isTTY === true,
  });
  const { bootstrap, auth, tls, caFile, certFile, keyFile, insecureSkipVerify, username } = connection;
  const bootstrapText = connection.brokers.join(',');
  const timeoutMs = durationOption(o.timeout ?? DEFAULT_TIMEOUT, '--timeout', 500);
  if (o.testTopic !== undefined && !TOPIC_NAME.test(o.testTopic)) throw inputError({ path: '--test-topic' }, `found ${JSON.stringify(o.testTopic)}`, 'a Kafka topic name (letters, digits, . _ -)');
  if (!o.produceConsume && (o.testTopic !== undefined || o.duration !== undefined)) throw usageError('--test-topic and --duration need --produce-consume', undefined, 'INPUT_INVALID');
  const durationMs = o.duration === undefined ? 0 : durationOption(o.duration, '--duration', 0);
  const intervalMs = durationOption(o.interval ?? '1s', '--interval', 10);

  // IAM: region (flag > host name > environment/context/profile), one memoized credentials provider, one token provider
  let region: string | undefined;
  let iam: Awaited<ReturnType<typeof import('../check/iam.js').createIamSources>> | undefined;
  if (auth === 'iam') {
    const { createIamSources } = await import('../check/iam.js');
    iam = await createIamSources({
      flagRegion: ctx.global.region,
      hostRegion: bootstrap.region,
      profile: ctx.global.profile,
      roleArn: o.roleArn,
      sessionName: o.sessionName,
      endpointUrl: ctx.global.endpointUrl,
      context,
      stsTimeoutMs: Math.min(timeoutMs, 5000),
      log: ctx.log,
    });
    region = iam.region;
  }
  // undefined only on a terminal (off a terminal the resolver refused already)
  const password = auth === 'scram' && connection.password === undefined ? await promptPassword('SCRAM password: ') : connection.password;

  const plan: CheckPlan = {
    bootstrapText,
    bootstrap,
    auth,
    tls,
    ...(region ? { region } : {}),
    insecureSkipVerify,
    ...(caFile ? { caFile } : {}),
    timeoutMs,
    keepGoing: o.keepGoing === true,
    ...(o.produceConsume ? { produceConsume: { ...(o.testTopic ? { topic: o.testTopic } : {}), durationMs, intervalMs } } : {}),
    ...(o.topic !== undefined ? { topic: o.topic } : {}),
    ...(o.group !== undefined ? { group: o.group } : {}),
  };
  if (insecureSkipVerify) ctx.log.warn('TLS certificate verification is OFF (--insecure-skip-verify): the brokers are not authenticated');

  const { createCheckProbes } = await import('../check/probes.js');
  const probes = await createCheckProbes({
    plan,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    certFile,
    keyFile,
    ...(iam ? { tokens: iam.tokens, credentials: iam.credentials } : {}),
    logger: ctx.log,
  });

  const { runCheck } = await import('../check/run.js');
  let report: CheckReport;
  try {
    report = await runCheck(plan, probes, {
      onStep: (s) => ctx.log.info(`check: ${s.step} ${s.status} (${Math.round(s.durationMs)} ms)${s.status === 'fail' ? `: ${s.cause}` : ''}`),
    });
  } finally {
    await probes.close();
  }
  if (!report.ok) {
    const failed = report.steps.find((s) => s.step === report.failedStep);
    ctx.log.error(`check failed at step ${report.failedStep}: ${report.cause}${failed?.hint ? ` — ${failed.hint}` : ''}`);
  }
  return { data: report, table: renderReport, exitCode: report.ok ? 0 : 1 };
}

const STATUS_COLOR = { pass: 'green', warn: 'yellow', fail: 'red', skip: 'dim' } as const;

function cell(text: string, width: number): string {
  // wrap long details so the table stays readable in a terminal
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

export function renderReport(report: CheckReport, options: RenderOptions): string {
  const rows = report.steps.map((s: StepResult) => {
    let detail = s.detail;
    if (s.cause && s.status !== 'pass') detail += `\ncause: ${s.cause}`;
    if (s.hint && s.status !== 'pass' && s.status !== 'skip') detail += `\nhint: ${s.hint}`;
    return [s.step, paint(options, STATUS_COLOR[s.status], s.status), `${Math.round(s.durationMs)}`, detail.split('\n').map((l) => cell(l, 90)).join('\n')];
  });
  const title = `mskctl check ${report.bootstrap} (auth ${report.auth}${report.region ? `, region ${report.region}` : ''})`;
  const verdict = report.ok
    ? paint(options, 'green', `OK in ${report.durationMs} ms`)
    : paint(options, 'red', `FAILED at step ${report.failedStep} (${report.cause})`);
  return `${formatTable(['step', 'status', 'ms', 'detail'], rows, options, title)}\n${verdict}`;
}

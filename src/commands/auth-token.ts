/**
 * `mskctl auth token`: prints an MSK IAM token (or, with --inspect, decodes and lints one).
 * --inspect never loads the AWS SDK; generation loads it lazily through the token provider.
 */
import { inspectToken, type TokenInspection } from '../auth/token-inspect.js';
import { resolveContext } from '../config/contexts.js';
import { usageError } from '../output/errors.js';
import { formatKeyValue, paint, type RenderOptions } from '../output/render.js';
import type { CommandContext, CommandResult } from './types.js';

interface TokenOptions {
  roleArn?: string;
  sessionName?: string;
  inspect?: string;
  secretEnv?: string;
}

export interface GeneratedTokenResult {
  token: string;
  /** epoch ms */
  expiryTime: number;
  expiresAt: string;
  region: string;
  credentialSource: string;
  roleArn?: string;
  sessionName?: string;
}

function formatLeft(seconds: number): string {
  const abs = Math.abs(Math.round(seconds));
  const text = abs >= 60 ? `${Math.floor(abs / 60)} min ${abs % 60} s` : `${abs} s`;
  return seconds < 0 ? `expired ${text} ago` : text;
}

export function renderInspection(i: TokenInspection, options: RenderOptions): string {
  const scope = i.credentialScope;
  const pairs: Array<[string, string]> = [
    ['valid', i.valid ? paint(options, 'green', 'yes') : paint(options, 'red', 'no')],
    ['host', i.url.host],
    ['host region', i.hostRegion ?? '-'],
    ['action', i.action ?? '-'],
    ['access key', scope ? `${scope.accessKey} (${scope.accessKeyKind})` : '-'],
    ['credential scope', scope ? `${scope.date}/${scope.region}/${scope.service}/${scope.terminator}` : '-'],
    ['issued at', i.issuedAt ?? '-'],
    ['expires (X-Amz-Expires)', i.expiresSeconds !== undefined ? `${i.expiresSeconds} s` : '-'],
    ['expires at', i.expiresAt ?? '-'],
    ['time left', i.secondsLeft !== undefined ? formatLeft(i.secondsLeft) : '-'],
    ['signed headers', i.signedHeaders.join(';') || '-'],
    ['user agent', i.userAgent ?? '-'],
    ['session token', i.sessionTokenPresent ? 'present' : 'absent'],
    ['signature', i.signature],
  ];
  let text = formatKeyValue(pairs, options, 'MSK IAM token');
  if (i.findings.length > 0) {
    text += '\n' + i.findings
      .map((f) => {
        const label = f.severity === 'error' ? paint(options, 'red', 'error') : paint(options, 'yellow', 'warning');
        return `${label} ${f.code}: ${f.message}${f.hint ? `\n  hint: ${f.hint}` : ''}`;
      })
      .join('\n');
  }
  return text;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

async function inspect(ctx: CommandContext<TokenOptions>, text: string): Promise<CommandResult<TokenInspection>> {
  if (ctx.options.roleArn !== undefined || ctx.options.sessionName !== undefined) {
    throw usageError('--inspect does not take --role-arn or --session-name', 'it only decodes the token given to it', 'INPUT_INVALID');
  }
  let secretAccessKey: string | undefined;
  if (ctx.options.secretEnv !== undefined) {
    secretAccessKey = process.env[ctx.options.secretEnv];
    if (!secretAccessKey) throw usageError(`--secret-env ${ctx.options.secretEnv}: that environment variable is not set`, 'name an environment variable that holds the secret access key', 'INPUT_INVALID');
  }
  const expectedRegion = ctx.global.region ?? resolveContext(ctx.global.context)?.region;
  const inspection = inspectToken(text, { now: Date.now(), expectedRegion, secretAccessKey });
  return { data: inspection, table: renderInspection, exitCode: inspection.valid ? 0 : 1 };
}

export async function run(ctx: CommandContext<TokenOptions>): Promise<CommandResult<TokenInspection> | CommandResult<GeneratedTokenResult>> {
  if (ctx.options.inspect !== undefined) {
    const text = ctx.options.inspect === '-' ? await readStdin() : ctx.options.inspect;
    return inspect(ctx, text);
  }
  if (ctx.options.secretEnv !== undefined) throw usageError('--secret-env only applies to --inspect', undefined, 'INPUT_INVALID');

  const { createMskTokenProvider, credentialSourceFor, resolveRegion } = await import('../auth/token-provider.js');
  const context = resolveContext(ctx.global.context);
  const sourceOptions = {
    region: ctx.global.region,
    profile: ctx.global.profile,
    roleArn: ctx.options.roleArn,
    sessionName: ctx.options.sessionName,
    endpointUrl: ctx.global.endpointUrl,
    context,
    log: ctx.log,
  };
  // validate the flags before any SDK work
  const region = await resolveRegion(sourceOptions);
  const source = credentialSourceFor(sourceOptions, region);
  const provider = await createMskTokenProvider({ ...sourceOptions, region });
  const { token, expiryTime } = await provider.getToken();
  const expiresAt = new Date(expiryTime).toISOString();
  const describe = source.kind === 'assume-role' ? `role ${source.roleArn} as session ${source.sessionName}` : source.kind === 'profile' ? `profile ${source.profile}` : 'the default credential chain';
  ctx.log.info(`MSK IAM token for ${region} from ${describe}; expires ${expiresAt} (in ${formatLeft((expiryTime - Date.now()) / 1000)})`);
  const data: GeneratedTokenResult = {
    token,
    expiryTime,
    expiresAt,
    region,
    credentialSource: source.kind,
    ...(source.roleArn ? { roleArn: source.roleArn, sessionName: source.sessionName } : {}),
  };
  // table output is the bare token, so TOKEN=$(mskctl auth token) works
  return { data, table: (d: GeneratedTokenResult) => d.token };
}

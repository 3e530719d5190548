/**
 * `mskctl vpc-connection create`: preflight, then (with --execute) CreateVpcConnection, optionally waiting
 * until the connection is AVAILABLE. Re-running for the same cluster and VPC reuses the existing connection.
 */
import { createVpcConnection, getVpcConnectivityBootstrap, listVpcConnections } from '../../aws/msk.js';
import { waitForVpcConnection } from '../../aws/vpc-connection-wait.js';
import { gatherPreflightFacts } from '../../aws/vpc-facts.js';
import { inputError, usageError, MskctlError } from '../../output/errors.js';
import { formatTable, paint, type RenderOptions } from '../../output/render.js';
import { parseDurationMs, UnitParseError } from '../../sizing/units.js';
import { checkEc2Id, parseClusterArn } from '../../vpc/arn.js';
import { decideCreate, ENDED_STATES } from '../../vpc/create-plan.js';
import { AUTH_LABEL, preflightPassed, runPreflight } from '../../vpc/preflight.js';
import { VPC_AUTHENTICATIONS, type Check, type VpcAuthentication, type VpcConnectionRequest, type VpcConnectionSummary } from '../../vpc/types.js';
import { withAws } from '../aws-session.js';
import type { CommandContext, CommandResult } from '../types.js';
import { clusterArnOption, requiredString, stringList } from './options.js';

interface CreateOptions {
  clusterArn?: string;
  vpcId?: string;
  subnets?: string[];
  securityGroups?: string[];
  authentication?: string;
  execute: boolean;
  wait?: boolean;
  timeout: string;
  pollInterval: string;
}

export interface CreateResult {
  request: VpcConnectionRequest;
  region: string;
  callerAccount: string;
  checks: Check[];
  preflight: 'passed' | 'failed';
  /** plan: nothing changed; created; existing: a connection for this cluster and VPC already existed; blocked: preflight failed */
  action: 'plan' | 'created' | 'existing' | 'blocked';
  executed: boolean;
  plan: string[];
  connection?: VpcConnectionSummary;
  bootstrapBrokers?: string;
  checkCommand?: string;
}

const CHECK_AUTH: Record<VpcAuthentication, string> = { SASL_IAM: 'iam', SASL_SCRAM: 'scram', TLS: 'tls' };

function parseRequest(ctx: CommandContext<CreateOptions>): { request: VpcConnectionRequest; arnRegion: string; timeoutMs: number; pollMs: number } {
  const o = ctx.options;
  const arn = clusterArnOption(ctx, o.clusterArn, true);
  const vpcId = checkEc2Id('vpc', requiredString(o.vpcId, '--vpc-id', 'the client VPC, e.g. --vpc-id vpc-0123456789abcdef0'), '--vpc-id');
  const subnetIds = stringList(o.subnets).map((s, i) => checkEc2Id('subnet', s, `--subnets[${i}]`));
  if (subnetIds.length === 0) throw inputError({ path: '--subnets' }, 'missing --subnets', 'client subnet IDs in the cluster\'s AZs, e.g. --subnets subnet-aaa,subnet-bbb');
  const securityGroupIds = stringList(o.securityGroups).map((s, i) => checkEc2Id('sg', s, `--security-groups[${i}]`));
  if (securityGroupIds.length === 0) throw inputError({ path: '--security-groups' }, 'missing --security-groups', 'one or more security group IDs, e.g. --security-groups sg-0123456789abcdef0');
  const auth = requiredString(o.authentication, '--authentication', VPC_AUTHENTICATIONS.join(', ')).toUpperCase();
  if (!(VPC_AUTHENTICATIONS as readonly string[]).includes(auth)) {
    throw inputError({ path: '--authentication' }, `unknown scheme "${o.authentication}"`, VPC_AUTHENTICATIONS.join(', '));
  }
  const duration = (text: string, flag: string): number => {
    try {
      const ms = parseDurationMs(text);
      if (ms <= 0) throw new UnitParseError(text, 'a positive duration');
      return ms;
    } catch (error) {
      if (error instanceof UnitParseError) throw inputError({ path: flag }, `found "${text}"`, 'a duration such as 30m or 90s');
      throw error;
    }
  };
  if (o.wait && !o.execute) throw usageError('--wait needs --execute', 'without --execute nothing is created, so there is nothing to wait for');
  return {
    request: { clusterArn: arn.arn, vpcId, subnetIds: [...new Set(subnetIds)], securityGroupIds: [...new Set(securityGroupIds)], authentication: auth as VpcAuthentication },
    arnRegion: arn.region,
    timeoutMs: duration(o.timeout, '--timeout'),
    pollMs: duration(o.pollInterval, '--poll-interval'),
  };
}

export async function run(ctx: CommandContext<CreateOptions>): Promise<CommandResult<CreateResult>> {
  const { request, arnRegion, timeoutMs, pollMs } = parseRequest(ctx);
  const clusterArn = parseClusterArn(request.clusterArn);
  const execute = ctx.options.execute;
  return withAws(ctx, arnRegion, async (clients) => {
    const facts = await gatherPreflightFacts(clients, request, clusterArn, ctx.log);
    const checks = runPreflight(facts);
    const passed = preflightPassed(checks);
    let connections: VpcConnectionSummary[] = [];
    try {
      connections = await listVpcConnections(clients);
    } catch (error) {
      // a plan can go on without it; creating cannot, since re-running must not make a second connection
      if (execute || !(error instanceof MskctlError) || error.code !== 'AWS_ACCESS_DENIED') throw error;
      ctx.log.warn(`cannot list this account's VPC connections (${error.message}); the plan does not know whether one exists already`);
    }
    const decision = decideCreate(request, passed, execute, connections);
    for (const warning of decision.warnings) ctx.log.warn(warning);
    const result: CreateResult = {
      request,
      region: facts.region,
      callerAccount: facts.callerAccount,
      checks,
      preflight: passed ? 'passed' : 'failed',
      action: decision.action === 'create' ? 'created' : decision.action,
      executed: execute,
      plan: decision.plan,
      connection: decision.connection,
    };
    if (decision.action === 'create') {
      ctx.log.info(`creating a VPC connection from ${request.vpcId} to ${clusterArn.clusterName} (${request.authentication})`);
      result.connection = await createVpcConnection(clients, request);
      result.plan.push(`created ${result.connection.arn} (${result.connection.state ?? 'CREATING'})`);
    }
    if (result.connection && execute && ctx.options.wait) {
      result.connection = await waitForVpcConnection(clients, result.connection, { timeoutMs, pollMs, signal: ctx.signal, log: ctx.log });
    }

    const connection = result.connection;
    const ended = connection !== undefined && ENDED_STATES.has(connection.state ?? '');
    if (connection?.state === 'AVAILABLE') {
      result.bootstrapBrokers = await getVpcConnectivityBootstrap(clients, request.clusterArn, request.authentication);
      if (result.bootstrapBrokers) {
        result.checkCommand = `mskctl check --bootstrap ${result.bootstrapBrokers} --auth ${CHECK_AUTH[request.authentication]} --region ${facts.region}`;
      } else {
        ctx.log.warn(`the cluster reports no multi-VPC bootstrap string for ${AUTH_LABEL[request.authentication]}`);
      }
    } else if (ended) {
      result.plan.push(`the VPC connection ended ${connection.state}${connection.state === 'REJECTED' ? ': the cluster owner rejected it' : ''}`);
    } else if (connection && execute && !ctx.options.wait) {
      result.plan.push(`follow it with: mskctl vpc-connection describe ${connection.arn}`);
    }
    return { data: result, table: renderCreate, exitCode: !passed || ended ? 1 : 0 };
  });
}

const STATUS_MARK: Record<Check['status'], string> = { pass: 'pass', fail: 'FAIL', warn: 'warn', skip: 'skip' };

export function renderChecks(checks: Check[], options: RenderOptions): string {
  const color = (s: Check['status']): string =>
    s === 'pass' ? paint(options, 'green', STATUS_MARK[s]) : s === 'fail' ? paint(options, 'red', STATUS_MARK[s]) : paint(options, 'yellow', STATUS_MARK[s]);
  const table = formatTable(['check', 'status', 'reason'], checks.map((c) => [c.name, color(c.status), c.reason]), options, 'Preflight');
  const fixes = checks.filter((c) => c.fix && c.status !== 'pass').map((c) => `  ${c.name}:\n    ${c.fix}`);
  return fixes.length ? `${table}\nTo fix:\n${fixes.join('\n')}` : table;
}

function renderCreate(r: CreateResult, options: RenderOptions): string {
  const lines = [renderChecks(r.checks, options), ''];
  lines.push(...r.plan);
  if (r.connection) {
    lines.push('', `VPC connection: ${r.connection.arn}`, `state: ${r.connection.state ?? 'unknown'}`);
  }
  if (r.bootstrapBrokers) lines.push(`bootstrap (${AUTH_LABEL[r.request.authentication]}, multi-VPC): ${r.bootstrapBrokers}`);
  if (r.checkCommand) lines.push('', 'test it from a client in the VPC:', `  ${r.checkCommand}`);
  return lines.join('\n');
}

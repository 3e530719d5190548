/**
 * A local stand-in for the AWS control plane, for driving the real SDK clients through the built CLI
 * (--endpoint-url http://127.0.0.1:PORT). It speaks MSK's rest-json protocol, the EC2 query protocol and
 * the STS query protocol (both XML), serves the documented response shapes in fixtures/aws/, records every
 * request, and can be scripted per test (errors, throttling, state sequences).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';

const FIXTURES = new URL('../../fixtures/aws/', import.meta.url);

export function fixtureText(path: string): string {
  return readFileSync(new URL(path, FIXTURES), 'utf8');
}
export function fixtureJson<T = any>(path: string): T { // eslint-disable-line @typescript-eslint/no-explicit-any
  return JSON.parse(fixtureText(path)) as T;
}

export const CLUSTER_ARN = 'arn:aws:kafka:us-east-1:111122223333:cluster/orders/0a1b2c3d-1111-2222-3333-444455556666-2';
export const CLIENT_ACCOUNT = '444455556666';
export const OWNER_ACCOUNT = '111122223333';
export const VPC_ID = 'vpc-0a1b2c3d4e5f60718';
export const OTHER_VPC_ID = 'vpc-0f9e8d7c6b5a40312';
export const SUBNET_A = 'subnet-0aaa1111bbbb2222c';
export const SUBNET_B = 'subnet-0ccc3333dddd4444e';
export const SUBNET_OTHER_AZ = 'subnet-0eee5555ffff6666a';
export const SUBNET_OTHER_VPC = 'subnet-0fff7777aaaa8888b';
export const CLUSTER_SUBNETS = ['subnet-0c1000000000000a1', 'subnet-0c1000000000000b2', 'subnet-0c1000000000000c3'];
export const SG_KAFKA = 'sg-0123456789abcdef0';
export const SG_ALL = 'sg-0aaaaaaaaaaaaaaa1';
export const SG_HTTPS_ONLY = 'sg-0bbbbbbbbbbbbbbb2';
export const SG_OTHER_VPC = 'sg-0ccccccccccccccc3';

export type Service = 'kafka' | 'ec2' | 'sts';

export interface RecordedRequest {
  service: Service;
  operation: string;
  method: string;
  path: string;
  /** URL query parameters (rest-json) */
  query: Record<string, string>;
  /** parsed JSON body (rest-json) or form parameters (query protocols) */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: IncomingHttpHeaders;
}

export interface ScriptedReply {
  status: number;
  /** error code: the rest-json x-amzn-ErrorType, or the XML <Code> */
  error?: string;
  message?: string;
  /** a success body to send instead of the default */
  body?: unknown;
}

export interface VpcConnectionRecord {
  vpcConnectionArn: string;
  targetClusterArn: string;
  state: string;
  authentication: string;
  vpcId: string;
  subnets: string[];
  securityGroups: string[];
  creationTime: string;
  tags: Record<string, string>;
  owner: string;
  /** states still to go through, one per DescribeVpcConnection */
  upcoming: string[];
}

/** The top-level <item> blocks inside <setName>…</setName>, nested items kept inside their parent. */
function topLevelItems(xml: string, setName: string): string[] {
  const start = xml.indexOf(`<${setName}>`);
  const end = xml.lastIndexOf(`</${setName}>`);
  if (start < 0 || end < 0) return [];
  const inner = xml.slice(start + setName.length + 2, end);
  const items: string[] = [];
  const tag = /<(\/?)item>/g;
  let depth = 0;
  let from = -1;
  for (let m = tag.exec(inner); m; m = tag.exec(inner)) {
    if (m[1] === '') {
      if (depth === 0) from = m.index;
      depth += 1;
    } else {
      depth -= 1;
      if (depth === 0) items.push(inner.slice(from, m.index + m[0].length));
    }
  }
  return items;
}

function firstTag(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
}

/** Values of Filter.N.Value.M for the filter called `name` in an EC2 query request. */
function filterValues(params: Record<string, string>, name: string): string[] | undefined {
  const index = Object.entries(params).find(([k, v]) => /^Filter\.\d+\.Name$/.test(k) && v === name)?.[0].split('.')[1];
  if (index === undefined) return undefined;
  return Object.entries(params)
    .filter(([k]) => k.startsWith(`Filter.${index}.Value.`))
    .map(([, v]) => v);
}

export class FakeAws {
  readonly requests: RecordedRequest[] = [];
  /** the DescribeClusterV2 body; undefined: no such cluster (404) */
  cluster: any = fixtureJson('msk/describe-cluster-v2.json'); // eslint-disable-line @typescript-eslint/no-explicit-any
  /** the cluster policy; undefined: the cluster has none (404) */
  clusterPolicy: { policy: string; currentVersion: string } | undefined = fixtureJson('msk/get-cluster-policy.json');
  bootstrap: Record<string, string> = fixtureJson('msk/get-bootstrap-brokers.json');
  caller = { account: CLIENT_ACCOUNT, arn: `arn:aws:sts::${CLIENT_ACCOUNT}:assumed-role/platform-admin/mskctl-session` };
  readonly connections = new Map<string, VpcConnectionRecord>();
  /** the states a newly created connection goes through, one per DescribeVpcConnection */
  createSequence = ['CREATING', 'AVAILABLE'];
  /** EC2 IDs the caller cannot see (another account's subnets) */
  readonly hiddenIds = new Set<string>(CLUSTER_SUBNETS);
  private readonly scripts = new Map<string, ScriptedReply[]>();
  private server: Server | undefined;
  url = '';

  /** Queue replies for the next calls of `operation`; afterwards the default behaviour resumes. */
  script(operation: string, ...replies: ScriptedReply[]): void {
    this.scripts.set(operation, [...(this.scripts.get(operation) ?? []), ...replies]);
  }

  /** Adds an existing connection (from the fixture), optionally changed. */
  addConnection(overrides: Partial<VpcConnectionRecord> = {}): VpcConnectionRecord {
    const base = fixtureJson('msk/vpc-connection.json');
    const record: VpcConnectionRecord = { ...base, owner: CLIENT_ACCOUNT, upcoming: [], ...overrides };
    this.connections.set(record.vpcConnectionArn, record);
    return record;
  }

  operations(service?: Service): string[] {
    return this.requests.filter((r) => service === undefined || r.service === service).map((r) => r.operation);
  }

  requestsFor(operation: string): RecordedRequest[] {
    return this.requests.filter((r) => r.operation === operation);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          this.handle(req, Buffer.concat(chunks).toString('utf8'), res);
        } catch (error) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`fake-aws bug: ${error instanceof Error ? error.stack : String(error)}`);
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  // ---------------------------------------------------------------------------------------------

  private handle(req: IncomingMessage, text: string, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const query = Object.fromEntries(url.searchParams);
    const contentType = String(req.headers['content-type'] ?? '');
    if (method === 'POST' && url.pathname === '/' && contentType.includes('x-www-form-urlencoded')) {
      const params = Object.fromEntries(new URLSearchParams(text));
      const service: Service = params.Version === '2011-06-15' ? 'sts' : 'ec2';
      const operation = params.Action ?? 'Unknown';
      this.requests.push({ service, operation, method, path: url.pathname, query, body: params, headers: req.headers });
      const scripted = this.scripts.get(operation)?.shift();
      if (scripted?.error) return this.xmlError(res, service, scripted);
      if (service === 'sts') return this.xml(res, scripted?.body as string | undefined ?? this.callerIdentityXml());
      return this.xml(res, (scripted?.body as string | undefined) ?? this.ec2(operation, params));
    }
    const body = text ? (JSON.parse(text) as unknown) : undefined;
    const route = this.route(method, url.pathname);
    this.requests.push({ service: 'kafka', operation: route.operation, method, path: url.pathname, query, body, headers: req.headers });
    const scripted = this.scripts.get(route.operation)?.shift();
    if (scripted?.error) return this.jsonError(res, scripted.status, scripted.error, scripted.message ?? scripted.error);
    if (scripted?.body !== undefined) return this.json(res, scripted.status, scripted.body);
    route.handler(body, res, query);
  }

  private route(method: string, path: string): { operation: string; handler: (body: any, res: ServerResponse, query: Record<string, string>) => void } { // eslint-disable-line @typescript-eslint/no-explicit-any
    const m = (re: RegExp): string | undefined => {
      const hit = re.exec(path);
      return hit ? decodeURIComponent(hit[1]!) : undefined;
    };
    let arn: string | undefined;
    if (method === 'GET' && (arn = m(/^\/api\/v2\/clusters\/([^/]+)$/))) {
      const a = arn;
      return { operation: 'DescribeClusterV2', handler: (_b, res) => (this.cluster && this.cluster.clusterInfo.clusterArn === a ? this.json(res, 200, this.cluster) : this.jsonError(res, 404, 'NotFoundException', `The requested resource could not be found: ${a}`)) };
    }
    if (method === 'GET' && (arn = m(/^\/v1\/clusters\/([^/]+)\/policy$/))) {
      return { operation: 'GetClusterPolicy', handler: (_b, res) => (this.clusterPolicy ? this.json(res, 200, this.clusterPolicy) : this.jsonError(res, 404, 'NotFoundException', 'No cluster policy found')) };
    }
    if (method === 'PUT' && (arn = m(/^\/v1\/clusters\/([^/]+)\/policy$/))) {
      return {
        operation: 'PutClusterPolicy',
        handler: (b: { policy: string; currentVersion?: string }, res) => {
          if ((this.clusterPolicy?.currentVersion ?? undefined) !== (b.currentVersion ?? undefined)) {
            return this.jsonError(res, 409, 'ConflictException', 'The provided current version does not match the current version of the cluster policy');
          }
          this.clusterPolicy = { policy: b.policy, currentVersion: randomBytes(7).toString('hex').toUpperCase() };
          this.json(res, 200, { currentVersion: this.clusterPolicy.currentVersion });
        },
      };
    }
    if (method === 'GET' && (arn = m(/^\/v1\/clusters\/([^/]+)\/bootstrap-brokers$/))) {
      return { operation: 'GetBootstrapBrokers', handler: (_b, res) => this.json(res, 200, this.bootstrap) };
    }
    if (method === 'GET' && (arn = m(/^\/v1\/clusters\/([^/]+)\/client-vpc-connections$/))) {
      const a = arn;
      return {
        operation: 'ListClientVpcConnections',
        handler: (_b, res) =>
          this.json(res, 200, {
            clientVpcConnections: [...this.connections.values()]
              .filter((c) => c.targetClusterArn === a)
              .map((c) => ({ vpcConnectionArn: c.vpcConnectionArn, authentication: c.authentication, creationTime: c.creationTime, state: c.state, owner: c.owner })),
          }),
      };
    }
    if (method === 'POST' && path === '/v1/vpc-connection') {
      return {
        operation: 'CreateVpcConnection',
        handler: (b: { targetClusterArn: string; authentication: string; vpcId: string; clientSubnets: string[]; securityGroups: string[]; tags?: Record<string, string> }, res) => {
          const name = /cluster\/([^/]+)\//.exec(b.targetClusterArn)?.[1] ?? 'cluster';
          const owner = /:(\d{12}):cluster/.exec(b.targetClusterArn)?.[1] ?? OWNER_ACCOUNT;
          const [first, ...rest] = this.createSequence;
          const record: VpcConnectionRecord = {
            vpcConnectionArn: `arn:aws:kafka:us-east-1:${this.caller.account}:vpc-connection/${owner}/${name}/${randomUUID()}-3`,
            targetClusterArn: b.targetClusterArn,
            state: first ?? 'CREATING',
            authentication: b.authentication,
            vpcId: b.vpcId,
            subnets: b.clientSubnets,
            securityGroups: b.securityGroups,
            creationTime: new Date().toISOString(),
            tags: b.tags ?? {},
            owner: this.caller.account,
            upcoming: rest,
          };
          this.connections.set(record.vpcConnectionArn, record);
          this.json(res, 200, {
            vpcConnectionArn: record.vpcConnectionArn,
            state: record.state,
            authentication: record.authentication,
            vpcId: record.vpcId,
            clientSubnets: record.subnets,
            securityGroups: record.securityGroups,
            creationTime: record.creationTime,
            tags: record.tags,
          });
        },
      };
    }
    if ((method === 'GET' || method === 'DELETE') && (arn = m(/^\/v1\/vpc-connection\/([^/]+)$/))) {
      const a = arn;
      if (method === 'DELETE') {
        return {
          operation: 'DeleteVpcConnection',
          handler: (_b, res) => {
            const c = this.connections.get(a);
            if (!c) return this.jsonError(res, 404, 'NotFoundException', `VPC connection ${a} not found`);
            c.state = 'DELETING';
            c.upcoming = [];
            this.json(res, 200, { vpcConnectionArn: c.vpcConnectionArn, state: c.state });
          },
        };
      }
      return {
        operation: 'DescribeVpcConnection',
        handler: (_b, res) => {
          const c = this.connections.get(a);
          if (!c) return this.jsonError(res, 404, 'NotFoundException', `VPC connection ${a} not found`);
          const next = c.upcoming.shift();
          if (next) c.state = next;
          this.json(res, 200, {
            vpcConnectionArn: c.vpcConnectionArn,
            targetClusterArn: c.targetClusterArn,
            state: c.state,
            authentication: c.authentication,
            vpcId: c.vpcId,
            subnets: c.subnets,
            securityGroups: c.securityGroups,
            creationTime: c.creationTime,
            tags: c.tags,
          });
        },
      };
    }
    if (method === 'GET' && path === '/v1/vpc-connections') {
      return {
        operation: 'ListVpcConnections',
        handler: (_b, res) =>
          this.json(res, 200, {
            vpcConnections: [...this.connections.values()]
              .filter((c) => c.owner === this.caller.account)
              .map((c) => ({ vpcConnectionArn: c.vpcConnectionArn, targetClusterArn: c.targetClusterArn, creationTime: c.creationTime, authentication: c.authentication, vpcId: c.vpcId, state: c.state })),
          }),
      };
    }
    return { operation: `Unknown ${method} ${path}`, handler: (_b, res) => this.jsonError(res, 404, 'NotFoundException', `no route ${method} ${path}`) };
  }

  private ec2(operation: string, params: Record<string, string>): string {
    const sets: Record<string, { file: string; set: string; idTag: string; filter: string }> = {
      DescribeSubnets: { file: 'ec2/describe-subnets.xml', set: 'subnetSet', idTag: 'subnetId', filter: 'subnet-id' },
      DescribeVpcs: { file: 'ec2/describe-vpcs.xml', set: 'vpcSet', idTag: 'vpcId', filter: 'vpc-id' },
      DescribeSecurityGroups: { file: 'ec2/describe-security-groups.xml', set: 'securityGroupInfo', idTag: 'groupId', filter: 'group-id' },
    };
    const spec = sets[operation];
    if (!spec) throw new Error(`fake-aws: EC2 ${operation} is not served`);
    const xml = fixtureText(spec.file);
    const wanted = filterValues(params, spec.filter);
    const items = topLevelItems(xml, spec.set).filter((item) => {
      const id = firstTag(item, spec.idTag) ?? '';
      return !this.hiddenIds.has(id) && (wanted === undefined || wanted.includes(id));
    });
    const start = xml.indexOf(`<${spec.set}>`) + spec.set.length + 2;
    const end = xml.lastIndexOf(`</${spec.set}>`);
    return `${xml.slice(0, start)}\n${items.join('\n')}\n    ${xml.slice(end)}`;
  }

  private callerIdentityXml(): string {
    return fixtureText('sts/get-caller-identity.xml')
      .replace(/<Arn>[^<]*<\/Arn>/, `<Arn>${this.caller.arn}</Arn>`)
      .replace(/<Account>[^<]*<\/Account>/, `<Account>${this.caller.account}</Account>`);
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID(), 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private jsonError(res: ServerResponse, status: number, code: string, message: string): void {
    const text = JSON.stringify({ message });
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': `${code}:http://internal.amazon.com/coral/com.amazonaws.kafka/`, 'x-amzn-requestid': randomUUID(), 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private xml(res: ServerResponse, text: string): void {
    res.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private xmlError(res: ServerResponse, service: Service, reply: ScriptedReply): void {
    const message = reply.message ?? reply.error!;
    const text =
      service === 'ec2'
        ? `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${reply.error}</Code><Message>${message}</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`
        : `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${reply.error}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
    res.writeHead(reply.status, { 'content-type': 'text/xml;charset=UTF-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}

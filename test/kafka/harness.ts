/**
 * The real-Kafka test harness: two independent single-node KRaft clusters ("source" and "target") on
 * 127.0.0.1, from Apache Kafka jars that Maven resolves from Maven Central, each with the listeners
 * PLAINTEXT, SCRAM (SASL_PLAINTEXT, SCRAM-SHA-512), SCRAM_TLS (SASL_SSL, SCRAM-SHA-512), IAM (SASL_SSL,
 * OAUTHBEARER validated like MSK IAM), IAM_REAUTH (the same with a short connections.max.reauth.ms) and TLS
 * (SSL; mutual TLS when the client presents a certificate).
 *
 * startHarness() reuses brokers that already answer (the MSKCTL_TEST_* environment variables, or the state
 * file a previous `npm run kafka:start` left in .kafka/), otherwise starts new ones on free ports, waits until
 * each answers a real admin request, publishes the endpoints (state file + environment) and returns them.
 */
import { spawn, type ChildProcess, execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, openSync, closeSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import kafkajs from 'kafkajs';
import { brokerProperties, loggingConfig, LISTENERS, type ListenerName, type ListenerPorts } from './broker-config.js';
import { IAM_IDENTITIES, IAM_REGION, RESTRICTED_ALLOWED_PREFIX, SCRAM_USERS, type IamTestIdentity, type ScramTestUser } from './credentials.js';
import { DEFAULT_KAFKA_VERSION, majorVersion, resolveKafkaRuntime, type KafkaRuntime } from './maven.js';
import { generateTlsMaterial } from './tls.js';

const { Kafka, logLevel, AclResourceTypes, AclOperationTypes, AclPermissionTypes, ResourcePatternTypes } = kafkajs;
const execFileAsync = promisify(execFile);

export type ClusterName = 'source' | 'target';

export interface ClusterEndpoints {
  name: ClusterName;
  /** host:port of each listener */
  plaintext: string;
  scram: string;
  /** SASL_SSL with SCRAM-SHA-512 (MSK's 9096) */
  scramTls: string;
  iam: string;
  iamReauth: string;
  tls: string;
  /** the broker's log (stdout/stderr) when this harness started it */
  logFile?: string;
  pid?: number;
}

export interface HarnessEndpoints {
  kafkaVersion: string;
  source: ClusterEndpoints;
  target: ClusterEndpoints;
  tls: {
    caFile: string;
    otherCaFile: string;
    clientCertFile: string;
    clientKeyFile: string;
    /** signed by the other CA: the TLS listener refuses it */
    untrustedClientCertFile: string;
    untrustedClientKeyFile: string;
    clientPrincipal: string;
  };
  scram: { mechanism: 'scram-sha-512'; admin: ScramTestUser; restricted: ScramTestUser };
  iam: {
    region: string;
    /** connections.max.reauth.ms on the IAM_REAUTH listener */
    reauthMs: number;
    admin: IamTestIdentity;
    role: IamTestIdentity;
    restricted: IamTestIdentity;
  };
  /** topics and groups with this prefix are open to the restricted principals; everything else is denied */
  restrictedAllowedPrefix: string;
}

export interface Harness extends HarnessEndpoints {
  /** true when this call started the brokers (and stop() will stop them) */
  started: boolean;
  /** wall time of startHarness(), ms */
  startMs: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  kafkaVersion?: string;
  /** the project root (holds .kafka/); found from this file when omitted */
  root?: string;
  /** keep the brokers running after this process exits (npm run kafka:start) */
  detached?: boolean;
  /** progress lines (stderr by default) */
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** connections.max.reauth.ms of the IAM_REAUTH listener */
  reauthMs?: number;
  /** overall readiness timeout per broker */
  readyTimeoutMs?: number;
}

const DEFAULT_REAUTH_MS = 15_000;
const DEFAULT_JVM_OPTS = ['-Xms64m', '-Xmx384m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:+ExitOnOutOfMemoryError', '-Djava.awt.headless=true'];

export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'test', 'kafka'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the project root (package.json with test/kafka/) above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export function stateFile(root: string, version: string): string {
  return join(root, '.kafka', `state-${version}.json`);
}

export function requestedVersion(env: NodeJS.ProcessEnv = process.env): string {
  return env.MSKCTL_KAFKA_VERSION?.trim() || DEFAULT_KAFKA_VERSION;
}

// ---------------------------------------------------------------------------------------------------------
// publishing endpoints: environment variables and the state file

interface StateFile extends HarnessEndpoints {
  pids: number[];
  /** the run directory every broker's command line names */
  runDir: string;
  startedAt: string;
  startMs: number;
}

/** The environment variables that describe a running harness (what tests and other processes read). */
export function harnessEnv(e: HarnessEndpoints): Record<string, string> {
  const out: Record<string, string> = {
    MSKCTL_TEST_KAFKA_VERSION: e.kafkaVersion,
    MSKCTL_TEST_CA_FILE: e.tls.caFile,
    MSKCTL_TEST_OTHER_CA_FILE: e.tls.otherCaFile,
    MSKCTL_TEST_CLIENT_CERT_FILE: e.tls.clientCertFile,
    MSKCTL_TEST_CLIENT_KEY_FILE: e.tls.clientKeyFile,
    MSKCTL_TEST_UNTRUSTED_CLIENT_CERT_FILE: e.tls.untrustedClientCertFile,
    MSKCTL_TEST_UNTRUSTED_CLIENT_KEY_FILE: e.tls.untrustedClientKeyFile,
    MSKCTL_TEST_SCRAM_USER: e.scram.admin.username,
    MSKCTL_TEST_SCRAM_PASSWORD: e.scram.admin.password,
    MSKCTL_TEST_SCRAM_RESTRICTED_USER: e.scram.restricted.username,
    MSKCTL_TEST_SCRAM_RESTRICTED_PASSWORD: e.scram.restricted.password,
    MSKCTL_TEST_IAM_REGION: e.iam.region,
    MSKCTL_TEST_IAM_REAUTH_MS: String(e.iam.reauthMs),
    MSKCTL_TEST_IAM_ACCESS_KEY_ID: e.iam.admin.accessKeyId,
    MSKCTL_TEST_IAM_SECRET_ACCESS_KEY: e.iam.admin.secretAccessKey,
    MSKCTL_TEST_IAM_PRINCIPAL: e.iam.admin.principal,
  };
  for (const cluster of [e.source, e.target]) {
    const prefix = `MSKCTL_TEST_${cluster.name.toUpperCase()}_`;
    out[prefix + 'PLAINTEXT'] = cluster.plaintext;
    out[prefix + 'SCRAM'] = cluster.scram;
    out[prefix + 'SCRAM_TLS'] = cluster.scramTls;
    out[prefix + 'IAM'] = cluster.iam;
    out[prefix + 'IAM_REAUTH'] = cluster.iamReauth;
    out[prefix + 'TLS'] = cluster.tls;
    if (cluster.logFile) out[prefix + 'LOG'] = cluster.logFile;
  }
  return out;
}

/** Endpoints described by MSKCTL_TEST_* variables, or undefined when they are not (all) set. */
export function endpointsFromEnv(env: NodeJS.ProcessEnv = process.env): HarnessEndpoints | undefined {
  const cluster = (name: ClusterName): ClusterEndpoints | undefined => {
    const p = `MSKCTL_TEST_${name.toUpperCase()}_`;
    const [plaintext, scram, scramTls, iam, iamReauth, tls] = ['PLAINTEXT', 'SCRAM', 'SCRAM_TLS', 'IAM', 'IAM_REAUTH', 'TLS'].map((k) => env[p + k]);
    if (!plaintext || !scram || !scramTls || !iam || !iamReauth || !tls) return undefined;
    const logFile = env[p + 'LOG'];
    return { name, plaintext, scram, scramTls, iam, iamReauth, tls, ...(logFile ? { logFile } : {}) };
  };
  const source = cluster('source');
  const target = cluster('target');
  const caFile = env.MSKCTL_TEST_CA_FILE;
  if (!source || !target || !caFile || !env.MSKCTL_TEST_KAFKA_VERSION) return undefined;
  return {
    kafkaVersion: env.MSKCTL_TEST_KAFKA_VERSION,
    source,
    target,
    tls: {
      caFile,
      otherCaFile: env.MSKCTL_TEST_OTHER_CA_FILE ?? '',
      clientCertFile: env.MSKCTL_TEST_CLIENT_CERT_FILE ?? '',
      clientKeyFile: env.MSKCTL_TEST_CLIENT_KEY_FILE ?? '',
      untrustedClientCertFile: env.MSKCTL_TEST_UNTRUSTED_CLIENT_CERT_FILE ?? '',
      untrustedClientKeyFile: env.MSKCTL_TEST_UNTRUSTED_CLIENT_KEY_FILE ?? '',
      clientPrincipal: 'CN=mskctl-test-client',
    },
    scram: { mechanism: 'scram-sha-512', admin: SCRAM_USERS.admin, restricted: SCRAM_USERS.restricted },
    iam: {
      region: env.MSKCTL_TEST_IAM_REGION ?? IAM_REGION,
      reauthMs: Number(env.MSKCTL_TEST_IAM_REAUTH_MS ?? DEFAULT_REAUTH_MS),
      ...IAM_IDENTITIES,
    },
    restrictedAllowedPrefix: RESTRICTED_ALLOWED_PREFIX,
  };
}

export function readState(root: string, version: string): StateFile | undefined {
  try {
    const state = JSON.parse(readFileSync(stateFile(root, version), 'utf8')) as StateFile;
    // state files written before runDir was recorded: the detached run directory then in use
    return { ...state, runDir: state.runDir ?? join(root, '.kafka', `run-${version}`) };
  } catch {
    return undefined;
  }
}

/**
 * The endpoints for tests: from the environment (set by the global setup or by the user), else from the
 * state file of a harness started with `npm run kafka:start`. Throws with instructions when neither exists.
 */
export function harnessEndpoints(env: NodeJS.ProcessEnv = process.env): HarnessEndpoints {
  const fromEnv = endpointsFromEnv(env);
  if (fromEnv) return fromEnv;
  const state = readState(projectRoot(), requestedVersion(env));
  if (state) return state;
  throw new Error('no Kafka test harness: run the tests through vitest (project "integration") or start one with `npm run kafka:start`');
}

/**
 * Why the IAM validator denied a token: the reason it logged under the uuid of the "[uuid]: Access denied"
 * message the client got. Undefined when the broker's log is not known (brokers reused from elsewhere).
 */
export function iamDenialReason(cluster: ClusterEndpoints, errorMessage: string): string | undefined {
  const uuid = /\[([0-9a-f-]{36})\]: Access denied/.exec(errorMessage)?.[1];
  if (!uuid || !cluster.logFile) return undefined;
  const marker = `[${uuid}]: Access denied: `;
  const line = readFileSync(cluster.logFile, 'utf8').split('\n').find((l) => l.includes(marker));
  return line?.slice(line.indexOf(marker) + marker.length).replace(/ \(mskctl\.harness\.[^)]*\)$/, '');
}

// ---------------------------------------------------------------------------------------------------------
// probing

/**
 * true when pid is still a broker of ours: alive, and its command line names our run directory (a pid from
 * an old state file may since belong to someone else's process, which we must never signal)
 */
function isOurBroker(pid: number, runDir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(runDir + '/');
  } catch {
    return false;
  }
}

/** Processes whose command line names a file under runDir (our brokers, including restarted ones). */
function pidsRunningFrom(runDir: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries.filter((e) => /^\d+$/.test(e) && Number(e) !== process.pid).map(Number).filter((pid) => isOurBroker(pid, runDir));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** true when a broker at host:port answers an admin DescribeCluster request within timeoutMs */
export async function brokerAnswers(address: string, timeoutMs = 3000): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'mskctl-harness-probe',
    brokers: [address],
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(timeoutMs, 3000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await withTimeout(admin.connect().then(() => admin.describeCluster()), timeoutMs);
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function allAnswer(e: HarnessEndpoints): Promise<boolean> {
  const answers = await Promise.all([brokerAnswers(e.source.plaintext), brokerAnswers(e.target.plaintext)]);
  return answers.every(Boolean);
}

// ---------------------------------------------------------------------------------------------------------
// starting

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function pickPorts(taken: Set<number>): Promise<ListenerPorts> {
  const ports = {} as ListenerPorts;
  for (const name of Object.keys(LISTENERS) as ListenerName[]) {
    let port = await freePort();
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    ports[name] = port;
  }
  return ports;
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function compileIamHandler(root: string, runtime: KafkaRuntime): Promise<string> {
  const source = join(root, 'test', 'kafka', 'java', 'mskctl', 'harness', 'MskIamValidatorCallbackHandler.java');
  const text = await readFile(source);
  const hash = createHash('sha256').update(text).update(runtime.version).digest('hex').slice(0, 16);
  const out = join(root, '.kafka', 'java', hash);
  const marker = join(out, '.compiled');
  if (existsSync(marker)) return out;
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  try {
    await execFileAsync('javac', ['-nowarn', '-cp', `${runtime.libDir}/*`, '-d', out, source]);
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`javac could not compile the MSK IAM validator: ${e.stderr?.trim() || e.message}`);
  }
  await writeFile(marker, '');
  return out;
}

interface RunningBroker {
  endpoints: ClusterEndpoints;
  child: ChildProcess;
}

interface ClusterPlan {
  name: ClusterName;
  dir: string;
  runtime: KafkaRuntime;
  classpath: string;
  jvmOpts: string[];
  tlsMaterial: Awaited<ReturnType<typeof generateTlsMaterial>>;
  iamCredentialsFile: string;
  reauthMs: number;
  detached: boolean;
  readyTimeoutMs: number;
  takenPorts: Set<number>;
  log: (line: string) => void;
}

class BrokerStartError extends Error {
  constructor(
    message: string,
    readonly portClash: boolean,
  ) {
    super(message);
  }
}

async function startCluster(plan: ClusterPlan): Promise<RunningBroker> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startClusterOnce(plan);
    } catch (error) {
      // another process took one of the free ports between picking and binding: pick again
      if (error instanceof BrokerStartError && error.portClash && attempt < 3) {
        plan.log(`harness: ${plan.name}: a port was taken meanwhile, retrying with new ports`);
        continue;
      }
      throw error;
    }
  }
}

async function startClusterOnce(plan: ClusterPlan): Promise<RunningBroker> {
  const { dir, runtime } = plan;
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'data'), { recursive: true });
  const ports = await pickPorts(plan.takenPorts);
  const propsFile = join(dir, 'server.properties');
  await writeFile(
    propsFile,
    brokerProperties({
      ports,
      dataDir: join(dir, 'data'),
      tls: plan.tlsMaterial,
      iamCredentialsFile: plan.iamCredentialsFile,
      iamRegion: IAM_REGION,
      reauthMs: plan.reauthMs,
      kafkaMajor: majorVersion(runtime.version),
    }),
  );
  const logging = loggingConfig(runtime.logging);
  const loggingFile = join(dir, logging.file);
  await writeFile(loggingFile, logging.text);
  const loggingProperty = `-D${logging.systemProperty}=${runtime.logging === 'reload4j' ? 'file:' : ''}${loggingFile}`;

  // format the storage, creating the SCRAM users in the same step
  // a base64url UUID, as kafka-storage random-uuid makes; not starting with '-' (argparse would take it for a flag)
  let clusterId = randomBytes(16).toString('base64url');
  while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
  const scramArgs = Object.values(SCRAM_USERS).flatMap((u) => ['--add-scram', `SCRAM-SHA-512=[name=${u.username},password=${u.password}]`]);
  try {
    await execFileAsync('java', [...plan.jvmOpts, loggingProperty, '-cp', plan.classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propsFile, ...scramArgs], {
      timeout: 120_000,
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    const output = `${e.stdout ?? ''}\n${e.stderr ?? ''}`.trim() || e.message;
    throw new Error(`${plan.name}: kafka.tools.StorageTool format failed; last lines of its output:\n${output.split('\n').slice(-12).join('\n')}`);
  }

  const logFile = join(dir, 'broker.log');
  const fd = openSync(logFile, 'a');
  const child = spawn('java', [...plan.jvmOpts, loggingProperty, '-cp', plan.classpath, 'kafka.Kafka', propsFile], {
    stdio: ['ignore', fd, fd],
    detached: plan.detached,
  });
  closeSync(fd);
  let exited: string | undefined;
  child.on('exit', (code, signal) => {
    exited = signal ? `signal ${signal}` : `exit code ${code}`;
  });
  child.on('error', (error) => {
    exited = `could not run java: ${error.message}`;
  });
  if (plan.detached) child.unref();
  const address = `127.0.0.1:${ports.PLAINTEXT}`;
  const deadline = Date.now() + plan.readyTimeoutMs;
  for (;;) {
    if (exited !== undefined) {
      const log = tail(logFile);
      throw new BrokerStartError(
        `${plan.name}: the Kafka broker exited during start-up (${exited}); last lines of ${logFile}:\n${log}`,
        /BindException|Address already in use/.test(log),
      );
    }
    if (await brokerAnswers(address, 2000)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${plan.name}: the Kafka broker did not answer on ${address} within ${plan.readyTimeoutMs} ms; last lines of ${logFile}:\n${tail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const at = (name: ListenerName): string => `127.0.0.1:${ports[name]}`;
  return {
    child,
    endpoints: {
      name: plan.name,
      plaintext: at('PLAINTEXT'),
      scram: at('SCRAM'),
      scramTls: at('SCRAM_TLS'),
      iam: at('IAM'),
      iamReauth: at('IAM_REAUTH'),
      tls: at('TLS'),
      logFile,
      pid: child.pid,
    },
  };
}

/** ACLs for the restricted principals: everything on topics and groups named allowed-*, nothing else. */
async function createRestrictedAcls(address: string): Promise<void> {
  const kafka = new Kafka({ clientId: 'mskctl-harness', brokers: [address], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const principals = [`User:${SCRAM_USERS.restricted.username}`, `User:${IAM_IDENTITIES.restricted.principal}`];
    await admin.createAcls({
      acl: principals.flatMap((principal) =>
        [AclResourceTypes.TOPIC, AclResourceTypes.GROUP].map((resourceType) => ({
          resourceType,
          resourceName: RESTRICTED_ALLOWED_PREFIX,
          resourcePatternType: ResourcePatternTypes.PREFIXED,
          principal,
          host: '*',
          operation: AclOperationTypes.ALL,
          permissionType: AclPermissionTypes.ALLOW,
        })),
      ),
    });
  } finally {
    await admin.disconnect();
  }
}

function stopChild(pid: number, timeoutMs = 15_000): Promise<void> {
  return new Promise((done) => {
    if (!isAlive(pid)) return done();
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return done();
    }
    const deadline = Date.now() + timeoutMs;
    const timer = setInterval(() => {
      if (!isAlive(pid)) {
        clearInterval(timer);
        done();
      } else if (Date.now() > deadline) {
        clearInterval(timer);
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
        done();
      }
    }, 100);
  });
}

/** pids this process started and must not leave behind (killed on exit when not detached) */
const ownedPids = new Set<number>();
let exitHookInstalled = false;
function killOwnedOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of ownedPids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/**
 * A tiny detached watchdog: if this process dies without stopping its brokers (SIGKILL, crash), the watchdog
 * stops them, so no broker outlives the test run that started it. It exits as soon as the brokers are gone.
 * Also watches MirrorMaker 2 (mirror-maker.ts): any process whose command line names a file under runDir.
 */
export function startWatchdog(pids: number[], runDir: string): void {
  const code = `
    const fs = require('node:fs');
    const [runDir, parentText, ...pidTexts] = process.argv.slice(1);
    const parent = Number(parentText);
    const pids = pidTexts.map(Number);
    const alive = (p) => { try { process.kill(p, 0); return true; } catch { return false; } };
    const ours = (p) => { try { return fs.readFileSync('/proc/' + p + '/cmdline', 'utf8').includes(runDir + '/'); } catch { return false; } };
    const signal = (s) => { for (const p of pids) { if (ours(p)) { try { process.kill(p, s); } catch {} } } };
    const timer = setInterval(() => {
      if (!pids.some(ours)) process.exit(0);
      if (!alive(parent)) {
        clearInterval(timer);
        signal('SIGTERM');
        setTimeout(() => { signal('SIGKILL'); process.exit(0); }, 10000);
      }
    }, 1000);`;
  const watchdog = spawn(process.execPath, ['-e', code, runDir, String(process.pid), ...pids.map(String)], { detached: true, stdio: 'ignore' });
  watchdog.unref();
}

/** Removes run directories of test processes that are gone (run-<version>-<pid>). */
async function removeStaleRunDirs(kafkaDir: string): Promise<void> {
  const entries = await readdir(kafkaDir).catch(() => [] as string[]);
  await Promise.all(
    entries.map(async (entry) => {
      const match = /^run-.+-(\d+)$/.exec(entry);
      if (!match || isAlive(Number(match[1]))) return;
      const dir = join(kafkaDir, entry);
      await Promise.all(pidsRunningFrom(dir).map((pid) => stopChild(pid, 5000)));
      // only old logs and data: a directory that cannot be removed now is left for the next start
      await rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
    }),
  );
}

let current: Harness | undefined;

export async function startHarness(options: StartOptions = {}): Promise<Harness> {
  const began = Date.now();
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const version = options.kafkaVersion ?? requestedVersion(env);
  const root = options.root ?? projectRoot();
  const reauthMs = options.reauthMs ?? DEFAULT_REAUTH_MS;

  const publish = (endpoints: HarnessEndpoints, started: boolean, stop: () => Promise<void>): Harness => {
    Object.assign(process.env, harnessEnv(endpoints));
    current = { ...endpoints, started, startMs: Date.now() - began, stop };
    return current;
  };

  // 1. brokers named by the environment
  const fromEnv = endpointsFromEnv(env);
  if (fromEnv && fromEnv.kafkaVersion === version) {
    if (await allAnswer(fromEnv)) {
      log(`harness: reusing the Kafka ${version} brokers named by MSKCTL_TEST_* (source ${fromEnv.source.plaintext}, target ${fromEnv.target.plaintext})`);
      return publish(fromEnv, false, async () => undefined);
    }
    log('harness: the brokers named by MSKCTL_TEST_* do not answer; starting new ones');
  }

  // 2. brokers left running by `npm run kafka:start` in this checkout
  const state = readState(root, version);
  if (state) {
    if (state.pids.every((pid) => isOurBroker(pid, state.runDir)) && (await allAnswer(state))) {
      log(`harness: reusing the Kafka ${version} brokers from ${stateFile(root, version)} (pids ${state.pids.join(', ')})`);
      return publish(state, false, async () => undefined);
    }
    // ours (started from this checkout) but broken: clean up before starting afresh
    await Promise.all(state.pids.filter((pid) => isOurBroker(pid, state.runDir)).map((pid) => stopChild(pid, 5000)));
    await rm(stateFile(root, version), { force: true });
  }

  // 3. start new brokers
  log(`harness: starting two Kafka ${version} clusters (KRaft, single node)`);
  // a detached harness has the one run directory of this checkout; a test run's own brokers get one per
  // process, so that two test runs at once never share (or delete) each other's brokers
  const runDir = join(root, '.kafka', options.detached ? `run-${version}` : `run-${version}-${process.pid}`);
  await removeStaleRunDirs(join(root, '.kafka'));
  await rm(runDir, { recursive: true, force: true });
  await mkdir(runDir, { recursive: true });
  const [runtime, tlsMaterial] = await Promise.all([
    resolveKafkaRuntime(version, join(root, '.kafka')),
    generateTlsMaterial(join(runDir, 'tls')),
  ]);
  const handlerClasses = await compileIamHandler(root, runtime);
  const iamCredentialsFile = join(runDir, 'iam-credentials.tsv');
  await writeFile(
    iamCredentialsFile,
    Object.values(IAM_IDENTITIES as Record<string, IamTestIdentity>)
      .map((i) => [i.accessKeyId, i.secretAccessKey, i.principal, i.sessionToken ?? ''].join('\t'))
      .join('\n') + '\n',
    { mode: 0o600 },
  );
  const jvmOpts = env.MSKCTL_KAFKA_JVM_OPTS ? env.MSKCTL_KAFKA_JVM_OPTS.split(/\s+/).filter(Boolean) : DEFAULT_JVM_OPTS;
  const takenPorts = new Set<number>();
  const plan = (name: ClusterName): ClusterPlan => ({
    name,
    dir: join(runDir, name),
    runtime,
    classpath: `${runtime.libDir}/*:${handlerClasses}`,
    jvmOpts,
    tlsMaterial,
    iamCredentialsFile,
    reauthMs,
    detached: options.detached ?? false,
    readyTimeoutMs: options.readyTimeoutMs ?? 120_000,
    takenPorts,
    log,
  });
  if (!options.detached) killOwnedOnExit();
  const results = await Promise.allSettled([startCluster(plan('source')), startCluster(plan('target'))]);
  const brokers = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  for (const b of brokers) if (b.child.pid !== undefined && !options.detached) ownedPids.add(b.child.pid);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    await Promise.all(brokers.map((b) => (b.child.pid === undefined ? undefined : stopChild(b.child.pid))));
    throw failure.reason;
  }
  const [source, target] = brokers as [RunningBroker, RunningBroker];
  await Promise.all([createRestrictedAcls(source.endpoints.plaintext), createRestrictedAcls(target.endpoints.plaintext)]);

  const endpoints: HarnessEndpoints = {
    kafkaVersion: version,
    source: source.endpoints,
    target: target.endpoints,
    tls: {
      caFile: tlsMaterial.caFile,
      otherCaFile: tlsMaterial.otherCaFile,
      clientCertFile: tlsMaterial.clientCertFile,
      clientKeyFile: tlsMaterial.clientKeyFile,
      untrustedClientCertFile: tlsMaterial.untrustedClientCertFile,
      untrustedClientKeyFile: tlsMaterial.untrustedClientKeyFile,
      clientPrincipal: tlsMaterial.clientPrincipal,
    },
    scram: { mechanism: 'scram-sha-512', admin: SCRAM_USERS.admin, restricted: SCRAM_USERS.restricted },
    iam: { region: IAM_REGION, reauthMs, ...IAM_IDENTITIES },
    restrictedAllowedPrefix: RESTRICTED_ALLOWED_PREFIX,
  };
  const pids = brokers.map((b) => b.child.pid).filter((p): p is number => p !== undefined);
  if (!options.detached) startWatchdog(pids, runDir);
  const startMs = Date.now() - began;
  if (options.detached) {
    const stateData: StateFile = { ...endpoints, pids, runDir, startedAt: new Date(began).toISOString(), startMs };
    await writeFile(stateFile(root, version), JSON.stringify(stateData, null, 2) + '\n');
  }
  log(`harness: Kafka ${version} ready in ${(startMs / 1000).toFixed(1)} s: source ${source.endpoints.plaintext}, target ${target.endpoints.plaintext}`);

  // the run directory (with the broker logs) stays until the next start removes it
  const stop = async (): Promise<void> => {
    await Promise.all(pids.map((pid) => stopChild(pid)));
    // a broker restarted by a test (restart.ts) has a pid this list never saw: stop whatever still runs from runDir,
    // so the next run never races a broker that is still writing into the directory it cleans up
    await Promise.all(pidsRunningFrom(runDir).map((pid) => stopChild(pid)));
    for (const pid of pids) ownedPids.delete(pid);
    if (options.detached) await rm(stateFile(root, version), { force: true });
  };
  return publish(endpoints, true, stop);
}

/** Stops the brokers the last startHarness() of this process started (no-op for reused brokers). */
export async function stopHarness(): Promise<void> {
  const h = current;
  current = undefined;
  if (h) await h.stop();
}

/** Stops brokers recorded in the state file (started detached by `npm run kafka:start` from this checkout). */
export async function stopFromState(root: string, version: string, log: (line: string) => void): Promise<boolean> {
  const state = readState(root, version);
  if (!state) return false;
  await Promise.all(state.pids.filter((pid) => isOurBroker(pid, state.runDir)).map((pid) => stopChild(pid)));
  await rm(stateFile(root, version), { force: true });
  log(`harness: stopped Kafka ${version} (pids ${state.pids.join(', ')})`);
  return true;
}


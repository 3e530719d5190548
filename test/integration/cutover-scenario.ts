/**
 * A cutover scenario on the harness' two clusters: a topic, a producer app writing sequence numbers, a
 * consumer app recording what it processed, a `mskctl replicate` flow, a cutover plan whose hooks stop and
 * start the apps, and the bookkeeping to check afterwards that every record was processed exactly once.
 * Every process it starts is remembered by pid and stopped by pid in cleanup().
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach } from 'vitest';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafka } from '../../src/kafka/client.js';
import { BIN, ROOT } from '../cli/run-cli.js';
import { harnessEndpoints } from '../kafka/harness.js';
import { parse as parseYaml } from 'yaml';
import { createTopicsReady } from '../kafka/topics.js';

const h = harnessEndpoints();
const APPS = join(ROOT, 'test', 'integration', 'apps');

export interface Finished {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function finished(child: ChildProcess): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export class CutoverScenario {
  readonly id = randomUUID().slice(0, 8);
  readonly dir = mkdtempSync(join(tmpdir(), `mskctl-cutover-${this.id}-`));
  readonly topic = `cutover-${this.id}`;
  readonly group = `billing-${this.id}`;
  readonly flowId = `flow-${this.id}`;
  readonly partitions = 3;
  readonly source = h.source.plaintext;
  readonly target = h.target.plaintext;
  readonly planFile = join(this.dir, 'cutover.yaml');
  readonly stateFile = join(this.dir, 'cutover.state.yaml');
  private readonly children = new Set<ChildProcess>();
  replicator?: ChildProcess;
  replicatorDone?: Promise<Finished>;

  constructor(readonly rate = 60) {}

  path(name: string): string {
    return join(this.dir, name);
  }

  /** The situation every cutover test starts from: the topic, the producer and consumer apps on the source, the flow replicating. */
  async startOnSource(minProcessed: number): Promise<void> {
    await this.createTopic();
    await this.startApp('producer', 'source');
    await this.startApp('consumer', 'source');
    this.startReplication();
    // the flow copies and the consumer processes on the source for a while
    await waitFor('records processed on the source', () => (this.lines('processed').length >= minProcessed ? true : undefined), 60_000);
  }

  async createTopic(): Promise<void> {
    const kafka = await createKafka({ brokers: [this.source], auth: 'plaintext' });
    const admin = kafka.admin();
    await admin.connect();
    await createTopicsReady(admin, { topics: [{ topic: this.topic, numPartitions: this.partitions }], waitForLeaders: true });
    await admin.disconnect();
  }

  /** Shell that starts an app on a side in the background (idempotent: does nothing while its pid is alive). */
  private startCommand(app: 'producer' | 'consumer', side: 'source' | 'target'): string {
    const bootstrap = side === 'source' ? this.source : this.target;
    const pidFile = this.path(`${app}-${side}.pid`);
    const args =
      app === 'producer'
        ? ['--bootstrap', bootstrap, '--topic', this.topic, '--partitions', String(this.partitions), '--rate', String(this.rate), '--seq-file', this.path('seq'), '--produced', this.path('produced')]
        : ['--bootstrap', bootstrap, '--topic', this.topic, '--group', this.group, '--out', this.path('processed')];
    const run = `${quote(process.execPath)} ${quote(join(APPS, `${app}.mjs`))} ${args.map(quote).join(' ')}`;
    return `if [ -f ${quote(pidFile)} ] && kill -0 "$(cat ${quote(pidFile)})" 2>/dev/null; then exit 0; fi; ${run} >> ${quote(this.path(`${app}-${side}.log`))} 2>&1 & echo $! > ${quote(pidFile)}; echo $! >> ${quote(this.path('pids'))}`;
  }

  /** Shell that stops an app and waits until it exited (idempotent). */
  private stopCommand(app: 'producer' | 'consumer', side: 'source' | 'target'): string {
    const pidFile = quote(this.path(`${app}-${side}.pid`));
    return `[ -f ${pidFile} ] || exit 0; pid=$(cat ${pidFile}); kill -TERM "$pid" 2>/dev/null; while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done; true`;
  }

  hooks(): string[] {
    return [
      '--stop-hook', this.stopCommand('consumer', 'source'),
      '--start-hook', this.startCommand('consumer', 'target'),
      '--producer-hook', this.stopCommand('producer', 'source'),
      '--producer-start-hook', this.startCommand('producer', 'target'),
    ];
  }

  async shell(command: string): Promise<void> {
    const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
    const done = await finished(child);
    if (done.status !== 0) throw new Error(`${command} failed: ${done.stderr}`);
  }

  async startApp(app: 'producer' | 'consumer', side: 'source' | 'target'): Promise<void> {
    await this.shell(this.startCommand(app, side));
  }

  async stopApp(app: 'producer' | 'consumer', side: 'source' | 'target'): Promise<void> {
    await this.shell(this.stopCommand(app, side));
  }

  /** `mskctl replicate` for the scenario's topic and flow, in the background. */
  startReplication(): void {
    const args = ['replicate', '--source', this.source, '--target', this.target, '--topics', `^${this.topic}$`, '--flow-id', this.flowId];
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    this.children.add(child);
    this.replicator = child;
    this.replicatorDone = finished(child);
  }

  mskctl(args: string[]): ChildProcess {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    this.children.add(child);
    return child;
  }

  async run(args: string[]): Promise<Finished> {
    return finished(this.mskctl(args));
  }

  async writePlan(extra: string[] = []): Promise<void> {
    const result = await this.run([
      'cutover', 'plan', '--source', this.source, '--target', this.target, '--flow-id', this.flowId, '--groups', this.group, '--topics', this.topic,
      '--producer-quiet-period', '2s', '--poll-interval', '250ms', '--wait-timeout', '60s', '--drain-timeout', '60s', '--confirm-timeout', '60s', '--hook-timeout', '30s',
      ...this.hooks(), ...extra,
    ]);
    if (result.status !== 0) throw new Error(`cutover plan failed: ${result.stderr}`);
    writeFileSync(this.planFile, result.stdout);
  }

  lines(name: string): string[] {
    const file = this.path(name);
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0) : [];
  }

  /** The cutover's state file (replaced atomically, so always complete when it exists). */
  state(): { phases?: Record<string, { startedAt: string; finishedAt?: string }>; steps?: Record<string, { finishedAt?: string }> } | undefined {
    if (!existsSync(this.stateFile)) return undefined;
    return parseYaml(readFileSync(this.stateFile, 'utf8')) as ReturnType<CutoverScenario['state']>;
  }

  /** Sequence numbers produced (acknowledged) and processed, with what is missing and what came twice. */
  deliveryReport(): { produced: number; processed: number; missing: number[]; duplicates: number; gapsInProduced: number } {
    const produced = this.lines('produced').map(Number);
    const processed = this.lines('processed').map((l) => Number(l.split(' ')[0]));
    const counts = new Map<number, number>();
    for (const s of processed) counts.set(s, (counts.get(s) ?? 0) + 1);
    const missing = produced.filter((s) => !counts.has(s));
    let duplicates = 0;
    for (const c of counts.values()) duplicates += c - 1;
    const sorted = [...produced].sort((a, b) => a - b);
    const gapsInProduced = sorted.filter((s, i) => s !== i + 1).length;
    return { produced: produced.length, processed: processed.length, missing, duplicates, gapsInProduced };
  }

  async cleanup(): Promise<void> {
    for (const pid of this.lines('pids').map(Number)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already exited
      }
    }
    for (const child of this.children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/**
 * For a test file: scenarios created through the returned function are cleaned up after each test. Each one
 * starts with the source apps running (and the flow replicating) until the consumer processed `minProcessed`.
 */
export function scenariosOnSource(): (minProcessed: number) => Promise<CutoverScenario> {
  const scenarios: CutoverScenario[] = [];
  afterEach(async () => {
    await Promise.all(scenarios.splice(0).map((s) => s.cleanup()));
  });
  return async (minProcessed) => {
    const s = new CutoverScenario();
    scenarios.push(s);
    await s.startOnSource(minProcessed);
    return s;
  };
}

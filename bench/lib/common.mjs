// Shared pieces of the replication benchmarks (bench/replication, bench/cutover-duplicates): the harness's two
// clusters, MirrorMaker 2 from Maven, a peak-RSS sampler, the source-data producer and target-offset polling.
// Needs `npm run build` (dist/) and `npm run kafka:build` (the harness compiled into .kafka/build/).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { loadavg, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';

const { Kafka, logLevel, CompressionTypes } = kafkajs;

const harnessModule = '../../.kafka/build/test/kafka/harness.js';
const mirrorMakerModule = '../../.kafka/build/test/kafka/mirror-maker.js';

export const KAFKA_VERSION = process.env.MSKCTL_KAFKA_VERSION || '3.9.2';

/** Options as --kebab-case flags over `defaults` (their types); bad input: a message on stderr and exit 2. */
export function parseArgs(argv, defaults) {
  try {
    return parseArgsOrThrow(argv, defaults);
  } catch (error) {
    process.stderr.write(`bench: ${error.message}\n`);
    process.exit(2);
  }
}

function parseArgsOrThrow(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const key = a.slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in defaults)) throw new Error(`unknown option ${a} (known: ${Object.keys(defaults).map((k) => '--' + k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())).join(', ')})`);
    if (typeof defaults[key] === 'boolean') out[key] = true;
    else {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      out[key] = typeof defaults[key] === 'number' ? Number(v) : v;
      if (typeof defaults[key] === 'number' && !Number.isFinite(out[key])) throw new Error(`${a}: not a number: ${v}`);
    }
  }
  return out;
}

export function projectRoot() {
  return new URL('../../', import.meta.url).pathname.replace(/\/$/, '');
}

/** Starts the harness's two clusters (or reuses the ones named by MSKCTL_TEST_*), with benchmark JVM options. */
export async function startClusters() {
  if (!existsSync(join(projectRoot(), '.kafka/build/test/kafka/harness.js'))) throw new Error('run `npm run kafka:build` first');
  if (!existsSync(join(projectRoot(), 'dist'))) throw new Error('run `npm run build` first');
  const { startHarness } = await import(harnessModule);
  // full JIT for the brokers (the harness default stops at C1 to start quicker); heap within the machine's rule
  const env = { ...process.env, MSKCTL_KAFKA_JVM_OPTS: process.env.MSKCTL_KAFKA_JVM_OPTS || '-Xms256m -Xmx512m -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true' };
  return startHarness({ kafkaVersion: KAFKA_VERSION, env, log: (l) => process.stderr.write(l + '\n') });
}

/**
 * The set-up every replication benchmark starts with: a work directory .kafka/bench/<name>-<tag>, a stderr
 * logger, the harness's two clusters, a kafkajs client and a connected admin on each (plaintext listeners).
 */
export async function benchSetup(name) {
  const tag = Date.now().toString(36);
  const root = projectRoot();
  const workDir = join(root, '.kafka', 'bench', `${name}-${tag}`);
  await mkdir(workDir, { recursive: true });
  const log = (line) => process.stderr.write(`bench: ${line}\n`);
  const harness = await startClusters();
  const S = harness.source.plaintext;
  const T = harness.target.plaintext;
  const source = kafkaClient(S, 'bench-source');
  const target = kafkaClient(T, 'bench-target');
  const sourceAdmin = source.admin();
  const targetAdmin = target.admin();
  await Promise.all([sourceAdmin.connect(), targetAdmin.connect()]);
  return { tag, root, workDir, log, harness, S, T, source, target, sourceAdmin, targetAdmin };
}

export function kafkaClient(brokers, clientId) {
  return new Kafka({ clientId, brokers: [brokers], logLevel: logLevel.NOTHING, retry: { retries: 8 } });
}

export async function createTopic(admin, topic, partitions) {
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
}

/** Produces `count` records of `size` bytes round-robin over the partitions, as fast as the source takes them. */
export async function produceBulk(kafka, topic, partitions, count, size) {
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: false });
  await producer.connect();
  const value = Buffer.alloc(size, 'x');
  const perSend = Math.max(1, Math.min(2000, Math.floor((4 << 20) / (size + 40)) / partitions | 0));
  let sent = 0;
  const inFlight = new Set();
  while (sent < count) {
    const topicMessages = [];
    const messages = [];
    // spread what is left evenly, so every partition gets records however small the run
    const each = Math.min(perSend, Math.ceil((count - sent) / partitions));
    for (let p = 0; p < partitions && sent < count; p++) {
      const n = Math.min(each, count - sent);
      for (let i = 0; i < n; i++) messages.push({ partition: p, key: null, value });
      sent += n;
    }
    topicMessages.push({ topic, messages });
    const pr = producer.sendBatch({ topicMessages, acks: 1, compression: CompressionTypes.None }).finally(() => inFlight.delete(pr));
    inFlight.add(pr);
    if (inFlight.size >= 4) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  await producer.disconnect();
}

export async function endOffsets(admin, topic) {
  for (let attempt = 0; ; attempt++) {
    try {
      const offs = await admin.fetchTopicOffsets(topic);
      return offs.map((o) => ({ partition: o.partition, high: Number(o.high), low: Number(o.low) })).sort((a, b) => a.partition - b.partition);
    } catch (e) {
      if (attempt > 20) throw e;
      await sleep(250);
    }
  }
}

export async function topicExists(admin, topic) {
  const topics = await admin.listTopics();
  return topics.includes(topic);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Sum of the target topic's end offsets, or -1 while it does not exist. */
export async function targetCount(admin, topic) {
  if (!(await topicExists(admin, topic))) return -1;
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((s, o) => s + Number(o.high), 0);
  } catch {
    return -1;
  }
}

/** Samples /proc/<pid>/status: VmHWM (peak resident set) and VmRSS, every `everyMs`. */
export function rssSampler(pid, everyMs = 200) {
  let peakHwmKb = 0;
  let peakRssKb = 0;
  const read = () => {
    try {
      const s = readFileSync(`/proc/${pid}/status`, 'utf8');
      const hwm = Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? 0);
      const rss = Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0);
      peakHwmKb = Math.max(peakHwmKb, hwm);
      peakRssKb = Math.max(peakRssKb, rss);
    } catch {
      /* the process has exited */
    }
  };
  read();
  const timer = setInterval(read, everyMs);
  return {
    sample: read,
    stop() {
      read();
      clearInterval(timer);
      return { peakMB: Math.max(peakHwmKb, peakRssKb) / 1024 };
    },
  };
}

/** Spawns a process with stdout/stderr to a log file; returns the child and a promise of its exit code. */
export function spawnLogged(cmd, args, logFile, env = process.env) {
  const out = openSync(logFile, 'w');
  const child = spawn(cmd, args, { stdio: ['ignore', out, out], env });
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? (signal ? 128 : 0)));
  return { child, exited };
}

export function mskctlArgs(args) {
  return [join(projectRoot(), 'bin/mskctl.js'), ...args];
}

/** Runs mskctl to completion, capturing stdout; throws with stderr on a non-zero exit. */
export async function runMskctl(args, okCodes = [0]) {
  const child = spawn(process.execPath, mskctlArgs(args), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const [code] = await once(child, 'exit');
  if (!okCodes.includes(code)) throw new Error(`mskctl ${args.join(' ')} exited ${code}:\n${stderr.slice(-2000)}`);
  return stdout;
}

/**
 * MirrorMaker 2 dedicated-mode configuration: one flow source → target, DefaultReplicationPolicy (target topic
 * `<sourceAlias>.<topic>`). Tuning as the AWS samples: tasks.max = partitions, 512 KiB producer batches,
 * 32 MiB fetches, max.poll.records 50000, idempotent producer; replication factors 1 (single-node clusters).
 */
export function mm2Properties({ sourceAlias, targetAlias, sourceBrokers, targetBrokers, topics, groups, tasks, extra = {} }) {
  const flow = `${sourceAlias}->${targetAlias}`;
  const props = {
    clusters: `${sourceAlias}, ${targetAlias}`,
    [`${sourceAlias}.bootstrap.servers`]: sourceBrokers,
    [`${targetAlias}.bootstrap.servers`]: targetBrokers,
    [`${flow}.enabled`]: 'true',
    [`${targetAlias}->${sourceAlias}.enabled`]: 'false',
    [`${flow}.topics`]: topics,
    [`${flow}.groups`]: groups ?? '__none__',
    'tasks.max': String(tasks),
    'replication.factor': '1',
    'checkpoints.topic.replication.factor': '1',
    'heartbeats.topic.replication.factor': '1',
    'offset-syncs.topic.replication.factor': '1',
    'offset.storage.replication.factor': '1',
    'status.storage.replication.factor': '1',
    'config.storage.replication.factor': '1',
    'sync.topic.acls.enabled': 'false',
    'sync.topic.configs.enabled': 'false',
    'refresh.topics.interval.seconds': '600',
    // read_committed like mskctl (MM2's default read_uncommitted would copy aborted records)
    [`${sourceAlias}.consumer.isolation.level`]: 'read_committed',
    [`${sourceAlias}.consumer.max.poll.records`]: '50000',
    [`${sourceAlias}.consumer.fetch.max.bytes`]: String(32 << 20),
    [`${sourceAlias}.consumer.max.partition.fetch.bytes`]: String(32 << 20),
    [`${sourceAlias}.consumer.receive.buffer.bytes`]: String(32 << 20),
    [`${targetAlias}.producer.batch.size`]: String(512 << 10),
    [`${targetAlias}.producer.linger.ms`]: '10',
    [`${targetAlias}.producer.send.buffer.bytes`]: String(32 << 20),
    [`${targetAlias}.producer.enable.idempotence`]: 'true',
    [`${targetAlias}.producer.acks`]: 'all',
    [`${targetAlias}.producer.compression.type`]: 'none',
    ...extra,
  };
  return Object.entries(props).map(([k, v]) => `${k} = ${v}`).join('\n') + '\n';
}

// connect-mirror-maker.sh ships -Xms256M -Xmx2G. With 12 tasks, 32 MiB fetches and max.poll.records 50000,
// -Xmx1g ran out of heap on 1 KB records (measured); 2 GiB is the script's own maximum
export const MM2_HEAP = process.env.MSKCTL_BENCH_MM2_HEAP || '2g';

/**
 * Starts MirrorMaker 2 (dedicated mode) with `props` written to `dir`; log to dir/mm2.log. The jars and the
 * process come from the harness's test/kafka/mirror-maker.ts (the integration test runs MM2 the same way).
 */
export async function startMirrorMaker(dir, props) {
  const { startMirrorMaker: start } = await import(mirrorMakerModule);
  const jvmOpts = ['-Xms256m', `-Xmx${MM2_HEAP}`, '-XX:+UseG1GC', '-XX:+ExitOnOutOfMemoryError', '-Djava.awt.headless=true'];
  return start({ kafkaVersion: KAFKA_VERSION, dir, properties: props, jvmOpts, root: projectRoot() });
}

export async function stopProcess(handle, signal = 'SIGTERM', graceMs = 20000) {
  if (handle.child.exitCode !== null || handle.child.signalCode !== null) return handle.exited;
  handle.child.kill(signal);
  const t = setTimeout(() => handle.child.kill('SIGKILL'), graceMs);
  const code = await handle.exited;
  clearTimeout(t);
  return code;
}

export function machine() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kafka: KAFKA_VERSION,
    loadavg: loadavg().map((l) => Number(l.toFixed(2))),
  };
}

export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function table(headers, rows) {
  const cells = [headers, ...rows].map((r) => r.map((c) => String(c)));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => '| ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  return [line(cells[0]), '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|', ...cells.slice(1).map(line)].join('\n');
}

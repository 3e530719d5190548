// mskctl replicate against MirrorMaker 2 on the harness's two local clusters, one after the other, same data.
//   npm run build && npm run kafka:build && npm run bench:replication -- [--records 1000000] [--sizes 1024,100]
//     [--partitions 12] [--latency-rate 2000] [--latency-seconds 30] [--latency-size 1024] [--skip-latency]
//     [--mm2-tasks N (default: the partition count)]; MirrorMaker 2's heap: MSKCTL_BENCH_MM2_HEAP (default 2g)
// Throughput: the source topic is filled first; the clock starts when the replicator process is spawned and
// stops when the target topic's end offsets sum to the record count (polled every 100 ms).
// Latency: the replicator runs; records are produced at a fixed rate with their CreateTime; a consumer on the
// target computes (receive time - record timestamp). Peak RSS: VmHWM of the replicator process (node / the JVM).
// Results: a table on stdout, JSON in bench/results/replication-<timestamp>.json (gitignored).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  MM2_HEAP,
  createTopic,
  endOffsets,
  machine,
  mm2Properties,
  mskctlArgs,
  parseArgs,
  percentile,
  produceBulk,
  rssSampler,
  sleep,
  spawnLogged,
  startMirrorMaker,
  stopProcess,
  table,
  targetCount,
  topicExists,
  benchSetup,
} from '../lib/common.mjs';

const opts = parseArgs(process.argv.slice(2), {
  records: 1_000_000,
  sizes: '1024,100',
  partitions: 12,
  latencyRate: 2000,
  latencySeconds: 30,
  latencySize: 1024,
  skipLatency: false,
  mm2Tasks: 0,
  timeoutSeconds: 900,
  // also run N mskctl processes sharing one flow (scale-out), as an extra comparison row
  mskctlProcesses: 0,
});
const mm2Tasks = opts.mm2Tasks > 0 ? opts.mm2Tasks : opts.partitions;
const sizes = opts.sizes.split(',').map(Number);
const { tag, root, workDir, log, harness, S, T, source, target, sourceAdmin, targetAdmin } = await benchSetup('replication');

const results = { date: new Date().toISOString(), machine: machine(), options: opts, mm2Heap: MM2_HEAP, throughput: [], latency: [] };
let activeChild;
process.on('SIGINT', async () => {
  if (activeChild) await stopProcess(activeChild, 'SIGKILL');
  await harness.stop();
  process.exit(130);
});

/**
 * Runs a replicator (one process, or several sharing a flow) until the target topic holds `count` records.
 * Peak RSS of several processes is the sum of their peaks (an upper bound of what they held at once).
 */
async function measureCopy(name, start, targetTopic, count, stopWhenDone) {
  const began = Date.now();
  const started = await start();
  const procs = Array.isArray(started) ? started : [started];
  activeChild = procs[0];
  const samplers = procs.map((p) => rssSampler(p.child.pid));
  let firstAt;
  let doneAt;
  const exitCodes = procs.map(() => undefined);
  procs.forEach((p, i) => p.exited.then((c) => (exitCodes[i] = c)));
  for (;;) {
    const n = await targetCount(targetAdmin, targetTopic);
    if (n > 0 && firstAt === undefined) firstAt = Date.now();
    if (n >= count) {
      doneAt = Date.now();
      break;
    }
    const failed = exitCodes.find((c) => c !== undefined && c !== 0);
    if (failed !== undefined) throw new Error(`${name} exited ${failed} before the target had every record (${n} of ${count}); see ${workDir}`);
    if (Date.now() - began > opts.timeoutSeconds * 1000) throw new Error(`${name}: timeout, ${n} of ${count} records on the target`);
    await sleep(100);
  }
  for (const s of samplers) s.sample();
  if (stopWhenDone) for (const p of procs) await stopProcess(p);
  else await Promise.all(procs.map((p) => p.exited));
  const peakMB = samplers.reduce((sum, s) => sum + s.stop().peakMB, 0);
  activeChild = undefined;
  return { seconds: (doneAt - began) / 1000, copySeconds: (doneAt - (firstAt ?? began)) / 1000, peakRssMB: peakMB, exitCode: exitCodes.find((c) => c !== 0) ?? 0, processes: procs.length };
}

function mskctlReplicate(flow, topic, extra, logFile, alias = 'msk') {
  const args = ['replicate', '--source', S, '--target', T, '--topics', topic, '--flow-id', flow, '--rename', 'prefix', '--source-alias', alias, '--progress-interval', '5s', ...extra];
  return spawnLogged(process.execPath, mskctlArgs(args), logFile);
}

function mm2Config(alias, topic, extra = {}) {
  return mm2Properties({ sourceAlias: alias, targetAlias: 'tgt', sourceBrokers: S, targetBrokers: T, topics: topic, tasks: mm2Tasks, extra });
}

for (const size of sizes) {
  const topic = `bench-${tag}-${size}b`;
  await createTopic(sourceAdmin, topic, opts.partitions);
  log(`producing ${opts.records.toLocaleString('en-US')} records of ${size} B to ${topic} (${opts.partitions} partitions)`);
  const p0 = Date.now();
  await produceBulk(source, topic, opts.partitions, opts.records, size);
  const produced = (await endOffsets(sourceAdmin, topic)).reduce((s, o) => s + o.high, 0);
  log(`produced ${produced} records in ${((Date.now() - p0) / 1000).toFixed(1)} s`);
  const bytes = produced * size;

  log(`mskctl replicate --until-caught-up: ${topic} → msk.${topic}`);
  const statsFile = join(workDir, `mskctl-${size}.stats.json`);
  const m = await measureCopy('mskctl', () => mskctlReplicate(`bench-${tag}-${size}`, topic, ['--until-caught-up', '--stats-json', statsFile], join(workDir, `mskctl-${size}.log`)), `msk.${topic}`, produced, false);
  if (m.exitCode !== 0) throw new Error(`mskctl exited ${m.exitCode}`);
  const mStats = JSON.parse(await readFile(statsFile, 'utf8'));

  const alias = `s${tag}${size}`;
  log(`MirrorMaker 2 (heap ${MM2_HEAP}, tasks.max ${mm2Tasks}): ${topic} → ${alias}.${topic}`);
  const mm = await measureCopy('MirrorMaker 2', () => startMirrorMaker(join(workDir, `mm2-${size}`), mm2Config(alias, topic)), `${alias}.${topic}`, produced, true);
  let scaled;
  if (opts.mskctlProcesses > 1) {
    const n = opts.mskctlProcesses;
    log(`${n} mskctl replicate processes sharing one flow: ${topic} → msk${n}.${topic}`);
    const flow = `bench-${tag}-${size}-x${n}`;
    const start = () => Promise.all(Array.from({ length: n }, (_, i) => mskctlReplicate(flow, topic, ['--until-caught-up'], join(workDir, `mskctl-${size}-x${n}-${i}.log`), `msk${n}`)));
    scaled = await measureCopy(`mskctl ×${n}`, start, `msk${n}.${topic}`, produced, false);
  }
  results.throughput.push({ recordBytes: size, records: produced, bytes, mskctl: { ...m, stats: mStats }, mirrorMaker2: mm, ...(scaled ? { mskctlScaledOut: scaled } : {}) });
  log(`${size} B: mskctl ${m.seconds.toFixed(1)} s, ${m.peakRssMB.toFixed(0)} MB; MirrorMaker 2 ${mm.seconds.toFixed(1)} s, ${mm.peakRssMB.toFixed(0)} MB`);
}

async function measureLatency(name, start, stop, sourceTopic, targetTopic) {
  await createTopic(sourceAdmin, sourceTopic, opts.partitions);
  const proc = await start();
  activeChild = proc;
  const rss = rssSampler(proc.child.pid);
  const began = Date.now();
  while (!(await topicExists(targetAdmin, targetTopic))) {
    if (Date.now() - began > 120_000) throw new Error(`${name}: ${targetTopic} not created within 120 s`);
    await sleep(200);
  }
  const latencies = [];
  let warm = 0;
  const consumer = target.consumer({ groupId: `bench-lat-${tag}-${name}`, maxWaitTimeInMs: 50, minBytes: 1, sessionTimeout: 30000 });
  await consumer.connect();
  await consumer.subscribe({ topic: targetTopic, fromBeginning: true });
  let joined;
  const joinedP = new Promise((r) => (joined = r));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      for (const msg of batch.messages) {
        if (msg.value[0] === 0x57 /* W */) warm++;
        else latencies.push(now - Number(msg.timestamp));
      }
    },
  });
  await joinedP;
  const producer = source.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  // warm-up: the replicator is copying (MirrorMaker 2's tasks start some seconds after the topic exists)
  const warmValue = Buffer.alloc(opts.latencySize, 'W');
  await producer.send({ topic: sourceTopic, acks: 1, messages: Array.from({ length: opts.partitions * 10 }, (_, i) => ({ partition: i % opts.partitions, value: warmValue })) });
  while (warm < opts.partitions * 10) {
    if (Date.now() - began > 180_000) throw new Error(`${name}: warm-up records not replicated within 180 s (${warm})`);
    await sleep(100);
  }
  await sleep(2000);
  const total = opts.latencyRate * opts.latencySeconds;
  const value = Buffer.alloc(opts.latencySize, 'M');
  let sent = 0;
  let next = 0;
  const t0 = Date.now();
  const sends = [];
  while (sent < total) {
    const due = Math.min(total, Math.floor(((Date.now() - t0) / 1000) * opts.latencyRate));
    if (due > sent) {
      const messages = [];
      for (; sent < due; sent++) messages.push({ partition: next++ % opts.partitions, value, timestamp: String(Date.now()) });
      sends.push(producer.send({ topic: sourceTopic, acks: 1, messages }));
    }
    await sleep(5);
  }
  await Promise.all(sends);
  const waitFrom = Date.now();
  while (latencies.length < total && Date.now() - waitFrom < 120_000) await sleep(100);
  await producer.disconnect();
  await consumer.disconnect();
  rss.sample();
  await stop(proc);
  const { peakMB } = rss.stop();
  activeChild = undefined;
  latencies.sort((a, b) => a - b);
  return { produced: total, received: latencies.length, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxMs: latencies.at(-1), peakRssMB: peakMB };
}

if (!opts.skipLatency) {
  const lt = `lat-${tag}`;
  log(`latency: ${opts.latencyRate} records/s × ${opts.latencySeconds} s, ${opts.latencySize} B records, mskctl replicate`);
  const ml = await measureLatency(
    'mskctl',
    async () => mskctlReplicate(`lat-${tag}`, `${lt}-m`, [], join(workDir, 'mskctl-latency.log')),
    (p) => stopProcess(p, 'SIGINT'),
    `${lt}-m`,
    `msk.${lt}-m`,
  );
  log(`latency: MirrorMaker 2`);
  const alias = `l${tag}`;
  const mml = await measureLatency(
    'mm2',
    async () => {
      const h = await startMirrorMaker(join(workDir, 'mm2-latency'), mm2Config(alias, `${lt}-x`));
      return h;
    },
    (p) => stopProcess(p),
    `${lt}-x`,
    `${alias}.${lt}-x`,
  );
  results.latency.push({ rate: opts.latencyRate, seconds: opts.latencySeconds, recordBytes: opts.latencySize, mskctl: ml, mirrorMaker2: mml });
}

results.machine.loadavgAfter = machine().loadavg;
await Promise.all([sourceAdmin.disconnect(), targetAdmin.disconnect()]);
await harness.stop();

const f1 = (x) => x.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const f0 = (x) => Math.round(x).toLocaleString('en-US');
const ratio = (a, b) => (a / b).toFixed(2);
const rows = [];
for (const r of results.throughput) {
  const m = r.mskctl;
  const mm = r.mirrorMaker2;
  const rps = (x) => r.records / x.seconds;
  const mbs = (x) => r.bytes / 1e6 / x.seconds;
  rows.push([`${f0(r.records)} × ${r.recordBytes} B: records/s (whole run)`, f0(rps(m)), f0(rps(mm)), ratio(rps(m), rps(mm))]);
  rows.push([`${f0(r.records)} × ${r.recordBytes} B: MB/s (whole run, 10^6 B)`, f1(mbs(m)), f1(mbs(mm)), ratio(mbs(m), mbs(mm))]);
  rows.push([`${f0(r.records)} × ${r.recordBytes} B: time to all records on target (s)`, f1(m.seconds), f1(mm.seconds), ratio(m.seconds, mm.seconds)]);
  rows.push([`${f0(r.records)} × ${r.recordBytes} B: copy time, first → last record on target (s)`, f1(m.copySeconds), f1(mm.copySeconds), ratio(m.copySeconds, mm.copySeconds)]);
  rows.push([`${f0(r.records)} × ${r.recordBytes} B: peak RSS of the replicator (MB)`, f0(m.peakRssMB), f0(mm.peakRssMB), ratio(m.peakRssMB, mm.peakRssMB)]);
  const x = r.mskctlScaledOut;
  if (x) {
    rows.push([`${f0(r.records)} × ${r.recordBytes} B, ${x.processes} mskctl processes: records/s (whole run)`, f0(rps(x)), f0(rps(mm)), ratio(rps(x), rps(mm))]);
    rows.push([`${f0(r.records)} × ${r.recordBytes} B, ${x.processes} mskctl processes: peak RSS, sum (MB)`, f0(x.peakRssMB), f0(mm.peakRssMB), ratio(x.peakRssMB, mm.peakRssMB)]);
  }
}
for (const l of results.latency) {
  const k = `latency @ ${f0(l.rate)} records/s × ${l.seconds} s, ${l.recordBytes} B`;
  rows.push([`${k}: p50 (ms)`, f0(l.mskctl.p50Ms), f0(l.mirrorMaker2.p50Ms), ratio(l.mskctl.p50Ms, l.mirrorMaker2.p50Ms)]);
  rows.push([`${k}: p99 (ms)`, f0(l.mskctl.p99Ms), f0(l.mirrorMaker2.p99Ms), ratio(l.mskctl.p99Ms, l.mirrorMaker2.p99Ms)]);
  rows.push([`${k}: records received / produced`, `${l.mskctl.received}/${l.mskctl.produced}`, `${l.mirrorMaker2.received}/${l.mirrorMaker2.produced}`, '']);
  rows.push([`${k}: peak RSS (MB)`, f0(l.mskctl.peakRssMB), f0(l.mirrorMaker2.peakRssMB), ratio(l.mskctl.peakRssMB, l.mirrorMaker2.peakRssMB)]);
}
console.log(table(['measure', 'mskctl', 'MirrorMaker 2', 'mskctl / MM2'], rows));
console.log(
  `Kafka ${results.machine.kafka} (two single-node KRaft clusters, broker heap 512 MiB), node ${results.machine.node}, ${results.machine.cpus} × ${results.machine.cpuModel}; ` +
    `MirrorMaker 2 heap -Xms256m -Xmx${MM2_HEAP} (MSKCTL_BENCH_MM2_HEAP), tasks.max ${mm2Tasks}; load average ${results.machine.loadavg.join(' ')} at start, ${results.machine.loadavgAfter.join(' ')} at the end`,
);
await mkdir(join(root, 'bench', 'results'), { recursive: true });
const out = join(root, 'bench', 'results', `replication-${results.date.replace(/[:.]/g, '-')}.json`);
await writeFile(out, JSON.stringify(results, null, 2) + '\n');
console.log(`JSON: ${out}`);
process.exit(0);

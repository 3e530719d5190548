// Duplicates re-delivered after moving consumer groups to the target: mskctl's exact translation against
// MirrorMaker 2's checkpoints (sync.group.offsets.enabled=true, default offset.lag.max=100), same data, same run.
//   npm run build && npm run kafka:build && npm run bench:cutover-duplicates -- [--records 120000]
//     [--partitions 12] [--groups 6] [--size 100] [--seed 42]
// The source topic is filled, then groups commit on the source: group 1 at the end offsets (a consumer that was
// caught up when stopped), the others at pseudo-random offsets per partition (seeded). mskctl replicates
// (--until-caught-up), `mskctl replicate translate` translates and the bench commits its offsets on the target;
// MirrorMaker 2 replicates and writes the target group offsets itself. The exact position of a committed source
// offset o on the target is o (fresh target topics, no duplicates: checked end offset by end offset), so a target
// committed offset c re-delivers o - c records (c < o) or skips c - o (c > o).
// Results: a table on stdout, JSON in bench/results/cutover-duplicates-<timestamp>.json (gitignored).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  MM2_HEAP,
  createTopic,
  endOffsets,
  kafkaClient,
  machine,
  mm2Properties,
  parseArgs,
  produceBulk,
  projectRoot,
  runMskctl,
  sleep,
  startClusters,
  startMirrorMaker,
  stopProcess,
  table,
  targetCount,
} from '../lib/common.mjs';

const opts = parseArgs(process.argv.slice(2), { records: 120_000, partitions: 12, groups: 6, size: 100, seed: 42, settleSeconds: 20, timeoutSeconds: 600 });
const tag = Date.now().toString(36);
const root = projectRoot();
const workDir = join(root, '.kafka', 'bench', `cutover-${tag}`);
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
const loadStart = machine().loadavg;

const topic = `cut-${tag}`;
await createTopic(sourceAdmin, topic, opts.partitions);
log(`producing ${opts.records} records of ${opts.size} B to ${topic}`);
await produceBulk(source, topic, opts.partitions, opts.records, opts.size);
const ends = await endOffsets(sourceAdmin, topic);

// a small seeded generator: the same commit positions for the same --seed
let state = opts.seed >>> 0 || 1;
const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const groups = Array.from({ length: opts.groups }, (_, i) => `cutgrp-${tag}-${i + 1}`);
const committed = new Map(); // group → partition → source offset
for (const [i, g] of groups.entries()) {
  const offsets = new Map(ends.map((e) => [e.partition, i === 0 ? e.high : Math.floor(random() * e.high)]));
  committed.set(g, offsets);
}
log(`committing ${groups.length} groups on the source (${groups.length * opts.partitions} positions)`);
await Promise.all(groups.map((g) => sourceAdmin.setOffsets({ groupId: g, topic, partitions: [...committed.get(g)].map(([partition, offset]) => ({ partition, offset: String(offset) })) })));

async function targetGroupOffsets(targetTopic) {
  const out = new Map();
  for (const g of groups) {
    const [t] = await targetAdmin.fetchOffsets({ groupId: g, topics: [targetTopic] });
    out.set(g, new Map(t.partitions.map((p) => [p.partition, Number(p.offset)])));
  }
  return out;
}

async function assertNoDuplicates(name, targetTopic) {
  const t = await endOffsets(targetAdmin, targetTopic);
  for (const e of ends) {
    const te = t.find((x) => x.partition === e.partition);
    if (!te || te.high !== e.high) throw new Error(`${name}: ${targetTopic} partition ${e.partition} ends at ${te?.high} but the source at ${e.high}: exact positions unknown`);
  }
}

function score(targetOffsets) {
  let duplicates = 0;
  let skipped = 0;
  let exact = 0;
  let missing = 0;
  let worst = 0;
  const perGroup = {};
  for (const g of groups) {
    let gd = 0;
    for (const [partition, o] of committed.get(g)) {
      const c = targetOffsets.get(g)?.get(partition);
      if (c === undefined || c < 0) {
        missing++;
        continue;
      }
      if (c === o) exact++;
      else if (c < o) {
        duplicates += o - c;
        gd += o - c;
        worst = Math.max(worst, o - c);
      } else skipped += c - o;
    }
    perGroup[g] = gd;
  }
  return { positions: groups.length * opts.partitions, exact, duplicates, skipped, missing, worstPartition: worst, perGroup };
}

// ---- mskctl
const flow = `cut-${tag}`;
const mTopic = `msk.${topic}`;
log(`mskctl replicate --until-caught-up, then replicate translate`);
await runMskctl(['replicate', '--source', S, '--target', T, '--topics', topic, '--flow-id', flow, '--rename', 'prefix', '--source-alias', 'msk', '--until-caught-up', '--progress-interval', '10s']);
await assertNoDuplicates('mskctl', mTopic);
const tr = JSON.parse(await runMskctl(['replicate', 'translate', '--source', S, '--target', T, '--flow-id', flow, '--group', groups.join(','), '--output', 'json']));
const byGroup = new Map();
for (const row of tr.translations) {
  if (row.targetOffset === null) continue;
  if (!byGroup.has(row.group)) byGroup.set(row.group, []);
  byGroup.get(row.group).push({ partition: row.partition, offset: String(row.targetOffset) });
}
// what a cutover does with the translation: commit it on the (empty) target group
await Promise.all([...byGroup].map(([g, partitions]) => targetAdmin.setOffsets({ groupId: g, topic: mTopic, partitions })));
const mskctlScore = score(await targetGroupOffsets(mTopic));

// ---- MirrorMaker 2
const alias = `c${tag}`;
const xTopic = `${alias}.${topic}`;
log(`MirrorMaker 2 with sync.group.offsets.enabled=true, offset.lag.max 100 (default)`);
const props = mm2Properties({
  sourceAlias: alias,
  targetAlias: 'tgt',
  sourceBrokers: S,
  targetBrokers: T,
  topics: topic,
  groups: `cutgrp-${tag}-.*`,
  tasks: opts.partitions,
  extra: {
    'sync.group.offsets.enabled': 'true',
    'emit.checkpoints.interval.seconds': '1',
    'sync.group.offsets.interval.seconds': '1',
    'refresh.groups.interval.seconds': '5',
    // the worker's offset flush (default 60 s) also promotes the last record's offset sync; 5 s reaches the same
    // settled state sooner
    'offset.flush.interval.ms': '5000',
  },
});
const mm2 = await startMirrorMaker(join(workDir, 'mm2'), props);
const began = Date.now();
let mm2Offsets;
let stableSince = 0;
let last = '';
for (;;) {
  if (mm2.child.exitCode !== null) throw new Error(`MirrorMaker 2 exited ${mm2.child.exitCode}; see ${workDir}/mm2/mm2.log`);
  if (Date.now() - began > opts.timeoutSeconds * 1000) throw new Error('MirrorMaker 2: group offsets did not settle in time');
  const n = await targetCount(targetAdmin, xTopic);
  if (n >= opts.records) {
    mm2Offsets = await targetGroupOffsets(xTopic);
    const complete = groups.every((g) => [...committed.get(g).keys()].every((p) => (mm2Offsets.get(g)?.get(p) ?? -1) >= 0));
    const key = JSON.stringify([...mm2Offsets].map(([g, m]) => [g, [...m]]));
    if (key !== last) {
      last = key;
      stableSince = Date.now();
    } else if (complete && Date.now() - stableSince >= opts.settleSeconds * 1000) break;
  }
  await sleep(1000);
}
const mm2Seconds = (Date.now() - began) / 1000;
await stopProcess(mm2);
await assertNoDuplicates('MirrorMaker 2', xTopic);
const mm2Score = score(mm2Offsets);

const loadEnd = machine().loadavg;
await Promise.all([sourceAdmin.disconnect(), targetAdmin.disconnect()]);
await harness.stop();

const f0 = (x) => Math.round(x).toLocaleString('en-US');
const rows = [
  ['group positions moved (groups × partitions)', f0(mskctlScore.positions), f0(mm2Score.positions)],
  ['positions translated exactly', f0(mskctlScore.exact), f0(mm2Score.exact)],
  ['records re-delivered (duplicates), total', f0(mskctlScore.duplicates), f0(mm2Score.duplicates)],
  ['records re-delivered, mean per position', (mskctlScore.duplicates / mskctlScore.positions).toFixed(1), (mm2Score.duplicates / mm2Score.positions).toFixed(1)],
  ['records re-delivered, worst position', f0(mskctlScore.worstPartition), f0(mm2Score.worstPartition)],
  [`records re-delivered by the caught-up group (${groups[0]})`, f0(mskctlScore.perGroup[groups[0]]), f0(mm2Score.perGroup[groups[0]])],
  ['records skipped (lost to the group)', f0(mskctlScore.skipped), f0(mm2Score.skipped)],
  ['positions without a target offset', f0(mskctlScore.missing), f0(mm2Score.missing)],
];
console.log(table(['after moving the groups to the target', 'mskctl translate', 'MirrorMaker 2 checkpoints'], rows));
console.log(
  `${f0(opts.records)} records × ${opts.size} B over ${opts.partitions} partitions; ${groups.length} groups (one caught up, the others at seeded random offsets, --seed ${opts.seed}); ` +
    `MirrorMaker 2 ${harness.kafkaVersion}, offset.lag.max 100, heap -Xmx${MM2_HEAP}, settled after ${mm2Seconds.toFixed(0)} s; load average ${loadStart.join(' ')} at start, ${loadEnd.join(' ')} at the end`,
);
const results = { date: new Date().toISOString(), machine: { ...machine(), loadavg: loadStart, loadavgAfter: loadEnd }, options: opts, committed: Object.fromEntries([...committed].map(([g, m]) => [g, Object.fromEntries(m)])), mskctl: mskctlScore, mirrorMaker2: { ...mm2Score, settleSeconds: mm2Seconds, offsets: Object.fromEntries([...mm2Offsets].map(([g, m]) => [g, Object.fromEntries(m)])) } };
await mkdir(join(root, 'bench', 'results'), { recursive: true });
const out = join(root, 'bench', 'results', `cutover-duplicates-${results.date.replace(/[:.]/g, '-')}.json`);
await writeFile(out, JSON.stringify(results, null, 2) + '\n');
console.log(`JSON: ${out}`);
process.exit(0);

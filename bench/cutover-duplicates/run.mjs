// Duplicates re-delivered after moving consumer groups to the target: mskctl's exact translation against
// MirrorMaker 2's checkpoints (sync.group.offsets.enabled=true, default offset.lag.max=100), same data, same run.
//   npm run build && npm run kafka:build && npm run bench:cutover-duplicates -- [--records 120000]
//     [--partitions 12] [--groups 6] [--size 100] [--seed 42] [--settle-seconds 30]
//     [--live-rate 1000] [--live-seconds 40] [--live-groups 3]   (--live-seconds 0 skips the live phase)
// The source topic is filled, then groups commit on the source: group 1 at the end offsets (a consumer that was
// caught up when stopped), the others at pseudo-random offsets per partition (seeded). mskctl replicates
// (--until-caught-up), `mskctl replicate translate` translates and the bench commits its offsets on the target;
// MirrorMaker 2 replicates and writes the target group offsets itself. The exact position of a committed source
// offset o on the target is o (fresh target topics, no duplicates: checked end offset by end offset), so a target
// committed offset c re-delivers o - c records (c < o) or skips c - o (c > o).
// Then the live phase: both replicators run while records arrive at --live-rate; groups commit near the head
// meanwhile (one at the end offsets, the others up to 300 records behind) and are moved the same two ways.
// Results: a table on stdout, JSON in bench/results/cutover-duplicates-<timestamp>.json (gitignored).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  MM2_HEAP,
  mskctlArgs,
  spawnLogged,
  createTopic,
  endOffsets,
  machine,
  mm2Properties,
  parseArgs,
  produceBulk,
  runMskctl,
  sleep,
  startMirrorMaker,
  stopProcess,
  table,
  targetCount,
  benchSetup,
} from '../lib/common.mjs';

const opts = parseArgs(process.argv.slice(2), { records: 120_000, partitions: 12, groups: 6, size: 100, seed: 42, settleSeconds: 30, liveRate: 1000, liveSeconds: 40, liveGroups: 3, timeoutSeconds: 600 });
const { tag, root, workDir, log, harness, S, T, source, sourceAdmin, targetAdmin } = await benchSetup('cutover');
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

async function targetGroupOffsets(targetTopic, groupList) {
  const out = new Map();
  for (const g of groupList) {
    const [t] = await targetAdmin.fetchOffsets({ groupId: g, topics: [targetTopic] });
    out.set(g, new Map(t.partitions.map((p) => [p.partition, Number(p.offset)])));
  }
  return out;
}

async function assertNoDuplicates(name, targetTopic, sourceEnds) {
  const t = await endOffsets(targetAdmin, targetTopic);
  for (const e of sourceEnds) {
    const te = t.find((x) => x.partition === e.partition);
    if (!te || te.high !== e.high) throw new Error(`${name}: ${targetTopic} partition ${e.partition} ends at ${te?.high} but the source at ${e.high}: exact positions unknown`);
  }
}

function score(targetOffsets, groupList) {
  let duplicates = 0;
  let skipped = 0;
  let exact = 0;
  let missing = 0;
  let worst = 0;
  const perGroup = {};
  for (const g of groupList) {
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
  return { positions: groupList.length * opts.partitions, exact, duplicates, skipped, missing, worstPartition: worst, perGroup };
}

// ---- mskctl
const flow = `cut-${tag}`;
const mTopic = `msk.${topic}`;
const replicateArgs = ['replicate', '--source', S, '--target', T, '--topics', topic, '--flow-id', flow, '--rename', 'prefix', '--source-alias', 'msk', '--progress-interval', '10s'];

/** `mskctl replicate translate`, then what a cutover does with it: commit it on the (empty) target groups. */
async function mskctlMove(groupList) {
  const tr = JSON.parse(await runMskctl(['replicate', 'translate', '--source', S, '--target', T, '--flow-id', flow, '--group', groupList.join(','), '--output', 'json'], [0, 1]));
  const byGroup = new Map();
  for (const row of tr.translations) {
    // exit 1 means some partition is `ahead` or `unknown`: it gets no target offset and counts as missing
    if (row.status !== 'exact' && row.status !== 'end') log(`mskctl translate: ${row.group} ${row.topic}/${row.partition} at ${row.sourceOffset}: ${row.status}`);
    if (row.targetOffset === null) continue;
    if (!byGroup.has(row.group)) byGroup.set(row.group, []);
    byGroup.get(row.group).push({ partition: row.partition, offset: String(row.targetOffset) });
  }
  await Promise.all([...byGroup].map(([g, partitions]) => targetAdmin.setOffsets({ groupId: g, topic: mTopic, partitions })));
  return score(await targetGroupOffsets(mTopic, groupList), groupList);
}

log(`mskctl replicate --until-caught-up, then replicate translate`);
await runMskctl([...replicateArgs, '--until-caught-up']);
await assertNoDuplicates('mskctl', mTopic, ends);
const mskctlScore = await mskctlMove(groups);

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
    // (a worker setting: in dedicated mode it is read with the target alias prefix)
    'tgt.offset.flush.interval.ms': '5000',
  },
});
const mm2 = await startMirrorMaker(join(workDir, 'mm2'), props);

/** Waits until MirrorMaker 2 has copied `count` records and the groups' target offsets stay unchanged. */
async function mm2Settled(groupList, count) {
  const began = Date.now();
  let stableSince = 0;
  let last = '';
  for (;;) {
    if (mm2.child.exitCode !== null) throw new Error(`MirrorMaker 2 exited ${mm2.child.exitCode}; see ${workDir}/mm2/mm2.log`);
    if (Date.now() - began > opts.timeoutSeconds * 1000) throw new Error('MirrorMaker 2: group offsets did not settle in time');
    const n = await targetCount(targetAdmin, xTopic);
    if (n >= count) {
      const offsets = await targetGroupOffsets(xTopic, groupList);
      const complete = groupList.every((g) => [...committed.get(g).keys()].every((p) => (offsets.get(g)?.get(p) ?? -1) >= 0));
      const key = JSON.stringify([...offsets].map(([g, m]) => [g, [...m]]));
      if (key !== last) {
        last = key;
        stableSince = Date.now();
      } else if (complete && Date.now() - stableSince >= opts.settleSeconds * 1000) return { offsets, seconds: (Date.now() - began) / 1000 };
    }
    await sleep(1000);
  }
}

const quiet = await mm2Settled(groups, opts.records);
const mm2Offsets = quiet.offsets;
const mm2Seconds = quiet.seconds;
await assertNoDuplicates('MirrorMaker 2', xTopic, ends);
const mm2Score = score(mm2Offsets, groups);

// ---- live: both replicators run while records arrive at a steady rate; groups commit near the head meanwhile
let live;
if (opts.liveSeconds > 0 && opts.liveGroups > 0) {
  const liveGroups = Array.from({ length: opts.liveGroups }, (_, i) => `cutgrp-${tag}-live-${i + 1}`);
  log(`live: ${opts.liveRate} records/s for ${opts.liveSeconds} s with mskctl replicate and MirrorMaker 2 running; ${liveGroups.length} groups commit near the head`);
  const mProc = spawnLogged(process.execPath, mskctlArgs(replicateArgs), join(workDir, 'mskctl-live.log'));
  const producer = source.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const value = Buffer.alloc(opts.size, 'L');
  const total = opts.liveRate * opts.liveSeconds;
  const commitAt = liveGroups.map((_, i) => ((i + 1) * opts.liveSeconds * 1000) / (liveGroups.length + 1));
  const commits = [];
  const headMoved = []; // records per partition the head moved past a commit while kafkajs' setOffsets joined the group
  const sends = [];
  let sent = 0;
  let next = 0;
  const t0 = Date.now();
  while (sent < total) {
    const elapsed = Date.now() - t0;
    const due = Math.min(total, Math.floor((elapsed / 1000) * opts.liveRate));
    if (due > sent) {
      const messages = [];
      for (; sent < due; sent++) messages.push({ partition: next++ % opts.partitions, value });
      sends.push(producer.send({ topic, acks: 1, messages }));
    }
    if (commits.length < liveGroups.length && elapsed >= commitAt[commits.length]) {
      // a consumer close behind the head: the first live group exactly at the end offsets, the others up to 300 behind
      const i = commits.length;
      const g = liveGroups[i];
      commits.push(
        endOffsets(sourceAdmin, topic).then((e) => {
          const offsets = new Map(e.map((x) => [x.partition, i === 0 ? x.high : Math.max(0, x.high - Math.floor(random() * 300))]));
          committed.set(g, offsets);
          return sourceAdmin
            .setOffsets({ groupId: g, topic, partitions: [...offsets].map(([partition, offset]) => ({ partition, offset: String(offset) })) })
            .then(() => endOffsets(sourceAdmin, topic))
            .then((after) => headMoved.push(after.reduce((sum, x) => sum + x.high - (offsets.get(x.partition) ?? 0), 0) / after.length));
        }),
      );
    }
    await sleep(5);
  }
  await Promise.all([...sends, ...commits]);
  await producer.disconnect();
  const liveEnds = await endOffsets(sourceAdmin, topic);
  const liveTotal = liveEnds.reduce((s, e) => s + e.high, 0);
  while ((await targetCount(targetAdmin, mTopic)) < liveTotal) await sleep(200);
  await stopProcess(mProc, 'SIGINT');
  await assertNoDuplicates('mskctl', mTopic, liveEnds);
  const mskctlLive = await mskctlMove(liveGroups);
  const settled = await mm2Settled(liveGroups, liveTotal);
  await assertNoDuplicates('MirrorMaker 2', xTopic, liveEnds);
  live = { groups: liveGroups, headMovedPerPartition: headMoved, mskctl: mskctlLive, mirrorMaker2: { ...score(settled.offsets, liveGroups), settleSeconds: settled.seconds, offsets: Object.fromEntries([...settled.offsets].map(([g, m]) => [g, Object.fromEntries(m)])) } };
}
await stopProcess(mm2);

const loadEnd = machine().loadavg;
await Promise.all([sourceAdmin.disconnect(), targetAdmin.disconnect()]);
await harness.stop();

const f0 = (x) => Math.round(x).toLocaleString('en-US');
function rowsFor(label, m, x, caughtUp) {
  return [
    [`${label}: group positions moved (groups × partitions)`, f0(m.positions), f0(x.positions)],
    [`${label}: positions translated exactly`, f0(m.exact), f0(x.exact)],
    [`${label}: records re-delivered (duplicates), total`, f0(m.duplicates), f0(x.duplicates)],
    [`${label}: records re-delivered, mean per position`, (m.duplicates / m.positions).toFixed(1), (x.duplicates / x.positions).toFixed(1)],
    [`${label}: records re-delivered, worst position`, f0(m.worstPartition), f0(x.worstPartition)],
    [`${label}: re-delivered to the group at the end offsets`, f0(m.perGroup[caughtUp]), f0(x.perGroup[caughtUp])],
    [`${label}: records skipped (lost to the group)`, f0(m.skipped), f0(x.skipped)],
    [`${label}: positions without a target offset`, f0(m.missing), f0(x.missing)],
  ];
}
const rows = rowsFor('backlog, then quiet', mskctlScore, mm2Score, groups[0]);
if (live) rows.push(...rowsFor(`live, ${f0(opts.liveRate)} records/s`, live.mskctl, live.mirrorMaker2, live.groups[0]));
console.log(table(['after moving the groups to the target', 'mskctl translate', 'MirrorMaker 2 checkpoints'], rows));
console.log(
  `${f0(opts.records)} records × ${opts.size} B over ${opts.partitions} partitions; backlog: ${groups.length} groups (one at the end offsets, the others at seeded random offsets, --seed ${opts.seed})` +
    (live ? `; live: ${live.groups.length} groups commit during ${opts.liveSeconds} s of ${opts.liveRate} records/s (one at the end offsets read just before committing, the others up to 300 behind; the head had moved ${live.headMovedPerPartition.map((x) => x.toFixed(0)).join(', ')} records per partition past each commit when it landed)` : '') +
    `; MirrorMaker 2 ${harness.kafkaVersion}, offset.lag.max 100, heap -Xmx${MM2_HEAP}, settled after ${mm2Seconds.toFixed(0)} s; load average ${loadStart.join(' ')} at start, ${loadEnd.join(' ')} at the end`,
);
const results = { date: new Date().toISOString(), machine: { ...machine(), loadavg: loadStart, loadavgAfter: loadEnd }, options: opts, committed: Object.fromEntries([...committed].map(([g, m]) => [g, Object.fromEntries(m)])), mskctl: mskctlScore, mirrorMaker2: { ...mm2Score, settleSeconds: mm2Seconds, offsets: Object.fromEntries([...mm2Offsets].map(([g, m]) => [g, Object.fromEntries(m)])) }, live };
await mkdir(join(root, 'bench', 'results'), { recursive: true });
const out = join(root, 'bench', 'results', `cutover-duplicates-${results.date.replace(/[:.]/g, '-')}.json`);
await writeFile(out, JSON.stringify(results, null, 2) + '\n');
console.log(`JSON: ${out}`);
process.exit(0);

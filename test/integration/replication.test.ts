/**
 * Replication against real brokers: a few hundred thousand records over several topics and partitions with
 * null keys, tombstones, repeated and empty headers, old timestamps and transactions (aborted ones must not
 * be copied) are compared record by record; offset translation is checked for every source offset and for
 * consumer groups committed at many offsets; new topics and partition growth are picked up while running.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { loadFlowMap, translateGroups } from '../../src/replication/translate.js';
import { FlowStore } from '../../src/replication/flow-store.js';
import { flowLiveness } from '../../src/replication/positions.js';
import { Replicator } from '../../src/replication/replicator.js';
import { memoryLogger } from '../../src/output/log.js';
import { mskctl } from '../cli/run-cli.js';
import {
  clients,
  createTopics,
  h,
  produce,
  produceTransactions,
  readAll,
  recordShape,
  replicate,
  replicatorOptions,
  uniqueId,
  withAdmin,
} from './replication-support.js';

const id = uniqueId();
const prefix = `repl-${id}`;
const topicA = `${prefix}.orders`; // 6 partitions, plain records + transactions
const topicB = `${prefix}.payments`; // 3 partitions
const topicC = `${prefix}.audit`; // 1 partition, compacted config carried over
const flowId = `it-${id}`;
let source: Kafka;
let target: Kafka;

beforeAll(async () => {
  ({ source, target } = await clients());
  await createTopics(source, [
    { topic: topicA, partitions: 6, configs: { 'retention.ms': '604800000' } },
    { topic: topicB, partitions: 3 },
    { topic: topicC, partitions: 1, configs: { 'cleanup.policy': 'compact', 'min.insync.replicas': '1' } },
  ]);
  // 6 × 25,000 + 3 × 20,000 + 1 × 10,000 = 220,000 plain records, plus transactions
  await Promise.all([produce(source, topicA, 6, 25_000), produce(source, topicB, 3, 20_000), produce(source, topicC, 1, 10_000, { alwaysKeyed: true })]);
});

afterAll(async () => {
  // nothing to close: every helper disconnects its own clients
});

async function compareTopic(topic: string): Promise<number> {
  const [src, tgt] = await Promise.all([readAll(source, topic), readAll(target, topic)]);
  expect([...tgt.keys()].sort()).toEqual([...src.keys()].sort());
  let count = 0;
  for (const [partition, records] of src) {
    const copies = tgt.get(partition) ?? [];
    expect(copies.length, `${topic}/${partition} record count`).toBe(records.length);
    for (let i = 0; i < records.length; i += 1) {
      const a = recordShape(records[i]!);
      const b = recordShape(copies[i]!);
      if (JSON.stringify(a) !== JSON.stringify(b)) expect(b, `${topic}/${partition} record ${i} (source offset ${records[i]!.offset})`).toEqual(a);
    }
    count += records.length;
  }
  return count;
}

describe('replicate (at-least-once) against real brokers', () => {
  let transactions: { committed: number; aborted: number };

  it('copies every record with key, value, headers, timestamp, partition and order; aborted transactions are not copied', async () => {
    transactions = await produceTransactions(source, topicA, 6, 40, 50);
    const summary = await replicate(source, target, replicatorOptions(flowId, [`${prefix}\\..*`]));
    expect(summary.stoppedBy).toBe('caught-up');
    expect(summary.lag).toBe(0);
    expect(summary.records).toBe(220_000 + transactions.committed);
    const copied = (await compareTopic(topicA)) + (await compareTopic(topicB)) + (await compareTopic(topicC));
    expect(copied).toBe(220_000 + transactions.committed);
    const targetA = await readAll(target, topicA);
    const values = [...targetA.values()].flat().map((r) => r.value?.toString() ?? '');
    expect(values.filter((v) => v.startsWith('ABORTED'))).toEqual([]);
    expect(values.filter((v) => v.startsWith('COMMITTED')).length).toBe(transactions.committed);
    // tombstones and null keys really are there
    expect([...targetA.values()].flat().some((r) => r.value === null)).toBe(true);
    expect([...targetA.values()].flat().some((r) => r.key === null)).toBe(true);
  });

  it('created the target topics with the source partition counts and the configs that carry over', async () => {
    const described = await withAdmin(target, async (admin) => {
      const meta = await admin.fetchTopicMetadata({ topics: [topicA, topicB, topicC] });
      const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topicC }] });
      return { meta, configs };
    });
    expect(Object.fromEntries(described.meta.topics.map((t) => [t.name, t.partitions.length]))).toEqual({ [topicA]: 6, [topicB]: 3, [topicC]: 1 });
    const entries = Object.fromEntries(described.configs.resources[0]!.configEntries.map((e) => [e.configName, e]));
    expect(entries['cleanup.policy']?.configValue).toBe('compact');
    // min.insync.replicas is never carried (a target-cluster durability choice): the target keeps its default
    expect(entries['min.insync.replicas']?.configSource).not.toBe(1);
  });

  it('translates every source offset to the target offset of the first replicated record at or after it', async () => {
    const { map } = await withAdmin(target, (admin) => loadFlowMap(flowId, target, admin));
    const [src, tgt] = await Promise.all([readAll(source, topicA), readAll(target, topicA)]);
    let checked = 0;
    for (const [partition, records] of src) {
      const copies = tgt.get(partition)!;
      const end = records[records.length - 1]!.offset + 1;
      let index = 0;
      for (let c = 0; c <= end; c += 1) {
        while (index < records.length && records[index]!.offset < c) index += 1;
        const t = map.translate(topicA, partition, c);
        if (index < records.length) {
          expect(t.status).toBe('exact');
          if (t.targetOffset !== copies[index]!.offset) expect(t.targetOffset, `${topicA}/${partition} source offset ${c}`).toBe(copies[index]!.offset);
        } else {
          // past the last record: where the next replicated record will land
          expect(t.targetOffset).toBe(copies[copies.length - 1]!.offset + 1);
        }
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(150_000);
  });

  it('translates consumer groups committed at many offsets, also through `mskctl replicate translate`', async () => {
    const src = await readAll(source, topicB);
    const tgt = await readAll(target, topicB);
    const groups = [0, 1, 7, 999, 12_345, 19_999, 20_000].map((offset) => ({ group: `${prefix}-g${offset}`, offset }));
    await withAdmin(source, (admin) =>
      Promise.all(
        groups.map((g) =>
          admin.setOffsets({ groupId: g.group, topic: topicB, partitions: [0, 1, 2].map((partition) => ({ partition, offset: String(Math.min(g.offset + partition, src.get(partition)!.length)) })) }),
        ),
      ),
    );
    const rows = await withAdmin(source, (sa) => withAdmin(target, (ta) => translateGroups({ flowId, groups: groups.map((g) => g.group), sourceAdmin: sa, target, targetAdmin: ta })));
    expect(rows.length).toBe(groups.length * 3);
    for (const row of rows) {
      const records = src.get(row.partition)!;
      const index = records.findIndex((r) => r.offset >= row.sourceOffset);
      const expected = index >= 0 ? tgt.get(row.partition)![index]!.offset : tgt.get(row.partition)!.at(-1)!.offset + 1;
      expect(row.targetOffset, `${row.group} ${row.topic}/${row.partition}`).toBe(expected);
    }
    const cli = mskctl(['replicate', 'translate', '--source', h.source.plaintext, '--target', h.target.plaintext, '--flow-id', flowId, '--group', groups[4]!.group, '--output', 'json']);
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
    const parsed = JSON.parse(cli.stdout) as { translations: Array<{ topic: string; partition: number; sourceOffset: number; targetOffset: number; status: string }> };
    expect(parsed.translations.map((t) => [t.partition, t.sourceOffset, t.targetOffset, t.status])).toEqual(
      rows.filter((r) => r.group === groups[4]!.group).map((r) => [r.partition, r.sourceOffset, r.targetOffset, 'exact']),
    );
  });

  it('a group committed on a source partition that never held a record translates to where its first record will land', async () => {
    const topic = `${prefix}-sparse`;
    const sparseFlow = `${flowId}-sparse`;
    await createTopics(source, [{ topic, partitions: 2 }]);
    // only partition 0 gets records; the group committed 0 on the empty partition 1
    await produce(source, topic, 1, 50);
    await withAdmin(source, (admin) => admin.setOffsets({ groupId: `${prefix}-sparse-g`, topic, partitions: [{ partition: 0, offset: '20' }, { partition: 1, offset: '0' }] }));
    await replicate(source, target, replicatorOptions(sparseFlow, [topic]));
    const cli = mskctl(['replicate', 'translate', '--source', h.source.plaintext, '--target', h.target.plaintext, '--flow-id', sparseFlow, '--group', `${prefix}-sparse-g`, '--output', 'json']);
    expect(cli.status, cli.stderr).toBe(0);
    const rows = (JSON.parse(cli.stdout) as { translations: Array<{ partition: number; targetOffset: number; status: string }> }).translations;
    expect(rows.map((r) => [r.partition, r.targetOffset, r.status])).toEqual([
      [0, 20, 'exact'],
      [1, 0, 'end'],
    ]);
  });

  it('`replicate status` reports zero lag and a stopped flow, then lag after new source records', async () => {
    const ok = mskctl(['replicate', 'status', '--source', h.source.plaintext, '--target', h.target.plaintext, '--flow-id', flowId, '--output', 'json', '--check']);
    expect(ok.status).toBe(0);
    const data = JSON.parse(ok.stdout) as { state: string; lag: number; caughtUp: boolean; partitions: unknown[] };
    expect(data).toMatchObject({ state: 'stopped', lag: 0, caughtUp: true });
    expect(data.partitions.length).toBe(10);
    await produce(source, topicB, 3, 10, { seqStart: 1_000_000 });
    const behind = mskctl(['replicate', 'status', '--source', h.source.plaintext, '--target', h.target.plaintext, '--flow-id', flowId, '--output', 'json', '--check']);
    expect(behind.status).toBe(1);
    expect(JSON.parse(behind.stdout)).toMatchObject({ lag: 30, caughtUp: false });
  });

  it('resumes from the positions stored on the target, picks up a new topic and partition growth while running', async () => {
    const newTopic = `${prefix}.late`;
    const controller = new AbortController();
    const log = memoryLogger('normal');
    const replicator = new Replicator(source, target, replicatorOptions(flowId, [`${prefix}\\..*`], { untilCaughtUp: false, refreshMs: 1_000, signal: controller.signal, log }));
    const running = replicator.run();
    // the 30 records produced by the status test are replicated first (resume, not restart from scratch)
    await createTopics(source, [{ topic: newTopic, partitions: 2 }]);
    await produce(source, newTopic, 2, 500);
    await withAdmin(source, (admin) => admin.createPartitions({ topicPartitions: [{ topic: topicB, count: 5 }] }));
    await produce(source, topicB, 5, 100, { seqStart: 2_000_000 });
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const p = replicator.partitionProgress();
      const late = p.filter((x) => x.topic === newTopic);
      const grown = p.filter((x) => x.topic === topicB);
      if (late.length === 2 && grown.length === 5 && p.every((x) => x.end >= 0 && x.lag === 0)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    controller.abort();
    const summary = await running;
    expect(summary.stoppedBy).toBe('signal');
    // 30 earlier + 1,000 new topic + 500 into topicB's five partitions; nothing replicated twice
    expect(summary.records).toBe(30 + 1_000 + 500);
    expect(log.lines.join('\n')).toMatch(new RegExp(`created ${newTopic.replace(/\./g, '\\.')} with 2 partitions`));
    expect(log.lines.join('\n')).toMatch(/grew .*payments from 3 to 5 partitions/);
    await compareTopic(newTopic);
    await compareTopic(topicB);
    // the heartbeat says it stopped
    const state = await withAdmin(target, async (admin) => {
      const store = new FlowStore(flowId, target, admin);
      try {
        return (await store.readSnapshot()).snapshot;
      } finally {
        await store.close();
      }
    });
    expect(flowLiveness(state.heartbeats.values(), Date.now()).state).toBe('stopped');
  });
});

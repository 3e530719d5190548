/**
 * `mskctl replicate --emit-mm2` against real Apache Kafka MirrorMaker 2: the emitted mm2.properties is run as
 * it is by MirrorMaker 2 (connect-mirror of the brokers' Kafka version, from Maven Central) between the
 * harness's two clusters, and what arrives on the target is compared record by record with the source (key,
 * value, headers, timestamp, partition, order). Also checks two promises of the file: only the selected topics
 * are copied (a topic the --topics regular expression must not match stays behind) and read_committed (aborted
 * transactions are not copied).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mskctl } from '../cli/run-cli.js';
import { resolveMirrorMaker, startMirrorMaker, type MirrorMakerProcess } from '../kafka/mirror-maker.js';
import { isTransientTopicError } from '../kafka/topics.js';
import { clients, createTopics, h, produce, produceTransactions, readAll, recordShape, uniqueId, withAdmin } from './replication-support.js';

const id = uniqueId();
const topic = `mm2-${id}.orders`;
// matched by `mm2-<id>.orders` read as a regular expression with the backslash lost (`.` = any character)
const unselected = `mm2-${id}Xorders`;
const selection = `mm2-${id}\\.orders`;
// a cluster alias of its own: MirrorMaker 2's internal topics and worker groups are named after it, so a
// rerun against brokers kept running (npm run kafka:start) never meets a previous run's connector state
const sourceAlias = `mm2${id}`;
const partitions = 3;
const perPartition = 1_000;

let source: Kafka;
let target: Kafka;
let workDir: string;
let mirrorMaker: MirrorMakerProcess | undefined;
/** each cluster's topics before this file ran: cleanup deletes the rest */
const topicsBefore = new Map<Kafka, Set<string>>();

/** java.util.Properties semantics, as far as mm2.properties uses them: `key = value`, comments, backslash escapes. */
function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (/^\s*([#!]|$)/.test(line)) continue;
    const match = /^\s*([^=:\s]+)\s*[=:]?\s*(.*)$/.exec(line);
    if (!match) throw new Error(`not a properties line: ${line}`);
    const value = (match[2] as string).replace(/\\u([0-9a-fA-F]{4})|\\(.)/g, (_, hex: string | undefined, ch: string | undefined) =>
      hex !== undefined ? String.fromCharCode(Number.parseInt(hex, 16)) : ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[ch as string] ?? (ch as string),
    );
    out.set(match[1] as string, value);
  }
  return out;
}

/** The target topic MirrorMaker 2 writes to under the emitted replication policy. */
function targetTopicFor(props: Map<string, string>, alias: string, sourceTopic: string): string {
  const policy = props.get('replication.policy.class') ?? 'org.apache.kafka.connect.mirror.DefaultReplicationPolicy';
  if (policy === 'org.apache.kafka.connect.mirror.IdentityReplicationPolicy') return sourceTopic;
  if (policy === 'org.apache.kafka.connect.mirror.DefaultReplicationPolicy') return `${alias}${props.get('replication.policy.separator') ?? '.'}${sourceTopic}`;
  throw new Error(`unexpected replication.policy.class ${policy}`);
}

/** The sum of a topic's end offsets; undefined while it does not exist or its partitions have no leader yet. */
async function topicEnds(kafka: Kafka, name: string): Promise<number | undefined> {
  return withAdmin(kafka, async (admin) => {
    if (!(await admin.listTopics()).includes(name)) return undefined;
    try {
      return (await admin.fetchTopicOffsets(name)).reduce((sum, o) => sum + Number(o.high), 0);
    } catch (error) {
      // MirrorMaker 2 has just created the topic: Kafka 4.x answers NOT_LEADER_OR_FOLLOWER for a moment
      if (isTransientTopicError(error)) return undefined;
      throw error;
    }
  });
}

beforeAll(async () => {
  // Maven resolves connect-mirror (cached in ~/.m2 and .kafka/) while the topics fill
  const resolving = resolveMirrorMaker(h.kafkaVersion);
  resolving.catch(() => undefined); // its failure is reported by the await below, not as an unhandled rejection
  ({ source, target } = await clients());
  for (const kafka of [source, target]) topicsBefore.set(kafka, new Set(await withAdmin(kafka, (admin) => admin.listTopics())));
  workDir = await mkdtemp(join(tmpdir(), 'mskctl-mm2-'));
  await createTopics(source, [
    { topic, partitions },
    { topic: unselected, partitions: 1 },
  ]);
  await produce(source, topic, partitions, perPartition);
  // 6 transactions of 20 records, every other one aborted: 60 committed records to copy, 60 to leave behind
  await produceTransactions(source, topic, partitions, 6, 20);
  await produce(source, unselected, 1, 50);
  await resolving;
});

afterAll(async () => {
  await mirrorMaker?.stop();
  // every topic this run created on either cluster: its own, the copies and MirrorMaker 2's (internal topics
  // named after the alias, and `heartbeats`, which it writes to both clusters); the brokers' own __ topics stay
  await Promise.all(
    [...topicsBefore].map(([kafka, before]) =>
      withAdmin(kafka, async (admin) => {
        const created = (await admin.listTopics()).filter((t) => !before.has(t) && !t.startsWith('__'));
        if (created.length > 0) await admin.deleteTopics({ topics: created });
      }),
    ),
  );
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('replicate --emit-mm2 with real MirrorMaker 2', () => {
  it('the emitted mm2.properties copies every selected record to the target, unchanged and in order', async () => {
    const emitDir = join(workDir, 'emitted');
    const cli = mskctl([
      'replicate',
      '--source', h.source.plaintext,
      '--target', h.target.plaintext,
      '--topics', selection,
      '--source-alias', sourceAlias,
      '--flow-id', `mm2-${id}`,
      '--emit-mm2', emitDir,
      '--output', 'json',
    ]);
    expect(cli.status, cli.stderr).toBe(0);
    const emitted = await readFile(join(emitDir, 'mm2.properties'), 'utf8');
    const props = parseProperties(emitted);
    expect(props.get(`${sourceAlias}->target.topics`)).toBe(selection);
    const targetTopic = targetTopicFor(props, sourceAlias, topic);

    // Run as emitted. Nothing is overridden for loopback: the emitted replication factors are -1 (the broker
    // default), which the harness's single-node clusters set to 1.
    mirrorMaker = await startMirrorMaker({ kafkaVersion: h.kafkaVersion, dir: join(workDir, 'mirror-maker'), properties: emitted });

    const expected = await readAll(source, topic);
    const expectedCount = [...expected.values()].reduce((sum, records) => sum + records.length, 0);
    expect(expectedCount).toBe(partitions * perPartition + 3 * 20);
    // MirrorMaker 2 writes plain (non-transactional) records: the target's end offsets count the copies
    const deadline = Date.now() + 60_000;
    let copied: number | undefined;
    for (;;) {
      if (mirrorMaker.child.exitCode !== null) throw new Error(`MirrorMaker 2 exited (${mirrorMaker.child.exitCode}); ${mirrorMaker.logFile}:\n${mirrorMaker.tail()}`);
      copied = await topicEnds(target, targetTopic);
      if (copied !== undefined && copied >= expectedCount) break;
      if (Date.now() > deadline) throw new Error(`${copied ?? 'no'} of ${expectedCount} records on ${targetTopic} after 60 s; ${mirrorMaker.logFile}:\n${mirrorMaker.tail()}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(copied).toBe(expectedCount);

    const actual = await readAll(target, targetTopic);
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [partition, records] of expected) {
      const copies = actual.get(partition) ?? [];
      expect(copies.length, `${targetTopic}/${partition} record count`).toBe(records.length);
      expect(copies.map(recordShape), `${targetTopic}/${partition}`).toEqual(records.map(recordShape));
    }
    // read_committed: none of the aborted transactions' records (see produceTransactions)
    expect([...actual.values()].flat().some((r) => r.value?.toString().startsWith('ABORTED'))).toBe(false);

    // the topic the selection does not match was there when MirrorMaker 2 listed the source's topics, and stays behind
    const targetTopics = await withAdmin(target, (admin) => admin.listTopics());
    expect(targetTopics.filter((t) => t.includes(unselected))).toEqual([]);

    await mirrorMaker.stop();
    expect(mirrorMaker.child.exitCode !== null || mirrorMaker.child.signalCode !== null).toBe(true);
  });
});

/**
 * Scale-out of one flow over several `mskctl replicate` processes (the built binary) with the same --flow-id,
 * while records keep arriving on the source: processes join, one is killed with SIGKILL, one is frozen with
 * SIGSTOP past its group session (it loses its partitions without knowing and wakes up mid-write: the
 * "zombie" case), then the flow is stopped. Every source record must be on the target, in order, and every
 * source offset must translate to a target offset from which nothing is missing.
 */
import { describe, expect, it } from 'vitest';
import type { Kafka, Message } from 'kafkajs';
import { loadFlowMap } from '../../src/replication/translate.js';
import { mskctl } from '../cli/run-cli.js';
import { assertNothingLost, clients, createTopics, expectTranslationLosesNothing, h, produce, readAll, startReplicate, testMessage, uniqueId, withAdmin, type ReplicateRun } from './replication-support.js';

const id = uniqueId();
const SESSION = ['--session-timeout', '3s', '--heartbeat', '500ms', '--max-batch-bytes', '32KiB', '--fetch-max-partition-bytes', '64KiB'];

interface Instance {
  instance: string;
  alive: boolean;
  pid: number;
  partitions?: number;
}

function instances(flowId: string): Instance[] {
  const s = mskctl(['replicate', 'status', '--source', h.source.plaintext, '--target', h.target.plaintext, '--flow-id', flowId, '--output', 'json']);
  if (s.status !== 0) return [];
  return (JSON.parse(s.stdout) as { instances: Instance[] }).instances.filter((i) => i.alive);
}

/** Waits until the live processes of the flow own these partition counts (any order). */
async function waitForShares(flowId: string, expected: number[], runs: ReplicateRun[], pids?: number[]): Promise<void> {
  const want = [...expected].sort((a, b) => a - b);
  let seen: Instance[] = [];
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    seen = instances(flowId);
    const shares = seen.map((i) => i.partitions ?? -1).sort((a, b) => a - b);
    if (JSON.stringify(shares) === JSON.stringify(want) && (pids === undefined || seen.every((i) => pids.includes(i.pid)))) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  expect(seen.map((i) => i.partitions), runs.map((r) => r.stderr()).join('\n----\n')).toEqual(want);
}

/** Keeps producing to every partition of the topics until stopped; returns how many records it wrote. */
function keepProducing(kafka: Kafka, topics: Array<{ topic: string; partitions: number }>, seqStart: number): { stop: () => Promise<number> } {
  let running = true;
  const done = (async () => {
    const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    let seq = seqStart;
    let written = 0;
    const baseTime = Date.now();
    try {
      while (running) {
        for (const { topic, partitions } of topics) {
          const messages: Message[] = [];
          for (let p = 0; p < partitions; p += 1) for (let k = 0; k < 50; k += 1) messages.push(testMessage(topic, p, seq + k, baseTime, true));
          await producer.send({ topic, acks: -1, messages });
          written += messages.length;
        }
        seq += 50;
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await producer.disconnect();
    }
    return written;
  })();
  return {
    stop: async () => {
      running = false;
      return done;
    },
  };
}

async function scaleOut(mode: 'alo' | 'eos'): Promise<void> {
  const { source, target } = await clients();
  const flowId = `scale-${id}-${mode}`;
  const topics = [
    { topic: `scale-${id}-${mode}-a`, partitions: 8 },
    { topic: `scale-${id}-${mode}-b`, partitions: 4 },
  ];
  const extra = mode === 'eos' ? ['--exactly-once'] : [];
  await createTopics(source, topics);
  for (const t of topics) await produce(source, t.topic, t.partitions, 3_000, { alwaysKeyed: true });
  const load = keepProducing(source, topics, 1_000_000);
  const args = ['--topics', `scale-${id}-${mode}-.*`, '--flow-id', flowId, ...SESSION, ...extra];
  const first = startReplicate(args);
  await waitForShares(flowId, [12], [first]);
  const second = startReplicate(args);
  // the third process pauses between writing records and writing their offset-map entries (a test-only
  // hook), so the freeze below can land exactly there: it wakes up as a zombie with a write half done
  const third = startReplicate(args, { MSKCTL_TEST_STALL_BEFORE_MAP_MS: '2000' });
  const runs = [first, second, third];
  await waitForShares(flowId, [4, 4, 4], runs);

  // SIGKILL: the group moves its partitions to the others once its session (3 s) ends
  second.child.kill('SIGKILL');
  await second.exit;
  await waitForShares(flowId, [6, 6], runs, [first.child.pid!, third.child.pid!]);

  // SIGSTOP past the session: the first process takes everything; the frozen one wakes up in the middle of
  // whatever it was doing, learns it lost its partitions, and rejoins
  const pauses = (): number => (third.stderr().match(/pausing \d+ ms before the offset map/g) ?? []).length;
  const before = pauses();
  const pauseDeadline = Date.now() + 20_000;
  while (pauses() === before && Date.now() < pauseDeadline) await new Promise((r) => setTimeout(r, 10));
  expect(pauses(), third.stderr()).toBeGreaterThan(before);
  third.child.kill('SIGSTOP');
  await waitForShares(flowId, [12], runs, [first.child.pid!]);
  third.child.kill('SIGCONT');
  await waitForShares(flowId, [6, 6], runs, [first.child.pid!, third.child.pid!]);

  const produced = await load.stop();
  const stop = mskctl(['replicate', 'stop', '--target', h.target.plaintext, '--flow-id', flowId, '--output', 'json', '--timeout', '90s']);
  expect(stop.status, stop.stderr).toBe(0);
  expect(await first.exit, first.stderr()).toBe(0);
  expect(await third.exit, third.stderr()).toBe(0);
  // the frozen process noticed it had lost its membership (or its fenced transactional id) and rejoined
  expect(third.stderr()).toMatch(/rejoining the replication group/);

  if (process.env.MSKCTL_TEST_DEBUG) for (const r of runs) console.log(`---- pid ${r.child.pid}\n${r.stderr().split('\n').filter((l) => !/^replicate: [\d,]+ records/.test(l)).join('\n')}`);
  let duplicates = 0;
  let records = 0;
  for (const t of topics) {
    const [src, tgt] = await Promise.all([readAll(source, t.topic), readAll(target, t.topic)]);
    duplicates += assertNothingLost(src, tgt);
    records += [...src.values()].reduce((n, r) => n + r.length, 0);
    await expectTranslationLosesNothing(flowId, target, t.topic, src, tgt);
  }
  const { map } = await withAdmin(target, (admin) => loadFlowMap(flowId, target, admin));
  const ignored = [...map.partitions.values()].reduce((n, m) => n + m.ignoredEntries, 0);
  console.log(`scale-out ${mode}: ${records} source records (${produced} written while running), 3 processes, 1 SIGKILL, 1 SIGSTOP past the session; ${duplicates} duplicates on the target, ${ignored} late offset-map entries of a process that had lost its partitions ignored`);
  if (mode === 'eos') {
    // the zombie's transaction was fenced: its records never became visible, its map entries never committed
    expect(duplicates).toBe(0);
    expect(ignored).toBe(0);
  } else {
    // the zombie's late entries reached the map after the new owner's claim, and the map ignored them
    expect(ignored).toBeGreaterThan(0);
  }
}

describe('one flow, several processes (same --flow-id)', () => {
  it('at-least-once: processes join, one is killed, one freezes past its session; nothing is lost and translation stays exact', async () => {
    await scaleOut('alo');
  }, 240_000);

  it('--exactly-once: the same with zero duplicates for read_committed readers (a frozen process is fenced)', async () => {
    await scaleOut('eos');
  }, 240_000);

  it('a process started with other flow options is refused (exit 2) and the running one goes on', async () => {
    const { source } = await clients();
    const topic = `scale-${id}-opts`;
    const flowId = `scale-${id}-opts`;
    await createTopics(source, [{ topic, partitions: 2 }]);
    await produce(source, topic, 2, 1_000);
    const first = startReplicate(['--topics', topic, '--flow-id', flowId, ...SESSION]);
    await waitForShares(flowId, [2], [first]);
    const other = startReplicate(['--topics', topic, '--flow-id', flowId, ...SESSION, '--exactly-once']);
    expect(await other.exit, other.stderr()).toBe(2);
    expect(other.stderr()).toMatch(/other flow options/);
    await waitForShares(flowId, [2], [first], [first.child.pid!]);
    const stop = mskctl(['replicate', 'stop', '--target', h.target.plaintext, '--flow-id', flowId, '--timeout', '60s']);
    expect(stop.status, stop.stderr).toBe(0);
    expect(await first.exit, first.stderr()).toBe(0);
  });
});

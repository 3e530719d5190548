/**
 * Failure behaviour of `mskctl replicate` (the built binary): kill -9 at random moments, several times, with
 * restarts (nothing lost; duplicates counted, zero with --exactly-once); SIGTERM (exit 130, no duplicate);
 * `replicate stop` (drain, exit 0, status shows stopped); a target broker restart while replicating.
 */
import { describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { mskctl } from '../cli/run-cli.js';
import { restartBroker } from '../kafka/restart.js';
import { assertNothingLost, clients, createTopics, delays, expectTranslationLosesNothing, h, produce, readAll, startReplicate, uniqueId } from './replication-support.js';

const id = uniqueId();

async function killCycles(topic: string, flowId: string, extra: string[], source: Kafka): Promise<{ kills: number; midCopy: number }> {
  let kills = 0;
  let midCopy = 0;
  let seq = 100_000;
  // every cycle brings a fresh backlog; the replicator (without --until-caught-up it never ends by itself) is
  // killed once its progress line shows records copied while lag remains, plus a random delay
  for (const delay of delays(id.charCodeAt(0) * 7919 + extra.length, 5, 0, 400)) {
    await produce(source, topic, 4, 5_000, { seqStart: seq, batch: 1_000 });
    seq += 5_000;
    const run = startReplicate(['--topics', topic, '--flow-id', flowId, '--heartbeat', '500ms', '--progress-interval', '100ms', '--max-batch-bytes', '32KiB', '--fetch-max-partition-bytes', '128KiB', ...extra]);
    const deadline = Date.now() + 20_000;
    let copying = false;
    while (Date.now() < deadline && !copying) {
      const last = [...run.stderr().matchAll(/replicate: ([\d,]+) records .* lag ([\d,]+) records/g)].at(-1);
      copying = last !== undefined && Number(last[1]!.replace(/,/g, '')) > 0 && Number(last[2]!.replace(/,/g, '')) > 0;
      if (!copying) await new Promise((r) => setTimeout(r, 20));
    }
    if (copying) midCopy += 1;
    await new Promise((r) => setTimeout(r, delay));
    expect(run.child.exitCode, run.stderr()).toBe(null);
    run.child.kill('SIGKILL');
    await run.exit;
    kills += 1;
  }
  const final = startReplicate(['--topics', topic, '--flow-id', flowId, '--until-caught-up', ...extra]);
  expect(await final.exit, final.stderr()).toBe(0);
  return { kills, midCopy };
}

describe('kill -9 at random moments, restarted each time', () => {
  it('at-least-once: every source record is on the target, in order; duplicates are counted; translation loses nothing', async () => {
    const { source, target } = await clients();
    const topic = `crash-${id}-alo`;
    await createTopics(source, [{ topic, partitions: 4 }]);
    await produce(source, topic, 4, 10_000);
    const { kills, midCopy } = await killCycles(topic, `crash-${id}-alo`, [], source);
    const [src, tgt] = await Promise.all([readAll(source, topic), readAll(target, topic)]);
    const duplicates = assertNothingLost(src, tgt);
    const total = [...src.values()].reduce((n, r) => n + r.length, 0);
    console.log(`at-least-once: ${kills} kill -9 (${midCopy} while copying), ${total} source records, ${duplicates} duplicates on the target`);
    expect(kills).toBe(5);
    await expectTranslationLosesNothing(`crash-${id}-alo`, target, topic, src, tgt);
  });

  it('--exactly-once: every source record exactly once for read_committed readers, offsets translate exactly', async () => {
    const { source, target } = await clients();
    const topic = `crash-${id}-eos`;
    await createTopics(source, [{ topic, partitions: 4 }]);
    await produce(source, topic, 4, 10_000);
    const { kills, midCopy } = await killCycles(topic, `crash-${id}-eos`, ['--exactly-once'], source);
    const [src, tgt] = await Promise.all([readAll(source, topic), readAll(target, topic)]);
    expect(assertNothingLost(src, tgt)).toBe(0);
    for (const [partition, records] of src) expect(tgt.get(partition)!.length).toBe(records.length);
    console.log(`exactly-once: ${kills} kill -9 (${midCopy} while copying), ${[...src.values()].reduce((n, r) => n + r.length, 0)} source records, 0 duplicates`);
    expect(kills).toBe(5);
    await expectTranslationLosesNothing(`crash-${id}-eos`, target, topic, src, tgt);
  });
});

describe('clean stops', () => {
  it('SIGTERM flushes, stores positions and exits 130; the next run continues without a duplicate', async () => {
    const { source, target } = await clients();
    const topic = `term-${id}`;
    const flowId = `term-${id}`;
    await createTopics(source, [{ topic, partitions: 3 }]);
    await produce(source, topic, 3, 30_000);
    const run = startReplicate(['--topics', topic, '--flow-id', flowId, '--max-batch-bytes', '32KiB', '--fetch-max-partition-bytes', '128KiB']);
    await new Promise((r) => setTimeout(r, 1_500));
    run.child.kill('SIGTERM');
    expect(await run.exit, run.stderr()).toBe(130);
    expect(run.stderr()).toMatch(/interrupted/);
    const partial = await readAll(target, topic);
    const copiedBefore = [...partial.values()].reduce((n, r) => n + r.length, 0);
    expect(copiedBefore).toBeGreaterThan(0);
    const again = startReplicate(['--topics', topic, '--flow-id', flowId, '--until-caught-up']);
    expect(await again.exit, again.stderr()).toBe(0);
    const [src, tgt] = await Promise.all([readAll(source, topic), readAll(target, topic)]);
    expect(assertNothingLost(src, tgt)).toBe(0);
  });

  it('`replicate stop` makes a running flow drain and exit 0; status shows it stopped', async () => {
    const { source } = await clients();
    const topic = `stop-${id}`;
    const flowId = `stop-${id}`;
    await createTopics(source, [{ topic, partitions: 2 }]);
    await produce(source, topic, 2, 5_000);
    const run = startReplicate(['--topics', topic, '--flow-id', flowId, '--heartbeat', '500ms', '--metrics-port', '0']);
    const statusArgs = ['replicate', 'status', '--source', h.source.plaintext, '--target', h.target.plaintext, '--flow-id', flowId, '--output', 'json'];
    const deadline = Date.now() + 30_000;
    let state = '';
    while (Date.now() < deadline) {
      const s = mskctl(statusArgs);
      if (s.status === 0) state = (JSON.parse(s.stdout) as { state: string }).state;
      if (state === 'running') break;
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(state).toBe('running');
    // Prometheus metrics of the running flow
    const url = /Prometheus metrics on (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(run.stderr())?.[1];
    expect(url, run.stderr()).toBeDefined();
    const metrics = await (await fetch(url!)).text();
    expect(metrics).toMatch(new RegExp(`^mskctl_replicate_partitions\\{flow="${flowId}"\\} 2$`, 'm'));
    expect(metrics).toMatch(new RegExp(`^mskctl_replicate_lag_records\\{flow="${flowId}",topic="${topic}",partition="0"\\} \\d+$`, 'm'));
    // a second process of the flow joins the replication group: the two share the partitions, one each
    const second = startReplicate(['--topics', topic, '--flow-id', flowId, '--heartbeat', '500ms']);
    let shared: Array<{ alive: boolean; partitions?: number }> = [];
    const shareDeadline = Date.now() + 30_000;
    while (Date.now() < shareDeadline) {
      const s = mskctl(statusArgs);
      if (s.status === 0) shared = (JSON.parse(s.stdout) as { instances: typeof shared }).instances.filter((i) => i.alive);
      if (shared.length === 2 && shared.every((i) => i.partitions === 1)) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(shared.map((i) => i.partitions), run.stderr() + second.stderr()).toEqual([1, 1]);
    const stop = mskctl(['replicate', 'stop', '--target', h.target.plaintext, '--flow-id', flowId, '--output', 'json', '--timeout', '60s']);
    expect(stop.status, stop.stderr).toBe(0);
    expect(JSON.parse(stop.stdout)).toMatchObject({ requested: true, state: 'stopped' });
    // every process of the flow drains and exits 0
    expect(await run.exit, run.stderr()).toBe(0);
    expect(await second.exit, second.stderr()).toBe(0);
    expect(run.stderr()).toMatch(/stop request/);
    expect(second.stderr()).toMatch(/stop request/);
    const after = JSON.parse(mskctl(statusArgs).stdout) as { state: string; lag: number; instances: Array<{ reason?: string }> };
    expect(after).toMatchObject({ state: 'stopped', lag: 0 });
    expect(after.instances[0]?.reason).toBe('stop-request');
    // a stop request is for the replicators running when it was written: a new run ignores it
    const next = startReplicate(['--topics', topic, '--flow-id', flowId, '--until-caught-up']);
    expect(await next.exit, next.stderr()).toBe(0);
    expect(next.stderr()).not.toMatch(/stop request/);
  });
});

describe('target broker restart', () => {
  it('replication resumes after the target broker restarts and nothing is lost', async () => {
    const { source, target } = await clients();
    const topic = `restart-${id}`;
    await createTopics(source, [{ topic, partitions: 4 }]);
    await produce(source, topic, 4, 25_000);
    const run = startReplicate(['--topics', topic, '--flow-id', `restart-${id}`, '--until-caught-up', '--max-batch-bytes', '32KiB', '--fetch-max-partition-bytes', '128KiB']);
    await new Promise((r) => setTimeout(r, 1_000));
    const restart = await restartBroker('target', { hard: true, downMs: 2_000 });
    expect(restart.newPid).not.toBe(restart.oldPid);
    expect(await run.exit, run.stderr()).toBe(0);
    const [src, tgt] = await Promise.all([readAll(source, topic), readAll(target, topic)]);
    if (process.env.MSKCTL_TEST_DEBUG) console.log(run.stderr());
    const duplicates = assertNothingLost(src, tgt);
    console.log(`target restart (down ${restart.unavailableMs} ms): ${duplicates} duplicates`);
  });
});

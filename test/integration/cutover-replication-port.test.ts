/**
 * The cutover's replication port against a real `mskctl replicate` flow: running state, lag per partition
 * from the stored positions, exact translation from the offset map (read incrementally between looks),
 * pending translations beyond what the flow copied, and stopping the flow.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Producer } from 'kafkajs';
import { connectPorts, type LivePorts } from '../../src/cutover/connect.js';
import { buildPlan } from '../../src/cutover/plan.js';
import { createKafka } from '../../src/kafka/client.js';
import { memoryLogger } from '../../src/output/log.js';
import { harnessEndpoints } from '../kafka/harness.js';
import { finished, waitFor, CutoverScenario } from './cutover-scenario.js';
import { createTopicsReady } from '../kafka/topics.js';

const h = harnessEndpoints();
const id = randomUUID().slice(0, 8);
const topic = `cutover-port-${id}`;
const flowId = `port-${id}`;
let admin: Admin;
let producer: Producer;
let ports: LivePorts;
const scenario = new CutoverScenario();

async function produce(count: number): Promise<void> {
  // one partition: source offsets are easy to reason about
  await producer.send({ topic, messages: Array.from({ length: count }, (_, i) => ({ value: `v${i}` })) });
}

beforeAll(async () => {
  const kafka = await createKafka({ brokers: [h.source.plaintext], auth: 'plaintext' });
  admin = kafka.admin();
  await admin.connect();
  await createTopicsReady(admin, { topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  producer = kafka.producer();
  await producer.connect();
  await produce(300);
  const plan = buildPlan({ source: h.source.plaintext, target: h.target.plaintext, flowId, topics: [topic], groups: ['unused'] });
  ports = await connectPorts(plan, { output: 'json', verbose: false, quiet: true, color: false }, memoryLogger());
});

afterAll(async () => {
  await ports?.close();
  await producer?.disconnect();
  await admin?.disconnect();
  await scenario.cleanup();
});

const lagOf = async (): Promise<number[]> => (await ports.replication.lag(flowId, [topic])).map((l) => l.lag);

describe('cutover replication port (real mskctl replicate)', () => {
  it('knows a flow that never ran is not running and has no known lag', async () => {
    expect(await ports.replication.isRunning(flowId)).toBe(false);
    expect(await lagOf()).toEqual([]);
  });

  it('follows a running flow: lag, exact translation, incremental map reads, stop', async () => {
    const replicate = scenario.mskctl(['replicate', '--source', h.source.plaintext, '--target', h.target.plaintext, '--topics', `^${topic}$`, '--flow-id', flowId]);
    const done = finished(replicate);
    await waitFor('the flow to run', async () => ((await ports.replication.isRunning(flowId)) ? true : undefined), 60_000);
    await waitFor('lag 0', async () => ((await lagOf()).join() === '0' ? true : undefined), 60_000);

    const at = (offsets: number[]) => offsets.map((offset) => ({ topic, partition: 0, offset }));
    const first = await ports.replication.translate(flowId, at([0, 123, 299, 300]));
    // the target topic started empty and nothing was replayed: target offset = source offset
    expect(first.map((t) => [t.sourceOffset, t.targetOffset, t.exact, t.pending ?? false])).toEqual([
      [0, 0, true, false],
      [123, 123, true, false],
      [299, 299, true, false],
      [300, 300, true, false],
    ]);

    await produce(200);
    await waitFor('lag 0 again', async () => ((await lagOf()).join() === '0' ? true : undefined), 60_000);
    const second = await ports.replication.translate(flowId, at([450, 500, 123]));
    expect(second.map((t) => [t.sourceOffset, t.targetOffset, t.exact])).toEqual([
      [450, 450, true],
      [500, 500, true],
      [123, 123, true],
    ]);

    await ports.replication.stop(flowId);
    await waitFor('the flow to stop', async () => ((await ports.replication.isRunning(flowId)) ? undefined : true), 60_000);
    expect((await done).status).toBe(0);

    // beyond what the stopped flow copied: lag shows it, and the translation is pending, not guessed
    await produce(10);
    expect(await lagOf()).toEqual([10]);
    const beyond = await ports.replication.translate(flowId, at([505]));
    expect(beyond[0]).toMatchObject({ sourceOffset: 505, pending: true });
    // stopping a stopped flow is a no-op
    await ports.replication.stop(flowId);
    expect(await ports.replication.isRunning(flowId)).toBe(false);
  });
});

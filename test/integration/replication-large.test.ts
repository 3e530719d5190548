/**
 * Records larger than the per-partition fetch size replicate (the broker returns a too-large batch only for
 * the first partition of a fetch, so the replicator fetches such a partition alone); a record larger than the
 * target topic's max.message.bytes stops the flow with exit 3 and says what to raise.
 */
import { describe, expect, it } from 'vitest';
import { mskctl } from '../cli/run-cli.js';
import { clients, createTopics, h, readAll, recordShape, replicate, replicatorOptions, uniqueId, withAdmin } from './replication-support.js';

const id = uniqueId();

describe('large records', () => {
  it('records of 3 MiB between small ones, in several partitions, replicate intact', async () => {
    const { source, target } = await clients();
    const topic = `large-${id}`;
    await createTopics(source, [{ topic, partitions: 3, configs: { 'max.message.bytes': String(5 * 1024 * 1024) } }]);
    const producer = source.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    for (let round = 0; round < 3; round += 1) {
      // small records in every partition first, so a big batch is rarely the first of a fetch response
      await producer.send({ topic, messages: [0, 1, 2].flatMap((partition) => Array.from({ length: 200 }, (_, i) => ({ partition, key: `s${i}`, value: `small-${round}-${i}` }))) });
      for (const partition of [0, 1, 2]) await producer.send({ topic, messages: [{ partition, key: `big-${round}`, value: Buffer.concat([Buffer.from(`${round}:${partition}:`), big]) }] });
    }
    await producer.disconnect();
    const summary = await replicate(source, target, replicatorOptions(`large-${id}`, [topic], { fetchMaxBytesPerPartition: 256 * 1024, fetchMaxBytes: 1024 * 1024 }));
    expect(summary.records).toBe(3 * 3 * 201);
    const [src, tgt] = await Promise.all([readAll(source, topic), readAll(target, topic)]);
    for (const [partition, records] of src) expect(tgt.get(partition)!.map(recordShape)).toEqual(records.map(recordShape));
    // the target topic was created with the source's max.message.bytes
    const configs = await withAdmin(target, (admin) => admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topic, configNames: ['max.message.bytes'] }] }));
    expect(configs.resources[0]!.configEntries[0]!.configValue).toBe(String(5 * 1024 * 1024));
  });

  it('a record above the target topic max.message.bytes stops the flow with exit 3 and the topic to fix', async () => {
    const { source, target } = await clients();
    const topic = `toolarge-${id}`;
    await createTopics(source, [{ topic, partitions: 1, configs: { 'max.message.bytes': String(3 * 1024 * 1024) } }]);
    await createTopics(target, [{ topic, partitions: 1, configs: { 'max.message.bytes': String(1024 * 1024) } }]);
    const producer = source.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'ok', value: 'small' }, { key: 'big', value: Buffer.alloc(2 * 1024 * 1024, 1) }] });
    await producer.disconnect();
    const r = mskctl(['replicate', '--source', h.source.plaintext, '--target', h.target.plaintext, '--topics', topic, '--flow-id', `toolarge-${id}`, '--until-caught-up']);
    expect(r.status, r.stderr).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`record ${topic}/0 offset 1 is \\d+ bytes; target topic ${topic} accepts at most 1048576 bytes`));
    expect(r.stderr).toMatch(/hint: raise max.message.bytes/);
    expect(r.stderr).toMatch(/warning: .*max.message.bytes=1048576 is below the source's 3145728/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // the small record before it was replicated and its position stored: nothing is lost, nothing skipped
    const tgt = await readAll(target, topic);
    expect(tgt.get(0)!.map((x) => x.value?.toString())).toEqual(['small']);
  });
});

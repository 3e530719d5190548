/**
 * Test consumer: reads one topic in group --group and appends "seq topic:partition@offset" for every record
 * it processed to --out, committing each batch right after recording it (manual commits, so a clean stop
 * leaves the group's committed offsets exactly at what was processed). Starts from the earliest offset when
 * the group has no commit. SIGTERM: finish the batch, commit, leave the group, exit 0.
 *   node consumer.mjs --bootstrap H:P --topic T --group G --out F
 */
import { appendFileSync } from 'node:fs';
import { createKafka } from '../../../dist/kafka/client.js';
import { parseArgs } from './args.mjs';

const args = parseArgs(process.argv.slice(2), ['bootstrap', 'topic', 'group', 'out']);
const kafka = await createKafka({ brokers: [args.bootstrap], auth: 'plaintext', clientId: 'test-consumer' });
const consumer = kafka.consumer({ groupId: args.group, sessionTimeout: 10_000, heartbeatInterval: 1000 });
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await consumer.disconnect();
  process.stderr.write('consumer: stopped\n');
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

await consumer.connect();
await consumer.subscribe({ topic: args.topic, fromBeginning: true });
await consumer.run({
  autoCommit: false,
  eachBatchAutoResolve: false,
  eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
    let last;
    const lines = [];
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      const { seq } = JSON.parse(message.value.toString('utf8'));
      lines.push(`${seq} ${batch.topic}:${batch.partition}@${message.offset}\n`);
      last = message.offset;
    }
    if (last === undefined) return;
    appendFileSync(args.out, lines.join(''));
    resolveOffset(last);
    await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(Number(last) + 1) }]);
    await heartbeat();
  },
});
process.stderr.write(`consumer: ${args.group} reading ${args.topic} on ${args.bootstrap}\n`);

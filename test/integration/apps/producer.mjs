/**
 * Test producer: writes sequence-numbered records at a steady rate to one topic, record n to partition
 * n mod partitions. Appends each acknowledged sequence number to --produced and keeps the next number in
 * --seq-file, so a producer started on another cluster continues the sequence. SIGTERM: finish the
 * in-flight send, save, disconnect, exit 0.
 *   node producer.mjs --bootstrap H:P --topic T --partitions N --rate R --seq-file F --produced F
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createKafka } from '../../../dist/kafka/client.js';
import { parseArgs } from './args.mjs';

const args = parseArgs(process.argv.slice(2), ['bootstrap', 'topic', 'partitions', 'rate', 'seq-file', 'produced']);
const partitions = Number(args.partitions);
const intervalMs = 1000 / Number(args.rate);
let seq = existsSync(args['seq-file']) ? Number(readFileSync(args['seq-file'], 'utf8')) : 1;
let stopping = false;
process.on('SIGTERM', () => (stopping = true));
process.on('SIGINT', () => (stopping = true));

const kafka = await createKafka({ brokers: [args.bootstrap], auth: 'plaintext', clientId: 'test-producer' });
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
await producer.connect();
process.stderr.write(`producer: writing to ${args.bootstrap} from seq ${seq}\n`);
const started = Date.now();
let sent = 0;
while (!stopping) {
  await producer.send({ topic: args.topic, acks: -1, messages: [{ partition: seq % partitions, key: `k${seq}`, value: JSON.stringify({ seq }) }] });
  appendFileSync(args.produced, `${seq}\n`);
  seq += 1;
  sent += 1;
  writeFileSync(args['seq-file'], String(seq));
  // steady rate: sleep until the next slot
  const wait = started + sent * intervalMs - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
await producer.disconnect();
process.stderr.write(`producer: stopped at seq ${seq}\n`);

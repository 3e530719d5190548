// Harness start-up time: `npm run kafka:build && node bench/harness-start.mjs [--cold] [--version X] [--runs N]`.
// --cold removes the harness's own caches (.kafka/kafka-<version>, compiled validator) first, so the figure
// includes Maven's copy from the local repository (~/.m2) and javac; Maven's repository itself stays warm.
// Prints one line per run and the median. Never starts more than one harness at a time.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot, startHarness } from '../.kafka/build/test/kafka/harness.js';

const args = process.argv.slice(2);
const cold = args.includes('--cold');
const version = args.includes('--version') ? args[args.indexOf('--version') + 1] : (process.env.MSKCTL_KAFKA_VERSION || '3.9.2');
const runs = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 3;
const root = projectRoot();
const figures = [];
for (let i = 0; i < runs; i++) {
  if (cold) {
    await rm(join(root, '.kafka', `kafka-${version}`), { recursive: true, force: true });
    await rm(join(root, '.kafka', 'java'), { recursive: true, force: true });
  }
  // an empty env: never reuse running brokers, always measure a real start
  const harness = await startHarness({ kafkaVersion: version, env: {}, log: () => undefined });
  if (!harness.started) throw new Error('expected a fresh start');
  figures.push(harness.startMs);
  console.log(`run ${i + 1}: Kafka ${version}, ${cold ? 'cold .kafka cache' : 'warm .kafka cache'}: both clusters ready in ${(harness.startMs / 1000).toFixed(1)} s`);
  await harness.stop();
}
figures.sort((a, b) => a - b);
const mid = figures.length / 2;
const median = figures.length % 2 ? figures[Math.floor(mid)] : (figures[mid - 1] + figures[mid]) / 2;
console.log(`median of ${runs}: ${(median / 1000).toFixed(1)} s (Kafka ${version}, ${cold ? 'cold' : 'warm'} .kafka cache)`);

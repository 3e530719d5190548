#!/usr/bin/env node
/**
 * Planner scale benchmark: generated inventories of 1k, 10k and 100k topics (fixtures/inventories/generate.mjs,
 * fixed seed), each validated (parseInventory) and planned with both strategies. Prints wall times; the
 * target is 10k topics and 1k applications in under 2 s. Run after `npm run build`:
 *
 *   node bench/split/run.mjs            (add --yaml to also time YAML parsing of the generated file)
 */
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { parseYamlDocument } from '../../dist/input/yaml.js';
import { parseInventory } from '../../dist/split/inventory.js';
import { planSplit } from '../../dist/split/plan.js';
import { defaultLimits } from '../../dist/sizing/limits.js';
import { generateInventory } from '../../fixtures/inventories/generate.mjs';

const SIZES = [
  { topics: 1_000, applications: 100 },
  { topics: 10_000, applications: 1_000 },
  { topics: 100_000, applications: 10_000 },
];
const withYaml = process.argv.includes('--yaml');
const limits = defaultLimits();
// the account quota would make every large plan "infeasible"; the bench measures planning, not the verdict
limits.serverless.clustersPerAccount.value = 1e9;

function time(fn) {
  const start = performance.now();
  const value = fn();
  return { value, ms: performance.now() - start };
}

console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
console.log('topics   apps    groups  | yaml parse | validate | plan segregated (clusters / bound) | plan write-read (clusters / bound) | validate + plan');
for (const size of SIZES) {
  const raw = generateInventory({ seed: 7, topics: size.topics, applications: size.applications, patterns: false });
  let yamlMs = NaN;
  let doc = { value: raw, file: 'generated', lineOf: () => undefined };
  if (withYaml) {
    const text = stringify(raw, { lineWidth: 0 });
    const parsed = time(() => parseYamlDocument(text, 'generated.yaml'));
    yamlMs = parsed.ms;
    doc = parsed.value;
  }
  const validated = time(() => parseInventory(doc));
  const inventory = validated.value;
  const seg = time(() => planSplit(inventory, { strategy: 'segregated', groupBy: 'team', headroom: 0.8, limits }));
  const wr = time(() => planSplit(inventory, { strategy: 'write-read', groupBy: 'team', headroom: 0.8, limits }));
  const fmt = (ms) => (Number.isNaN(ms) ? '-' : `${(ms / 1000).toFixed(3)} s`);
  console.log(
    `${String(size.topics).padEnd(8)} ${String(size.applications).padEnd(7)} ${String(inventory.consumerGroups.length).padEnd(7)} | ` +
      `${fmt(yamlMs).padEnd(10)} | ${fmt(validated.ms).padEnd(8)} | ` +
      `${fmt(seg.ms)} (${seg.value.serverlessClusters} / ${seg.value.lowerBound.serverlessClusters})`.padEnd(36) + '| ' +
      `${fmt(wr.ms)} (${wr.value.serverlessClusters} / ${wr.value.lowerBound.serverlessClusters})`.padEnd(35) + '| ' +
      `${fmt(validated.ms + Math.max(seg.ms, wr.ms))}`,
  );
}

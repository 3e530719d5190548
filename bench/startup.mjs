#!/usr/bin/env node
// Start-up benchmark: wall time of `mskctl size <fixture>` against bare `node -e 0`, interleaved in the same run,
// median of N runs each (default 15; `node bench/startup.mjs 30` for more). Target: at most 2× bare Node.
// Needs a build (npm run build). Prints figures; asserts nothing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = fileURLToPath(new URL('../bin/mskctl.js', import.meta.url));
const fixture = 'fixtures/workloads/worked-example.yaml';
const runs = Math.max(10, Number(process.argv[2] ?? 15) || 15);

if (!existsSync(new URL('../dist/main.js', import.meta.url))) {
  console.error('error: dist/ is missing; run `npm run build` first');
  process.exit(2);
}

function timeOnce(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) {
    console.error(`error: ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    process.exit(3);
  }
  return ms;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const bare = ['-e', '0'];
const size = [bin, 'size', fixture];
// the CLI shell alone (commander, renderers), to show how much of the cost is start-up of the shell itself
const shell = [bin, '--version'];
// warm the file-system cache once each, then interleave so all see the same machine load
timeOnce(bare);
timeOnce(size);
timeOnce(shell);
const bareTimes = [];
const sizeTimes = [];
const shellTimes = [];
for (let i = 0; i < runs; i += 1) {
  bareTimes.push(timeOnce(bare));
  sizeTimes.push(timeOnce(size));
  shellTimes.push(timeOnce(shell));
}
const bareMs = median(bareTimes);
const sizeMs = median(sizeTimes);
const shellMs = median(shellTimes);
const ratio = sizeMs / bareMs;
const label = (text) => text.padEnd(56);
console.log(`node ${process.version}, ${runs} runs each, interleaved, median wall time`);
console.log(`${label('node -e 0')}${bareMs.toFixed(1)} ms`);
console.log(`${label(`mskctl size ${fixture}`)}${sizeMs.toFixed(1)} ms`);
console.log(`${label('mskctl --version (the CLI shell alone)')}${shellMs.toFixed(1)} ms (${(shellMs / bareMs).toFixed(2)}×)`);
console.log(`${label('ratio size / bare node')}${ratio.toFixed(2)}× (target ≤ 2×: ${ratio <= 2 ? 'met' : 'NOT met'})`);

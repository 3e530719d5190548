#!/usr/bin/env node
// Builds dist/ with esbuild: every source file stays an entry point (dist/commands/size.js etc., so lazily
// loaded commands keep their own files), while shared code and the small runtime libraries (commander, yaml,
// cli-table3) are bundled into a few chunks. Loading a handful of files instead of ~150 is what keeps
// `mskctl size` start-up close to bare Node (bench/startup.mjs). Type-checking is `npm run typecheck` (tsc).
import { build } from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const sourceDir = join(root, 'src');

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

// Heavy or native dependencies stay in node_modules and load only when a command imports them.
const external = ['kafkajs', 'kafkajs/*', 'aws-msk-iam-sasl-signer-js', '@aws-sdk/*', '@smithy/*', 'snappy', 'kafkajs-snappy', 'lz4-napi', '@mongodb-js/zstd', 'fzstd', '@node-rs/crc32'];

rmSync(join(root, 'dist'), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: sources(sourceDir),
  outdir: join(root, 'dist'),
  outbase: sourceDir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  chunkNames: 'chunks/[name]-[hash]',
  minifySyntax: true,
  minifyWhitespace: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  // bundled CommonJS libraries (yaml, cli-table3) call require() for Node built-ins
  banner: { js: "import { createRequire as __mskctlCreateRequire } from 'node:module'; const require = __mskctlCreateRequire(import.meta.url);" },
});

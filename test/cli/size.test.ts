import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { mskctl, ROOT } from './run-cli.js';

const EXAMPLE = 'fixtures/workloads/worked-example.yaml';
const dir = mkdtempSync(join(tmpdir(), 'mskctl-size-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const NO_STACK = /\n\s+at .+:\d+:\d+/;
const GAMING = ['rate: 1000/s', 'avgSize: 15KB', 'maxSize: 1MB', 'consumerGroups: 1', 'topics: 10', 'partitionsPerTopic: 5', 'retention: 168h', 'auth: [iam]'];
/** the gaming workload as one top-level mapping, with lines replaced by key */
function gaming(...replace: string[]): string {
  const keys = new Set(replace.map((l) => l.split(':')[0]));
  return [...GAMING.filter((l) => !keys.has(l.split(':')[0])), ...replace].join('\n') + '\n';
}

describe('mskctl size: output formats', () => {
  it('prints tables with derived figures, quota rows, verdict, brokers, cost and the unit convention', () => {
    const run = mskctl(['size', EXAMPLE]);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    const out = run.stdout;
    expect(out).toContain('Workload ecommerce (fixtures/workloads/worked-example.yaml:4)');
    expect(out).toMatch(/ingress \(rate × avg size\)\s+│ 4\.5 GB\/s/);
    expect(out).toMatch(/egress \(ingress × 2 groups\)\s+│ 9 GB\/s/);
    expect(out).toMatch(/storage, one copy \(ingress × retention\)\s+│ 1,166\.4 TB \(1,060\.835 TiB\)/);
    expect(out).toMatch(/storage, one copy \(ingress × retention\)\s+│ 9\.072 TB \(8\.251 TiB\)/);
    expect(out).not.toMatch(/1,139\.06|1\.3 TB/);
    expect(out).toMatch(/cluster ingress\s+│ 4\.5 GB\/s\s+│ 200 MB\/s\s+│ 2,250%\s+│ FAIL/);
    expect(out).toMatch(/message size \(max\)\s+│ 15 MB\s+│ 8\.39 MB \(8 MiB\)/);
    expect(out).toContain('verdict: DOES NOT FIT');
    expect(out).toContain('verdict: FITS');
    expect(out).toMatch(/Express \(RF 3\)\s+│ 9 × express\.m7g\.16xlarge/);
    expect(out).toMatch(/cost: estimate: on-demand USD per month, us-east-1 prices as of 2026/);
    expect(out).toMatch(/units: AWS "MBps" read as decimal MB\/s/);
    expect(out).toMatch(/check \(--target serverless\): FAIL, 1 of 2 workload\(s\) do not fit: ecommerce/);
  });

  it('prints the typed result as JSON', () => {
    const run = mskctl(['size', EXAMPLE, '--output', 'json']);
    expect(run.status).toBe(0);
    const data = JSON.parse(run.stdout);
    expect(data.unitConvention).toMatch(/decimal/);
    expect(data.workloads.map((w: { name: string }) => w.name)).toEqual(['ecommerce', 'gaming']);
    expect(data.workloads[0].derived.storageBytes).toBe(1_166_400_000_000_000);
    expect(data.workloads[1].derived.storageBytes).toBe(9_072_000_000_000);
    expect(data.workloads[0].serverless.verdict).toBe('does-not-fit');
    expect(data.workloads[1].serverless.verdict).toBe('fits');
    expect(data.workloads[1].serverless.cost.label).toMatch(/estimate/);
  });

  it('prints the same result as YAML', () => {
    const run = mskctl(['size', EXAMPLE, '-o', 'yaml']);
    expect(run.status).toBe(0);
    const json = JSON.parse(mskctl(['size', EXAMPLE, '-o', 'json']).stdout);
    expect(parseYaml(run.stdout)).toEqual(json);
  });

  it('sizes one workload from flags', () => {
    const run = mskctl(['size', '--name', 'flagged', '--rate', '1000/s', '--avg-size', '15KB', '--max-size', '1MB', '--groups', '1', '--topics', '10', '--partitions', '5', '--retention', '7d', '--auth', 'iam', '-o', 'json']);
    expect(run.status).toBe(0);
    const data = JSON.parse(run.stdout);
    expect(data.workloads[0]).toMatchObject({ name: 'flagged', origin: 'flags', derived: { ingressBytesPerSecond: 15e6, partitions: 50, storageBytes: 9.072e12 }, serverless: { verdict: 'fits' } });
  });
});

describe('mskctl size --check', () => {
  it('exits 0 when every workload fits the target', () => {
    const run = mskctl(['size', 'fixtures/workloads/fits.yaml', '--check']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/check \(--target serverless\): pass/);
  });

  it('exits 0 for warnings', () => {
    expect(mskctl(['size', 'fixtures/workloads/warns.yaml', '--check']).status).toBe(0);
  });

  it('exits 1 when a workload does not fit, with the result still on stdout', () => {
    const run = mskctl(['size', EXAMPLE, '--check']);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('verdict: DOES NOT FIT');
  });

  it.each([
    ['fixtures/workloads/needs-split.yaml', 'NEEDS A SPLIT'],
    ['fixtures/workloads/needs-partitions.json', 'NEEDS MORE PARTITIONS'],
    ['fixtures/workloads/fails.yaml', 'DOES NOT FIT'],
  ])('exits 1 for %s', (fixture, verdict) => {
    const run = mskctl(['size', fixture, '--check']);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`verdict: ${verdict}`);
  });

  it('exits 0 without --check even when a workload does not fit', () => {
    expect(mskctl(['size', 'fixtures/workloads/fails.yaml']).status).toBe(0);
  });

  it('gates on --target express and standard', () => {
    expect(mskctl(['size', EXAMPLE, '--check', '--target', 'express']).status).toBe(0);
    expect(mskctl(['size', EXAMPLE, '--check', '--target', 'standard']).status).toBe(1);
  });

  it('follows --headroom', () => {
    const strict = mskctl(['size', 'fixtures/workloads/fits.yaml', '--headroom', '1%', '-o', 'json']);
    expect(JSON.parse(strict.stdout).workloads[0].serverless.verdict).toBe('fits-with-warnings');
  });

  it('follows a --quotas file', () => {
    const run = mskctl(['size', 'fixtures/workloads/needs-split.yaml', '--check', '--quotas', 'fixtures/quotas/raised-serverless.yaml']);
    expect(run.stdout).toMatch(/cluster ingress\s+│ 600 MB\/s\s+│ 400 MB\/s/);
    expect(run.stdout).toMatch(/limits overridden: fixtures\/quotas\/raised-serverless\.yaml:4/);
    expect(run.stdout).toMatch(/eu-west-1 prices/);
  });
});

describe('mskctl size: bad input exits 2 with where, found and expected, and no stack trace', () => {
  const cases: Array<[string, () => string[], RegExp]> = [
    ['malformed YAML', () => ['size', file('malformed.yaml', 'workloads:\n  - name: a\n   rate: [1000/s\n')], /malformed\.yaml:3:\d+: malformed YAML\/JSON/],
    ['malformed JSON', () => ['size', file('malformed.json', '{"workloads": [ {"name": "a", } \n')], /malformed\.json:\d+:\d+: malformed YAML\/JSON/],
    ['an unknown field', () => ['size', file('unknown.yaml', gaming('partitionCount: 4'))], /unknown\.yaml:9 partitionCount: unknown field "partitionCount"[\s\S]*hint: expected one of: name, rate/],
    ['a wrong type', () => ['size', file('type.yaml', gaming('topics: ten'))], /type\.yaml:8 topics: found "ten"[\s\S]*hint: expected a whole number >= 1 of topics/],
    ['a zero rate', () => ['size', file('zero.yaml', gaming('rate: 0/s'))], /zero\.yaml:8 rate: found "0\/s" \(must be greater than zero\)[\s\S]*hint: expected a message rate > 0/],
    ['a negative rate', () => ['size', file('negative.yaml', gaming('rate: -100'))], /negative\.yaml:8 rate: found -100 \(must be greater than zero\)/],
    ['a size without a unit', () => ['size', file('nounit.yaml', gaming('avgSize: 30'))], /nounit\.yaml:8 avgSize: found 30 \(a number without a unit\)[\s\S]*hint: expected a size > 0 with a unit, such as 30KB or 30KiB/],
    ['a size with an unknown unit', () => ['size', file('badunit.yaml', gaming('avgSize: 30KG'))], /badunit\.yaml:8 avgSize: found "30KG" \(unknown or missing unit\)/],
    ['a maximum below the average', () => ['size', file('maxbelow.yaml', gaming('maxSize: 10KB'))], /maxbelow\.yaml:8 maxSize: found "10KB", below the average size "15KB"/],
    ['an empty file', () => ['size', file('empty.yaml', '\n  \n')], /empty\.yaml: the file is empty[\s\S]*hint: expected a YAML or JSON document/],
    ['a missing file', () => ['size', join(dir, 'nope.yaml')], /nope\.yaml: file not found/],
    ['an unknown flag', () => ['size', EXAMPLE, '--frobnicate'], /unknown option '--frobnicate'/],
    ['a zero --rate flag', () => ['size', '--rate', '0', '--avg-size', '1KB', '--groups', '1', '--topics', '1', '--partitions', '1', '--retention', '1d'], /--rate: found "0" \(must be greater than zero\)/],
    ['an --avg-size flag without a unit', () => ['size', '--rate', '10', '--avg-size', '30', '--groups', '1', '--topics', '1', '--partitions', '1', '--retention', '1d'], /--avg-size: found "30" \(no unit\)/],
    ['a bad --headroom', () => ['size', EXAMPLE, '--headroom', 'lots'], /--headroom: found "lots"[\s\S]*hint: expected a fraction between 0 and 1/],
    ['a bad --target', () => ['size', EXAMPLE, '--target', 'cloud'], /argument 'cloud' is invalid/],
    ['a file and flags together', () => ['size', EXAMPLE, '--rate', '5/s'], /both a workload file .* and workload flags given/],
    ['no workload at all', () => ['size'], /no workload given[\s\S]*hint: pass a workload file/],
    ['an unknown key in --quotas', () => ['size', EXAMPLE, '--quotas', file('q.yaml', 'serverless:\n  ingresPerCluster: 1GB/s\n')], /q\.yaml:2 serverless\.ingresPerCluster: unknown key "ingresPerCluster"/],
  ];

  it.each(cases)('%s', (_label, args, message) => {
    const run = mskctl(args());
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(NO_STACK);
  });

  it('reports input errors as JSON on stderr with --output json', () => {
    const run = mskctl(['size', file('json-err.yaml', gaming('avgSize: 30')), '-o', 'json']);
    expect(run.status).toBe(2);
    const error = JSON.parse(run.stderr);
    expect(error).toMatchObject({ code: 'INPUT_INVALID', details: { line: 8, path: 'avgSize' } });
    expect(error.message).toMatch(/json-err\.yaml:8 avgSize: found 30/);
  });
});

describe('mskctl: unknown command', () => {
  it('exits 2 with "unknown command"', () => {
    const run = mskctl(['frobnicate']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown command 'frobnicate'/);
    expect(run.stderr).not.toMatch(NO_STACK);
  });

  it('shows size help with an example', () => {
    const run = mskctl(['size', '--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/\$ mskctl size fixtures\/workloads\/worked-example\.yaml/);
  });
});

describe('offline commands do not load kafkajs or the AWS SDK', () => {
  const hook = pathToFileURL(join(ROOT, 'test/cli/support/record-imports.mjs')).href;
  const FORBIDDEN = /kafkajs|@aws-sdk|aws-msk-iam-sasl-signer|@smithy/;

  function importsOf(args: string[], name: string): { status: number | null; urls: string[] } {
    const log = join(dir, `${name}.imports`);
    writeFileSync(log, '');
    const run = mskctl(args, { env: { NODE_OPTIONS: `--import ${hook}`, MSKCTL_IMPORT_LOG: log } });
    return { status: run.status, urls: readFileSync(log, 'utf8').split('\n').filter((l) => l !== '') };
  }

  it('records imports (positive control: the probe sees kafkajs when something loads it)', () => {
    const log = join(dir, 'probe.imports');
    writeFileSync(log, '');
    const probe = spawnSync(process.execPath, ['--import', hook, '--input-type=module', '-e', "await import('kafkajs')"], {
      cwd: ROOT,
      env: { ...process.env, MSKCTL_IMPORT_LOG: log },
    });
    expect(probe.status).toBe(0);
    expect(readFileSync(log, 'utf8')).toMatch(/node_modules\/kafkajs\//);
  });

  it.each([
    ['size', ['size', EXAMPLE]],
    ['quotas', ['quotas']],
  ])('mskctl %s', (name, args) => {
    const { status, urls } = importsOf(args as string[], name);
    expect(status).toBe(0);
    expect(urls.some((u) => u.endsWith(`/dist/commands/${name}.js`))).toBe(true); // the probe saw the command run
    expect(urls.filter((u) => FORBIDDEN.test(u))).toEqual([]);
  });
});

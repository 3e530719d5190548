import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { mskctl } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mskctl-quotas-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const NO_STACK = /\n\s+at .+:\d+:\d+/;

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('mskctl quotas', () => {
  it('prints every limit and price with value, source, date and confidence, and the unit convention', () => {
    const run = mskctl(['quotas']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/serverless\.ingressPerCluster\s+│ 200 MB\/s\s+│ 200 MBps\s+│ V\s+│ 2026\s+│ \[1\]/);
    expect(run.stdout).toMatch(/serverless\.messageSize\s+│ 8\.39 MB \(8 MiB\)/);
    expect(run.stdout).toMatch(/standard\.brokers\[kafka\.m5\.large\]\.pricePerHour\s+│ 0\.21 USD per broker-hour/);
    expect(run.stdout).toMatch(/express\.brokers\[express\.m7g\.large\]\.sustainedIngress\s+│ 15\.6 MB\/s/);
    expect(run.stdout).toMatch(/\[1\] docs\.aws\.amazon\.com\/msk\/latest\/developerguide\/limits\.html/);
    expect(run.stdout).toMatch(/units: AWS "MBps" read as decimal MB\/s/);
    expect(run.stdout).toMatch(/prices: on-demand USD, us-east-1, as of 2026/);
  });

  it('prints the same typed result as JSON and YAML', () => {
    const json = mskctl(['quotas', '--output', 'json']);
    const yaml = mskctl(['quotas', '--output', 'yaml']);
    expect(json.status).toBe(0);
    expect(yaml.status).toBe(0);
    const data = JSON.parse(json.stdout);
    expect(parseYaml(yaml.stdout)).toEqual(data);
    expect(data.awsMBps).toBe('decimal');
    const partitions = data.limits.find((l: { key: string }) => l.key === 'serverless.partitions');
    expect(partitions).toMatchObject({ value: 2400, unit: 'leader partitions', confidence: 'V', date: '2026' });
    for (const entry of data.limits) {
      expect(['P', 'A', 'V', 'U']).toContain(entry.confidence);
      expect(entry.source.length).toBeGreaterThan(0);
    }
  });

  it('shows overrides from --quotas with where they came from', () => {
    const run = mskctl(['quotas', '--quotas', 'fixtures/quotas/raised-serverless.yaml', '-o', 'json']);
    expect(run.status).toBe(0);
    const data = JSON.parse(run.stdout);
    const ingress = data.limits.find((l: { key: string }) => l.key === 'serverless.ingressPerCluster');
    expect(ingress).toMatchObject({ value: 400e6, overriddenBy: 'fixtures/quotas/raised-serverless.yaml:4', confidence: 'U' });
    expect(data.priceRegion).toBe('eu-west-1');
    const table = mskctl(['quotas', '--quotas', 'fixtures/quotas/raised-serverless.yaml']);
    expect(table.stdout).toMatch(/serverless\.ingressPerCluster\s+│ 400 MB\/s\s+│ 400MB\/s\s+│ U\s+│ user-supplied\s+│ override fixtures\/quotas\/raised-serverless\.yaml:4/);
  });

  it('reads the --quotas file from MSKCTL_QUOTAS', () => {
    const run = mskctl(['quotas', '-o', 'json'], { env: { MSKCTL_QUOTAS: 'fixtures/quotas/raised-serverless.yaml' } });
    expect(JSON.parse(run.stdout).priceRegion).toBe('eu-west-1');
  });

  it.each([
    ['an unknown key', 'prices:\n  serverless:\n    clusterHours: 1\n', /bad\.yaml:3 prices\.serverless\.clusterHours: unknown key "clusterHours"[\s\S]*hint: expected one of: clusterHour/],
    ['a throughput without a unit', 'serverless:\n  egressPerCluster: 800\n', /bad\.yaml:2 serverless\.egressPerCluster: found 800[\s\S]*hint: expected a throughput with a unit/],
    ['malformed YAML', 'serverless: [\n', /bad\.yaml:\d+:\d+: malformed YAML\/JSON/],
  ])('refuses %s with exit 2, file:line and no stack trace', (_label, text, message) => {
    const run = mskctl(['quotas', '--quotas', file('bad.yaml', text)]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(NO_STACK);
  });

  it('refuses a missing --quotas file', () => {
    const run = mskctl(['quotas', '--quotas', join(dir, 'absent.yaml')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/absent\.yaml: file not found/);
  });
});

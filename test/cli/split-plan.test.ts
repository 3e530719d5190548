import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { spawnSync } from 'node:child_process';
import { mskctl, ROOT } from './run-cli.js';

const MONOLITH = 'fixtures/inventories/monolith.yaml';
const dir = mkdtempSync(join(tmpdir(), 'mskctl-split-'));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const SMALL = `applications:
  - name: a
    team: alpha
    auth: [iam]
    produces: [a.events]
  - name: b
    team: beta
    auth: [iam]
    produces: [b.events]
consumerGroups:
  - name: b-reads-a
    application: b
    topics: [a.events]
topics:
  - name: a.events
    partitions: 6
    throughput: 2MB/s
  - name: b.events
    partitions: 6
    rate: 100/s
    avgSize: 1KB
`;

describe('mskctl split plan', () => {
  it('prints the plan as a table with clusters, flows, steps and the lower bound', () => {
    const run = mskctl(['split', 'plan', MONOLITH]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Split plan: strategy segregated, grouped by team, headroom 80%/);
    expect(run.stdout).toMatch(/Clusters: \d+ Serverless \(lower bound \d+\) \+ \d+ Provisioned/);
    expect(run.stdout).toContain('Replication flows');
    expect(run.stdout).toContain('Migration steps (in order):');
    expect(run.stdout).toMatch(/mskctl cutover run cutover-commerce\.yaml --execute/);
    expect(run.stdout).toMatch(/largest message 12 MiB is over the Serverless maximum of 8 MiB/);
    expect(run.stdout).toMatch(/Units: AWS "MBps" read as decimal MB\/s/);
  });

  it('renders the same plan as YAML and JSON for scripts', () => {
    const yaml = mskctl(['split', 'plan', MONOLITH, '--output', 'yaml']);
    const json = mskctl(['split', 'plan', MONOLITH, '--output', 'json']);
    expect(yaml.status).toBe(0);
    expect(json.status).toBe(0);
    const fromYaml = parseYaml(yaml.stdout) as { clusters: Array<{ name: string; topics: string[] }>; assignments: Record<string, string> };
    const fromJson = JSON.parse(json.stdout) as typeof fromYaml;
    expect(fromYaml).toEqual(fromJson);
    expect(Object.keys(fromJson.assignments)).toHaveLength(360);
    expect(fromJson.clusters.flatMap((c) => c.topics)).toHaveLength(360);
  });

  it('draws a Mermaid flowchart of clusters and flows', () => {
    const run = mskctl(['split', 'plan', write('small.yaml', SMALL), '--output', 'mermaid']);
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('flowchart LR');
    expect(run.stdout).toContain('c_monolith[("monolith<br/>source cluster")]');
    expect(run.stdout).toMatch(/c_alpha\["alpha<br\/>Serverless dedicated<br\/>1 topic · 2 MB\/s in"\]/);
    expect(run.stdout).toContain('c_monolith -. "1 topic, 2 MB/s" .-> c_alpha');
    const writeRead = mskctl(['split', 'plan', write('small2.yaml', SMALL), '--strategy', 'write-read', '--output', 'mermaid']);
    expect(writeRead.stdout).toContain('c_write_alpha -- "1 topic, 2 MB/s" --> c_read_batch_non_pii');
  });

  it('refuses --output mermaid on a command without a diagram (exit 2)', () => {
    const run = mskctl(['quotas', '--output', 'mermaid']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--output mermaid is not available for this command/);
  });

  it('--check exits 0 when a plan fits and 1 when none does as the quotas stand', () => {
    const file = write('check.yaml', SMALL);
    expect(mskctl(['split', 'plan', file, '--check']).status).toBe(0);
    // two teams, two clusters: an account quota of one Serverless cluster makes it infeasible
    const quotas = write('one-cluster.yaml', 'serverless:\n  clustersPerAccount: 1\n');
    const run = mskctl(['split', 'plan', file, '--check', '--quotas', quotas]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('NOT FEASIBLE');
    expect(run.stderr).toMatch(/needs 2 Serverless clusters; an account holds 1/);
    // without --check the plan is still printed, exit 0
    expect(mskctl(['split', 'plan', file, '--quotas', quotas]).status).toBe(0);
  });

  it('rejects a bad inventory with exit 2, file:line and no stack trace', () => {
    const file = write('bad.yaml', SMALL.replace('throughput: 2MB/s', 'throughput: 2MB'));
    const run = mskctl(['split', 'plan', file]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${file}:17 topics[0].throughput: found "2MB"`);
    expect(run.stderr).toMatch(/hint: expected a throughput such as 5MB\/s/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
  });

  it('rejects bad options with exit 2', () => {
    expect(mskctl(['split', 'plan', MONOLITH, '--strategy', 'random']).status).toBe(2);
    expect(mskctl(['split', 'plan', MONOLITH, '--group-by', 'colour']).status).toBe(2);
    const headroom = mskctl(['split', 'plan', MONOLITH, '--headroom', '1.5x']);
    expect(headroom.status).toBe(2);
    expect(headroom.stderr).toMatch(/--headroom/);
    expect(mskctl(['split', 'plan', join(dir, 'missing.yaml')]).status).toBe(2);
  });

  it('does not load kafkajs or the AWS SDK', () => {
    // a module-resolution hook reports every kafkajs / @aws-sdk import on stderr
    write('hooks.mjs', `export async function resolve(specifier, context, next) { if (/kafkajs|@aws-sdk/.test(specifier)) process.stderr.write('LOADED ' + specifier + '\\n'); return next(specifier, context); }`);
    const register = write('register.mjs', `import { register } from 'node:module'; register('./hooks.mjs', import.meta.url);`);
    const env = { NODE_OPTIONS: `--import ${register}` };
    const run = mskctl(['split', 'plan', MONOLITH, '--output', 'json'], { env });
    expect(run.status).toBe(0);
    expect(run.stderr).not.toContain('LOADED');
    // control: the hook does see kafkajs when something imports it
    const control = spawnSync(process.execPath, ['--input-type=module', '-e', "await import('kafkajs')"], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(control.stderr).toContain('LOADED kafkajs');
  });
});

describe('mskctl split inventory: bad input before any connection', () => {
  it.each([
    [['--bootstrap', '127.0.0.1:1', '--sample', 'soon'], /--sample: found "soon"/, /60s or 5m|duration/],
    [['--bootstrap', '127.0.0.1:1', '--sample', '100ms'], /--sample: found "100ms"/, /at least 1s/],
    [['--bootstrap', '127.0.0.1:1', '--topics', '(unclosed'], /--topics: found "\(unclosed"/, /regular expression/],
    [['--bootstrap', 'no-port-here'], /--bootstrap\[0\]: found "no-port-here"/, /host:port/],
    [[], /no bootstrap brokers/, /--bootstrap/],
    [['--bootstrap', '127.0.0.1:1', '--auth', 'scram', '--username', 'u'], /SCRAM needs a password: MSKCTL_SCRAM_PASSWORD is not set/, /never taken as a flag/],
  ])('%j', (args, message, hint) => {
    const run = mskctl(['split', 'inventory', ...args], { env: { MSKCTL_SCRAM_PASSWORD: undefined as unknown as string, MSKCTL_CONFIG: join(dir, 'no-config.yaml') } });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(hint);
    expect(run.stdout).toBe('');
  });
});

import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mskctl } from './run-cli.js';

const planArgs = ['cutover', 'plan', '--source', 'old:9092', '--target', 'new:9092', '--flow-id', 'orders', '--groups', 'billing,audit', '--topics', 'orders'];

describe('mskctl cutover (offline parts)', () => {
  it('plan writes a commented YAML plan that run and status accept', () => {
    const run = mskctl([...planArgs, '--max-lag', '5', '--stop-hook', 'systemctl stop billing']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^# mskctl cutover plan/);
    expect(run.stdout).toContain('maxLag: 5');
    expect(run.stdout).toContain('stop: systemctl stop billing');
    const dir = mkdtempSync(join(tmpdir(), 'mskctl-cli-cutover-'));
    const file = join(dir, 'cutover.yaml');
    writeFileSync(file, run.stdout);
    const status = mskctl(['cutover', 'status', file, '--output', 'json']);
    expect(status.status).toBe(0);
    const report = JSON.parse(status.stdout) as { phase: string; stateFile: string; steps: Array<{ id: string; status: string }> };
    expect(report.phase).toBe('not started');
    expect(report.stateFile).toBe(join(dir, 'cutover.state.yaml'));
    expect(report.steps[0]).toMatchObject({ id: 'preflight/preflight', status: 'next' });
    expect(report.steps).toHaveLength(14);
    expect(existsSync(join(dir, 'cutover.state.yaml'))).toBe(false);
  });

  it('plan --output json gives the same document', () => {
    const run = mskctl([...planArgs, '--output', 'json']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'CutoverPlan', flowId: 'orders', groups: ['billing', 'audit'], checks: { maxLag: 0, producerQuietPeriod: '30s' } });
  });

  it.each([
    [['--max-lag', 'lots'], /--max-lag: found "lots"/],
    [['--producer-quiet-period', '30'], /--producer-quiet-period: found "30"/],
    [['--topics', 'bad topic'], /--topics: "bad topic" is not a valid Kafka name/],
  ])('plan rejects bad flags %j with exit 2, naming the flag', (extra, message) => {
    const run = mskctl([...planArgs, ...extra]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('plan defaults the flow id like mskctl replicate does', () => {
    const run = mskctl(['cutover', 'plan', '--source', 'a:9092', '--target', 'b:9092', '--groups', 'g', '--topics', 't', '--output', 'json']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ flowId: 'default' });
  });

  it('plan without groups is a usage error', () => {
    const run = mskctl(['cutover', 'plan', '--source', 'a', '--target', 'b', '--flow-id', 'f', '--topics', 't']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/missing --groups/);
  });

  it('run and status reject an invalid plan with file:line and exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mskctl-cli-cutover-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'kind: CutoverPlan\nversion: 1\nsource: a\ntarget: b\nflowId: f\ntopics: [t]\ngroups: [g]\nchecks:\n  maxLag: many\n');
    for (const command of ['run', 'status']) {
      const run = mskctl(['cutover', command, file]);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(`${file}:9 checks.maxLag: found "many"`);
    }
  });

  it('status refuses a state file that belongs to another plan', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mskctl-cli-cutover-'));
    const file = join(dir, 'cutover.yaml');
    writeFileSync(file, mskctl(planArgs).stdout);
    writeFileSync(join(dir, 'cutover.state.yaml'), 'kind: CutoverState\nversion: 1\nplan: deadbeef\nflowId: orders\ncreatedAt: x\nupdatedAt: x\nsteps: {}\nphases: {}\ngroups: {}\nproducers: {}\n');
    const run = mskctl(['cutover', 'status', file]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/the state was written for a different plan/);
  });
});

import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { acquireRunLock, fileStateStore, loadPlanFile, shellHookRunner, statePathFor } from '../../../src/cutover/local.js';
import { MskctlError } from '../../../src/output/errors.js';
import { spawnSync } from 'node:child_process';
import { buildPlan, serializePlan } from '../../../src/cutover/plan.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'mskctl-cutover-'));

describe('state file', () => {
  it('round-trips the state and leaves no temporary file', () => {
    const d = dir();
    const store = fileStateStore(join(d, 'c.state.yaml'));
    expect(store.load()).toBeUndefined();
    const state = { kind: 'CutoverState', version: 1, steps: { 'preflight/preflight': { startedAt: 'x' } } };
    store.save(state);
    store.save({ ...state, version: 1, extra: [1, 2] });
    expect(store.load()).toEqual({ ...state, extra: [1, 2] });
    expect(readdirSync(d)).toEqual(['c.state.yaml']);
    expect(readFileSync(join(d, 'c.state.yaml'), 'utf8')).toMatch(/^# mskctl cutover state/);
  });

  it('a failed write keeps the previous state', () => {
    const d = dir();
    const path = join(d, 'c.state.yaml');
    const store = fileStateStore(path);
    store.save({ n: 1 });
    const unserialisable = { toJSON: () => { throw new Error('cannot serialise'); } };
    expect(() => store.save({ n: 2, unserialisable })).toThrow('cannot serialise');
    expect(store.load()).toEqual({ n: 1 });
    expect(readdirSync(d)).toEqual(['c.state.yaml']);
  });

  it('lives next to the plan unless the plan says otherwise', () => {
    const d = dir();
    const planFile = join(d, 'move.yaml');
    writeFileSync(planFile, serializePlan(buildPlan({ source: 'a', target: 'b', flowId: 'f', topics: ['t'], groups: ['g'] })));
    expect(loadPlanFile(planFile).statePath).toBe(join(d, 'move.state.yaml'));
    const plan = buildPlan({ source: 'a', target: 'b', flowId: 'f', topics: ['t'], groups: ['g'], state: 'states/x.yaml' });
    expect(statePathFor(plan, planFile)).toBe(join(d, 'states/x.yaml'));
    expect(statePathFor({ ...plan, state: '/abs/s.yaml' }, planFile)).toBe('/abs/s.yaml');
  });
});

describe('hook runner', () => {
  const collect = () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (c: Buffer) => (text += c.toString()));
    return { stream, text: () => text };
  };

  it('runs the command with the environment and sends its output to stderr, prefixed', async () => {
    const err = collect();
    await shellHookRunner(err.stream).run('echo "group=$MSKCTL_GROUP"; echo oops >&2', { MSKCTL_GROUP: 'billing' }, 5000, new AbortController().signal);
    expect(err.text()).toContain('  [hook] group=billing\n');
    expect(err.text()).toContain('  [hook] oops\n');
  });

  it('masks secrets in hook output', async () => {
    const err = collect();
    await shellHookRunner(err.stream).run('echo "connecting to https://admin:hunter2-secret@broker:9096"', {}, 5000, new AbortController().signal);
    expect(err.text()).toContain('[hook] connecting to https://admin:***@broker:9096');
    expect(err.text()).not.toContain('hunter2-secret');
  });

  it('rejects on a non-zero exit', async () => {
    await expect(shellHookRunner(collect().stream).run('exit 3', {}, 5000, new AbortController().signal)).rejects.toThrow('exit code 3');
  });

  it('kills a hook that outlives its timeout', async () => {
    await expect(shellHookRunner(collect().stream).run('sleep 30', {}, 300, new AbortController().signal)).rejects.toThrow(/timed out/);
  });

  it('stops a hook when interrupted', async () => {
    const controller = new AbortController();
    const running = shellHookRunner(collect().stream).run('sleep 30', {}, 60_000, controller.signal);
    setTimeout(() => controller.abort(), 100);
    await expect(running).rejects.toThrow('interrupted');
  });

  it('returns when the shell exits even if it started a background process', async () => {
    const d = dir();
    const marker = join(d, 'bg.pid');
    await shellHookRunner(collect().stream).run(`sleep 5 > /dev/null 2>&1 & echo $! > ${marker}`, {}, 3000, new AbortController().signal);
    expect(existsSync(marker)).toBe(true);
    process.kill(Number(readFileSync(marker, 'utf8')), 'SIGTERM');
  });
});

describe('run lock', () => {
  it('is taken and released', () => {
    const path = join(dir(), 'c.state.yaml');
    const release = acquireRunLock(path);
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(String(process.pid));
    release();
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('refuses while another live process holds it (exit 2)', () => {
    const path = join(dir(), 'c.state.yaml');
    writeFileSync(`${path}.lock`, String(process.ppid));
    let error: unknown;
    try {
      acquireRunLock(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MskctlError);
    expect((error as MskctlError).exitCode).toBe(2);
    expect((error as MskctlError).message).toMatch(new RegExp(`another cutover run \\(pid ${process.ppid}\\)`));
  });

  it('takes over a lock left by a process that died (kill -9)', () => {
    const path = join(dir(), 'c.state.yaml');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(`${path}.lock`, dead.stdout);
    const release = acquireRunLock(path);
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(String(process.pid));
    release();
  });

  it('says so when the state folder does not exist', () => {
    let error: MskctlError | undefined;
    try {
      acquireRunLock(join(dir(), 'missing', 'c.state.yaml'));
    } catch (e) {
      error = e as MskctlError;
    }
    expect(error?.exitCode).toBe(2);
    expect(error?.message).toMatch(/cannot create .*missing\/c\.state\.yaml\.lock: ENOENT/);
    expect(error?.hint).toMatch(/the folder of the state file must exist/);
  });
});

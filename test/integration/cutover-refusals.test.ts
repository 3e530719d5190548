/**
 * The cutover's refusals on real brokers: a group already active on the target (at the preflight, and at the
 * offset write when it appears later), and a replication lagging above the threshold. Each refusal exits 1,
 * says why and what to do, and leaves the applications and the offsets alone.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { createKafka } from '../../src/kafka/client.js';
import { scenariosOnSource, waitFor, type CutoverScenario } from './cutover-scenario.js';

const onSource = scenariosOnSource();
const prepare = (): Promise<CutoverScenario> => onSource(60);

function alive(s: CutoverScenario, app: string): boolean {
  const file = s.path(`${app}.pid`);
  if (!existsSync(file)) return false;
  try {
    process.kill(Number(readFileSync(file, 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
}

async function targetCommits(s: CutoverScenario): Promise<number[]> {
  const kafka = await createKafka({ brokers: [s.target], auth: 'plaintext' });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId: s.group, topics: [s.topic] });
    return offsets!.partitions.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
  } finally {
    await admin.disconnect();
  }
}

describe('mskctl cutover refusals (real brokers)', () => {
  it('refuses to start while the group is active on the target', async () => {
    const s = await prepare();
    await s.writePlan(['--max-lag', '1000']);
    await s.startApp('consumer', 'target');
    await waitFor('the group to be active on the target', async () => ((await targetCommits(s)).some((o) => o >= 0) ? true : undefined), 30_000);

    const preview = await s.run(['cutover', 'run', s.planFile, '--output', 'json']);
    expect(preview.status).toBe(1);
    const checks = (JSON.parse(preview.stdout) as { preflight: Array<{ name: string; ok: boolean; code?: string; detail: string }> }).preflight;
    const failing = checks.filter((c) => !c.ok);
    expect(failing.map((c) => c.code)).toEqual(['TARGET_GROUP_NOT_EMPTY']);
    expect(failing[0]!.detail).toMatch(new RegExp(`${s.group} has 1 active members on the target`));

    const run = await s.run(['cutover', 'run', s.planFile, '--execute']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/error: preflight\/preflight: preflight not met: .*has 1 active members on the target/);
    expect(run.stderr).toMatch(/hint: stop the consumers of .* on the target; mskctl writes offsets only for an empty group/);
    // nothing moved: the consumer still runs on the source, the stop hook never ran
    expect(alive(s, 'consumer-source')).toBe(true);
    const status = await s.run(['cutover', 'status', s.planFile, '--output', 'json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ phase: 'preflight', refusal: { step: 'preflight/preflight', code: 'TARGET_GROUP_NOT_EMPTY' } });
  });

  it('refuses to write offsets when the group became active on the target after the preflight', async () => {
    const s = await prepare();
    // an operator starts the target consumers too early, right as the source ones stop (the later flag wins)
    const [, stopSource, , startTarget] = s.hooks();
    await s.writePlan(['--max-lag', '1000', '--stop-hook', `${stopSource}; ${startTarget}; sleep 3`]);

    const run = await s.run(['cutover', 'run', s.planFile, '--execute']);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/error: consumers\/.*\/commit-target-offsets: refusing to write offsets for .* on the target: it has 1 active members/);
    expect(run.stderr).toMatch(/hint: stop .*'s consumers on the target/);
    const status = JSON.parse((await s.run(['cutover', 'status', s.planFile, '--output', 'json'])).stdout) as { refusal: { code: string }; nextStep: string };
    expect(status.refusal.code).toBe('TARGET_GROUP_ACTIVE');
    expect(status.nextStep).toMatch(/commit-target-offsets$/);
  });

  it('refuses to pass the preflight while the replication lags above the threshold', async () => {
    const s = await prepare();
    await s.writePlan(['--max-lag', '50']);
    // the flow stops; the producer keeps writing to the source
    s.replicator!.kill('SIGTERM');
    await waitFor('the replicator to stop', () => (s.replicator!.exitCode !== null ? true : undefined), 30_000);
    await waitFor('the lag to grow', () => (s.lines('produced').length > 400 ? true : undefined), 30_000);

    const run = await s.run(['cutover', 'run', s.planFile, '--execute']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/replication lag: above 50 records on \d partitions: cutover-\w+:\d lag \d+/);
    expect(run.stderr).toMatch(/mskctl replicate status/);
    expect(alive(s, 'consumer-source')).toBe(true);
    expect(await targetCommits(s)).toEqual([-1, -1, -1]);
  });
});

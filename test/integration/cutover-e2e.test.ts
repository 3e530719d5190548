/**
 * Consumer-first cutover end to end on real brokers: a producer app writes sequence numbers to the source at
 * a steady rate, a consumer app in group G records what it processed, `mskctl replicate` copies the topic,
 * and `mskctl cutover run --execute` moves the consumer (stop on source → translated offsets → start on
 * target), then the producer (stop on source → drain → start on target), then stops the replication.
 * Every sequence number must be processed exactly once. A second scenario kills the cutover with SIGKILL at
 * each phase boundary and runs it again until it completes.
 */
import { describe, expect, it } from 'vitest';
import { finished, scenariosOnSource, waitFor, type CutoverScenario, type Finished } from './cutover-scenario.js';

const onSource = scenariosOnSource();

/** Source apps running, the flow replicating, the plan written. */
async function prepare(): Promise<CutoverScenario> {
  const s = await onSource(100);
  // lag 0 at one instant is unlikely while the producer writes 60 records/s: allow a little
  await s.writePlan(['--max-lag', '50']);
  return s;
}

/** After the cutover: stop the producer (now on the target), let the consumer finish, then check delivery. */
async function settle(s: CutoverScenario): Promise<ReturnType<CutoverScenario['deliveryReport']>> {
  await s.stopApp('producer', 'target');
  await waitFor('the consumer on the target to process every produced record', () => (s.deliveryReport().missing.length === 0 ? true : undefined), 60_000);
  await s.stopApp('consumer', 'target');
  return s.deliveryReport();
}

interface Report {
  phase: string;
  executed: boolean;
  alreadyComplete?: boolean;
  summary?: { duplicates: number; inexactPartitions: number; topics: Array<{ topic: string; sourceRecords: number; targetRecordsAtDrain: number; replicationDuplicates: number }>; phases: Array<{ phase: string; durationMs: number }> };
}

function report(run: Finished): Report {
  return JSON.parse(run.stdout) as Report;
}

describe('mskctl cutover end to end (real brokers)', () => {
  it('moves the consumer, then the producer, with every record processed exactly once', async () => {
    const s = await prepare();

    // the preview evaluates the preflight and changes nothing
    const preview = await s.run(['cutover', 'run', s.planFile, '--output', 'json']);
    expect(preview.stderr).toBe('');
    expect(preview.status, preview.stdout).toBe(0);
    expect(report(preview)).toMatchObject({ phase: 'not started', executed: false });
    expect(s.state()).toBeUndefined();

    const run = await s.run(['cutover', 'run', s.planFile, '--execute', '--output', 'json']);
    if (run.status !== 0) throw new Error(`cutover failed (${run.status}):\n${run.stderr}`);
    const result = report(run);
    expect(result.phase).toBe('done');
    expect(result.summary!.duplicates).toBe(0);
    expect(result.summary!.inexactPartitions).toBe(0);
    expect(result.summary!.topics[0]!.sourceRecords).toBeGreaterThan(100);
    expect(result.summary!.topics[0]!.targetRecordsAtDrain).toBe(result.summary!.topics[0]!.sourceRecords);
    expect(result.summary!.phases.map((p) => p.phase)).toEqual(['preflight', 'consumers', 'producers', 'finish']);
    // progress and rollback instructions went to stderr
    expect(run.stderr).toMatch(/== phase consumers/);
    expect(run.stderr).toMatch(/rollback from here:/);

    // the replication flow was stopped: the replicator exits on its own
    const replicator = await waitFor('the replicator to exit', () => (s.replicator!.exitCode !== null ? s.replicator!.exitCode : undefined), 30_000);
    expect(replicator).toBe(0);

    const delivery = await settle(s);
    expect(delivery.gapsInProduced).toBe(0);
    expect(delivery.produced).toBeGreaterThan(150);
    expect(delivery.missing).toEqual([]);
    expect(delivery.duplicates).toBe(0);
    // both sides were used: records processed on the source before the move and on the target after it
    expect(s.lines('consumer-source.log').join('\n')).toMatch(/reading .* on 127\.0\.0\.1/);
    expect(s.lines('consumer-target.log').join('\n')).toContain(`on ${s.target}`);
    expect(s.lines('producer-target.log').join('\n')).toContain(`writing to ${s.target}`);

    // running it again changes nothing
    const again = await s.run(['cutover', 'run', s.planFile, '--execute', '--output', 'json']);
    expect(again.status).toBe(0);
    expect(report(again)).toMatchObject({ phase: 'done', alreadyComplete: true });
    expect(again.stderr).toMatch(/already completed/);
  });

  it('Ctrl-C while waiting for the operator saves the state and exits 130', async () => {
    const s = await prepare();
    // no stop hook: the cutover waits for the operator to stop the consumers on the source
    await s.writePlan(['--max-lag', '1000', '--stop-hook', 'true']);
    const child = s.mskctl(['cutover', 'run', s.planFile, '--execute']);
    const done = finished(child);
    await waitFor('the cutover to wait for the source group', () => (s.state()?.steps?.[`consumers/${s.group}/await-source-inactive`] ? true : undefined), 60_000, 50);
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGINT');
    const result = await done;
    expect(result.status).toBe(130);
    expect(result.stderr).toMatch(/interrupted during consumers\/.*\/await-source-inactive; the state is saved in .*cutover\.state\.yaml, run again to resume/);
    const status = JSON.parse((await s.run(['cutover', 'status', s.planFile, '--output', 'json'])).stdout) as { phase: string; nextStep: string };
    expect(status).toMatchObject({ phase: 'consumers', nextStep: `consumers/${s.group}/await-source-inactive` });
  });

  it('resumes and completes after kill -9 at each phase boundary', async () => {
    const s = await prepare();
    // this run also waits for the moved producer's first writes on the target
    await s.writePlan(['--max-lag', '50', '--confirm-target-writes']);
    const kills: string[] = [];
    for (const phase of ['consumers', 'producers', 'finish']) {
      const child = s.mskctl(['cutover', 'run', s.planFile, '--execute', '--output', 'json']);
      const done = finished(child);
      await waitFor(`the cutover to enter phase ${phase}`, () => (s.state()?.phases?.[phase] ? true : child.exitCode !== null ? true : undefined), 90_000, 20);
      if (child.exitCode !== null) throw new Error(`the cutover ended (${child.exitCode}) before phase ${phase}:\n${(await done).stderr}`);
      child.kill('SIGKILL');
      expect((await done).signal).toBe('SIGKILL');
      kills.push(phase);
    }
    expect(kills).toEqual(['consumers', 'producers', 'finish']);
    const last = await s.run(['cutover', 'run', s.planFile, '--execute', '--output', 'json']);
    if (last.status !== 0) throw new Error(`cutover failed after the kills (${last.status}):\n${last.stderr}`);
    expect(last.stderr).toMatch(/resuming the cutover of flow .* at finish\//);
    expect(report(last).phase).toBe('done');
    const status = JSON.parse((await s.run(['cutover', 'status', s.planFile, '--output', 'json'])).stdout) as { steps: Array<{ id: string; status: string; note?: string }> };
    expect(status.steps.find((step) => step.id === 'producers/confirm-target-writes')).toMatchObject({ status: 'done', note: 'new records arrive on the target' });

    await waitFor('the replicator to exit', () => (s.replicator!.exitCode !== null ? true : undefined), 30_000);
    const delivery = await settle(s);
    expect(delivery.gapsInProduced).toBe(0);
    expect(delivery.missing).toEqual([]);
    expect(delivery.duplicates).toBe(0);
  });
});

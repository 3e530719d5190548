import { describe, expect, it } from 'vitest';
import { buildPlan, DEFAULT_CHECKS, defaultStateFile, parsePlan, planFingerprint, serializePlan, stateFileOf } from '../../../src/cutover/plan.js';
import { MskctlError } from '../../../src/output/errors.js';

const draft = { source: 'old-cluster', target: 'b-1.new.example:9098', flowId: 'orders', topics: ['orders', 'payments'], groups: ['billing', 'audit'] };

function failure(text: string, file = 'cutover.yaml'): MskctlError {
  try {
    parsePlan(text, file);
  } catch (error) {
    if (error instanceof MskctlError) return error;
    throw error;
  }
  throw new Error('expected the plan to be rejected');
}

const valid = serializePlan(buildPlan(draft));

describe('cutover plan', () => {
  it('round-trips through YAML with the defaults', () => {
    const plan = parsePlan(valid, 'cutover.yaml');
    expect(plan).toEqual(buildPlan(draft));
    expect(plan.checks).toEqual(DEFAULT_CHECKS);
    expect(plan.checks.maxLag).toBe(0);
  });

  it('round-trips hooks, thresholds and an explicit state file', () => {
    const full = buildPlan({
      ...draft,
      checks: { maxLag: 5, producerQuietPeriodMs: 1500, pollIntervalMs: 250, confirmTargetWrites: true, waitTimeoutMs: 90_000 },
      hooks: { stop: 'systemctl stop billing', start: 'systemctl start billing-new', producerStop: 'stop-prod', producerStart: 'start-prod', timeoutMs: 120_000 },
      state: '/var/lib/cutover/orders.state.yaml',
    });
    expect(parsePlan(serializePlan(full), 'x.yaml')).toEqual(full);
  });

  it('keeps the state next to the plan by default', () => {
    expect(defaultStateFile('plans/cutover.yaml')).toBe('cutover.state.yaml');
    expect(defaultStateFile('move.json')).toBe('move.state.yaml');
    expect(stateFileOf(parsePlan(valid, 'dir/move.yaml'), 'dir/move.yaml')).toBe('move.state.yaml');
  });

  it('fingerprints what the cutover acts on, not the thresholds', () => {
    const plan = buildPlan(draft);
    expect(planFingerprint(buildPlan({ ...draft, checks: { maxLag: 9 } }))).toBe(planFingerprint(plan));
    expect(planFingerprint(buildPlan({ ...draft, groups: ['billing'] }))).not.toBe(planFingerprint(plan));
  });

  it.each([
    ['an unknown top-level field', valid + 'extra: 1\n', /cutover\.yaml:\d+ extra: unknown field "extra"/, /one of kind, version/],
    ['a wrong kind', valid.replace('kind: CutoverPlan', 'kind: Plan'), /cutover\.yaml:7 kind: kind is "Plan"/, /kind: CutoverPlan/],
    ['a negative max lag', valid.replace('maxLag: 0', 'maxLag: -1'), /cutover\.yaml:\d+ checks\.maxLag: found -1/, /whole number/],
    ['a duration without unit', valid.replace('producerQuietPeriod: 30s', 'producerQuietPeriod: 30'), /checks\.producerQuietPeriod: found 30/, /duration with a unit/],
    ['a duplicated topic', valid.replace('  - payments', '  - orders'), /cutover\.yaml:\d+ topics\[1\]: "orders" is listed twice/, /each topic once/],
    ['an invalid topic name', valid.replace('  - payments', '  - "pay ments"'), /topics\[1\]: "pay ments" is not a valid Kafka name/, /letters, digits/],
    ['no groups', valid.replace(/groups:\n {2}- billing\n {2}- audit\n/, 'groups: []\n'), /groups: found \[\]/, /non-empty list of consumer groups/],
    ['the same source and target', valid.replace('target: b-1.new.example:9098', 'target: old-cluster'), /target: target is the same cluster as source/, /two different clusters/],
    ['an unknown check', valid.replace('maxLag: 0', 'maxLagRecords: 0'), /checks\.maxLagRecords: unknown field/, /maxLag/],
    ['an empty hook', valid.replace('hooks:\n', 'hooks:\n  stop: ""\n'), /hooks\.stop: found ""/, /shell command/],
    ['a poll interval longer than the quiet period', valid.replace('pollInterval: 2s', 'pollInterval: 1m'), /checks\.pollInterval: pollInterval 1m is longer than producerQuietPeriod 30s/, /no longer than the quiet period/],
    ['a bad flow id', valid.replace('flowId: orders', 'flowId: "a b"'), /flowId: found "a b"/, /--flow-id/],
  ])('rejects %s with file:line, field and what is expected (exit 2)', (_name, text, message, hint) => {
    const error = failure(text);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(hint);
  });

  it('names the exact line of the offending field', () => {
    const lines = valid.split('\n');
    const line = lines.findIndex((l) => l.includes('drainTimeout')) + 1;
    const error = failure(valid.replace('drainTimeout: 10m', 'drainTimeout: soon'));
    expect(error.message).toContain(`cutover.yaml:${line} checks.drainTimeout`);
  });

  it('rejects empty and malformed files with exit 2', () => {
    expect(failure('   \n').exitCode).toBe(2);
    const malformed = failure('kind: CutoverPlan\n  bad: [', 'p.yaml');
    expect(malformed.exitCode).toBe(2);
    expect(malformed.message).toMatch(/^p\.yaml.*malformed YAML/);
    expect(failure('- a\n- b\n').message).toMatch(/the plan must be a mapping/);
  });
});

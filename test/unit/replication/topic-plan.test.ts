import { describe, expect, it } from 'vitest';
import { MskctlError } from '../../../src/output/errors.js';
import { carryConfigs, compileSelection, flowTopics, planTopics, validateFlowId, type TopicDescription } from '../../../src/replication/topic-plan.js';

const EIGHT_MIB = 8 * 1024 * 1024;
const t = (name: string, partitions: number, configs: Record<string, string> = {}): TopicDescription => ({ name, partitions, configs });

describe('topic selection', () => {
  it('anchors patterns like MirrorMaker 2 and applies the default excludes', () => {
    const plan = planTopics(
      [t('orders', 3), t('orders-dlq', 1), t('payments.v1', 6), t('__consumer_offsets', 50), t('app.internal', 1), t('x.replica', 1), t('mskctl.f.positions', 1)],
      [],
      { selection: compileSelection(['orders', 'payments\\..*', '.*']), rename: 'identity', sourceAlias: 'src', targetKind: 'kafka', serverlessMaxMessageBytes: EIGHT_MIB },
    );
    expect(plan.topics.map((e) => e.source)).toEqual(['orders', 'orders-dlq', 'payments.v1']);
    expect(plan.excluded.map((e) => e.topic).sort()).toEqual(['__consumer_offsets', 'app.internal', 'mskctl.f.positions', 'x.replica']);
    const narrow = planTopics([t('orders', 3), t('orders-dlq', 1)], [], {
      selection: compileSelection(['orders']),
      rename: 'identity',
      sourceAlias: 'src',
      targetKind: 'kafka',
      serverlessMaxMessageBytes: EIGHT_MIB,
    });
    expect(narrow.topics.map((e) => e.source)).toEqual(['orders']);
    expect(narrow.excluded).toEqual([{ topic: 'orders-dlq', reason: 'matches no --topics pattern' }]);
  });

  it('--exclude wins over --topics and the reason names the pattern', () => {
    const plan = planTopics([t('a.1', 1), t('a.tmp', 1)], [], {
      selection: compileSelection(['a\\..*'], ['.*\\.tmp']),
      rename: 'identity',
      sourceAlias: 'src',
      targetKind: 'kafka',
      serverlessMaxMessageBytes: EIGHT_MIB,
    });
    expect(plan.excluded).toEqual([{ topic: 'a.tmp', reason: 'matches exclude pattern ".*\\\\.tmp"' }]);
  });

  it('a bad pattern is an input error naming the flag', () => {
    try {
      compileSelection(['orders('], []);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MskctlError);
      expect((error as MskctlError).exitCode).toBe(2);
      expect((error as MskctlError).message).toMatch(/--topics/);
    }
    expect(() => compileSelection([], [])).toThrow(/no topic pattern/);
  });
});

describe('planTopics', () => {
  const opts = (over = {}) => ({ selection: compileSelection(['.*']), rename: 'identity' as const, sourceAlias: 'src', targetKind: 'kafka' as const, serverlessMaxMessageBytes: EIGHT_MIB, ...over });

  it('creates missing topics with the source partition count, grows smaller ones, never deletes', () => {
    const plan = planTopics([t('a', 6), t('b', 12), t('c', 3)], [t('b', 4), t('c', 8), t('only-on-target', 2)], opts());
    expect(plan.topics.map((e) => [e.target, e.action, e.targetPartitions])).toEqual([
      ['a', 'create', null],
      ['b', 'grow', 4],
      ['c', 'none', 8],
    ]);
    expect(plan.topics[2]?.warnings.join()).toMatch(/extra target partitions/);
    expect(JSON.stringify(plan)).not.toMatch(/only-on-target/);
  });

  it('prefix rename', () => {
    const plan = planTopics([t('a', 1)], [], opts({ rename: 'prefix', sourceAlias: 'onprem' }));
    expect(plan.topics[0]?.target).toBe('onprem.a');
  });

  it('carries configs but not the replication-specific ones', () => {
    const { configs, skipped } = carryConfigs(t('a', 1, { 'cleanup.policy': 'compact', 'retention.ms': '1000', 'min.insync.replicas': '2', 'message.timestamp.type': 'LogAppendTime', 'segment.bytes': '1048576' }), 'kafka', EIGHT_MIB);
    expect(configs).toEqual({ 'cleanup.policy': 'compact', 'retention.ms': '1000', 'segment.bytes': '1048576' });
    expect(skipped.map((s) => s.name)).toEqual(['message.timestamp.type', 'min.insync.replicas']);
  });

  it('for a Serverless target only the settable configs, the rest listed with reasons', () => {
    const { configs, skipped } = carryConfigs(
      t('a', 1, { 'cleanup.policy': 'delete', 'segment.bytes': '1048576', 'max.message.bytes': String(20 * 1024 * 1024), 'retention.bytes': '-1', 'min.cleanable.dirty.ratio': '0.1' }),
      'serverless',
      EIGHT_MIB,
    );
    expect(configs).toEqual({ 'cleanup.policy': 'delete', 'max.message.bytes': String(EIGHT_MIB), 'retention.bytes': '-1' });
    expect(skipped).toEqual([
      { name: 'max.message.bytes', value: String(20 * 1024 * 1024), reason: expect.stringMatching(/above the MSK Serverless limit/) },
      { name: 'min.cleanable.dirty.ratio', value: '0.1', reason: 'not settable on MSK Serverless (fixed by the service)' },
      { name: 'segment.bytes', value: '1048576', reason: 'not settable on MSK Serverless (fixed by the service)' },
    ]);
  });

  it('warns about timestamp type and timestamp-difference limits that would change or reject records', () => {
    const plan = planTopics(
      [t('a', 1, { 'message.timestamp.type': 'LogAppendTime' }), t('b', 1, { 'retention.ms': '604800000' }), t('c', 1, { 'max.message.bytes': '5000000' })],
      [t('b', 1, { 'message.timestamp.difference.max.ms': '3600000' }), t('c', 1, { 'max.message.bytes': '1048588' })],
      opts(),
    );
    expect(plan.topics[0]?.warnings.join()).toMatch(/LogAppendTime/);
    expect(plan.topics[1]?.warnings.join()).toMatch(/message.timestamp.difference.max.ms=3600000 ms: records older/);
    expect(plan.topics[2]?.warnings.join()).toMatch(/max.message.bytes=1048588 is below/);
  });
});

describe('flow ids', () => {
  it('names the internal topics and validates the id', () => {
    expect(flowTopics('f1')).toEqual({ positions: 'mskctl.f1.positions', offsetMap: 'mskctl.f1.offset-map' });
    expect(validateFlowId('orders_to-sls')).toBe('orders_to-sls');
    expect(() => validateFlowId('a.b')).toThrow(/--flow-id/);
  });
});

import { describe, expect, it } from 'vitest';
import {
  applyPositionsRecord,
  decodePositionsRecord,
  emptySnapshot,
  encodeHeartbeat,
  encodePosition,
  encodeStopRequest,
  flowLiveness,
  type Heartbeat,
} from '../../../src/replication/positions.js';

const heartbeat = (over: Partial<Heartbeat>): Heartbeat => ({
  instance: 'a',
  state: 'running',
  at: 1000,
  intervalMs: 1000,
  startedAt: 0,
  host: 'h',
  pid: 1,
  exactlyOnce: false,
  ...over,
});

describe('positions records', () => {
  it('round-trips positions, heartbeats and stop requests', () => {
    const p = { topic: 'orders.v1', partition: 11, targetTopic: 'src.orders.v1', next: 123456, targetNext: 120000, at: 99 };
    const e = encodePosition(p);
    expect(e.key).toBe('orders.v1/11');
    expect(decodePositionsRecord(e.key, e.value)).toEqual({ kind: 'position', position: p });
    const h = heartbeat({ reason: 'caught-up', state: 'stopped' });
    const eh = encodeHeartbeat(h);
    expect(eh.key).toBe('!heartbeat/a');
    expect(decodePositionsRecord(eh.key, eh.value)).toEqual({ kind: 'heartbeat', heartbeat: h });
    const s = encodeStopRequest({ id: 'x', at: 5, by: 'host/1' });
    expect(decodePositionsRecord(s.key, s.value)).toEqual({ kind: 'stop', stop: { id: 'x', at: 5, by: 'host/1' } });
  });

  it('rejects malformed records with the reason, ignores tombstones and newer versions', () => {
    expect(() => decodePositionsRecord('t/0', '{"v":1,"n":-1,"tt":"t","tn":null,"at":1}')).toThrow(/malformed/);
    expect(() => decodePositionsRecord('t', '{"v":1,"n":1,"tt":"t","tn":null,"at":1}')).toThrow(/topic\/partition/);
    expect(decodePositionsRecord('t/0', null)).toEqual({ kind: 'ignored', key: 't/0' });
    expect(decodePositionsRecord('t/0', '{"v":2}')).toEqual({ kind: 'ignored', key: 't/0' });
  });

  it('folds records, latest per key wins, and remembers where the stop request sits', () => {
    const snap = emptySnapshot();
    const a = encodePosition({ topic: 't', partition: 0, targetTopic: 't', next: 10, targetNext: 10, at: 1 });
    const b = encodePosition({ topic: 't', partition: 0, targetTopic: 't', next: 20, targetNext: 20, at: 2 });
    applyPositionsRecord(snap, a.key, a.value, 0);
    applyPositionsRecord(snap, b.key, b.value, 1);
    const stop = encodeStopRequest({ id: 's', at: 3, by: 'me' });
    applyPositionsRecord(snap, stop.key, stop.value, 2);
    expect(snap.positions.get('t/0')?.next).toBe(20);
    expect(snap.stop).toMatchObject({ id: 's', offset: 2 });
  });
});

describe('flowLiveness', () => {
  it('tells running, stopped, stale and never-started apart', () => {
    expect(flowLiveness([], 0).state).toBe('never-started');
    expect(flowLiveness([heartbeat({ at: 1000 })], 2500).state).toBe('running');
    expect(flowLiveness([heartbeat({ at: 1000 })], 4500).state).toBe('stale');
    expect(flowLiveness([heartbeat({ at: 1000, state: 'stopped' })], 1500).state).toBe('stopped');
    expect(flowLiveness([heartbeat({ at: 1000, state: 'stopped' }), heartbeat({ instance: 'b', at: 2000 })], 2100).state).toBe('running');
    expect(flowLiveness([heartbeat({ at: 1000, state: 'stopping' })], 1100).state).toBe('stopping');
  });
});

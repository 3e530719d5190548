import { describe, expect, it } from 'vitest';
import {
  applyPositionsRecord,
  decodePositionsRecord,
  emptySnapshot,
  encodeClaim,
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

describe('claims: the process that owns a partition now', () => {
  const position = (owner: string | undefined, next: number) => ({ topic: 't', partition: 2, targetTopic: 't', next, targetNext: next + 1000, at: next, ...(owner === undefined ? {} : { owner }) });

  it('round-trips a claim under its own key', () => {
    const c = encodeClaim({ ...position('b', 10), owner: 'b' });
    expect(c.key).toBe('!claim/t/2');
    expect(decodePositionsRecord(c.key, c.value)).toEqual({ kind: 'claim', claim: { topic: 't', partition: 2, owner: 'b', position: position('b', 10) } });
    expect(() => decodePositionsRecord('!claim/t/2', encodePosition(position(undefined, 1)).value)).toThrow(/names no owner/);
  });

  it("a position written by another process after the claim is ignored; the claimant's own ones count", () => {
    const snap = emptySnapshot();
    const apply = (r: { key: string; value: string }, offset: number) => applyPositionsRecord(snap, r.key, r.value, offset);
    apply(encodePosition(position('a', 100)), 0);
    apply(encodeClaim({ ...position('b', 100), owner: 'b' }), 1);
    // a stalled past its session and writes the position of a round b copies again
    apply(encodePosition(position('a', 150)), 2);
    expect(snap.positions.get('t/2')?.next).toBe(100);
    expect(snap.claims.get('t/2')?.owner).toBe('b');
    apply(encodePosition(position('b', 180)), 3);
    expect(snap.positions.get('t/2')).toMatchObject({ next: 180, owner: 'b' });
  });

  it('after compaction only the latest claim and the latest position survive: a late position still loses to the claim', () => {
    // offsets as compaction leaves them: b's positions are gone, a's late one (after b's claim) is the latest
    const snap = emptySnapshot();
    const claim = encodeClaim({ ...position('b', 100), owner: 'b' });
    applyPositionsRecord(snap, claim.key, claim.value, 5);
    const late = encodePosition(position('a', 150));
    applyPositionsRecord(snap, late.key, late.value, 9);
    expect(snap.positions.get('t/2')?.next).toBe(100);
  });

  it('a newer claim supersedes an older position of the previous owner', () => {
    const snap = emptySnapshot();
    const older = encodePosition(position('a', 300));
    applyPositionsRecord(snap, older.key, older.value, 0);
    const claim = encodeClaim({ ...position('c', 300), owner: 'c' });
    applyPositionsRecord(snap, claim.key, claim.value, 1);
    expect(snap.positions.get('t/2')).toMatchObject({ next: 300, owner: 'c' });
  });
});

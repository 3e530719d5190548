import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assignPartitions,
  decodeAssignment,
  decodeMemberMetadata,
  encodeAssignment,
  encodeMemberMetadata,
  type GroupMember,
  type MemberMetadata,
} from '../../../src/replication/assignment.js';

const member = (memberId: string, over: Partial<MemberMetadata> = {}): GroupMember => ({ memberId, metadata: { instance: `i-${memberId}`, config: 'cfg', slot: null, maxSlot: 0, ...over } });
const partitions = (topic: string, count: number) => Array.from({ length: count }, (_, partition) => ({ topic, partition }));

describe('member metadata and assignments', () => {
  it('round-trip, and refuse what another version wrote', () => {
    const m: MemberMetadata = { instance: 'abc', config: 'h', slot: 2, maxSlot: 4 };
    expect(decodeMemberMetadata(encodeMemberMetadata(m))).toEqual(m);
    const a = { partitions: ['t/0', 't/3'], slot: 1, members: 2, fenceSlots: [2, 3] };
    expect(decodeAssignment(encodeAssignment(a))).toEqual(a);
    expect(decodeAssignment(encodeAssignment({ ...a, error: 'no' })).error).toBe('no');
    expect(() => decodeMemberMetadata(Buffer.from('{"v":2}'))).toThrow(/another version/);
    expect(() => decodeAssignment(Buffer.from('nope'))).toThrow(/not JSON/);
  });
});

describe('assignPartitions', () => {
  it('balances: every member gets ⌊P/M⌋ or ⌈P/M⌉, every partition exactly once, each topic spread over members', () => {
    const result = assignPartitions({ members: ['m3', 'm1', 'm2'].map((id) => member(id)), partitions: [...partitions('a', 8), ...partitions('b', 4)], owners: new Map(), config: 'cfg' });
    const lists = [...result.values()].map((a) => a.partitions);
    expect(lists.map((l) => l.length)).toEqual([4, 4, 4]);
    expect(lists.flat().sort()).toEqual([...partitions('a', 8), ...partitions('b', 4)].map((p) => `${p.topic}/${p.partition}`).sort());
    for (const l of lists) expect(l.filter((k) => k.startsWith('a/')).length).toBeGreaterThanOrEqual(2);
    expect([...result.values()].map((a) => a.slot).sort()).toEqual([0, 1, 2]);
  });

  it('is sticky: a partition stays with its last claimant while balance allows, so a join moves only what it must', () => {
    const all = partitions('t', 12);
    const before = assignPartitions({ members: [member('a'), member('b')], partitions: all, owners: new Map(), config: 'cfg' });
    const owners = new Map<string, string>();
    for (const [id, a] of before) for (const k of a.partitions) owners.set(k, `i-${id}`);
    const after = assignPartitions({ members: [member('a', { slot: before.get('a')!.slot }), member('b', { slot: before.get('b')!.slot }), member('c')], partitions: all, owners, config: 'cfg' });
    const moved = [...after].flatMap(([id, a]) => a.partitions.filter((k) => owners.get(k) !== `i-${id}`));
    // c needs 4; a and b each give up 2 and keep the rest
    expect(moved.length).toBe(4);
    expect(after.get('c')!.partitions.length).toBe(4);
    expect(after.get('a')!.slot).toBe(before.get('a')!.slot);
  });

  it('keeps slots in range and hands the slots a shrinking group left behind to slot 0 to fence', () => {
    const result = assignPartitions({ members: [member('x', { slot: 4, maxSlot: 4 }), member('y', { slot: 1, maxSlot: 4 })], partitions: partitions('t', 3), owners: new Map(), config: 'cfg' });
    expect(result.get('y')!.slot).toBe(1);
    expect(result.get('x')!.slot).toBe(0);
    expect(result.get('x')!.fenceSlots).toEqual([2, 3, 4]);
    expect(result.get('y')!.fenceSlots).toEqual([]);
  });

  it('gives a member with other flow options no partitions and an error; the others share everything', () => {
    const result = assignPartitions({ members: [member('a'), member('b', { config: 'other' })], partitions: partitions('t', 4), owners: new Map(), config: 'cfg' });
    expect(result.get('b')).toMatchObject({ partitions: [], error: expect.stringMatching(/other flow options/) });
    expect(result.get('a')!.partitions.length).toBe(4);
  });

  it('more members than partitions: the extra ones get none (and still a slot)', () => {
    const result = assignPartitions({ members: ['a', 'b', 'c'].map((id) => member(id)), partitions: partitions('t', 2), owners: new Map(), config: 'cfg' });
    expect([...result.values()].map((a) => a.partitions.length).sort()).toEqual([0, 1, 1]);
  });

  it('for any membership and ownership: each partition once, balanced, slots 0..M-1 (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 60 }), fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 60 }), (m, p, ownerOf) => {
        const members = Array.from({ length: m }, (_, i) => member(`m${i}`, { slot: ownerOf[i] ?? null, maxSlot: 9 }));
        const all = partitions('t', p);
        const owners = new Map(all.map((x, i) => [`t/${x.partition}`, `i-m${(ownerOf[i] ?? 0) % (m + 2)}`]));
        const result = assignPartitions({ members, partitions: all, owners, config: 'cfg' });
        const lists = [...result.values()].map((a) => a.partitions);
        expect(lists.flat().sort()).toEqual(all.map((x) => `t/${x.partition}`).sort());
        const sizes = lists.map((l) => l.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        expect([...result.values()].map((a) => a.slot).sort((x, y) => x - y)).toEqual(Array.from({ length: m }, (_, i) => i));
      }),
    );
  });
});

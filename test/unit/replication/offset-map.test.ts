import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeOffsetMapEntry,
  decodeOffsetMapRecord,
  encodeOffsetMapClaim,
  encodeOffsetMapEntry,
  entryFromOffsets,
  entryRecordCount,
  entrySourceOffsets,
  FlowOffsetMap,
  PartitionOffsetMap,
} from '../../../src/replication/offset-map.js';

describe('offset map entries', () => {
  it('encodes gaps as runs: [len, gap, len, ...]', () => {
    // 10,11,12 then a gap of 2 (13,14 compacted away), 15, then 17 (16 was a transaction marker)
    const entry = entryFromOffsets('orders', 3, 'orders', 500, [10, 11, 12, 15, 17], 19);
    expect(entry.runs).toEqual([3, 2, 1, 1, 1]);
    expect(entry.sourceFirst).toBe(10);
    expect(entryRecordCount(entry)).toBe(5);
    expect(entrySourceOffsets(entry)).toEqual([10, 11, 12, 15, 17]);
  });

  it('round-trips through the record encoding', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 200 }), fc.nat(1_000_000), (offsets, base) => {
        const sorted = [...offsets].sort((a, b) => a - b);
        const entry = entryFromOffsets('t.x', 7, 'src.t.x', base, sorted, (sorted[sorted.length - 1] as number) + 1);
        const { key, value } = encodeOffsetMapEntry(entry);
        expect(key).toBe('t.x/7');
        const decoded = decodeOffsetMapEntry(key, value);
        expect(decoded).toEqual(entry);
        expect(entrySourceOffsets(decoded)).toEqual(sorted);
      }),
    );
  });

  it('is compact: a gapless chunk of 10,000 records is one run', () => {
    const offsets = Array.from({ length: 10_000 }, (_, i) => 1_000_000 + i);
    const { value } = encodeOffsetMapEntry(entryFromOffsets('t', 0, 't', 42, offsets, 1_010_000));
    expect(value.length).toBeLessThan(80);
  });

  it('rejects malformed values with the reason', () => {
    expect(() => decodeOffsetMapEntry('t/0', '{"v":1}')).toThrow(/malformed/);
    expect(() => decodeOffsetMapEntry('t', '{"v":1}')).toThrow(/topic\/partition/);
    expect(() => decodeOffsetMapEntry('t/0', 'nope')).toThrow(/not JSON/);
    expect(() => decodeOffsetMapEntry('t/0', '{"v":9}')).toThrow(/version/);
    expect(() => entryFromOffsets('t', 0, 't', 0, [3, 2], 4)).toThrow(/ascend/);
    expect(() => entryFromOffsets('t', 0, 't', 0, [3], 3)).toThrow(/past the last/);
  });
});

describe('translate', () => {
  it('maps every source offset to the first replicated record at or after it', () => {
    const map = new PartitionOffsetMap();
    // source 0..4 replicated to target 100..104; 5,6 are gaps (aborted records + marker); 7..9 → 105..107
    map.add(entryFromOffsets('t', 0, 't', 100, [0, 1, 2, 3, 4], 5));
    map.add(entryFromOffsets('t', 0, 't', 105, [7, 8, 9], 11));
    expect(map.translate(0)).toMatchObject({ targetOffset: 100, status: 'exact' });
    expect(map.translate(3)).toMatchObject({ targetOffset: 103, status: 'exact' });
    expect(map.translate(5)).toMatchObject({ targetOffset: 105, status: 'exact' });
    expect(map.translate(6)).toMatchObject({ targetOffset: 105, status: 'exact' });
    expect(map.translate(9)).toMatchObject({ targetOffset: 107, status: 'exact' });
    // 10 is a trailing marker the flow has read past: the next replicated record lands at 108
    expect(map.translate(10)).toMatchObject({ targetOffset: 108, status: 'end', replicatedUpTo: 11 });
    expect(map.translate(11)).toMatchObject({ targetOffset: 108, status: 'end' });
    expect(map.translate(12)).toMatchObject({ targetOffset: null, status: 'ahead', replicatedUpTo: 11 });
  });

  it('merges chunks that continue each other into one run', () => {
    const map = new PartitionOffsetMap();
    for (let i = 0; i < 100; i += 1) map.add(entryFromOffsets('t', 0, 't', 1000 + i * 10, Array.from({ length: 10 }, (_, k) => i * 10 + k), i * 10 + 10));
    expect(map.runCount).toBe(1);
    expect(map.translate(555).targetOffset).toBe(1555);
  });

  it('keeps transaction markers of the target between chunks (exactly-once): offsets jump by one', () => {
    const map = new PartitionOffsetMap();
    map.add(entryFromOffsets('t', 0, 't', 0, [0, 1, 2], 3));
    map.add(entryFromOffsets('t', 0, 't', 4, [3, 4], 5)); // target offset 3 is the commit marker
    expect(map.translate(2).targetOffset).toBe(2);
    expect(map.translate(3).targetOffset).toBe(4);
    expect(map.translate(5)).toMatchObject({ targetOffset: 6, status: 'end' });
  });

  it('prefers the latest copy after an at-least-once replay, so a moved group reads no duplicate', () => {
    const map = new PartitionOffsetMap();
    map.add(entryFromOffsets('t', 0, 't', 0, [0, 1, 2, 3, 4], 5));
    map.add(entryFromOffsets('t', 0, 't', 5, [5, 6, 7, 8, 9], 10)); // written, but its position was lost in a crash
    // restart from stored position 5: 5..9 replicated again at 10..14, then new records
    map.add(entryFromOffsets('t', 0, 't', 10, [5, 6, 7, 8, 9], 10));
    map.add(entryFromOffsets('t', 0, 't', 15, [10, 11], 12));
    expect(map.translate(4).targetOffset).toBe(4);
    expect(map.translate(5).targetOffset).toBe(10);
    expect(map.translate(7).targetOffset).toBe(12);
    expect(map.translate(10).targetOffset).toBe(15);
  });

  it('no loss and the latest copy for any replay pattern (property)', () => {
    // A fixed source log with gaps, replicated in chunks; crashes replay from an earlier chunk boundary
    // (a stored position), possibly leaving unmapped copies on the target.
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 20, maxLength: 300 }),
        fc.array(fc.record({ size: fc.integer({ min: 1, max: 25 }), replay: fc.option(fc.nat(), { nil: undefined }), marker: fc.boolean(), unmapped: fc.boolean() }), { minLength: 1, maxLength: 40 }),
        (exists, steps) => {
          const sourceRecords = exists.flatMap((e, i) => (e ? [i] : []));
          if (sourceRecords.length === 0) return;
          const map = new PartitionOffsetMap();
          const targetLog: number[] = []; // index = target offset, value = source offset (-1 for a marker)
          const boundaries: number[] = [0];
          let position = 0;
          for (const step of steps) {
            if (step.replay !== undefined) {
              // a restart resumes from a stored position: never ahead of where replication is
              const earlier = boundaries.filter((b) => b <= position);
              position = earlier[step.replay % earlier.length] as number;
            }
            const offsets = sourceRecords.filter((o) => o >= position).slice(0, step.size);
            if (offsets.length === 0) break;
            const last = offsets[offsets.length - 1] as number;
            // next skips trailing gaps up to the next existing record (or the log end)
            const following = sourceRecords.find((o) => o > last);
            const next = following ?? exists.length;
            const base = targetLog.length;
            targetLog.push(...offsets);
            if (step.marker) targetLog.push(-1);
            if (step.unmapped) {
              // crash after the records were acknowledged, before map and position were stored: the
              // records stay on the target unmapped, the next run replays them
              continue;
            }
            map.add(entryFromOffsets('t', 0, 't', base, offsets, next));
            boundaries.push(next);
            position = next;
          }
          const mapped = map.replicatedUpTo ?? 0;
          for (let c = 0; c < mapped; c += 1) {
            const t = map.translate(c);
            const expectedFirst = sourceRecords.find((o) => o >= c);
            if (expectedFirst === undefined || expectedFirst >= mapped) {
              expect(t.status).toBe('end');
              continue;
            }
            expect(t.status).toBe('exact');
            const from = t.targetOffset as number;
            // the target record there is the first source record at or after c
            expect(targetLog[from]).toBe(expectedFirst);
            // and reading on from it delivers every replicated source record >= c
            const seen = new Set(targetLog.slice(from));
            for (const s of sourceRecords) if (s >= c && s < mapped) expect(seen.has(s)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reports position-only progress (gaps at the end) and unknown partitions', () => {
    const flow = new FlowOffsetMap();
    expect(flow.translate('t', 0, 5)).toMatchObject({ status: 'unknown', targetOffset: null });
    flow.add(entryFromOffsets('t', 0, 't', 0, [0, 1], 2));
    flow.advance('t', 0, 4, 2); // offsets 2 and 3 were an aborted record and its marker
    expect(flow.translate('t', 0, 4)).toMatchObject({ status: 'end', targetOffset: 2, replicatedUpTo: 4 });
    expect(flow.translate('t', 0, 5)).toMatchObject({ status: 'ahead' });
    flow.advance('t', 1, 3, null);
    expect(flow.translate('t', 1, 1)).toMatchObject({ status: 'unknown', targetOffset: null });
  });
});

describe('claims: several processes share a flow', () => {
  const claim = (owner: string, next: number, targetNext: number | null) => encodeOffsetMapClaim({ topic: 't', partition: 0, targetTopic: 't', owner, next, targetNext });
  const entry = (owner: string, targetBase: number, offsets: number[], next: number) => encodeOffsetMapEntry({ ...entryFromOffsets('t', 0, 't', targetBase, offsets, next), owner });
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

  it('round-trips a claim and an entry with its owner; a claim is not an entry', () => {
    const c = claim('b', 100, 250);
    expect(decodeOffsetMapRecord(c.key, c.value)).toEqual({ kind: 'claim', claim: { topic: 't', partition: 0, targetTopic: 't', owner: 'b', next: 100, targetNext: 250 } });
    const e = entry('a', 10, [1, 2], 3);
    expect(decodeOffsetMapRecord(e.key, e.value)).toMatchObject({ kind: 'entry', entry: { owner: 'a', sourceFirst: 1 } });
    expect(() => decodeOffsetMapEntry(c.key, c.value)).toThrow(/claim, not an entry/);
    expect(() => decodeOffsetMapRecord('t/0', '{"v":1,"claim":7,"tt":"t","n":1,"tn":null}')).toThrow(/claim .* malformed/);
  });

  it("ignores a late entry of a process that lost the partition, so it cannot truncate the new owner's ranges", () => {
    // a owns the partition and copied 0..99 (target 0..99). It stalls past its session with source 100..149
    // sent but not yet in the map; b claims at 100 and copies 100..149 (target 100..149) and 150..199 (target
    // 200..249); a's records land after those, at 250..299, and a wakes up to write their entry between b's two
    const records = [
      claim('a', 0, 0),
      entry('a', 0, range(0, 100), 100),
      claim('b', 100, 100),
      entry('b', 100, range(100, 150), 150),
      entry('a', 250, range(100, 150), 150),
      entry('b', 200, range(150, 200), 200),
    ];
    const map = new FlowOffsetMap();
    for (const r of records) map.apply(r.key, r.value);
    const p = map.get('t', 0)!;
    expect(p.ignoredEntries).toBe(1);
    expect(p.translate(120)).toMatchObject({ targetOffset: 120, status: 'exact' });
    expect(p.translate(170)).toMatchObject({ targetOffset: 220, status: 'exact' });
    expect(p.replicatedUpTo).toBe(200);

    // every entry counting (the rule before claims): the late entry supersedes b's 100..149, and a group
    // committed at 120 would start at a's copy at 270 — past b's 150..199 at 200..249, which it would never read
    const naive = new PartitionOffsetMap();
    for (const r of records) {
      const decoded = decodeOffsetMapRecord(r.key, r.value);
      if (decoded.kind === 'entry') naive.add({ ...decoded.entry, owner: undefined });
    }
    expect(naive.translate(120).targetOffset).toBe(270);
  });

  it('the latest claimant rules: the previous owner writes again after claiming the partition back', () => {
    const map = new FlowOffsetMap();
    for (const r of [claim('a', 0, 0), entry('a', 0, range(0, 10), 10), claim('b', 10, 10), entry('b', 10, range(10, 20), 20), claim('a', 20, 20), entry('a', 20, range(20, 30), 30)]) map.apply(r.key, r.value);
    const p = map.get('t', 0)!;
    expect(p.ignoredEntries).toBe(0);
    expect(p.translate(25)).toMatchObject({ targetOffset: 25, status: 'exact' });
    expect(p.owner).toBe('a');
  });

  it('entries of maps written before claims existed (no owner) always count', () => {
    const map = new FlowOffsetMap();
    map.apply('t/0', JSON.stringify({ v: 1, tt: 't', t: 0, s: 0, r: [5], n: 5 }));
    map.apply(claim('b', 5, 5).key, claim('b', 5, 5).value);
    map.apply('t/0', JSON.stringify({ v: 1, tt: 't', t: 5, s: 5, r: [5], n: 10 }));
    expect(map.translate('t', 0, 7)).toMatchObject({ targetOffset: 7, status: 'exact' });
  });

  it('a claim of a partition that never held a record makes its committed offsets translate to the target end', () => {
    // an empty source partition (log start = end = 0): a consumer committed 0 there; the claim says where the
    // partition's first record will land on the target
    const map = new FlowOffsetMap();
    const c = claim('a', 0, 0);
    map.apply(c.key, c.value);
    expect(map.translate('t', 0, 0)).toEqual({ sourceOffset: 0, targetOffset: 0, status: 'end', replicatedUpTo: 0 });
    expect(map.translate('t', 0, 1)).toMatchObject({ status: 'ahead' });
  });
});

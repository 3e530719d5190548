import { describe, expect, it } from 'vitest';
import { Packer, type Capacity, type PackItem } from '../../../src/split/packing.js';

const CAPACITY: Capacity = { ingress: 100, egress: 200, partitions: 50, compactedPartitions: 10, consumerGroups: 3, connections: 100 };

function item(topic: string, load: [number, number, number, number], groups: string[] = [], apps: string[] = [], affinity = topic): PackItem {
  return { topics: [topic], load, groups, apps, affinity };
}

const connections: Record<string, number> = { a: 60, b: 30, c: 50 };
const packer = new Packer(CAPACITY, (app) => connections[app] ?? 0);

describe('Packer.fits', () => {
  it('checks the additive dimensions exactly, at the limit included', () => {
    const bin = packer.newBin();
    packer.add(bin, item('t1', [60, 0, 10, 0]));
    expect(packer.fits(bin, item('t2', [40, 0, 10, 0]))).toBe(true);
    expect(packer.fits(bin, item('t3', [40.001, 0, 10, 0]))).toBe(false);
    expect(packer.fits(bin, item('t4', [0, 0, 41, 0]))).toBe(false);
    expect(packer.fits(bin, item('t5', [0, 0, 0, 11]))).toBe(false);
  });

  it('counts a group or an application already on the bin as free', () => {
    const bin = packer.newBin();
    packer.add(bin, item('t1', [1, 1, 1, 0], ['g1', 'g2', 'g3'], ['a']));
    expect(packer.fits(bin, item('t2', [1, 1, 1, 0], ['g1', 'g3'], ['a']))).toBe(true);
    expect(packer.fits(bin, item('t3', [1, 1, 1, 0], ['g4']))).toBe(false);
    expect(packer.fits(bin, item('t4', [1, 1, 1, 0], [], ['b']))).toBe(true); // 60 + 30
    expect(packer.fits(bin, item('t5', [1, 1, 1, 0], [], ['c']))).toBe(false); // 60 + 50
  });

  it('undoes add with remove, shared counts included', () => {
    const bin = packer.newBin();
    const x = item('x', [10, 20, 3, 1], ['g1'], ['a']);
    const y = item('y', [5, 5, 2, 0], ['g1', 'g2'], ['a', 'b']);
    packer.add(bin, x);
    packer.add(bin, y);
    expect([...bin.load, bin.groups.size, bin.connections]).toEqual([15, 25, 5, 1, 2, 90]);
    packer.remove(bin, y);
    expect([...bin.load, bin.groups.size, bin.connections]).toEqual([10, 20, 3, 1, 1, 60]);
  });
});

describe('Packer.pack', () => {
  it('never exceeds a capacity and places every item once', () => {
    const items = Array.from({ length: 30 }, (_, i) => item(`t${i}`, [(i * 7) % 40, (i * 13) % 90, 1 + (i % 9), i % 3 === 0 ? 2 : 0], [`g${i % 5}`], [['a', 'b', 'c'][i % 3]!]));
    const bins = packer.pack(items);
    for (const bin of bins) {
      expect(bin.load[0]).toBeLessThanOrEqual(100);
      expect(bin.load[1]).toBeLessThanOrEqual(200);
      expect(bin.load[2]).toBeLessThanOrEqual(50);
      expect(bin.load[3]).toBeLessThanOrEqual(10);
      expect(bin.groups.size).toBeLessThanOrEqual(3);
      expect(bin.connections).toBeLessThanOrEqual(100);
    }
    expect(bins.flatMap((b) => b.items.flatMap((i) => i.topics)).sort()).toEqual(items.map((i) => i.topics[0]).sort());
    expect(bins.length).toBeGreaterThanOrEqual(packer.lowerBound(items).clusters);
  });

  it('reaches the optimum when sizes pair up exactly (first-fit decreasing)', () => {
    // 60+40, 60+40, 70+30: three full clusters of ingress
    const items = [60, 40, 60, 40, 70, 30].map((v, i) => item(`t${i}`, [v, 0, 1, 0]));
    expect(packer.pack(items)).toHaveLength(3);
    expect(packer.lowerBound(items)).toEqual({ clusters: 3, byDimension: { ingress: 3, egress: 0, partitions: 1, compactedPartitions: 0, consumerGroups: 0, connections: 0 } });
  });

  it('prefers a cluster that already holds the item\'s group over an earlier one with room', () => {
    // p1 (60) opens cluster 1, p2 (50) does not fit there and opens cluster 2; p3 (30) would fit cluster 1
    // first, but cluster 2 already has its group gb
    const bins = packer.pack([item('p1', [60, 0, 1, 0], ['ga']), item('p2', [50, 0, 1, 0], ['gb']), item('p3', [30, 0, 1, 0], ['gb'])]);
    expect(bins.map((b) => b.items.map((i) => i.topics[0]).sort())).toEqual([['p1'], ['p2', 'p3']]);
  });
});

describe('Packer.improve', () => {
  it('empties a bin whose items fit elsewhere, and keeps bins that cannot be emptied', () => {
    const full = packer.newBin();
    packer.add(full, item('big', [90, 0, 1, 0]));
    const half = packer.newBin();
    packer.add(half, item('mid', [50, 0, 1, 0]));
    const small = packer.newBin();
    packer.add(small, item('tiny', [10, 0, 1, 0]));
    const improved = packer.improve([full, half, small]);
    expect(improved).toHaveLength(2);
    expect(improved.flatMap((b) => b.items.map((i) => i.topics[0])).sort()).toEqual(['big', 'mid', 'tiny']);
    for (const bin of improved) expect(bin.load[0]).toBeLessThanOrEqual(100);
  });
});

describe('Packer.lowerBound', () => {
  it('counts shared groups and applications once', () => {
    const items = [item('x', [10, 0, 1, 0], ['g1', 'g2'], ['a']), item('y', [10, 0, 1, 0], ['g2', 'g3', 'g4'], ['a', 'c'])];
    // 4 distinct groups / 3 → 2 clusters; connections 60 + 50 = 110 / 100 → 2
    expect(packer.lowerBound(items).byDimension).toMatchObject({ consumerGroups: 2, connections: 2, ingress: 1 });
    expect(packer.lowerBound([])).toMatchObject({ clusters: 0 });
  });
});

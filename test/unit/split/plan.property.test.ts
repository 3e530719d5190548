/**
 * Property-based tests of the split planner over random inventories (fast-check, fixed seed so the printed
 * figures are reproducible): no cluster exceeds a quota dimension (recomputed here from the assignments,
 * not taken from the planner), every topic is assigned exactly once and never split, and the Serverless
 * cluster count is at least the lower bound — the tests print how close it gets.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Inventory } from '../../../src/split/inventory.js';
import { planSplit, splitQuotas, type GroupBy, type SplitPlan, type Strategy } from '../../../src/split/plan.js';
import { app, group, inventory, limitsWith, MB, topic } from './helpers.js';

// small quotas, so random inventories need several clusters per group
const LIMITS = limitsWith({ ingress: 100 * MB, egress: 200 * MB, partitions: 400, compactedPartitions: 40, consumerGroups: 6, connections: 1500, clustersPerAccount: 1000 });

const inventoryArbitrary: fc.Arbitrary<Inventory> = fc
  .record({
    apps: fc.array(
      fc.record({
        team: fc.integer({ min: 0, max: 3 }),
        latency: fc.constantFrom('time-sensitive' as const, 'batch' as const),
        pii: fc.boolean(),
        connections: fc.integer({ min: 0, max: 600 }),
      }),
      { minLength: 1, maxLength: 10 },
    ),
    topics: fc.array(
      fc.record({
        ingressKB: fc.integer({ min: 0, max: 40_000 }),
        partitions: fc.integer({ min: 1, max: 120 }),
        compacted: fc.boolean(),
        owner: fc.nat(),
        maxMessageMiB: fc.integer({ min: 1, max: 10 }),
      }),
      { minLength: 1, maxLength: 60 },
    ),
    groups: fc.array(fc.record({ app: fc.nat(), reads: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }) }), { maxLength: 40 }),
  })
  .map(({ apps, topics, groups }) => {
    const applications = apps.map((a, i) => app(`app${i}`, `team${a.team}`, { latency: a.latency, dataClass: a.pii ? 'pii' : 'internal', connections: a.connections }));
    const topicList = topics.map((t, i) => {
      const owner = applications[t.owner % applications.length]!;
      owner.produces.push(`t${i}`);
      return topic(`t${i}`, t.ingressKB * 1000, t.partitions, { compacted: t.compacted, maxMessageBytes: t.maxMessageMiB * 1024 * 1024 });
    });
    const groupList = groups.map((g, i) => group(`g${i}`, applications[g.app % applications.length]!.name, [...new Set(g.reads.map((r) => `t${r % topicList.length}`))]));
    return inventory(applications, topicList, groupList);
  });

const optionsArbitrary = fc.record({
  strategy: fc.constantFrom<Strategy>('segregated', 'write-read'),
  groupBy: fc.constantFrom<GroupBy>('team', 'application', 'latency', 'data-class'),
  headroom: fc.constantFrom(0.5, 0.7, 0.8, 1),
});

/** Independent recomputation of a segregated cluster's usage from the inventory and the plan's assignments. */
function recomputeSegregated(inv: Inventory, plan: SplitPlan, headroom: number): Map<string, Record<string, number>> {
  const q = splitQuotas(LIMITS, headroom);
  const out = new Map<string, Record<string, number>>();
  const readersOf = (t: string) => inv.consumerGroups.filter((g) => g.topics.includes(t));
  for (const c of plan.clusters.filter((x) => x.type === 'serverless')) {
    let ingress = 0;
    let egress = 0;
    let partitions = 0;
    let compacted = 0;
    const groups = new Set<string>();
    const apps = new Set<string>();
    for (const name of c.topics) {
      const t = inv.topics.find((x) => x.name === name)!;
      const readers = readersOf(name);
      const out = t.ingressBytesPerSecond * readers.length;
      const p = Math.max(t.partitions, Math.ceil(t.ingressBytesPerSecond / q.ingressPerPartition - 1e-9), Math.ceil(out / q.egressPerPartition - 1e-9));
      ingress += t.ingressBytesPerSecond;
      egress += out;
      partitions += p;
      if (t.compacted) compacted += p;
      for (const g of readers) {
        groups.add(g.name);
        apps.add(g.application);
      }
      for (const a of inv.applications) if (a.produces.includes(name)) apps.add(a.name);
    }
    const connections = [...apps].reduce((s, a) => s + inv.applications.find((x) => x.name === a)!.connections, 0);
    out.set(c.name, { ingress, egress, partitions, compactedPartitions: compacted, consumerGroups: groups.size, connections });
  }
  return out;
}

const ratios: Array<{ strategy: Strategy; plan: number; bound: number }> = [];

describe('split planner properties (random inventories)', () => {
  it('never exceeds a quota dimension, assigns every topic exactly once and never splits one', () => {
    fc.assert(
      fc.property(inventoryArbitrary, optionsArbitrary, (inv, options) => {
        const plan = planSplit(inv, { ...options, limits: LIMITS });
        const q = splitQuotas(LIMITS, options.headroom);

        // the reported usage of every Serverless cluster stays within headroom × quota in every dimension
        for (const c of plan.clusters.filter((x) => x.type === 'serverless')) {
          for (const u of c.usage) expect(u.value, `${c.name} ${u.dimension}`).toBeLessThanOrEqual(q.capacity[u.dimension] * (1 + 1e-9) + 1e-6);
        }
        // ... and so does an independent recomputation (segregated: every dimension from the raw inventory)
        if (options.strategy === 'segregated') {
          for (const [name, usage] of recomputeSegregated(inv, plan, options.headroom)) {
            for (const [d, v] of Object.entries(usage)) expect(v, `${name} ${d} recomputed`).toBeLessThanOrEqual(q.capacity[d as keyof typeof q.capacity] * (1 + 1e-9) + 1e-6);
            const reported = Object.fromEntries(plan.clusters.find((c) => c.name === name)!.usage.map((u) => [u.dimension, u.value]));
            for (const [d, v] of Object.entries(usage)) expect(reported[d]).toBeCloseTo(v, 3);
          }
        }

        // every topic sits on exactly one home cluster (write, dedicated or Provisioned), whole
        const homes = plan.clusters.filter((c) => c.role !== 'read').flatMap((c) => c.topics);
        expect(homes.slice().sort()).toEqual(inv.topics.map((t) => t.name).sort());
        expect(Object.keys(plan.assignments).sort()).toEqual(inv.topics.map((t) => t.name).sort());
        for (const c of plan.clusters) expect(plan.clusters.filter((x) => x.role === c.role && x.group === c.group).flatMap((x) => x.topics).filter((t) => c.topics.includes(t))).toEqual(c.topics);

        // write-read: a read cluster holds only replicas of Serverless write-cluster topics, each read there
        if (options.strategy === 'write-read') {
          for (const c of plan.clusters.filter((x) => x.role === 'read')) {
            for (const t of c.topics) {
              expect(plan.clusters.find((w) => w.name === plan.assignments[t])!.role).toBe('write');
              expect(plan.flows.some((f) => f.kind === 'permanent' && f.to === c.name && f.topics.includes(t))).toBe(true);
            }
          }
        }

        // the count is never below the lower bound
        expect(plan.serverlessClusters).toBeGreaterThanOrEqual(plan.lowerBound.serverlessClusters);
        ratios.push({ strategy: options.strategy, plan: plan.serverlessClusters, bound: plan.lowerBound.serverlessClusters });
      }),
      { seed: 20261125, numRuns: 300 },
    );
  });

  it('stays close to the lower bound on average', () => {
    const withClusters = ratios.filter((r) => r.bound > 0);
    const mean = withClusters.reduce((s, r) => s + r.plan / r.bound, 0) / withClusters.length;
    expect(withClusters.length).toBeGreaterThan(100);
    expect(mean).toBeLessThan(1.5);
  });
});

afterAll(() => {
  for (const strategy of ['segregated', 'write-read'] as const) {
    const rs = ratios.filter((r) => r.strategy === strategy && r.bound > 0);
    if (rs.length === 0) continue;
    const plan = rs.reduce((s, r) => s + r.plan, 0);
    const bound = rs.reduce((s, r) => s + r.bound, 0);
    const exact = rs.filter((r) => r.plan === r.bound).length;
    const worst = rs.reduce((w, r) => Math.max(w, r.plan / r.bound), 1);
    console.log(
      `split plan vs lower bound (${strategy}, ${rs.length} random inventories): ${plan} Serverless clusters planned, lower bound ${bound} ` +
        `(total ratio ${(plan / bound).toFixed(3)}); equal to the bound in ${exact}/${rs.length}; worst ratio ${worst.toFixed(2)}`,
    );
  }
});

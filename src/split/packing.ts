/**
 * Multi-dimensional bin packing of topics into clusters. Four dimensions add up (ingress, egress,
 * partitions, compacted partitions); two are shared (a consumer group or an application's connections count
 * once per cluster however many of its topics sit there), so every fit test is exact, not an approximation.
 *
 * Algorithm: items (a whole application's topics when they fit one cluster, else single topics — a topic is
 * never split) sorted by their dominant normalised dimension, placed first-fit, preferring a cluster that
 * already holds the item's application; then an improvement pass empties the least-loaded clusters into the
 * others when everything fits.
 */

export const DIMENSIONS = ['ingress', 'egress', 'partitions', 'compactedPartitions', 'consumerGroups', 'connections'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** The additive dimensions, in this order in PackItem.load. */
const ADDITIVE = 4;
const GROUPS = 4;
const CONNECTIONS = 5;

export type Capacity = Record<Dimension, number>;

export interface PackItem {
  /** the topics this item stands for (one, or a whole application's) */
  topics: string[];
  /** ingress, egress, partitions, compacted partitions */
  load: [number, number, number, number];
  /** consumer groups (or replication flows) this item brings to a cluster */
  groups: string[];
  /** applications whose clients connect to the cluster because of this item */
  apps: string[];
  /** key that keeps an application's items together when possible */
  affinity: string;
}

export interface Bin {
  load: number[];
  groups: Map<string, number>;
  apps: Map<string, number>;
  connections: number;
  items: PackItem[];
}

const EPSILON = 1e-9;

export class Packer {
  constructor(
    readonly capacity: Capacity,
    private readonly connectionsOf: (app: string) => number,
  ) {}

  private caps(): number[] {
    return DIMENSIONS.map((d) => this.capacity[d]);
  }

  newBin(): Bin {
    return { load: [0, 0, 0, 0], groups: new Map(), apps: new Map(), connections: 0, items: [] };
  }

  /** The item's size in each dimension when alone on a cluster. */
  demand(item: PackItem): number[] {
    let connections = 0;
    for (const app of item.apps) connections += this.connectionsOf(app);
    return [...item.load, item.groups.length, connections];
  }

  /** Largest share of a capacity the item takes alone (Infinity when a capacity is 0 and the item needs some). */
  dominant(item: PackItem): number {
    const caps = this.caps();
    let worst = 0;
    this.demand(item).forEach((value, d) => {
      const share = value === 0 ? 0 : caps[d]! <= 0 ? Infinity : value / caps[d]!;
      if (share > worst) worst = share;
    });
    return worst;
  }

  fitsAlone(item: PackItem): boolean {
    return this.fits(this.newBin(), item);
  }

  /** Exact fit test, shared dimensions included. */
  fits(bin: Bin, item: PackItem): boolean {
    const caps = this.caps();
    for (let d = 0; d < ADDITIVE; d++) {
      if (bin.load[d]! + item.load[d]! > caps[d]! * (1 + EPSILON) + EPSILON) return false;
    }
    let newGroups = 0;
    for (const g of item.groups) if (!bin.groups.has(g)) newGroups++;
    if (newGroups > 0 && bin.groups.size + newGroups > caps[GROUPS]!) return false;
    let newConnections = 0;
    for (const app of item.apps) if (!bin.apps.has(app)) newConnections += this.connectionsOf(app);
    if (newConnections > 0 && bin.connections + newConnections > caps[CONNECTIONS]!) return false;
    return true;
  }

  add(bin: Bin, item: PackItem): void {
    for (let d = 0; d < ADDITIVE; d++) bin.load[d]! += item.load[d]!;
    for (const g of item.groups) bin.groups.set(g, (bin.groups.get(g) ?? 0) + 1);
    for (const app of item.apps) {
      const n = bin.apps.get(app) ?? 0;
      if (n === 0) bin.connections += this.connectionsOf(app);
      bin.apps.set(app, n + 1);
    }
    bin.items.push(item);
  }

  remove(bin: Bin, item: PackItem): void {
    const index = bin.items.indexOf(item);
    if (index < 0) return;
    bin.items.splice(index, 1);
    for (let d = 0; d < ADDITIVE; d++) bin.load[d]! -= item.load[d]!;
    for (const g of item.groups) {
      const n = (bin.groups.get(g) ?? 1) - 1;
      if (n <= 0) bin.groups.delete(g);
      else bin.groups.set(g, n);
    }
    for (const app of item.apps) {
      const n = (bin.apps.get(app) ?? 1) - 1;
      if (n <= 0) {
        bin.apps.delete(app);
        bin.connections -= this.connectionsOf(app);
      } else bin.apps.set(app, n);
    }
  }

  /** Largest share of a capacity a bin uses. */
  fullness(bin: Bin): number {
    const caps = this.caps();
    const values = [...bin.load, bin.groups.size, bin.connections];
    let worst = 0;
    values.forEach((v, d) => {
      if (caps[d]! > 0 && v / caps[d]! > worst) worst = v / caps[d]!;
    });
    return worst;
  }

  /**
   * Packs items into as few bins as it can. Every item must fit alone (callers route the others elsewhere).
   * Returns the bins; no bin exceeds the capacity in any dimension.
   */
  pack(items: PackItem[]): Bin[] {
    const sorted = items
      .map((item) => ({ item, size: this.dominant(item) }))
      .sort((a, b) => b.size - a.size || (a.item.affinity < b.item.affinity ? -1 : a.item.affinity > b.item.affinity ? 1 : 0));
    const bins: Bin[] = [];
    // which bins already hold an application or a consumer group: the candidates that add the least
    const binsOfApp = new Map<string, Set<Bin>>();
    const binsOfGroup = new Map<string, Set<Bin>>();
    const note = (index: Map<string, Set<Bin>>, key: string, bin: Bin): void => {
      const set = index.get(key);
      if (set) set.add(bin);
      else index.set(key, new Set([bin]));
    };
    for (const { item } of sorted) {
      // 1. among bins sharing an application or group with the item, the one where it adds the least
      //    shared load (new groups, new connections); ties go to the fuller bin
      let target: Bin | undefined;
      let best = Infinity;
      const candidates = new Set<Bin>();
      for (const app of item.apps) for (const bin of binsOfApp.get(app) ?? []) candidates.add(bin);
      for (const g of item.groups) for (const bin of binsOfGroup.get(g) ?? []) candidates.add(bin);
      for (const bin of candidates) {
        const cost = this.marginalCost(bin, item);
        if (cost < best || (cost === best && target !== undefined && this.fullness(bin) > this.fullness(target))) {
          best = cost;
          target = bin;
        }
      }
      // 2. else first fit
      if (!target) {
        for (const bin of bins) {
          if (this.fits(bin, item)) {
            target = bin;
            break;
          }
        }
      }
      if (!target) {
        target = this.newBin();
        bins.push(target);
      }
      this.add(target, item);
      for (const app of item.apps) note(binsOfApp, app, target);
      for (const g of item.groups) note(binsOfGroup, g, target);
    }
    return this.improve(bins);
  }

  /** Shared load the item would add to the bin (normalised new groups + new connections), or Infinity when it does not fit. */
  marginalCost(bin: Bin, item: PackItem): number {
    if (!this.fits(bin, item)) return Infinity;
    let newGroups = 0;
    for (const g of item.groups) if (!bin.groups.has(g)) newGroups++;
    let newConnections = 0;
    for (const app of item.apps) if (!bin.apps.has(app)) newConnections += this.connectionsOf(app);
    const caps = this.caps();
    return (caps[GROUPS]! > 0 ? newGroups / caps[GROUPS]! : 0) + (caps[CONNECTIONS]! > 0 ? newConnections / caps[CONNECTIONS]! : 0);
  }

  /**
   * Improvement pass: try to empty the least-full bin into the others (largest items first, best fit:
   * the fullest bin that still takes the item); keep the move only when the whole bin empties.
   */
  improve(bins: Bin[]): Bin[] {
    let current = bins;
    let attempts = 0;
    const maxAttempts = Math.max(4, Math.min(current.length, 64));
    while (current.length > 1 && attempts < maxAttempts) {
      attempts++;
      const ordered = [...current].sort((a, b) => this.fullness(a) - this.fullness(b));
      let emptied = false;
      for (const victim of ordered.slice(0, Math.min(ordered.length, 4))) {
        const others = ordered.filter((b) => b !== victim).sort((a, b) => this.fullness(b) - this.fullness(a));
        const moves: Array<[PackItem, Bin]> = [];
        const items = [...victim.items].sort((a, b) => this.dominant(b) - this.dominant(a));
        let ok = true;
        for (const item of items) {
          const target = others.find((bin) => this.fits(bin, item));
          if (!target) {
            ok = false;
            break;
          }
          this.add(target, item);
          moves.push([item, target]);
        }
        if (ok) {
          current = current.filter((b) => b !== victim);
          emptied = true;
          break;
        }
        for (const [item, target] of moves.reverse()) this.remove(target, item);
      }
      if (!emptied) break;
    }
    return current;
  }

  /** max over dimensions of ceil(total / capacity), shared dimensions counted once per group or application. */
  lowerBound(items: PackItem[]): { clusters: number; byDimension: Record<Dimension, number> } {
    const totals = [0, 0, 0, 0, 0, 0];
    const groups = new Set<string>();
    const apps = new Set<string>();
    for (const item of items) {
      for (let d = 0; d < ADDITIVE; d++) totals[d]! += item.load[d]!;
      for (const g of item.groups) groups.add(g);
      for (const a of item.apps) apps.add(a);
    }
    totals[GROUPS] = groups.size;
    for (const a of apps) totals[CONNECTIONS]! += this.connectionsOf(a);
    const caps = this.caps();
    const byDimension = {} as Record<Dimension, number>;
    let clusters = items.length > 0 ? 1 : 0;
    DIMENSIONS.forEach((d, i) => {
      const need = totals[i]! === 0 ? 0 : caps[i]! <= 0 ? Infinity : Math.ceil(totals[i]! / caps[i]! - EPSILON);
      byDimension[d] = need;
      if (need > clusters) clusters = need;
    });
    return { clusters, byDimension };
  }
}

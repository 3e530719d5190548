/**
 * The exact upstream → downstream offset map of a flow.
 *
 * Every chunk the replicator produces to a target partition lands as ONE record batch, so its records get
 * consecutive target offsets starting at the base offset the broker returns. A chunk's map entry is therefore
 * the target base offset plus the (gappy) list of source offsets it carried, stored as runs:
 * `[len0, gap1, len1, gap2, len2, ...]` from the first source offset. Gaps are source offsets that hold no
 * replicated record (compacted away, transaction markers, aborted records).
 *
 * translate(c) answers: the target offset of the first replicated record whose source offset is >= c — the
 * offset a consumer group committed at c on the source must commit on the target to read every remaining
 * record exactly once. When a range was replicated more than once (an at-least-once restart replays from
 * the last stored position), the LATEST copy wins, so a moved consumer reads no duplicates and loses nothing.
 *
 * Scale-out: several processes share a flow's partitions (src/replication/assignment.ts). A process that takes
 * a partition first writes a CLAIM to the map (`{"v":1,"claim":<instance>,"n","tn","tt"}` under the partition's
 * key), and every entry names the process that wrote it (`"o"`). An entry from any other process than the latest
 * claimant is a late write of a process that lost the partition without knowing it yet (stalled past its group
 * session): it is ignored, so it cannot truncate the new owner's newer ranges. The records it wrote stay on the
 * target (duplicates); the claimant re-copies from its claimed position, so nothing is lost.
 *
 * Pure: no Kafka imports; the replicator and `replicate translate` feed it decoded records.
 */

export const OFFSET_MAP_VERSION = 1;

export interface OffsetMapEntry {
  /** source topic and partition (the target partition number is the same) */
  topic: string;
  partition: number;
  targetTopic: string;
  /** target offset of the chunk's first record */
  targetBase: number;
  /** source offset of the chunk's first record */
  sourceFirst: number;
  /** run lengths and gaps: [len0, gap1, len1, ...]; sum of lengths = records in the chunk */
  runs: number[];
  /** the next source offset to read after this chunk (> last source offset; skips trailing gaps) */
  next: number;
  /** the replicator instance that wrote it (absent in maps written before scale-out) */
  owner?: string;
}

/** A process took a partition: from here on, only its entries count. n/tn: the position it starts from. */
export interface OffsetMapClaim {
  topic: string;
  partition: number;
  targetTopic: string;
  owner: string;
  next: number;
  /** target offset where its first record will land (the target partition's end when it claimed) */
  targetNext: number | null;
}

export type OffsetMapRecord = { kind: 'entry'; entry: OffsetMapEntry } | { kind: 'claim'; claim: OffsetMapClaim };

/** Builds an entry from the source offsets of one produced chunk (ascending, as carried). */
export function entryFromOffsets(
  topic: string,
  partition: number,
  targetTopic: string,
  targetBase: number,
  sourceOffsets: readonly number[],
  next: number,
): OffsetMapEntry {
  if (sourceOffsets.length === 0) throw new Error('an offset map entry needs at least one record');
  const first = sourceOffsets[0] as number;
  const runs: number[] = [];
  let runLength = 1;
  let previous = first;
  for (let i = 1; i < sourceOffsets.length; i += 1) {
    const offset = sourceOffsets[i] as number;
    if (offset <= previous) throw new Error(`source offsets must ascend: ${offset} after ${previous}`);
    if (offset === previous + 1) runLength += 1;
    else {
      runs.push(runLength, offset - previous - 1);
      runLength = 1;
    }
    previous = offset;
  }
  runs.push(runLength);
  if (next <= previous) throw new Error(`next (${next}) must be past the last source offset (${previous})`);
  return { topic, partition, targetTopic, targetBase, sourceFirst: first, runs, next };
}

/** The source offsets an entry covers, in order (for tests and debugging). */
export function entrySourceOffsets(entry: OffsetMapEntry): number[] {
  const out: number[] = [];
  let offset = entry.sourceFirst;
  for (let i = 0; i < entry.runs.length; i += 1) {
    const n = entry.runs[i] as number;
    if (i % 2 === 0) {
      for (let k = 0; k < n; k += 1) out.push(offset + k);
      offset += n;
    } else offset += n;
  }
  return out;
}

export function entryRecordCount(entry: OffsetMapEntry): number {
  let count = 0;
  for (let i = 0; i < entry.runs.length; i += 2) count += entry.runs[i] as number;
  return count;
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}

/** Splits "topic/partition" (topic names cannot contain "/"). */
export function parsePartitionKey(key: string): { topic: string; partition: number } | undefined {
  const slash = key.lastIndexOf('/');
  if (slash <= 0) return undefined;
  const partition = Number(key.slice(slash + 1));
  if (!Number.isInteger(partition) || partition < 0) return undefined;
  return { topic: key.slice(0, slash), partition };
}

/** Record key and value (JSON, short field names) of an entry in the `mskctl.<flow>.offset-map` topic. */
export function encodeOffsetMapEntry(entry: OffsetMapEntry): { key: string; value: string } {
  return {
    key: partitionKey(entry.topic, entry.partition),
    value: JSON.stringify({ v: OFFSET_MAP_VERSION, tt: entry.targetTopic, t: entry.targetBase, s: entry.sourceFirst, r: entry.runs, n: entry.next, ...(entry.owner === undefined ? {} : { o: entry.owner }) }),
  };
}

export function encodeOffsetMapClaim(claim: OffsetMapClaim): { key: string; value: string } {
  return {
    key: partitionKey(claim.topic, claim.partition),
    value: JSON.stringify({ v: OFFSET_MAP_VERSION, claim: claim.owner, tt: claim.targetTopic, n: claim.next, tn: claim.targetNext }),
  };
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Decodes a map record (an entry or a claim); throws with the reason when it is neither. */
export function decodeOffsetMapRecord(key: string, value: string): OffsetMapRecord {
  const where = parsePartitionKey(key);
  if (!where) throw new Error(`offset-map key ${JSON.stringify(key)} is not "topic/partition"`);
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch {
    throw new Error(`offset-map value for ${key} is not JSON`);
  }
  const v = raw as Record<string, unknown>;
  if (v.v !== OFFSET_MAP_VERSION) throw new Error(`offset-map value for ${key} has unknown version ${JSON.stringify(v.v)}`);
  if (v.claim !== undefined) {
    if (typeof v.claim !== 'string' || typeof v.tt !== 'string' || !isNonNegativeInteger(v.n) || !(v.tn === null || isNonNegativeInteger(v.tn))) {
      throw new Error(`offset-map claim for ${key} is malformed: ${value.slice(0, 200)}`);
    }
    return { kind: 'claim', claim: { topic: where.topic, partition: where.partition, targetTopic: v.tt, owner: v.claim, next: v.n, targetNext: v.tn as number | null } };
  }
  const runs = v.r;
  if (
    typeof v.tt !== 'string' ||
    !isNonNegativeInteger(v.t) ||
    !isNonNegativeInteger(v.s) ||
    !isNonNegativeInteger(v.n) ||
    !(v.o === undefined || typeof v.o === 'string') ||
    !Array.isArray(runs) ||
    runs.length % 2 !== 1 ||
    !runs.every((n, i) => isNonNegativeInteger(n) && (i % 2 === 1 || n > 0))
  ) {
    throw new Error(`offset-map value for ${key} is malformed: ${value.slice(0, 200)}`);
  }
  const entry: OffsetMapEntry = { topic: where.topic, partition: where.partition, targetTopic: v.tt, targetBase: v.t, sourceFirst: v.s, runs: runs as number[], next: v.n };
  if (typeof v.o === 'string') entry.owner = v.o;
  return { kind: 'entry', entry };
}

/** Decodes a map record that must be an entry. */
export function decodeOffsetMapEntry(key: string, value: string): OffsetMapEntry {
  const record = decodeOffsetMapRecord(key, value);
  if (record.kind !== 'entry') throw new Error(`offset-map value for ${key} is a claim, not an entry`);
  return record.entry;
}

/** A contiguous stretch: n records with source offsets s..s+n-1 at target offsets t..t+n-1. */
interface Run {
  s: number;
  t: number;
  n: number;
}

export type TranslationStatus =
  /** a replicated record at or after the offset exists; targetOffset is the first one */
  | 'exact'
  /** every record before the offset is replicated and none at or after it yet: targetOffset is where the next replicated record lands */
  | 'end'
  /** the offset is beyond what the flow has read from the source: not translatable yet */
  | 'ahead'
  /** the flow has replicated nothing for this partition */
  | 'unknown';

export interface Translation {
  sourceOffset: number;
  targetOffset: number | null;
  status: TranslationStatus;
  /** the source offset replication has reached (next to read), when known */
  replicatedUpTo: number | null;
}

/**
 * The map of one source partition, built from its entries in the order they were written (the order of the
 * map topic's partition). Adjacent runs that continue each other on both sides are merged, so an uncompacted
 * source replicated without restarts is a single run however many chunks it took.
 */
export class PartitionOffsetMap {
  private runs: Run[] = [];
  private nextSource: number | null = null;
  private nextTarget: number | null = null;
  targetTopic: string | null = null;
  /** the latest claimant: entries of other writers that come after its claim are ignored */
  owner: string | null = null;
  /** entries ignored as late writes of a previous owner */
  ignoredEntries = 0;

  /** A process took the partition at `next` (its first entry will supersede from there). */
  claim(claim: OffsetMapClaim): void {
    this.owner = claim.owner;
    this.targetTopic = claim.targetTopic;
    this.advance(claim.next, claim.targetNext);
  }

  /**
   * Adds a chunk. A chunk starting at or before already-mapped source offsets supersedes them (replay after
   * restart). A chunk written by another process than the latest claimant is ignored (see the file comment).
   */
  add(entry: OffsetMapEntry): void {
    if (entry.owner !== undefined && this.owner !== null && entry.owner !== this.owner) {
      this.ignoredEntries += 1;
      return;
    }
    this.targetTopic = entry.targetTopic;
    this.truncateFrom(entry.sourceFirst);
    let source = entry.sourceFirst;
    let target = entry.targetBase;
    for (let i = 0; i < entry.runs.length; i += 1) {
      const n = entry.runs[i] as number;
      if (i % 2 === 1) {
        source += n;
        continue;
      }
      this.append({ s: source, t: target, n });
      source += n;
      target += n;
    }
    // a replay moves the position back to where it restarted; later entries move it forward again
    this.nextSource = entry.next;
    this.nextTarget = target;
  }

  /** Position-only progress (gaps read past without records, e.g. a trailing transaction marker). */
  advance(nextSource: number, nextTarget: number | null): void {
    if (this.nextSource === null || nextSource > this.nextSource) this.nextSource = nextSource;
    if (nextTarget !== null && (this.nextTarget === null || nextTarget > this.nextTarget)) this.nextTarget = nextTarget;
  }

  private truncateFrom(sourceOffset: number): void {
    while (this.runs.length > 0) {
      const last = this.runs[this.runs.length - 1] as Run;
      if (last.s >= sourceOffset) {
        this.runs.pop();
        continue;
      }
      if (last.s + last.n > sourceOffset) last.n = sourceOffset - last.s;
      break;
    }
  }

  private append(run: Run): void {
    const last = this.runs[this.runs.length - 1];
    if (last && last.s + last.n === run.s && last.t + last.n === run.t) last.n += run.n;
    else this.runs.push({ ...run });
  }

  get runCount(): number {
    return this.runs.length;
  }

  get replicatedUpTo(): number | null {
    return this.nextSource;
  }

  /** Target offset right after the last mapped record. */
  get targetEnd(): number | null {
    const last = this.runs[this.runs.length - 1];
    return last ? last.t + last.n : this.nextTarget;
  }

  translate(sourceOffset: number): Translation {
    const replicatedUpTo = this.nextSource;
    // first run whose last source offset is >= sourceOffset
    let lo = 0;
    let hi = this.runs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const run = this.runs[mid] as Run;
      if (run.s + run.n - 1 < sourceOffset) lo = mid + 1;
      else hi = mid;
    }
    const run = this.runs[lo];
    if (run) {
      const targetOffset = sourceOffset <= run.s ? run.t : run.t + (sourceOffset - run.s);
      return { sourceOffset, targetOffset, status: 'exact', replicatedUpTo };
    }
    if (replicatedUpTo !== null && sourceOffset <= replicatedUpTo) {
      return { sourceOffset, targetOffset: this.targetEnd, status: this.targetEnd === null ? 'unknown' : 'end', replicatedUpTo };
    }
    if (replicatedUpTo === null && this.runs.length === 0) return { sourceOffset, targetOffset: null, status: 'unknown', replicatedUpTo };
    return { sourceOffset, targetOffset: null, status: 'ahead', replicatedUpTo };
  }
}

/** Maps of every partition of a flow. */
export class FlowOffsetMap {
  readonly partitions = new Map<string, PartitionOffsetMap>();

  private of(topic: string, partition: number): PartitionOffsetMap {
    const key = partitionKey(topic, partition);
    let map = this.partitions.get(key);
    if (!map) {
      map = new PartitionOffsetMap();
      this.partitions.set(key, map);
    }
    return map;
  }

  add(entry: OffsetMapEntry): void {
    this.of(entry.topic, entry.partition).add(entry);
  }

  /** Applies one record of the map topic, in topic order. */
  apply(key: string, value: string): void {
    const record = decodeOffsetMapRecord(key, value);
    if (record.kind === 'entry') this.add(record.entry);
    else this.of(record.claim.topic, record.claim.partition).claim(record.claim);
  }

  advance(topic: string, partition: number, nextSource: number, nextTarget: number | null): void {
    this.of(topic, partition).advance(nextSource, nextTarget);
  }

  /** Position-only progress from stored positions (gaps read past after the last mapped record). */
  advanceAll(positions: Iterable<{ topic: string; partition: number; next: number; targetNext: number | null }>): void {
    for (const p of positions) this.advance(p.topic, p.partition, p.next, p.targetNext);
  }

  get(topic: string, partition: number): PartitionOffsetMap | undefined {
    return this.partitions.get(partitionKey(topic, partition));
  }

  translate(topic: string, partition: number, sourceOffset: number): Translation {
    const map = this.get(topic, partition);
    if (!map) return { sourceOffset, targetOffset: null, status: 'unknown', replicatedUpTo: null };
    return map.translate(sourceOffset);
  }
}

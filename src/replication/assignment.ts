/**
 * How the processes of one flow share its source partitions (`mskctl replicate` started several times with the
 * same --flow-id). They are members of the classic Kafka group `mskctl.<flow>` on the TARGET cluster
 * (src/kafka/group-member.ts); the elected leader computes the assignment below, and the coordinator hands
 * each member its part. Pure: the codec of the member metadata and assignments, and the assignment itself.
 *
 *   balanced — every member gets ⌊P/M⌋ or ⌈P/M⌉ partitions;
 *   sticky   — a partition stays with the process that claimed it last (claims live on the target, see
 *              positions.ts), as far as balance allows, so a rebalance moves as few partitions as it can;
 *   slots    — each member gets a slot 0..M-1, the suffix of its transactional id (`mskctl.<flow>.<slot>`)
 *              with --exactly-once. Initialising a slot's id fences every earlier process that used it, and
 *              the slot-0 member fences the slots a shrinking group left behind, so a stalled process
 *              that lost its partitions can never commit a transaction again;
 *   one config — members whose flow options differ from the leader's (topics, rename, delivery mode) get no
 *              partitions and an error instead: two processes copying under different rules would diverge.
 */
import { partitionKey } from './offset-map.js';

export const GROUP_PROTOCOL_TYPE = 'mskctl-replicate';
export const ASSIGNMENT_STRATEGY = 'mskctl-sticky';
const VERSION = 1;

export interface MemberMetadata {
  /** the replicator instance id (the owner named in claims, map entries and positions) */
  instance: string;
  /** hash of the flow options every member must share */
  config: string;
  /** the slot the member had in the previous generation, if any */
  slot: number | null;
  /** the highest slot number this member knows was used (its own past, heartbeats on the target) */
  maxSlot: number;
}

export interface MemberAssignment {
  /** partition keys ("topic/partition") the member replicates */
  partitions: string[];
  slot: number;
  /** members sharing the flow in this generation */
  members: number;
  /** slots to fence (no member holds them any more) */
  fenceSlots: number[];
  /** set when the member may not take part; it must stop with this message */
  error?: string;
}

export interface GroupMember {
  memberId: string;
  metadata: MemberMetadata;
}

export function encodeMemberMetadata(m: MemberMetadata): Buffer {
  return Buffer.from(JSON.stringify({ v: VERSION, i: m.instance, c: m.config, s: m.slot, ms: m.maxSlot }));
}

function isSlot(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function parseJson(bytes: Buffer, what: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new Error(`${what} is not JSON`);
  }
  if (typeof raw !== 'object' || raw === null) throw new Error(`${what} is not an object`);
  return raw as Record<string, unknown>;
}

export function decodeMemberMetadata(bytes: Buffer): MemberMetadata {
  const raw = parseJson(bytes, 'member metadata');
  if (raw.v !== VERSION || typeof raw.i !== 'string' || typeof raw.c !== 'string' || !(raw.s === null || isSlot(raw.s)) || !isSlot(raw.ms)) {
    throw new Error(`member metadata is malformed or of another version: ${bytes.toString('utf8').slice(0, 200)}`);
  }
  return { instance: raw.i, config: raw.c, slot: raw.s as number | null, maxSlot: raw.ms };
}

export function encodeAssignment(a: MemberAssignment): Buffer {
  return Buffer.from(JSON.stringify({ v: VERSION, p: a.partitions, s: a.slot, m: a.members, f: a.fenceSlots, ...(a.error === undefined ? {} : { e: a.error }) }));
}

export function decodeAssignment(bytes: Buffer): MemberAssignment {
  const raw = parseJson(bytes, 'assignment');
  const ok =
    raw.v === VERSION &&
    Array.isArray(raw.p) &&
    raw.p.every((p) => typeof p === 'string') &&
    isSlot(raw.s) &&
    isSlot(raw.m) &&
    Array.isArray(raw.f) &&
    raw.f.every(isSlot) &&
    (raw.e === undefined || typeof raw.e === 'string');
  if (!ok) throw new Error(`assignment is malformed or of another version: ${bytes.toString('utf8').slice(0, 200)}`);
  const out: MemberAssignment = { partitions: raw.p as string[], slot: raw.s as number, members: raw.m as number, fenceSlots: raw.f as number[] };
  if (typeof raw.e === 'string') out.error = raw.e;
  return out;
}

export interface AssignInput {
  members: GroupMember[];
  /** every source partition the flow replicates */
  partitions: Array<{ topic: string; partition: number }>;
  /** partition key → instance that claimed it last */
  owners: ReadonlyMap<string, string>;
  /** the leader's config hash: members with another one are refused */
  config: string;
}

/** Partitions in topic order, partition numbers ascending: round-robin then spreads each topic over members. */
function ordered(partitions: AssignInput['partitions']): string[] {
  return [...partitions]
    .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
    .map((p) => partitionKey(p.topic, p.partition));
}

export function assignPartitions(input: AssignInput): Map<string, MemberAssignment> {
  const out = new Map<string, MemberAssignment>();
  const eligible = input.members.filter((m) => m.metadata.config === input.config).sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const count = eligible.length;
  for (const m of input.members) {
    if (m.metadata.config !== input.config) {
      out.set(m.memberId, {
        partitions: [],
        slot: 0,
        members: count,
        fenceSlots: [],
        error: 'this process was started with other flow options (topics, --exclude, --rename, --exactly-once or the target kind) than the processes already running this flow; every process of a flow must use the same ones',
      });
    }
  }
  if (count === 0) return out;

  // slots: keep the previous one when it is still in range and not taken, else the lowest free one
  const slotOf = new Map<string, number>();
  const taken = new Set<number>();
  for (const m of eligible) {
    const s = m.metadata.slot;
    if (s !== null && s < count && !taken.has(s)) {
      slotOf.set(m.memberId, s);
      taken.add(s);
    }
  }
  let free = 0;
  for (const m of eligible) {
    if (slotOf.has(m.memberId)) continue;
    while (taken.has(free)) free += 1;
    slotOf.set(m.memberId, free);
    taken.add(free);
  }
  const bySlot = [...eligible].sort((a, b) => (slotOf.get(a.memberId) as number) - (slotOf.get(b.memberId) as number));

  // quotas: the first P mod M members (by slot) take one more
  const keys = ordered(input.partitions);
  const base = Math.floor(keys.length / count);
  const extra = keys.length % count;
  const quota = new Map(bySlot.map((m, i) => [m.memberId, base + (i < extra ? 1 : 0)]));
  const assigned = new Map<string, string[]>(bySlot.map((m) => [m.memberId, []]));
  const memberOfInstance = new Map(bySlot.map((m) => [m.metadata.instance, m.memberId]));

  // sticky pass: partitions stay with their last claimant while it has room
  const leftover: string[] = [];
  for (const key of keys) {
    const owner = input.owners.get(key);
    const member = owner === undefined ? undefined : memberOfInstance.get(owner);
    const list = member === undefined ? undefined : assigned.get(member);
    if (member !== undefined && list !== undefined && list.length < (quota.get(member) as number)) list.push(key);
    else leftover.push(key);
  }
  // the rest round-robin over members with room, in slot order
  let cursor = 0;
  for (const key of leftover) {
    for (let tries = 0; tries < count; tries += 1) {
      const m = bySlot[cursor % count] as GroupMember;
      cursor += 1;
      const list = assigned.get(m.memberId) as string[];
      if (list.length < (quota.get(m.memberId) as number)) {
        list.push(key);
        break;
      }
    }
  }

  const maxSlot = Math.max(...input.members.map((m) => m.metadata.maxSlot), ...input.members.map((m) => m.metadata.slot ?? 0));
  const orphanSlots: number[] = [];
  for (let s = count; s <= maxSlot; s += 1) orphanSlots.push(s);
  for (const m of bySlot) {
    const slot = slotOf.get(m.memberId) as number;
    out.set(m.memberId, { partitions: assigned.get(m.memberId) as string[], slot, members: count, fenceSlots: slot === 0 ? orphanSlots : [] });
  }
  return out;
}

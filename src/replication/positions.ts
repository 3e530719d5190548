/**
 * Records of a flow's compacted `mskctl.<flow>.positions` topic on the TARGET cluster.
 *
 *   key "<sourceTopic>/<partition>"  → position: the next source offset to read (everything before it is on the
 *                                       target and in the offset map), the target topic, the target offset after
 *                                       the last replicated record, and when it was written.
 *   key "!heartbeat/<instance>"      → a running replicator's liveness (state running|stopping|stopped).
 *   key "!stop"                      → a stop request (`mskctl replicate stop`); replicators started before it
 *                                       drain, store their positions and exit 0.
 *   key "!claim/<topic>/<partition>" → the process that owns the partition now, and the position it started
 *                                       from. A position written by any other process after the claim is a
 *                                       late write of a previous owner (see offset-map.ts) and is ignored; the
 *                                       claim's position stands until the claimant stores its own.
 *
 * Topic names cannot contain "!" or "/", so the key spaces cannot collide. Pure: encode/decode only.
 */
import { parsePartitionKey, partitionKey } from './offset-map.js';

export const POSITIONS_VERSION = 1;

export interface Position {
  topic: string;
  partition: number;
  targetTopic: string;
  /** next source offset to read */
  next: number;
  /** target offset after the last replicated record of this partition (null when none was written yet) */
  targetNext: number | null;
  /** epoch ms */
  at: number;
  /** the replicator instance that wrote it (absent before scale-out) */
  owner?: string;
}

export interface Claim {
  topic: string;
  partition: number;
  owner: string;
  /** the position the owner started from */
  position: Position;
}

export type FlowState = 'running' | 'stopping' | 'stopped';

export interface Heartbeat {
  instance: string;
  state: FlowState;
  at: number;
  /** how often the instance writes its heartbeat, ms */
  intervalMs: number;
  startedAt: number;
  host: string;
  pid: number;
  /** why it stopped: stop-request, caught-up, signal, error */
  reason?: string;
  exactlyOnce: boolean;
  /** replication group generation, slot (transactional id suffix) and partitions owned, when known */
  generation?: number;
  slot?: number;
  partitions?: number;
}

export interface StopRequest {
  id: string;
  at: number;
  by: string;
}

export type PositionsRecord =
  | { kind: 'position'; position: Position }
  | { kind: 'heartbeat'; heartbeat: Heartbeat }
  | { kind: 'stop'; stop: StopRequest }
  | { kind: 'claim'; claim: Claim }
  /** a tombstone or a record of a newer version: ignored */
  | { kind: 'ignored'; key: string };

const HEARTBEAT_PREFIX = '!heartbeat/';
const CLAIM_PREFIX = '!claim/';
export const STOP_KEY = '!stop';

export function encodePosition(p: Position): { key: string; value: string } {
  return {
    key: partitionKey(p.topic, p.partition),
    value: JSON.stringify({ v: POSITIONS_VERSION, n: p.next, tt: p.targetTopic, tn: p.targetNext, at: p.at, ...(p.owner === undefined ? {} : { o: p.owner }) }),
  };
}

export function encodeClaim(position: Position & { owner: string }): { key: string; value: string } {
  return { key: CLAIM_PREFIX + partitionKey(position.topic, position.partition), value: encodePosition(position).value };
}

export function encodeHeartbeat(h: Heartbeat): { key: string; value: string } {
  return { key: HEARTBEAT_PREFIX + h.instance, value: JSON.stringify({ v: POSITIONS_VERSION, ...h }) };
}

export function encodeStopRequest(s: StopRequest): { key: string; value: string } {
  return { key: STOP_KEY, value: JSON.stringify({ v: POSITIONS_VERSION, ...s }) };
}

function isOffset(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Decodes one record of the positions topic; malformed records throw with the reason. */
export function decodePositionsRecord(key: string, value: string | null): PositionsRecord {
  if (value === null) return { kind: 'ignored', key };
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(value) as Record<string, unknown>;
  } catch {
    throw new Error(`positions record ${JSON.stringify(key)} is not JSON`);
  }
  if (typeof raw !== 'object' || raw === null) throw new Error(`positions record ${JSON.stringify(key)} is not an object`);
  if (raw.v !== POSITIONS_VERSION) return { kind: 'ignored', key };
  if (key === STOP_KEY) {
    if (typeof raw.id !== 'string' || typeof raw.at !== 'number') throw new Error('stop request is malformed');
    return { kind: 'stop', stop: { id: raw.id, at: raw.at, by: String(raw.by ?? '') } };
  }
  if (key.startsWith(HEARTBEAT_PREFIX)) {
    const state = raw.state;
    if (state !== 'running' && state !== 'stopping' && state !== 'stopped') throw new Error(`heartbeat ${key} has unknown state`);
    if (typeof raw.at !== 'number' || typeof raw.intervalMs !== 'number') throw new Error(`heartbeat ${key} is malformed`);
    return {
      kind: 'heartbeat',
      heartbeat: {
        instance: key.slice(HEARTBEAT_PREFIX.length),
        state,
        at: raw.at,
        intervalMs: raw.intervalMs,
        startedAt: typeof raw.startedAt === 'number' ? raw.startedAt : raw.at,
        host: String(raw.host ?? ''),
        pid: typeof raw.pid === 'number' ? raw.pid : 0,
        reason: typeof raw.reason === 'string' ? raw.reason : undefined,
        exactlyOnce: raw.exactlyOnce === true,
        ...(isOffset(raw.generation) ? { generation: raw.generation } : {}),
        ...(isOffset(raw.slot) ? { slot: raw.slot } : {}),
        ...(isOffset(raw.partitions) ? { partitions: raw.partitions } : {}),
      },
    };
  }
  const claimed = key.startsWith(CLAIM_PREFIX);
  const where = parsePartitionKey(claimed ? key.slice(CLAIM_PREFIX.length) : key);
  if (!where) throw new Error(`positions key ${JSON.stringify(key)} is not "topic/partition"`);
  if (!isOffset(raw.n) || typeof raw.tt !== 'string' || !(raw.tn === null || isOffset(raw.tn)) || typeof raw.at !== 'number' || !(raw.o === undefined || typeof raw.o === 'string')) {
    throw new Error(`position ${key} is malformed: ${value.slice(0, 200)}`);
  }
  const position: Position = { topic: where.topic, partition: where.partition, targetTopic: raw.tt, next: raw.n, targetNext: raw.tn as number | null, at: raw.at };
  if (typeof raw.o === 'string') position.owner = raw.o;
  if (!claimed) return { kind: 'position', position };
  if (position.owner === undefined) throw new Error(`claim ${key} names no owner`);
  return { kind: 'claim', claim: { topic: where.topic, partition: where.partition, owner: position.owner, position } };
}

/** The state of a flow as its positions topic tells it (latest record per key wins, as after compaction). */
export interface FlowSnapshot {
  /** the effective position of every partition: the claimant's latest, else its claim */
  positions: Map<string, Position>;
  /** who owns each partition ("topic/partition" → claim) */
  claims: Map<string, Claim>;
  heartbeats: Map<string, Heartbeat>;
  /** the latest stop request and its offset in the positions topic */
  stop: (StopRequest & { offset: number }) | null;
}

export function emptySnapshot(): FlowSnapshot {
  return { positions: new Map(), claims: new Map(), heartbeats: new Map(), stop: null };
}

/** Folds records (in topic order) into a snapshot. */
export function applyPositionsRecord(snapshot: FlowSnapshot, key: string, value: string | null, offset: number): void {
  const record = decodePositionsRecord(key, value);
  switch (record.kind) {
    case 'position': {
      const claim = snapshot.claims.get(key);
      // a late write of a process that lost the partition: the claimant's position stands
      if (claim && record.position.owner !== undefined && record.position.owner !== claim.owner) break;
      snapshot.positions.set(key, record.position);
      break;
    }
    case 'claim': {
      const partition = partitionKey(record.claim.topic, record.claim.partition);
      snapshot.claims.set(partition, record.claim);
      snapshot.positions.set(partition, record.claim.position);
      break;
    }
    case 'heartbeat':
      snapshot.heartbeats.set(record.heartbeat.instance, record.heartbeat);
      break;
    case 'stop':
      snapshot.stop = { ...record.stop, offset };
      break;
    case 'ignored':
      if (value === null) {
        snapshot.positions.delete(key);
        if (key.startsWith(CLAIM_PREFIX)) snapshot.claims.delete(key.slice(CLAIM_PREFIX.length));
        if (key.startsWith(HEARTBEAT_PREFIX)) snapshot.heartbeats.delete(key.slice(HEARTBEAT_PREFIX.length));
      }
      break;
  }
}

export type Liveness = 'running' | 'stopping' | 'stopped' | 'stale' | 'never-started';

/**
 * Whether the flow runs now: an instance whose last heartbeat is younger than three intervals is alive;
 * a "running" heartbeat older than that belongs to a process that died without stopping (kill -9, crash).
 */
export function flowLiveness(heartbeats: Iterable<Heartbeat>, now: number): { state: Liveness; instances: Array<Heartbeat & { ageMs: number; alive: boolean }> } {
  const instances = [...heartbeats]
    .map((h) => ({ ...h, ageMs: Math.max(0, now - h.at), alive: h.state !== 'stopped' && now - h.at <= 3 * h.intervalMs }))
    .sort((a, b) => b.at - a.at);
  if (instances.length === 0) return { state: 'never-started', instances };
  if (instances.some((i) => i.alive && i.state === 'running')) return { state: 'running', instances };
  if (instances.some((i) => i.alive && i.state === 'stopping')) return { state: 'stopping', instances };
  const latest = instances[0] as Heartbeat & { alive: boolean };
  if (latest.state === 'stopped') return { state: 'stopped', instances };
  return { state: 'stale', instances };
}

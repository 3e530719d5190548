/**
 * A member of a classic Kafka group (JoinGroup / SyncGroup / Heartbeat / LeaveGroup), for processes that share
 * work other than consuming: the replicator's processes share SOURCE partitions while the group lives on the
 * TARGET cluster. kafkajs only offers this inside its consumer, which would also fetch the subscribed topics
 * and hides the one thing a sharer needs: the moment it must stop. Here the owner of the member decides when
 * to rejoin, so it can finish (or drop) the write in flight first; the group's next generation starts only
 * after every live member rejoined, so two live members never own the same work.
 *
 * `rejoinReason` turns non-null when the coordinator announces a rebalance, when the membership is lost, or
 * when no heartbeat succeeded for most of the session timeout (the coordinator may have evicted us already:
 * stop writing before it hands our work to someone else).
 */
import type { Kafka } from 'kafkajs';
import { interrupted, operationalError } from '../output/errors.js';
import type { Logger } from '../output/log.js';
import { sleepOrInterrupt } from '../util/sleep.js';
import { privateClusterFactory } from './kafkajs-cluster.js';

interface CoordinatorBroker {
  joinGroup(request: {
    groupId: string;
    sessionTimeout: number;
    rebalanceTimeout: number;
    memberId: string;
    protocolType: string;
    groupProtocols: Array<{ name: string; metadata: Buffer }>;
  }): Promise<{ generationId: number; leaderId: string; memberId: string; members: Array<{ memberId: string; memberMetadata: Buffer }> }>;
  syncGroup(request: { groupId: string; generationId: number; memberId: string; groupAssignment: Array<{ memberId: string; memberAssignment: Buffer }> }): Promise<{ memberAssignment: Buffer }>;
  heartbeat(request: { groupId: string; groupGenerationId: number; memberId: string }): Promise<unknown>;
  leaveGroup(request: { groupId: string; memberId: string }): Promise<unknown>;
}

interface GroupCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  findGroupCoordinator(request: { groupId: string }): Promise<CoordinatorBroker>;
}

export interface GroupMemberOptions {
  groupId: string;
  protocolType: string;
  /** the assignment strategy name every member announces */
  strategy: string;
  sessionTimeoutMs: number;
  /** how long the coordinator waits for every member to rejoin during a rebalance */
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  log: Logger;
  signal: AbortSignal;
}

export interface JoinedGeneration {
  generationId: number;
  memberId: string;
  leader: boolean;
  assignment: Buffer;
}

/** Called on the elected leader only: member metadata in, one assignment per member out. */
export type AssignFunction = (members: Array<{ memberId: string; metadata: Buffer }>) => Promise<Map<string, Buffer>>;

/** errors after which joining again right away is the protocol's answer */
const REJOIN_NOW = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'MEMBER_ID_REQUIRED']);
/** the coordinator moved or is loading: find it again after a pause */
const COORDINATOR_MOVED = new Set(['NOT_COORDINATOR', 'NOT_COORDINATOR_FOR_GROUP', 'COORDINATOR_NOT_AVAILABLE', 'GROUP_COORDINATOR_NOT_AVAILABLE', 'COORDINATOR_LOAD_IN_PROGRESS', 'GROUP_LOAD_IN_PROGRESS']);

function errorType(error: unknown): string | undefined {
  return (error as { type?: string } | undefined)?.type;
}

function isRetriable(error: unknown): boolean {
  const e = error as { retriable?: boolean; name?: string } | undefined;
  return e?.retriable === true || e?.name === 'KafkaJSConnectionError' || e?.name === 'KafkaJSRequestTimeoutError' || e?.name === 'KafkaJSNumberOfRetriesExceeded';
}

export class GroupMember {
  private readonly cluster: GroupCluster;
  private coordinator: CoordinatorBroker | null = null;
  private memberId = '';
  private generationId = -1;
  private timer: NodeJS.Timeout | null = null;
  private heartbeatInFlight = false;
  private lastHeartbeatOk = 0;
  private reason: string | null = 'not joined yet';

  constructor(
    kafka: Kafka,
    private readonly options: GroupMemberOptions,
  ) {
    this.cluster = privateClusterFactory<GroupCluster>(kafka)({ allowAutoTopicCreation: false, metadataMaxAge: 60_000 });
  }

  /** Why this member must rejoin before it may go on working; null while its generation is current. */
  get rejoinReason(): string | null {
    if (this.reason === null && this.lastHeartbeatOk > 0 && Date.now() - this.lastHeartbeatOk > this.options.sessionTimeoutMs * 0.8) {
      this.reason = `no successful group heartbeat for ${Date.now() - this.lastHeartbeatOk} ms (session timeout ${this.options.sessionTimeoutMs} ms)`;
    }
    return this.reason;
  }

  get generation(): number {
    return this.generationId;
  }

  /** Asks for a new generation (e.g. the work to share changed). */
  requestRejoin(reason: string): void {
    this.reason ??= reason;
  }

  async connect(): Promise<void> {
    await this.cluster.connect();
  }

  /**
   * Joins (or rejoins) the group and returns this member's assignment for the new generation. Retries
   * through rebalances and coordinator moves; gives up only on errors retrying cannot fix.
   */
  async join(metadata: Buffer, assign: AssignFunction): Promise<JoinedGeneration> {
    this.stopHeartbeats();
    const { groupId, log, signal } = this.options;
    let backoff = 200;
    while (true) {
      if (signal.aborted) throw interrupted('interrupted while joining the replication group');
      try {
        this.coordinator ??= await this.cluster.findGroupCoordinator({ groupId });
        const joined = await this.coordinator.joinGroup({
          groupId,
          sessionTimeout: this.options.sessionTimeoutMs,
          rebalanceTimeout: this.options.rebalanceTimeoutMs,
          memberId: this.memberId,
          protocolType: this.options.protocolType,
          groupProtocols: [{ name: this.options.strategy, metadata }],
        });
        this.memberId = joined.memberId;
        this.generationId = joined.generationId;
        const leader = joined.leaderId === joined.memberId;
        const assignments = leader ? await assign(joined.members.map((m) => ({ memberId: m.memberId, metadata: m.memberMetadata }))) : new Map<string, Buffer>();
        const { memberAssignment } = await this.coordinator.syncGroup({
          groupId,
          generationId: this.generationId,
          memberId: this.memberId,
          groupAssignment: [...assignments].map(([memberId, memberAssignment]) => ({ memberId, memberAssignment })),
        });
        if (memberAssignment.length === 0) {
          // the leader left before handing out assignments: the coordinator starts another round
          log.debug(`group ${groupId}: generation ${this.generationId} came without an assignment; joining again`);
          continue;
        }
        this.reason = null;
        this.lastHeartbeatOk = Date.now();
        this.startHeartbeats();
        return { generationId: this.generationId, memberId: this.memberId, leader, assignment: memberAssignment };
      } catch (error) {
        const type = errorType(error);
        if (type === 'UNKNOWN_MEMBER_ID') this.memberId = '';
        if (type !== undefined && REJOIN_NOW.has(type)) continue;
        if ((type !== undefined && COORDINATOR_MOVED.has(type)) || isRetriable(error)) {
          log.debug(`group ${groupId}: ${(error as Error).message}; finding the coordinator again`);
          this.coordinator = null;
          await sleepOrInterrupt(backoff, signal);
          backoff = Math.min(backoff * 2, 5_000);
          await this.cluster.refreshMetadata().catch(() => undefined);
          continue;
        }
        if (type === 'GROUP_AUTHORIZATION_FAILED') {
          throw operationalError(`not allowed to join the replication group ${groupId} on the target`, `the target principal needs DescribeGroup and AlterGroup on group ${groupId} (mskctl auth policy --role replicator-target shows the policy)`, 'GROUP_AUTHORIZATION_FAILED', error);
        }
        if (type === 'INVALID_SESSION_TIMEOUT') {
          throw operationalError(`the target refused the session timeout ${this.options.sessionTimeoutMs} ms`, "choose --session-timeout within the brokers' group.min.session.timeout.ms and group.max.session.timeout.ms (6s to 30m by default)", 'GROUP_SESSION_TIMEOUT', error);
        }
        if (type === 'INCONSISTENT_GROUP_PROTOCOL') {
          throw operationalError(`group ${groupId} on the target is in use by something other than mskctl replicate`, 'use another --flow-id', 'GROUP_IN_USE', error);
        }
        throw operationalError(`cannot join the replication group ${groupId}: ${(error as Error).message}`, 'check the target cluster (mskctl check diagnoses connectivity)', 'GROUP_JOIN_FAILED', error);
      }
    }
  }

  private startHeartbeats(): void {
    this.stopHeartbeats();
    this.timer = setInterval(() => void this.beat(), this.options.heartbeatIntervalMs);
    this.timer.unref();
  }

  private stopHeartbeats(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async beat(): Promise<void> {
    if (this.heartbeatInFlight || this.reason !== null) return;
    this.heartbeatInFlight = true;
    const { groupId } = this.options;
    try {
      this.coordinator ??= await this.cluster.findGroupCoordinator({ groupId });
      await this.coordinator.heartbeat({ groupId, groupGenerationId: this.generationId, memberId: this.memberId });
      this.lastHeartbeatOk = Date.now();
    } catch (error) {
      const type = errorType(error);
      if (type === 'REBALANCE_IN_PROGRESS') this.requestRejoin('the group is rebalancing (a process joined or left, or the partitions changed)');
      else if (type === 'ILLEGAL_GENERATION' || type === 'UNKNOWN_MEMBER_ID' || type === 'FENCED_INSTANCE_ID') {
        if (type === 'UNKNOWN_MEMBER_ID') this.memberId = '';
        this.requestRejoin(`the group no longer knows this member (${type}): its partitions may be with another process now`);
      } else {
        // coordinator moved or unreachable: find it again on the next beat; rejoinReason notices a long silence
        this.coordinator = null;
        this.options.log.debug(`group ${groupId}: heartbeat failed: ${(error as Error).message}`);
      }
    } finally {
      this.heartbeatInFlight = false;
    }
  }

  /** Leaves the group so the others take over at once (instead of after the session timeout). */
  async leave(): Promise<void> {
    this.stopHeartbeats();
    if (this.memberId === '' || this.coordinator === null) return;
    await this.coordinator.leaveGroup({ groupId: this.options.groupId, memberId: this.memberId }).catch(() => undefined);
    this.memberId = '';
  }

  async disconnect(): Promise<void> {
    this.stopHeartbeats();
    await this.cluster.disconnect();
  }
}

/**
 * The cutover's ClusterPort over a kafkajs Admin client (created by src/kafka/client.ts).
 */
import type { Admin } from 'kafkajs';
import { operationalError } from '../output/errors.js';
import { retry } from '../util/retry.js';
import type { ClusterPort, GroupObservation, PartitionBounds, PartitionOffset } from './ports.js';

/** How long a request is retried while its error is transient (coordinator loading or moving, leader election). */
const RETRY_FOR_MS = 30_000;

function isRetriable(error: unknown): boolean {
  const e = error as { retriable?: boolean; type?: string; name?: string };
  return e?.retriable === true || ['NOT_COORDINATOR', 'COORDINATOR_LOAD_IN_PROGRESS', 'COORDINATOR_NOT_AVAILABLE', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_OR_FOLLOWER'].includes(e?.type ?? '');
}

/**
 * Runs one admin request, retrying transient errors (a group coordinator still loading on a cluster that has
 * just created __consumer_offsets, for instance); anything else becomes an operational error (exit 3).
 */
async function request<T>(side: 'source' | 'target', what: string, call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + RETRY_FOR_MS;
  try {
    return await retry(call, {
      retriable: isRetriable,
      // 200 ms doubling to 2 s, while the pause still ends before the deadline
      delayMs: (attempt) => {
        const delay = Math.min(200 * 2 ** (attempt - 1), 2000);
        return Date.now() + delay < deadline ? delay : null;
      },
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw operationalError(`${what} on the ${side} cluster failed: ${message}`, 'run the cutover again (it resumes at this step); if it persists, check the cluster with mskctl check', 'KAFKA_REQUEST', error);
  }
}

export function clusterPortFromAdmin(name: 'source' | 'target', admin: Admin): ClusterPort {
  const existing = async (topics: string[]): Promise<string[]> => {
    const all = new Set(await request(name, 'listing topics', () => admin.listTopics()));
    return topics.filter((t) => all.has(t));
  };
  return {
    name,
    async partitionCounts(topics) {
      const present = await existing(topics);
      const counts = new Map<string, number>();
      if (present.length === 0) return counts;
      const metadata = await request(name, 'reading topic metadata', () => admin.fetchTopicMetadata({ topics: present }));
      for (const topic of metadata.topics) counts.set(topic.name, topic.partitions.length);
      return counts;
    },
    async describeGroup(group): Promise<GroupObservation> {
      const { groups } = await request(name, `describing group ${group}`, () => admin.describeGroups([group]));
      const found = groups.find((g) => g.groupId === group);
      return { group, state: found?.state ?? 'Dead', members: found?.members.length ?? 0 };
    },
    async committedOffsets(group, topics): Promise<PartitionOffset[]> {
      const present = await existing(topics);
      if (present.length === 0) return [];
      const result = await request(name, `reading the offsets of group ${group}`, () => admin.fetchOffsets({ groupId: group, topics: present }));
      return result.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: Number(p.offset) })));
    },
    async setOffsets(group, offsets) {
      const byTopic = new Map<string, PartitionOffset[]>();
      for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o]);
      for (const [topic, list] of byTopic) {
        // not retried: the broker refuses offsets for an active group, and that must surface as it is
        try {
          await admin.setOffsets({ groupId: group, topic, partitions: list.map((o) => ({ partition: o.partition, offset: String(o.offset) })) });
        } catch (error) {
          throw operationalError(`writing the offsets of group ${group} for ${topic} on the ${name} cluster failed: ${error instanceof Error ? error.message : String(error)}`, 'run the cutover again; the step re-checks the group and writes only while it is empty', 'KAFKA_SET_OFFSETS', error);
        }
      }
    },
    async topicBounds(topics): Promise<PartitionBounds[]> {
      const present = await existing(topics);
      const bounds: PartitionBounds[] = [];
      for (const topic of present) {
        const offsets = await request(name, `reading the offsets of ${topic}`, () => admin.fetchTopicOffsets(topic));
        for (const o of offsets) bounds.push({ topic, partition: o.partition, low: Number(o.low), high: Number(o.high) });
      }
      return bounds.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
    },
  };
}

/**
 * The cutover's ClusterPort over a kafkajs Admin client (created by src/kafka/client.ts).
 */
import type { Admin } from 'kafkajs';
import type { ClusterPort, GroupObservation, PartitionBounds, PartitionOffset } from './ports.js';

export function clusterPortFromAdmin(name: 'source' | 'target', admin: Admin): ClusterPort {
  const existing = async (topics: string[]): Promise<string[]> => {
    const all = new Set(await admin.listTopics());
    return topics.filter((t) => all.has(t));
  };
  return {
    name,
    async partitionCounts(topics) {
      const present = await existing(topics);
      const counts = new Map<string, number>();
      if (present.length === 0) return counts;
      const metadata = await admin.fetchTopicMetadata({ topics: present });
      for (const topic of metadata.topics) counts.set(topic.name, topic.partitions.length);
      return counts;
    },
    async describeGroup(group): Promise<GroupObservation> {
      const { groups } = await admin.describeGroups([group]);
      const found = groups.find((g) => g.groupId === group);
      return { group, state: found?.state ?? 'Dead', members: found?.members.length ?? 0 };
    },
    async committedOffsets(group, topics): Promise<PartitionOffset[]> {
      const present = await existing(topics);
      if (present.length === 0) return [];
      const result = await admin.fetchOffsets({ groupId: group, topics: present });
      return result.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: Number(p.offset) })));
    },
    async setOffsets(group, offsets) {
      const byTopic = new Map<string, PartitionOffset[]>();
      for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o]);
      for (const [topic, list] of byTopic) {
        await admin.setOffsets({ groupId: group, topic, partitions: list.map((o) => ({ partition: o.partition, offset: String(o.offset) })) });
      }
    },
    async topicBounds(topics): Promise<PartitionBounds[]> {
      const present = await existing(topics);
      const bounds: PartitionBounds[] = [];
      for (const topic of present) {
        const offsets = await admin.fetchTopicOffsets(topic);
        for (const o of offsets) bounds.push({ topic, partition: o.partition, low: Number(o.low), high: Number(o.high) });
      }
      return bounds.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
    },
  };
}

/**
 * Translates consumer groups' committed source offsets to exact target offsets with the flow's offset map.
 * The cutover builds on translateGroups(); `mskctl replicate translate` prints it.
 */
import type { Admin, Kafka } from 'kafkajs';
import { FlowStore } from './flow-store.js';
import type { FlowOffsetMap, Translation } from './offset-map.js';

export interface GroupTranslation extends Translation {
  group: string;
  topic: string;
  partition: number;
  /** target topic of the partition (null when the flow has not replicated it) */
  targetTopic: string | null;
}

export interface TranslateGroupsInput {
  flowId: string;
  groups: string[];
  sourceAdmin: Admin;
  target: Kafka;
  targetAdmin: Admin;
  /** restrict to these source topics (default: every topic the flow replicates) */
  topics?: string[];
}

/** Reads the flow's map and positions from the target (read_committed) once. */
export async function loadFlowMap(flowId: string, target: Kafka, targetAdmin: Admin): Promise<{ map: FlowOffsetMap; replicatedTopics: string[]; targetTopicOf: Map<string, string> }> {
  const store = new FlowStore(flowId, target, targetAdmin);
  try {
    const { snapshot } = await store.readSnapshot();
    const { map } = await store.readOffsetMap(snapshot);
    const targetTopicOf = new Map<string, string>();
    for (const p of snapshot.positions.values()) targetTopicOf.set(p.topic, p.targetTopic);
    for (const [key, m] of map.partitions) if (m.targetTopic) targetTopicOf.set(key.slice(0, key.lastIndexOf('/')), m.targetTopic);
    return { map, replicatedTopics: [...targetTopicOf.keys()].sort(), targetTopicOf };
  } finally {
    await store.close();
  }
}

/**
 * Per group and partition with a committed offset on the source: the target offset of the first replicated
 * record at or after it. Partitions without a committed offset are left out.
 */
export async function translateGroups(input: TranslateGroupsInput): Promise<GroupTranslation[]> {
  const { map, replicatedTopics, targetTopicOf } = await loadFlowMap(input.flowId, input.target, input.targetAdmin);
  const topics = input.topics ?? replicatedTopics;
  const rows: GroupTranslation[] = [];
  for (const group of input.groups) {
    const committed = topics.length === 0 ? [] : await input.sourceAdmin.fetchOffsets({ groupId: group, topics });
    for (const t of committed) {
      for (const p of t.partitions) {
        const offset = Number(p.offset);
        if (!(offset >= 0)) continue;
        rows.push({ group, topic: t.topic, partition: p.partition, targetTopic: targetTopicOf.get(t.topic) ?? null, ...map.translate(t.topic, p.partition, offset) });
      }
    }
  }
  return rows.sort((a, b) => a.group.localeCompare(b.group) || a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

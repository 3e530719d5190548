/** Admin helpers: topic descriptions (partitions, configs), creation and partition growth. */
import type { Admin } from 'kafkajs';
import { operationalError } from '../output/errors.js';
import type { TopicDescription } from '../replication/topic-plan.js';

/** configSource 1 = a topic-level override (DescribeConfigs); everything else is a broker or static default */
const TOPIC_OVERRIDE = 1;
const TOPIC_RESOURCE = 2;

/** Effective values of these are always included, overridden or not: the replicator and the plan's warnings need them. */
export const EFFECTIVE_CONFIGS = ['max.message.bytes', 'message.timestamp.type', 'message.timestamp.difference.max.ms', 'message.timestamp.before.max.ms'];

export interface DescribedTopic extends TopicDescription {
  /** effective values of EFFECTIVE_CONFIGS */
  effective: Record<string, string>;
}

/** Partition counts and topic-level config overrides of the given topics (missing topics are left out). */
export async function describeTopics(admin: Admin, names: string[]): Promise<DescribedTopic[]> {
  if (names.length === 0) return [];
  const metadata = await admin.fetchTopicMetadata({ topics: names });
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: names.map((name) => ({ type: TOPIC_RESOURCE, name })),
  });
  const byName = new Map(configs.resources.map((r) => [r.resourceName, r]));
  return metadata.topics.map((t) => {
    const entries = byName.get(t.name)?.configEntries ?? [];
    const overrides: Record<string, string> = {};
    const effective: Record<string, string> = {};
    for (const e of entries) {
      if (e.configSource === TOPIC_OVERRIDE && !e.isDefault && e.configValue !== null) overrides[e.configName] = e.configValue;
      if (EFFECTIVE_CONFIGS.includes(e.configName) && e.configValue !== null) effective[e.configName] = e.configValue;
    }
    return { name: t.name, partitions: t.partitions.length, configs: overrides, effective };
  });
}

export async function createTopic(admin: Admin, name: string, partitions: number, configs: Record<string, string>): Promise<void> {
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: name, numPartitions: partitions, configEntries: Object.entries(configs).map(([k, v]) => ({ name: k, value: v })) }],
    });
  } catch (error) {
    if (/already exists/i.test((error as Error).message)) return;
    throw operationalError(`cannot create target topic ${name}: ${(error as Error).message}`, 'the target principal needs CreateTopic (and the configs must be valid on the target)', 'KAFKA_CREATE_TOPIC', error);
  }
}

export async function growTopic(admin: Admin, name: string, partitions: number): Promise<void> {
  try {
    await admin.createPartitions({ topicPartitions: [{ topic: name, count: partitions }] });
  } catch (error) {
    throw operationalError(`cannot grow target topic ${name} to ${partitions} partitions: ${(error as Error).message}`, 'the target principal needs AlterTopic', 'KAFKA_CREATE_PARTITIONS', error);
  }
}

/**
 * Topic creation for tests that waits until every partition has a leader. kafkajs' own waitForLeaders gives
 * up on the first UNKNOWN_TOPIC_OR_PARTITION, which Kafka 4.x brokers answer for a moment after CreateTopics
 * (seen as "This server does not host this topic-partition" in CI on 4.1.2).
 */
import type { Admin, ITopicConfig } from 'kafkajs';

// kafkajs names Kafka's NOT_LEADER_OR_FOLLOWER (error 6) NOT_LEADER_FOR_PARTITION
const TRANSIENT = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_OR_FOLLOWER', 'NOT_LEADER_FOR_PARTITION']);

/** An error a new topic's partitions answer for a moment after creation (Kafka 4.x): retry, do not fail. */
export function isTransientTopicError(error: unknown): boolean {
  const type = (error as { type?: string } | undefined)?.type;
  return type !== undefined && TRANSIENT.has(type);
}

export async function createTopicsReady(admin: Admin, options: { topics: ITopicConfig[]; waitForLeaders?: boolean; timeoutMs?: number }): Promise<boolean> {
  const created = await admin.createTopics({ topics: options.topics, waitForLeaders: false });
  const names = options.topics.map((t) => t.topic);
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: names });
      const ready = topics.length === names.length && topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
      if (ready) return created;
    } catch (error) {
      if (!isTransientTopicError(error)) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics ${names.join(', ')} have no leaders after ${options.timeoutMs ?? 30_000} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

import { ALL_TOPICS, TopicName } from '@mp/contracts';
import { physicalTopic } from '@mp/messaging';
import { Admin, Kafka } from 'kafkajs';
import { existingTopics, OperationsSettings, withAdmin } from '../operations-kafka';

export interface PartitionOffsets {
  partition: number;
  /** The first offset still kept (older messages were removed by retention). */
  low: number;
  /** The end offset: the offset the next message written will get. */
  end: number;
}

export interface TopicOffsets {
  /** The contract name (DESIGN §4). */
  topic: TopicName;
  /** The name on the broker: the contract name after the namespace (`KAFKA_NAMESPACE`). */
  physical: string;
  /** False when the topic is not on the broker (no service has started in this namespace yet). */
  exists: boolean;
  partitions: PartitionOffsets[];
  /** Messages kept, over every partition: the sum of end minus low. */
  messages: number;
}

/** The offsets of every partition of one physical topic, by partition number. */
export async function partitionOffsets(admin: Admin, physical: string): Promise<PartitionOffsets[]> {
  const offsets = await admin.fetchTopicOffsets(physical);
  return offsets.map((p) => ({ partition: p.partition, low: Number(p.low), end: Number(p.high) })).sort((a, b) => a.partition - b.partition);
}

/** Every contract topic with its partitions and their low and end offsets, in the contract's order. */
export async function topicOffsets(kafka: Kafka, settings: OperationsSettings): Promise<TopicOffsets[]> {
  return withAdmin(kafka, async (admin) => {
    const present = await existingTopics(admin, settings);
    return Promise.all(
      ALL_TOPICS.map(async (topic): Promise<TopicOffsets> => {
        const physical = physicalTopic(settings, topic);
        if (!present.has(topic)) return { topic, physical, exists: false, partitions: [], messages: 0 };
        const partitions = await partitionOffsets(admin, physical);
        return { topic, physical, exists: true, partitions, messages: partitions.reduce((sum, p) => sum + p.end - p.low, 0) };
      }),
    );
  });
}

import { createKafka, kafkaSettingsFromEnv, physicalTopic } from '@mp/messaging';

export interface GroupTopics {
  groupId: string;
  /** Contract topic names the group consumes. */
  topics: string[];
}

/**
 * How far a consumer group is behind the end of its topics: the sum, over every partition, of
 * end offset minus committed offset (nothing committed = from the start). Offsets are committed
 * only after a message was handled, so 0 means the group has handled everything published so far.
 */
export async function consumerLag(group: GroupTopics): Promise<number> {
  const settings = kafkaSettingsFromEnv('test-lag');
  const admin = createKafka(settings).admin();
  await admin.connect();
  try {
    const topics = group.topics.map((t) => physicalTopic(settings, t));
    const committed = await admin.fetchOffsets({ groupId: group.groupId, topics });
    let behind = 0n;
    for (const { topic, partitions } of committed) {
      const ends = await admin.fetchTopicOffsets(topic);
      for (const end of ends) {
        const offset = BigInt(partitions.find((p) => p.partition === end.partition)?.offset ?? '-1');
        behind += BigInt(end.high) - (offset < 0n ? BigInt(end.low) : offset);
      }
    }
    return Number(behind);
  } finally {
    await admin.disconnect();
  }
}

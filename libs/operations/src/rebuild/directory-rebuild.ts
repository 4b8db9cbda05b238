import { countKeysMatching, deleteKeysMatching, escapeGlob, RedisClient } from '@mp/redis';
import { parseBuild } from '@mp/state';
import { Kafka } from 'kafkajs';
import { assignedPartitions } from '../lag/consumer-lag';
import { contractTopicOf, OperationsSettings, withAdmin } from '../operations-kafka';

/**
 * The directory-service as its rebuild sees it: its consumer group, and the first part of its
 * Redis keys (`directory:customer:{id}`, its indexes, and its state markers
 * `directory:state:generation` and `directory:state:partitions`, see `StateRebuild` in @mp/state).
 */
export const DIRECTORY_GROUP = 'directory-service';
export const DIRECTORY_KEYS = 'directory:';

/**
 * Forgets the directory's read models: every key under `<prefix>directory:` in one step (on a
 * Redis Cluster, one step per master, all at once), its generation marker with them. A running
 * directory notices within a second (at once on a 404) and rebuilds them from the topics, as it
 * does after a loss of Redis (DESIGN §7), answering 503 with Retry-After meanwhile. Returns how
 * many keys were deleted.
 */
export function forgetDirectoryReadModels(redis: RedisClient, keyPrefix: string): Promise<number> {
  return deleteKeysMatching(redis, `${escapeGlob(keyPrefix)}${DIRECTORY_KEYS}*`);
}

/** How many keys the directory holds now (one round trip per thousand keys, never blocking Redis; every master of a cluster). */
export function countDirectoryKeys(redis: RedisClient, keyPrefix: string): Promise<number> {
  return countKeysMatching(redis, `${escapeGlob(keyPrefix)}${DIRECTORY_KEYS}*`);
}

export interface PartitionRebuild {
  topic: string;
  partition: number;
  /** `waiting`: not begun under the current generation; then `building` up to its end, then `built`. */
  status: 'waiting' | 'building' | 'replaying' | 'built';
  /** What the directory has handled of it (its committed offset) and its end. */
  committed: number | null;
  end: number;
}

export interface RebuildProgress {
  /** The directory's instances now. */
  members: number;
  /** The generation of its state in Redis; null until a directory has noticed the loss. */
  generation: string | null;
  partitions: PartitionRebuild[];
  built: number;
  /** Messages handled and to handle, over the partitions still being rebuilt and those done. */
  handled: number;
  total: number;
  /** Every partition of the directory is built under the current generation. */
  done: boolean;
}

/**
 * Where the directory's rebuild stands: per partition it consumes (its members' assignment), the
 * status the directory keeps in Redis under the current generation, and its committed offset
 * against the end offset.
 */
export async function directoryRebuildProgress(kafka: Kafka, redis: RedisClient, settings: OperationsSettings & { keyPrefix: string }): Promise<RebuildProgress> {
  const groupId = `${settings.namespace}${DIRECTORY_GROUP}`;
  const prefix = `${settings.keyPrefix}${DIRECTORY_KEYS}`;
  const [generation, builds] = await Promise.all([redis.get(`${prefix}state:generation`), redis.hgetall(`${prefix}state:partitions`)]);
  return withAdmin(kafka, async (admin) => {
    const { groups } = await admin.describeGroups([groupId]);
    const members = groups[0]?.members ?? [];
    const assigned = assignedPartitions(members);
    const topics = [...new Set(assigned.map((p) => p.topic))];
    const committed = topics.length ? await admin.fetchOffsets({ groupId, topics }) : [];
    const ends = new Map<string, number>();
    for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}|${p.partition}`, Number(p.high));
    const partitions = assigned
      .map(({ topic, partition }): PartitionRebuild => {
        const build = parseBuild(builds[`${topic}|${partition}`]);
        const offset = Number(committed.find((c) => c.topic === topic)?.partitions.find((c) => c.partition === partition)?.offset ?? '-1');
        return {
          topic: contractTopicOf(settings, topic) ?? topic,
          partition,
          status: build && build.generation === generation ? build.status : 'waiting',
          committed: offset < 0 ? null : offset,
          end: ends.get(`${topic}|${partition}`) ?? 0,
        };
      })
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    const built = partitions.filter((p) => p.status === 'built').length;
    const total = partitions.reduce((sum, p) => sum + p.end, 0);
    const handled = partitions.reduce((sum, p) => sum + (p.status === 'built' ? p.end : p.status === 'waiting' ? 0 : Math.min(p.end, p.committed ?? 0)), 0);
    return { members: members.length, generation, partitions, built, handled, total, done: generation !== null && partitions.length > 0 && built === partitions.length };
  });
}

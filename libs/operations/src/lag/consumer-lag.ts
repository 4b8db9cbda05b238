import { TopicName } from '@mp/contracts';
import { AssignerProtocol, Kafka } from 'kafkajs';
import { existingTopics, OperationsSettings, withAdmin } from '../operations-kafka';
import { partitionOffsets, PartitionOffsets } from '../topics/topic-offsets';

/** The consumer groups of the four services: each service's name after the namespace (DESIGN §2). */
export const SERVICE_GROUPS = ['request-service', 'consent-service', 'notification-service', 'directory-service'] as const;

export interface PartitionLag {
  /** The contract name of the topic. */
  topic: TopicName;
  partition: number;
  /** The next offset the group will read, as committed; null when it has committed nothing there yet. */
  committed: number | null;
  /** The end offset of the partition. */
  end: number;
  /** Messages written and not handled yet by the group: end minus committed (minus the low offset when nothing is committed). */
  lag: number;
}

export interface GroupLag {
  /** The group as the services name it (`request-service`), without the namespace. */
  group: string;
  /** The group id on the broker. */
  groupId: string;
  /** The broker's state of the group: `Stable` while its members consume, `Empty` with none, `Dead` when it does not exist. */
  state: string;
  /** Instances in the group now. */
  members: number;
  /** Every partition the group has committed on or is assigned, by topic then partition. */
  partitions: PartitionLag[];
  /** The sum of the partitions' lag. */
  lag: number;
}

/**
 * How far behind a group is on one partition. Offsets are committed only after a message was
 * handled, so this counts what is written and not handled yet; with nothing committed the group
 * starts from the oldest message kept, so everything kept is behind.
 */
export function lagOf(committed: number | null, offsets: Pick<PartitionOffsets, 'low' | 'end'>): number {
  const from = committed === null || committed < 0 ? offsets.low : committed;
  return Math.max(0, offsets.end - from);
}

/** The topic-partitions assigned to the group's members now (the members' assignment, as the consumer protocol encodes it). */
export function assignedPartitions(members: Array<{ memberAssignment: Buffer }>): Array<{ topic: string; partition: number }> {
  return members.flatMap((member) => {
    if (!member.memberAssignment?.length) return [];
    const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
    return Object.entries(decoded?.assignment ?? {}).flatMap(([topic, partitions]) => partitions.map((partition) => ({ topic, partition })));
  });
}

/**
 * The lag of each consumer group (by default the four services'), per contract topic and
 * partition: the committed offset, the end offset and the difference. A partition appears when
 * the group has committed an offset on it or one of its members is assigned it; a group that
 * never consumed anything appears with no partitions and state `Dead`.
 */
export async function consumerLag(kafka: Kafka, settings: OperationsSettings, groups: readonly string[] = SERVICE_GROUPS): Promise<GroupLag[]> {
  return withAdmin(kafka, async (admin) => {
    const topics = await existingTopics(admin, settings);
    const byPhysical = new Map([...topics].map(([topic, physical]) => [physical, topic]));
    const offsets = new Map<string, PartitionOffsets[]>();
    for (const physical of byPhysical.keys()) offsets.set(physical, await partitionOffsets(admin, physical));
    const groupIds = groups.map((group) => `${settings.namespace}${group}`);
    const { groups: described } = await admin.describeGroups(groupIds);

    return Promise.all(
      groups.map(async (group, i): Promise<GroupLag> => {
        const groupId = groupIds[i];
        const description = described.find((d) => d.groupId === groupId);
        const committed = byPhysical.size ? await admin.fetchOffsets({ groupId, topics: [...byPhysical.keys()] }) : [];
        const assigned = new Set(assignedPartitions(description?.members ?? []).map((p) => `${p.topic}|${p.partition}`));
        const partitions: PartitionLag[] = [];
        for (const { topic: physical, partitions: committedPartitions } of committed) {
          const topic = byPhysical.get(physical)!;
          for (const offset of offsets.get(physical) ?? []) {
            const at = Number(committedPartitions.find((p) => p.partition === offset.partition)?.offset ?? '-1');
            if (at < 0 && !assigned.has(`${physical}|${offset.partition}`)) continue;
            const mark = at < 0 ? null : at;
            partitions.push({ topic, partition: offset.partition, committed: mark, end: offset.end, lag: lagOf(mark, offset) });
          }
        }
        partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
        return {
          group,
          groupId,
          state: description?.state ?? 'Dead',
          members: description?.members.length ?? 0,
          partitions,
          lag: partitions.reduce((sum, p) => sum + p.lag, 0),
        };
      }),
    );
  });
}

import type { Consumer, ConsumerConfig } from 'kafkajs';
import type { KafkaSettings } from './kafka-settings';

/** Where a service's consumer is. Readiness (`/health/ready`) is `joined` only. */
export type ConsumerState = 'idle' | 'starting' | 'joined' | 'restarting' | 'stopped';

/** The consumer of a service: its group, and liveness short enough that a killed instance's partitions move on quickly. */
export function consumerConfig(settings: KafkaSettings): ConsumerConfig {
  return {
    groupId: settings.groupId,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 250,
    sessionTimeout: settings.sessionTimeoutMs,
    heartbeatInterval: settings.heartbeatIntervalMs,
  };
}

/**
 * Batches of this many partitions are handled at once (kafkajs' `partitionsConsumedConcurrently`),
 * each in its key lanes; never two batches of one partition. One customer's messages are on one
 * partition of a topic, and its state is read and written under a per-customer lock, so this only
 * overlaps the round trips of different customers: +45% commands/s in the pipeline benchmark
 * (3 partitions, against 1 at a time).
 */
export const PARTITIONS_AT_ONCE = 3;

/** A crashed consumer is re-created after 1 s, 2 s, 4 s... at most 30 s apart while it keeps crashing. */
export function restartDelayMs(crashesInARow: number): number {
  return Math.min(30_000, 1_000 * 2 ** Math.max(0, crashesInARow - 1));
}

/** A consumer that ran this long before crashing counts as having recovered: its next crash is a first one. */
export const STABLE_RUN_MS = 60_000;

/**
 * Crashes in a row, counting this one. A consumer that crashes again soon after it was
 * re-created has not recovered, even if other partitions made progress meanwhile: a poison
 * message on one partition backs the restarts off, so the rest of the group is not rebalanced
 * every second.
 */
export function crashesInARow(previous: number, ranForMs: number): number {
  return ranForMs >= STABLE_RUN_MS ? 1 : previous + 1;
}

/**
 * How long a closing service waits for its consumer to finish the message in hand, commit and
 * leave the group: half the 10 s DESIGN §7 gives a whole shutdown.
 */
export const CONSUMER_LEAVE_BUDGET_MS = 5_000;

/** Disconnects `consumer` (finish, commit, leave), or gives up after `budgetMs`: what happened. */
export async function leaveWithin(consumer: Consumer, budgetMs: number): Promise<'left' | 'late' | Error> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), budgetMs)));
  const left = consumer.disconnect().then(
    () => 'left' as const,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
  try {
    return await Promise.race([left, late]);
  } finally {
    clearTimeout(timer);
  }
}

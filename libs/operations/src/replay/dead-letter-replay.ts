import { Topics } from '@mp/contracts';
import { physicalTopic } from '@mp/messaging';
import { IHeaders, Kafka } from 'kafkajs';
import { DeadLetter, originalHeaders, parseDeadLetterId, ReplayHeaders } from '../dead-letters/dead-letter';
import { scanDeadLetters, unknownDeadLetter } from '../dead-letters/dead-letter-list';
import { contractTopicOf, OperationError, OperationsSettings, withAdmin } from '../operations-kafka';
import { checkMessage, errorLines } from '../publishing/message-check';
import type { TopicMessage } from '../reading/topic-reader';

export interface ReplayOptions {
  /** The dead letters to replay, by id; or `all`. */
  ids?: string[];
  all?: boolean;
  /** With `all`: only the dead letters of this error class. */
  errorClass?: string;
  /** Replay a message that still fails the checks (it will be dead-lettered again). */
  force?: boolean;
  /** Replay a dead letter that was replayed before (by default it is skipped). */
  again?: boolean;
  /** Only say what would be done. */
  dryRun?: boolean;
  /** Who replays, for the audit record. */
  by?: string;
  now?: () => Date;
}

/** Where a replay put the original back. */
export interface ReplayTarget {
  topic: string;
  partition: number;
  offset: string;
}

export type ReplayOutcome =
  | { id: string; outcome: 'replayed' | 'would-replay'; to: ReplayTarget | { topic: string; partition: number }; forced: boolean; count: number; auditRecord?: string }
  | { id: string; outcome: 'refused' | 'skipped'; reason: string; details: string[] };

/** The decision for one dead letter, before anything is written. */
export type ReplayPlan =
  | { id: string; go: true; topic: string; partition: number; forced: boolean; count: number; headers: IHeaders }
  | { id: string; go: false; outcome: 'refused' | 'skipped'; reason: string; details: string[] };

/**
 * Whether a dead letter may go back to its origin topic, and with which headers. Refused: a letter
 * whose original was not kept (too large: it is still on its own topic), one with no value, one
 * from a topic that is not a contract topic of this namespace, and one whose bytes would still
 * fail the services' checks (unless `force`). Skipped: one replayed before (unless `again`): each
 * replay leaves an audit record, so "replayed" is a fact on the dead-letters topic, not a guess.
 */
export function planReplay(letter: DeadLetter, record: TopicMessage, settings: OperationsSettings & { maxMessageBytes: number }, options: ReplayOptions): ReplayPlan {
  const refuse = (reason: string, details: string[] = []): ReplayPlan => ({ id: letter.id, go: false, outcome: 'refused', reason, details });
  const where = `${letter.origin.topic} partition ${letter.origin.partition ?? '?'} offset ${letter.origin.offset ?? '?'}`;
  if (letter.originalDropped !== undefined) return refuse(`its original was too large to be kept with it (${letter.originalDropped}); it is still on ${where}`);
  if (record.value === null) return refuse('it has no value to replay');
  const origin = letter.origin.topic;
  const contract = contractTopicOf(settings, physicalTopic(settings, origin));
  if (!contract || contract === Topics.deadLetters) return refuse(`its origin "${origin}" is not a topic of the contract here`);
  if (letter.replays.length > 0 && !options.again) {
    const last = letter.replays[letter.replays.length - 1];
    return { id: letter.id, go: false, outcome: 'skipped', reason: `already replayed ${letter.replays.length}× (last at ${last.replayedAt}, to ${last.to.topic} partition ${last.to.partition} offset ${last.to.offset}); --again replays it once more`, details: [] };
  }
  const topic = physicalTopic(settings, contract);
  const check = checkMessage(record.value, record.key, topic, settings);
  if (!check.ok && !options.force) return refuse(`it would fail again: ${check.errorClass}: ${check.message} (--force replays it anyway)`, errorLines(check.errors));
  const count = (letter.replayOf?.count ?? 0) + letter.replays.length + 1;
  const headers: IHeaders = {
    ...originalHeaders(record.headers),
    [ReplayHeaders.replayedFrom]: `${record.topic}/${record.partition}/${record.offset}`,
    [ReplayHeaders.replayedAt]: (options.now?.() ?? new Date()).toISOString(),
    [ReplayHeaders.replayCount]: String(count),
  };
  return { id: letter.id, go: true, topic, partition: letter.origin.partition ?? -1, forced: !check.ok, count, headers };
}

/**
 * Puts dead letters back on their origin topic: the original bytes (key, value, its own headers)
 * on the partition it was read from, with the replay headers (`mp-replayed-from`,
 * `mp-replayed-at`, `mp-replay-count`); then an audit record on the dead-letters topic
 * (header `mp-replay-of` = the dead letter's id; value: when, where to, forced or not, by whom),
 * which is how `dlq list` knows it was replayed. Oldest first, so a customer's messages go back
 * in the order they failed. The consumers de-duplicate by message id, so a message that was
 * handled after all is not handled twice.
 */
export async function replayDeadLetters(kafka: Kafka, settings: OperationsSettings & { maxMessageBytes: number }, options: ReplayOptions): Promise<ReplayOutcome[]> {
  const ids = (options.ids ?? []).map((id) => id.trim());
  if (!options.all && ids.length === 0) throw new OperationError('name the dead letters to replay (--id) or --all');
  if (options.all && ids.length > 0) throw new OperationError('either --id or --all, not both');
  ids.forEach(parseDeadLetterId);
  const wanted = (letter: DeadLetter) => (options.all ? !options.errorClass || letter.errorClass === options.errorClass : ids.includes(letter.id));
  const scan = await scanDeadLetters(kafka, settings, (id) => options.all || ids.includes(id));
  for (const id of ids) if (!scan.letters.some((l) => l.id === id)) throw unknownDeadLetter(id, scan.partitions);

  const plans = scan.letters.filter(wanted).map((letter) => planReplay(letter, scan.records.get(letter.id)!, settings, options));
  const outcomes: ReplayOutcome[] = [];
  if (options.dryRun || !plans.some((p) => p.go)) {
    return plans.map((p) => (p.go ? { id: p.id, outcome: 'would-replay', to: { topic: contractTopicOf(settings, p.topic)!, partition: p.partition }, forced: p.forced, count: p.count } : { id: p.id, outcome: p.outcome, reason: p.reason, details: p.details }));
  }
  const topics = [...new Set(plans.flatMap((p) => (p.go ? [p.topic] : [])))];
  const partitions = await withAdmin(kafka, async (admin) => new Map((await admin.fetchTopicMetadata({ topics })).topics.map((t) => [t.name, t.partitions.length])));
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (const plan of plans) {
      if (!plan.go) {
        outcomes.push({ id: plan.id, outcome: plan.outcome, reason: plan.reason, details: plan.details });
        continue;
      }
      const record = scan.records.get(plan.id)!;
      // Back where it was read; by its key when that partition is no more.
      const partition = plan.partition >= 0 && plan.partition < (partitions.get(plan.topic) ?? 0) ? plan.partition : undefined;
      const [sent] = await producer.send({ topic: plan.topic, messages: [{ key: record.key, value: record.value, headers: plan.headers, partition }] });
      const to = { topic: contractTopicOf(settings, plan.topic)!, partition: sent.partition, offset: sent.baseOffset ?? '?' };
      const audit = { replayOf: plan.id, replayedAt: String(plan.headers[ReplayHeaders.replayedAt]), to, forced: plan.forced, count: plan.count, by: options.by ?? 'unknown' };
      try {
        const [written] = await producer.send({
          topic: physicalTopic(settings, Topics.deadLetters),
          messages: [{ key: plan.id, value: JSON.stringify(audit), headers: { [ReplayHeaders.replayOf]: plan.id, 'content-type': 'application/json' } }],
        });
        outcomes.push({ id: plan.id, outcome: 'replayed', to, forced: plan.forced, count: plan.count, auditRecord: `${written.partition}-${written.baseOffset}` });
      } catch (error) {
        throw new OperationError(`replayed ${plan.id} to ${to.topic} partition ${to.partition} offset ${to.offset}, but its audit record could not be written: ${(error as Error).message}`);
      }
    }
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
  return outcomes;
}

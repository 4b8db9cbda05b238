import { isUtf8 } from 'node:buffer';
import { Topics } from '@mp/contracts';
import { physicalTopic } from '@mp/messaging';
import { Kafka } from 'kafkajs';
import { OperationError, OperationsSettings, withAdmin } from '../operations-kafka';
import { readTopic, TopicMessage } from '../reading/topic-reader';
import { partitionOffsets, PartitionOffsets } from '../topics/topic-offsets';
import { DeadLetter, deadLetterSummary, DeadLetterSummary, headersAsText, originalHeaders, parseDeadLetterId, readDeadLettersRecord, Replay } from './dead-letter';

export interface DeadLetterScan {
  /** Every dead letter on the topic, oldest first, each with its replays. */
  letters: DeadLetter[];
  /** The records of the letters asked for by id, as read (for `show` and `replay`). */
  records: Map<string, TopicMessage>;
  /** The partitions of the dead-letters topic, as they stood when the scan began. */
  partitions: PartitionOffsets[];
}

/** The dead-letters topic's partitions, or a clear refusal when it does not exist yet. */
async function deadLetterPartitions(kafka: Kafka, settings: OperationsSettings): Promise<PartitionOffsets[]> {
  const topic = physicalTopic(settings, Topics.deadLetters);
  return withAdmin(kafka, async (admin) => {
    if (!(await admin.listTopics()).includes(topic)) throw new OperationError(`the dead-letters topic ${topic} does not exist: no service has started here yet`);
    return partitionOffsets(admin, topic);
  });
}

/**
 * Reads the whole dead-letters topic, as it stands now, once: every dead letter, with the replays
 * the audit records on the same topic tell of. `keep` names the ids whose records are wanted whole.
 */
export async function scanDeadLetters(kafka: Kafka, settings: OperationsSettings, keep: (id: string) => boolean = () => false): Promise<DeadLetterScan> {
  const partitions = await deadLetterPartitions(kafka, settings);
  const letters: DeadLetter[] = [];
  const replays: Replay[] = [];
  const records = new Map<string, TopicMessage>();
  await readTopic(kafka, settings, {
    topic: physicalTopic(settings, Topics.deadLetters),
    ranges: partitions.map((p) => ({ partition: p.partition, from: p.low, to: p.end })),
    onMessage: (message) => {
      const record = readDeadLettersRecord(message, settings);
      if (record.kind === 'replay') replays.push(record.replay);
      else {
        letters.push(record.letter);
        if (keep(record.letter.id)) records.set(record.letter.id, message);
      }
    },
  });
  const byId = new Map(letters.map((l) => [l.id, l]));
  for (const replay of replays.sort((a, b) => a.replayedAt.localeCompare(b.replayedAt))) byId.get(replay.deadLetter)?.replays.push(replay);
  letters.sort((a, b) => a.writtenAt.localeCompare(b.writtenAt) || a.partition - b.partition || Number(a.offset) - Number(b.offset));
  return { letters, records, partitions };
}

/** Every dead letter, oldest first, each with its replays. */
export async function listDeadLetters(kafka: Kafka, settings: OperationsSettings): Promise<DeadLetter[]> {
  return (await scanDeadLetters(kafka, settings)).letters;
}

/** The counts of `deadLetterSummary` for the dead letters on the topic now. */
export async function summarizeDeadLetters(kafka: Kafka, settings: OperationsSettings): Promise<DeadLetterSummary> {
  return deadLetterSummary(await listDeadLetters(kafka, settings));
}

/** A dead letter with the original message as it is kept: key, value and its own headers. */
export interface DeadLetterDetail extends DeadLetter {
  original: {
    /** The value as text, or base64 when it is not UTF-8; null when there is none (dropped, or a tombstone). */
    value: string | null;
    encoding: 'utf8' | 'base64';
    bytes: number;
    headers: Record<string, string>;
  };
}

/** Refuses an id that names no dead letter, saying what the partition holds. */
export function unknownDeadLetter(id: string, partitions: PartitionOffsets[]): OperationError {
  const { partition, offset } = parseDeadLetterId(id);
  const p = partitions.find((x) => x.partition === partition);
  if (!p) return new OperationError(`no dead letter ${id}: the dead-letters topic has partitions 0 to ${partitions.length - 1}`);
  if (offset < p.low || offset >= p.end) return new OperationError(`no dead letter ${id}: partition ${partition} holds offsets ${p.low} to ${p.end - 1}${p.end === p.low ? ' (it is empty)' : ''}`);
  return new OperationError(`${id} is not a dead letter but the audit record of a replay`);
}

export function detailOf(letter: DeadLetter, record: TopicMessage): DeadLetterDetail {
  const value = record.value;
  const text = value === null || isUtf8(value);
  return {
    ...letter,
    original: {
      value: value === null ? null : text ? value.toString('utf8') : value.toString('base64'),
      encoding: text ? 'utf8' : 'base64',
      bytes: value?.length ?? 0,
      headers: headersAsText(originalHeaders(record.headers)),
    },
  };
}

/** One dead letter by id, with its original and its replays; an unknown id is refused, saying why. */
export async function readDeadLetter(kafka: Kafka, settings: OperationsSettings, id: string): Promise<DeadLetterDetail> {
  parseDeadLetterId(id);
  const wanted = id.trim();
  const scan = await scanDeadLetters(kafka, settings, (found) => found === wanted);
  const letter = scan.letters.find((l) => l.id === wanted);
  const record = scan.records.get(wanted);
  if (!letter || !record) throw unknownDeadLetter(wanted, scan.partitions);
  return detailOf(letter, record);
}

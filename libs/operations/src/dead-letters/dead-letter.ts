import { isUtf8 } from 'node:buffer';
import type { FieldError } from '@mp/contracts';
import { DeadLetterHeaders, headerText } from '@mp/messaging';
import type { IHeaders } from 'kafkajs';
import { contractTopicOf, OperationError, OperationsSettings } from '../operations-kafka';
import type { TopicMessage } from '../reading/topic-reader';

/**
 * Headers of a replay (`dlq replay`). On the message put back on its origin topic: where it was
 * replayed from (`<dead-letters topic>/<partition>/<offset>`), when, and how many times this
 * message has been put back in all. On the audit record the replay leaves on the dead-letters
 * topic: the id of the dead letter it replayed.
 */
export const ReplayHeaders = {
  replayedFrom: 'mp-replayed-from',
  replayedAt: 'mp-replayed-at',
  replayCount: 'mp-replay-count',
  replayOf: 'mp-replay-of',
} as const;

/**
 * A dead letter's id: its partition and offset on the dead-letters topic, `<partition>-<offset>`
 * (e.g. `2-17`). Stable for as long as the topic keeps it, and safe in a shell and a URL.
 */
export function deadLetterId(partition: number, offset: string | number): string {
  return `${partition}-${offset}`;
}

export function parseDeadLetterId(id: string): { partition: number; offset: number } {
  const match = /^(\d{1,9})-(\d{1,15})$/.exec(id.trim());
  if (!match) throw new OperationError(`"${id}" is not a dead-letter id: it is <partition>-<offset> on the dead-letters topic, e.g. 2-17 (see dlq list)`);
  return { partition: Number(match[1]), offset: Number(match[2]) };
}

/** One replay of a dead letter, as its audit record on the dead-letters topic tells it. */
export interface Replay {
  /** The audit record's own id on the dead-letters topic. */
  recordId: string;
  /** The dead letter replayed. */
  deadLetter: string;
  replayedAt: string;
  /** Where the original was put back. */
  to: { topic: string; partition: number; offset: string };
  /** Replayed although it failed validation (`--force`). */
  forced: boolean;
  /** Who replayed it (the operating system user and host of the CLI). */
  by: string;
}

export interface DeadLetter {
  /** `<partition>-<offset>` on the dead-letters topic. */
  id: string;
  partition: number;
  offset: string;
  /** When the dead letter was written. */
  writtenAt: string;
  key: string | null;
  /** Where the original was read, and by which consumer group (the contract name of the topic when it is one). */
  origin: { topic: string; partition: number | null; offset: string | null; group: string | null };
  errorClass: string;
  errorMessage: string;
  validationErrors: FieldError[];
  attempts: number | null;
  firstFailureAt: string | null;
  lastFailureAt: string | null;
  /** Set when the original was too large to be kept: why. It can only be read on its own topic. */
  originalDropped?: string;
  /** What the original says it is, when it reads as JSON: its CloudEvents type and id, and the customer it concerns. */
  type?: string;
  messageId?: string;
  customerId?: string;
  /** The original was itself a replay of an earlier dead letter, which failed again. */
  replayOf?: { from: string; count: number };
  /** The replays of this dead letter, oldest first. */
  replays: Replay[];
}

/** A dead-letters record read: a dead letter, or the audit record of a replay. */
export type DeadLettersRecord = { kind: 'dead-letter'; letter: DeadLetter } | { kind: 'replay'; replay: Replay };

const FAILURE_HEADERS = new Set<string>(Object.values(DeadLetterHeaders));

/** The original message's own headers: the dead letter's, without the failure and provenance ones it added. */
export function originalHeaders(headers: IHeaders): IHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !FAILURE_HEADERS.has(name)));
}

/** Headers as text, for reading (a header that is not UTF-8 is shown as base64). */
export function headersAsText(headers: IHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).flatMap(([name, value]) => {
      const first = Array.isArray(value) ? value[0] : value;
      if (first === undefined) return [];
      const buffer = Buffer.isBuffer(first) ? first : Buffer.from(String(first));
      return [[name, isUtf8(buffer) ? buffer.toString('utf8') : `base64:${buffer.toString('base64')}`]];
    }),
  );
}

function parsed(value: Buffer | null): any {
  if (!value || !isUtf8(value)) return undefined;
  try {
    return JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
}

function errorsOf(text: string | undefined): FieldError[] {
  try {
    const errors = JSON.parse(text ?? '[]');
    return Array.isArray(errors) ? errors.filter((e) => e && typeof e.path === 'string' && Array.isArray(e.constraints)) : [];
  } catch {
    return [];
  }
}

const numberOr = (text: string | undefined): number | null => (text !== undefined && /^\d+$/.test(text) ? Number(text) : null);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

/** What a record of the dead-letters topic is, read from its headers and (leniently) its value. Total: never throws. */
export function readDeadLettersRecord(message: TopicMessage, settings: OperationsSettings): DeadLettersRecord {
  const header = (name: string) => headerText(message.headers, name);
  const id = deadLetterId(message.partition, message.offset);
  const replayOf = header(ReplayHeaders.replayOf);
  if (replayOf !== undefined) {
    const audit = parsed(message.value) ?? {};
    return {
      kind: 'replay',
      replay: {
        recordId: id,
        deadLetter: replayOf,
        replayedAt: str(audit.replayedAt) ?? message.timestamp,
        to: { topic: str(audit.to?.topic) ?? '?', partition: Number(audit.to?.partition ?? -1), offset: String(audit.to?.offset ?? '?') },
        forced: audit.forced === true,
        by: str(audit.by) ?? '?',
      },
    };
  }
  const originTopic = header(DeadLetterHeaders.originTopic);
  const envelope = parsed(message.value);
  const isObject = envelope !== null && typeof envelope === 'object' && !Array.isArray(envelope);
  const replayedFrom = header(ReplayHeaders.replayedFrom);
  const letter: DeadLetter = {
    id,
    partition: message.partition,
    offset: message.offset,
    writtenAt: message.timestamp,
    key: message.key ? message.key.toString('utf8') : null,
    origin: {
      topic: originTopic ? (contractTopicOf(settings, originTopic) ?? originTopic) : '?',
      partition: numberOr(header(DeadLetterHeaders.originPartition)),
      offset: header(DeadLetterHeaders.originOffset) ?? null,
      group: header(DeadLetterHeaders.consumerGroup) ?? null,
    },
    errorClass: header(DeadLetterHeaders.errorClass) ?? '?',
    errorMessage: header(DeadLetterHeaders.errorMessage) ?? '',
    validationErrors: errorsOf(header(DeadLetterHeaders.validationErrors)),
    attempts: numberOr(header(DeadLetterHeaders.attempts)),
    firstFailureAt: header(DeadLetterHeaders.firstFailureAt) ?? null,
    lastFailureAt: header(DeadLetterHeaders.lastFailureAt) ?? null,
    replays: [],
  };
  const dropped = header(DeadLetterHeaders.originalDropped);
  if (dropped !== undefined) letter.originalDropped = dropped;
  if (isObject) {
    const type = str(envelope.type);
    const messageId = str(envelope.id);
    const customerId = str(envelope.data?.customerId) ?? str(envelope.subject);
    if (type) letter.type = type;
    if (messageId) letter.messageId = messageId;
    if (customerId) letter.customerId = customerId;
  }
  if (replayedFrom !== undefined) letter.replayOf = { from: replayedFrom, count: numberOr(header(ReplayHeaders.replayCount)) ?? 1 };
  return { kind: 'dead-letter', letter };
}

/** Counts for a dashboard: how many dead letters, how many not replayed yet, by error class and by origin topic. */
export interface DeadLetterSummary {
  total: number;
  notReplayed: number;
  byErrorClass: Record<string, number>;
  byOriginTopic: Record<string, number>;
  oldest: string | null;
  newest: string | null;
}

export function deadLetterSummary(letters: readonly DeadLetter[]): DeadLetterSummary {
  const count = (into: Record<string, number>, key: string) => (into[key] = (into[key] ?? 0) + 1);
  const byErrorClass: Record<string, number> = {};
  const byOriginTopic: Record<string, number> = {};
  let oldest: string | null = null;
  let newest: string | null = null;
  for (const letter of letters) {
    count(byErrorClass, letter.errorClass);
    count(byOriginTopic, letter.origin.topic);
    if (oldest === null || letter.writtenAt < oldest) oldest = letter.writtenAt;
    if (newest === null || letter.writtenAt > newest) newest = letter.writtenAt;
  }
  return { total: letters.length, notReplayed: letters.filter((l) => l.replays.length === 0).length, byErrorClass, byOriginTopic, oldest, newest };
}

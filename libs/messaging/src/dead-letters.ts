import type { FieldError } from '@mp/contracts';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';

export interface Failure {
  errorClass: string;
  message: string;
  errors: FieldError[];
  attempts: number;
  firstFailureAt: Date;
  lastFailureAt: Date;
}

export interface Provenance {
  topic: string;
  partition: number;
  offset: string;
  groupId: string;
}

/** Header names on `mp.dead-letters.v1` (DESIGN §4). */
export const DeadLetterHeaders = {
  originTopic: 'mp-origin-topic',
  originPartition: 'mp-origin-partition',
  originOffset: 'mp-origin-offset',
  consumerGroup: 'mp-consumer-group',
  errorClass: 'mp-error-class',
  errorMessage: 'mp-error-message',
  validationErrors: 'mp-validation-errors',
  attempts: 'mp-attempts',
  firstFailureAt: 'mp-first-failure-at',
  lastFailureAt: 'mp-last-failure-at',
  /** Only on a dead letter whose original could not be stored: why, and how big it was. */
  originalDropped: 'mp-original-dropped',
} as const;

/**
 * What a dead letter says about its failure is bounded, whatever the input: a hostile message
 * can make class-validator name thousands of fields, and a dead letter must still fit on its topic.
 */
export const MAX_ERROR_MESSAGE_CHARS = 1_000;
export const MAX_VALIDATION_ERRORS_CHARS = 8_000;

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The field errors as JSON, the first ones that fit in `max` characters, then how many more there were. */
export function boundedErrorsJson(errors: FieldError[], max = MAX_VALIDATION_ERRORS_CHARS): string {
  const kept: FieldError[] = [];
  let length = 2;
  for (const error of errors) {
    const shown = { path: truncate(error.path, 300), constraints: error.constraints.slice(0, 10).map((c) => truncate(c, 300)) };
    const size = JSON.stringify(shown).length + 1;
    if (length + size > max - 100) break;
    kept.push(shown);
    length += size;
  }
  const more = errors.length - kept.length;
  if (more > 0) kept.push({ path: '', constraints: [`... and ${more} more errors`] });
  return JSON.stringify(kept);
}

function failureHeaders(from: Provenance, failure: Failure): IHeaders {
  return {
    [DeadLetterHeaders.originTopic]: from.topic,
    [DeadLetterHeaders.originPartition]: String(from.partition),
    [DeadLetterHeaders.originOffset]: from.offset,
    [DeadLetterHeaders.consumerGroup]: from.groupId,
    [DeadLetterHeaders.errorClass]: failure.errorClass,
    [DeadLetterHeaders.errorMessage]: truncate(failure.message, MAX_ERROR_MESSAGE_CHARS),
    [DeadLetterHeaders.validationErrors]: boundedErrorsJson(failure.errors),
    [DeadLetterHeaders.attempts]: String(failure.attempts),
    [DeadLetterHeaders.firstFailureAt]: failure.firstFailureAt.toISOString(),
    [DeadLetterHeaders.lastFailureAt]: failure.lastFailureAt.toISOString(),
  };
}

/**
 * The original message, untouched (key, value, headers), plus where it came from and why it
 * failed. Headers of the original that use the dead-letter names are overwritten, so a message
 * cannot pass itself off as having come from elsewhere.
 */
export function deadLetterFor(original: KafkaMessage, from: Provenance, failure: Failure): Message {
  return { key: original.key, value: original.value, headers: { ...(original.headers ?? {}), ...failureHeaders(from, failure) } };
}

/**
 * The dead letter of a message that cannot be stored whole on the dead-letter topic (over the
 * topic's size limit): the failure and the provenance only, which point to the original on its
 * own topic, and why and how much was left out.
 */
export function strippedDeadLetterFor(original: KafkaMessage, from: Provenance, failure: Failure, why: string): Message {
  const size = (original.key?.length ?? 0) + (original.value?.length ?? 0);
  return {
    key: original.key && original.key.length <= 1_024 ? original.key : null,
    value: null,
    headers: { ...failureHeaders(from, failure), [DeadLetterHeaders.originalDropped]: truncate(`${why} (key and value: ${size} bytes)`, MAX_ERROR_MESSAGE_CHARS) },
  };
}

/**
 * The failure of a handler that kept throwing: the class of what it threw (`HandlerFailed` for a
 * plain Error or anything that is not an Error) and its message, whatever was thrown.
 */
export function handlerFailure(thrown: unknown, attempts: number, firstFailureAt: Date, lastFailureAt: Date): Failure {
  let errorClass = 'HandlerFailed';
  let message: string;
  try {
    if (thrown instanceof Error) {
      const name = thrown.constructor?.name;
      if (typeof name === 'string' && name && name !== 'Error') errorClass = name;
      message = String(thrown.message);
    } else {
      message = typeof thrown === 'string' ? thrown : `threw a non-Error: ${String(thrown)}`;
    }
  } catch {
    message = 'threw a value that cannot be printed';
  }
  return { errorClass, message, errors: [], attempts, firstFailureAt, lastFailureAt };
}

/** True for a produce error that no retry can cure because of the message itself (its size, its form). */
export function isRefusedForItsContent(error: unknown): boolean {
  const refused = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE', 'INVALID_REQUIRED_ACKS']);
  for (let cause: any = error, hops = 0; cause && hops < 5; cause = cause.cause ?? cause.originalError, hops++) {
    if (typeof cause.type === 'string' && refused.has(cause.type)) return true;
  }
  return false;
}

/**
 * Writes one dead letter: the original whole, or, when the dead-letter topic refuses it for its
 * content, a stripped one. Anything else (the broker unreachable) is thrown: the message is then
 * not committed, and the consumer restarts and reads it again, so nothing is silently dropped.
 */
export async function writeDeadLetter(send: (letter: Message) => Promise<void>, original: KafkaMessage, from: Provenance, failure: Failure): Promise<'whole' | 'stripped'> {
  try {
    await send(deadLetterFor(original, from, failure));
    return 'whole';
  } catch (error) {
    if (!isRefusedForItsContent(error)) throw error;
    await send(strippedDeadLetterFor(original, from, failure, `the dead-letter topic refused the original: ${(error as Error).message}`));
    return 'stripped';
  }
}

export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

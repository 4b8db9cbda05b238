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
} as const;

/** The original message, untouched (key, value, headers), plus where it came from and why it failed. */
export function deadLetterFor(original: KafkaMessage, from: Provenance, failure: Failure): Message {
  const headers: IHeaders = {
    ...(original.headers ?? {}),
    [DeadLetterHeaders.originTopic]: from.topic,
    [DeadLetterHeaders.originPartition]: String(from.partition),
    [DeadLetterHeaders.originOffset]: from.offset,
    [DeadLetterHeaders.consumerGroup]: from.groupId,
    [DeadLetterHeaders.errorClass]: failure.errorClass,
    [DeadLetterHeaders.errorMessage]: failure.message,
    [DeadLetterHeaders.validationErrors]: JSON.stringify(failure.errors),
    [DeadLetterHeaders.attempts]: String(failure.attempts),
    [DeadLetterHeaders.firstFailureAt]: failure.firstFailureAt.toISOString(),
    [DeadLetterHeaders.lastFailureAt]: failure.lastFailureAt.toISOString(),
  };
  return { key: original.key, value: original.value, headers };
}

export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

import { isMessageType, specOf, TopicName } from '@mp/contracts';
import { newId, physicalTopic, toKafkaMessage } from '@mp/messaging';
import type { CloudEvent } from '@mp/contracts';
import { Kafka, Message } from 'kafkajs';
import { OperationError, OperationsSettings } from '../operations-kafka';
import { checkMessage, errorLines } from './message-check';

export interface PublishOptions {
  /**
   * Fill in what an upstream system would: `specversion`, a fresh `id`, `source`, `time` (now),
   * `datacontenttype` and `subject`, where the file leaves them out. Nothing given is changed.
   */
  stamp?: boolean;
  source?: string;
  now?: () => Date;
}

export interface Published {
  type: string;
  id: string;
  topic: TopicName;
  partition: number;
  offset: string;
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stamped(envelope: Record<string, any>, options: PublishOptions): Record<string, any> {
  const type = envelope.type;
  let subject: string | undefined;
  try {
    subject = typeof type === 'string' && isMessageType(type) && isObject(envelope.data) ? specOf(type).keyOf(envelope.data as never) : undefined;
  } catch {
    subject = undefined;
  }
  return {
    specversion: '1.0',
    id: newId(),
    source: options.source ?? 'ops-cli',
    time: (options.now?.() ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    ...(typeof subject === 'string' && subject ? { subject } : {}),
    ...envelope,
  };
}

/** The Kafka message of one envelope as a service would send it (content type header, keyed by its customer or partner). */
function messageOf(envelope: Record<string, any>): Message {
  try {
    return toKafkaMessage(envelope as CloudEvent);
  } catch {
    // Data too broken to name its key: the check below says what is wrong with it.
    return { key: null, value: JSON.stringify(envelope) };
  }
}

/**
 * Turns what a file holds (one CloudEvents envelope, or a list of them) into the messages to send
 * to `topic`, each checked exactly as the services' consumers check it. One bad message refuses
 * them all, with every message's errors: nothing is sent half.
 */
export function prepareEnvelopes(plain: unknown, topic: TopicName, settings: OperationsSettings & { maxMessageBytes: number }, options: PublishOptions = {}): Array<{ envelope: CloudEvent; message: Message }> {
  const list = Array.isArray(plain) ? plain : [plain];
  if (list.length === 0) throw new OperationError('the file holds an empty list: nothing to publish');
  const physical = physicalTopic(settings, topic);
  const problems: string[] = [];
  const prepared = list.map((item, index) => {
    const envelope = isObject(item) && options.stamp ? stamped(item, options) : item;
    const message = isObject(envelope) ? messageOf(envelope) : { key: null, value: JSON.stringify(envelope ?? null) };
    const value = Buffer.from(message.value as string);
    const key = message.key === null || message.key === undefined ? null : Buffer.from(message.key);
    const check = checkMessage(value, key, physical, settings);
    if (!check.ok) {
      const which = list.length > 1 ? `message ${index + 1}: ` : '';
      problems.push(`${which}${check.errorClass}: ${check.message}`, ...errorLines(check.errors).map((line) => `  ${line}`));
    }
    return { envelope: envelope as CloudEvent, message };
  });
  if (problems.length) throw new OperationError(`refused: ${list.length > 1 ? 'not every message passes' : 'the message does not pass'} the checks of ${topic}; nothing was sent`, problems);
  return prepared;
}

/** Checks every envelope (see `prepareEnvelopes`), then sends them to `topic` in order. */
export async function publishEnvelopes(kafka: Kafka, settings: OperationsSettings & { maxMessageBytes: number }, topic: TopicName, plain: unknown, options: PublishOptions = {}): Promise<Published[]> {
  const prepared = prepareEnvelopes(plain, topic, settings, options);
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const published: Published[] = [];
    for (const { envelope, message } of prepared) {
      const [sent] = await producer.send({ topic: physicalTopic(settings, topic), messages: [message] });
      published.push({ type: envelope.type, id: envelope.id, topic, partition: sent.partition, offset: sent.baseOffset ?? '?' });
    }
    return published;
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

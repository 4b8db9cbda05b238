import { isUtf8 } from 'node:buffer';
import { isMessageType, MessageCatalog, TopicName, Topics, typesOfTopic } from '@mp/contracts';
import { decode, physicalTopic } from '@mp/messaging';
import { Kafka } from 'kafkajs';
import { OperationError, OperationsSettings, withAdmin } from '../operations-kafka';
import { readTopic, TopicMessage } from '../reading/topic-reader';
import { partitionOffsets } from '../topics/topic-offsets';
import { headersAsText } from '../dead-letters/dead-letter';

/** One message of a topic, decoded for reading. */
export interface TailedMessage {
  topic: TopicName;
  partition: number;
  offset: string;
  timestamp: string;
  key: string | null;
  headers: Record<string, string>;
  /** The CloudEvents type, id and customer, when the value reads as an envelope. */
  type?: string;
  id?: string;
  customerId?: string;
  /** The value parsed as JSON (the envelope), or absent when it is not JSON. */
  envelope?: unknown;
  /** The value as text when it is not JSON (base64 when not UTF-8). */
  raw?: string;
  /** Why a consumer would refuse it (its dead-letter error class and message), when it would. */
  problem?: string;
}

export interface TailFilter {
  type?: string;
  customer?: string;
}

/** Decodes one message for reading; total. */
export function tailed(topic: TopicName, message: TopicMessage, maxMessageBytes: number): TailedMessage {
  const out: TailedMessage = { topic, partition: message.partition, offset: message.offset, timestamp: message.timestamp, key: message.key ? message.key.toString('utf8') : null, headers: headersAsText(message.headers) };
  const value = message.value;
  let parsed: any;
  if (value && isUtf8(value)) {
    try {
      parsed = JSON.parse(value.toString('utf8'));
    } catch {
      out.raw = value.toString('utf8');
    }
  } else if (value) out.raw = `base64:${value.toString('base64')}`;
  if (parsed !== undefined) {
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      if (typeof parsed.type === 'string') out.type = parsed.type;
      if (typeof parsed.id === 'string') out.id = parsed.id;
      const customer = parsed.data?.customerId ?? parsed.subject;
      if (typeof customer === 'string') out.customerId = customer;
    }
    out.envelope = parsed;
  }
  if (topic !== Topics.deadLetters) {
    const decoded = decode(value, { maxMessageBytes });
    if (!decoded.ok) out.problem = `${decoded.errorClass}: ${decoded.message}`;
  }
  return out;
}

export function matches(message: TailedMessage, filter: TailFilter): boolean {
  if (filter.type !== undefined && message.type !== filter.type) return false;
  if (filter.customer !== undefined && message.customerId !== filter.customer) return false;
  return true;
}

/** Refuses a `--type` that can never be on `topic`, naming the types that can. */
export function checkTypeFilter(topic: TopicName, type: string | undefined): void {
  if (type === undefined || topic === Topics.deadLetters) return;
  const types = typesOfTopic(topic);
  if (types.includes(type as never)) return;
  const elsewhere = isMessageType(type) ? ` (it is on ${MessageCatalog[type].topic})` : '';
  throw new OperationError(`${type} is not a type of ${topic}${elsewhere}; its types are ${types.join(', ')}`);
}

export interface TailOptions {
  topic: TopicName;
  filter?: TailFilter;
  /** Read from the oldest message kept; else from the end (only what is written from now on). */
  fromBeginning?: boolean;
  /** Go on reading new messages once the end is reached (always, when not from the beginning). */
  follow?: boolean;
  /** Stop after this many matching messages. */
  max?: number;
  signal?: AbortSignal;
  onMessage: (message: TailedMessage) => void;
  /** Called once reading has begun: from then on no new message is missed. */
  onReady?: () => void;
}

/**
 * Reads a topic for a person or a script: decoded, filtered by type and customer, from the
 * beginning up to its end (as it stood when asked) or on and on as new messages come.
 * Touches no service's consumer group. Resolves with the number of messages shown.
 */
export async function tailTopic(kafka: Kafka, settings: OperationsSettings & { maxMessageBytes: number }, options: TailOptions): Promise<number> {
  const { topic, filter = {}, max } = options;
  checkTypeFilter(topic, filter.type);
  const physical = physicalTopic(settings, topic);
  const partitions = await withAdmin(kafka, async (admin) => {
    if (!(await admin.listTopics()).includes(physical)) throw new OperationError(`the topic ${physical} does not exist: no service has started here yet`);
    return partitionOffsets(admin, physical);
  });
  const follow = options.follow || !options.fromBeginning;
  let shown = 0;
  if (max !== undefined && max <= 0) return 0;
  await readTopic(kafka, settings, {
    topic: physical,
    ranges: partitions.map((p) => ({ partition: p.partition, from: options.fromBeginning ? p.low : p.end, to: follow ? undefined : p.end })),
    signal: options.signal,
    onReady: options.onReady,
    onMessage: (message) => {
      const decoded = tailed(topic, message, settings.maxMessageBytes);
      if (!matches(decoded, filter)) return;
      options.onMessage(decoded);
      shown++;
      if (max !== undefined && shown >= max) return false;
    },
  });
  return shown;
}

import { CLOUDEVENTS_CONTENT_TYPE, CloudEvent, MessageCatalog, MessageType, ProducedEvent, specOf } from '@mp/contracts';
import type { Message } from 'kafkajs';
import { deriveId, newId } from './message-ids';

/** What caused a produced event: the consumed message, or a synthetic origin (a timer, a caller). */
export interface Origin {
  id: string;
  correlationid?: string;
}

export interface OutgoingMessage<T extends MessageType = MessageType> {
  type: T;
  data: unknown;
}

/** Wraps data into a CloudEvent whose id is derived from its cause, its position and its type. */
export function envelopeFor(source: string, origin: Origin, outgoing: OutgoingMessage, index: number, now: Date): ProducedEvent {
  const spec = specOf(outgoing.type);
  const key = spec.keyOf(outgoing.data as never);
  return {
    specversion: '1.0',
    id: deriveId(`${origin.id}/${index}/${outgoing.type}`),
    type: outgoing.type,
    source,
    time: now.toISOString(),
    subject: key,
    datacontenttype: 'application/json',
    correlationid: origin.correlationid ?? origin.id,
    causationid: origin.id,
    data: outgoing.data,
  };
}

/** An upstream-style message with a fresh id and no cause: what a portal or the demo publishes. */
export function upstreamEnvelope(source: string, type: MessageType, data: unknown, now = new Date()): CloudEvent {
  const key = specOf(type).keyOf(data as never);
  return { specversion: '1.0', id: newId(), type, source, time: now.toISOString(), subject: key, datacontenttype: 'application/json', data };
}

/** Structured-mode CloudEvents over Kafka: the envelope is the value, keyed by customer or partner. */
export function toKafkaMessage(envelope: CloudEvent): Message {
  const type = envelope.type as MessageType;
  const key = MessageCatalog[type] ? specOf(type).keyOf(envelope.data as never) : envelope.subject;
  return {
    key: key ?? null,
    value: JSON.stringify(envelope),
    headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE },
  };
}

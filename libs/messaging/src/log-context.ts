import { AsyncLocalStorage } from 'node:async_hooks';
import type { CloudEvent } from '@mp/contracts';
import type { KafkaMessage } from 'kafkajs';

/** The longest message key written in a log line (a hostile key may be a megabyte). */
const MAX_LOGGED_KEY_CHARS = 128;

/**
 * What every log line written while one consumed message is in hand carries (DESIGN §9): where it
 * was read (physical topic, partition, offset) and, when it could be decoded, its id, type,
 * correlation (its own id when upstream left it out, as DESIGN §4 says), cause and subject.
 */
export function messageLogFields(topic: string, partition: number, message: Pick<KafkaMessage, 'offset' | 'key'>, envelope?: CloudEvent, replay = false): Record<string, unknown> {
  const where = { topic, partition, offset: message.offset };
  const flags = replay ? { replay: true } : {};
  if (!envelope) {
    const key = message.key?.toString('utf8');
    return { ...where, ...(key ? { key: key.length > MAX_LOGGED_KEY_CHARS ? `${key.slice(0, MAX_LOGGED_KEY_CHARS)}…` : key } : {}), ...flags };
  }
  return {
    ...where,
    messageId: envelope.id,
    type: envelope.type,
    correlationid: envelope.correlationid ?? envelope.id,
    ...(envelope.causationid ? { causationid: envelope.causationid } : {}),
    ...(envelope.subject ? { subject: envelope.subject } : {}),
    ...flags,
  };
}

const context = new AsyncLocalStorage<Record<string, unknown>>();

/**
 * The fields of the logging context in hand (none outside one): pino's `mixin` in the services'
 * logger options, so they are read only when a line is written.
 */
export function logContextFields(): Record<string, unknown> {
  return context.getStore() ?? {};
}

/**
 * Runs a piece of work (one consumed message) in a logging context of its own: every line any
 * code writes meanwhile, through Nest's `Logger` or nestjs-pino, carries `fields`, across every
 * `await` and whatever else runs concurrently (an AsyncLocalStorage, read by the logger's `mixin`).
 * Cheap when nothing is logged: nestjs-pino's `runInContext` made a child logger per message,
 * whose bindings went through the redaction paths every time (3-8% of a service's CPU under load,
 * at any log level).
 */
export function inLogContext<T>(fields: Record<string, unknown>, work: () => Promise<T>): Promise<T> {
  return context.run(fields, work);
}

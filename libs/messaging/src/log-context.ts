import { Injectable, Optional } from '@nestjs/common';
import type { CloudEvent } from '@mp/contracts';
import type { KafkaMessage } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';

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

/**
 * Runs a piece of work (one consumed message, one notification) in a logging context of its
 * own: every line any code writes meanwhile, through Nest's `Logger` or nestjs-pino, carries
 * `bindings`, across every `await` and whatever else runs concurrently (nestjs-pino's
 * AsyncLocalStorage, `PinoLogger.runInContext`). Without nestjs-pino (a bare test module) the work
 * just runs.
 */
@Injectable()
export class LogContext {
  constructor(@Optional() private readonly pino?: PinoLogger) {}

  run<T>(bindings: Record<string, unknown>, work: () => Promise<T>): Promise<T> {
    return this.pino ? this.pino.runInContext(work, { bindings }) : work();
  }
}

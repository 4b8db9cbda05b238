import { CloudEvent, FieldError, MessageType } from '@mp/contracts';
import { decode, placementFailure } from '@mp/messaging';
import { OperationsSettings } from '../operations-kafka';

export type MessageCheck = { ok: true; envelope: CloudEvent & { type: MessageType } } | { ok: false; errorClass: string; message: string; errors: FieldError[] };

/**
 * What a consumer of `physicalTopic` would make of these bytes under this key: the very checks of
 * the services' transport (size, JSON, input limits, CloudEvent, known type, data rules, then the
 * right topic and key), so a message that passes here is not dead-lettered for its form.
 */
export function checkMessage(value: Buffer | null, key: Buffer | null, physicalTopic: string, settings: OperationsSettings & { maxMessageBytes: number }): MessageCheck {
  const decoded = decode(value, { maxMessageBytes: settings.maxMessageBytes });
  if (!decoded.ok) return { ok: false, errorClass: decoded.errorClass, message: decoded.message, errors: decoded.errors };
  const misplaced = placementFailure(decoded.envelope, { topic: physicalTopic, key }, settings.namespace);
  if (misplaced) return { ok: false, errorClass: misplaced.errorClass, message: misplaced.message, errors: [] };
  return { ok: true, envelope: decoded.envelope };
}

/** Field errors as lines for a person: `data.services: services should not be empty`. */
export function errorLines(errors: readonly FieldError[]): string[] {
  return errors.map((e) => `${e.path || '(the message)'}: ${e.constraints.join('; ')}`);
}

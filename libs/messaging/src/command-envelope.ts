import { CloudEvent, MessageType, validateData } from '@mp/contracts';
import { decode, DecodeFailure, DecodeOptions } from './decode';
import { upstreamEnvelope } from './envelopes';

/** Who makes a command on a caller's behalf (an HTTP endpoint): its `source`, the correlation to carry, its clock's now. */
export interface CommandOrigin {
  source: string;
  correlationid?: string;
  now?: Date;
}

export type CheckedCommand = { ok: true; envelope: CloudEvent & { type: MessageType } } | DecodeFailure;

/** `data.services.0` -> `services.0`: the field as the caller named it. */
const dataPath = (path: string) => path.replace(/^data(\.|$)/, '');

/**
 * A command a service makes for a caller, as an upstream system would publish it (a fresh id, no
 * cause), checked exactly as the consumer of its topic will check it: the data's rules (strict,
 * input limits) first, so the errors name the caller's fields, then the whole envelope through
 * `decode` (size, JSON, limits, CloudEvent, type, rules). A command that passes here is never
 * dead-lettered for its form. Total: never throws.
 */
export function commandEnvelope(type: MessageType, data: Record<string, unknown>, origin: CommandOrigin, options: DecodeOptions): CheckedCommand {
  const checked = validateData(type, data);
  if (!checked.ok) return { ok: false, errorClass: 'ValidationFailed', message: `The data of ${type} breaks its rules.`, errors: checked.errors };
  const envelope = { ...upstreamEnvelope(origin.source, type, data, origin.now), ...(origin.correlationid ? { correlationid: origin.correlationid } : {}) };
  const decoded = decode(Buffer.from(JSON.stringify(envelope), 'utf8'), options);
  if (!decoded.ok) return { ...decoded, errors: decoded.errors.map((e) => ({ ...e, path: dataPath(e.path) })) };
  return { ok: true, envelope: { ...envelope, type } };
}

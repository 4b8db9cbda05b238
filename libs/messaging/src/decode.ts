import { CloudEvent, isMessageType, MessageType, validateData, validateEnvelope, FieldError } from '@mp/contracts';

/** Why a message could not be read: the error classes a dead letter carries. */
export type DecodeFailureClass = 'NotJson' | 'NotCloudEvent' | 'UnknownType' | 'ValidationFailed';

export type Decoded =
  | { ok: true; envelope: CloudEvent & { type: MessageType } }
  | { ok: false; errorClass: DecodeFailureClass; message: string; errors: FieldError[] };

/** Bytes -> JSON -> CloudEvent -> known type -> data that passes its rules. */
export function decode(value: Buffer | null): Decoded {
  if (value === null || value.length === 0) {
    return { ok: false, errorClass: 'NotJson', message: 'The message has no value.', errors: [] };
  }
  let plain: unknown;
  try {
    plain = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return { ok: false, errorClass: 'NotJson', message: `The value is not JSON: ${(error as Error).message}`, errors: [] };
  }
  const envelope = validateEnvelope(plain);
  if (!envelope.ok) {
    return { ok: false, errorClass: 'NotCloudEvent', message: 'The value is not a CloudEvents 1.0 envelope.', errors: envelope.errors };
  }
  const { type } = envelope.value;
  if (!isMessageType(type)) {
    return { ok: false, errorClass: 'UnknownType', message: `Unknown message type "${type}".`, errors: [{ path: 'type', constraints: ['unknown message type'] }] };
  }
  const data = validateData(type, envelope.value.data);
  if (!data.ok) {
    const errors = data.errors.map((e) => ({ ...e, path: e.path ? `data.${e.path}` : 'data' }));
    return { ok: false, errorClass: 'ValidationFailed', message: `The data of ${type} breaks its rules.`, errors };
  }
  return { ok: true, envelope: { ...envelope.value, type, data: data.value } };
}

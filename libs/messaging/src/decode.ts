import { isUtf8 } from 'node:buffer';
import {
  CloudEvent,
  describeThrown,
  FieldError,
  findInputViolation,
  InputViolationClass,
  isMessageType,
  MessageCatalog,
  MessageType,
  schemaCheckOf,
  specOf,
  validateData,
  validateEnvelope,
} from '@mp/contracts';

/** DESIGN §7: a message over this many bytes is refused before it is parsed. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * Why a message could not be read: the error classes a dead letter carries, in the order they
 * are checked. `DecodeFailed` is the last line of defence and is never expected: it means the
 * decoder itself threw, and the message is dead-lettered instead of stopping the consumer.
 */
export type DecodeFailureClass = 'TooLarge' | 'NotJson' | InputViolationClass | 'NotCloudEvent' | 'UnknownType' | 'ValidationFailed' | 'DecodeFailed';

export interface DecodeFailure {
  ok: false;
  errorClass: DecodeFailureClass;
  message: string;
  errors: FieldError[];
}

export type Decoded = { ok: true; envelope: CloudEvent & { type: MessageType } } | DecodeFailure;

export interface DecodeOptions {
  maxMessageBytes: number;
}

const failure = (errorClass: DecodeFailureClass, message: string, errors: FieldError[] = []): DecodeFailure => ({ ok: false, errorClass, message, errors });

/**
 * Bytes -> size -> UTF-8 JSON -> input limits -> CloudEvent -> known type -> data that passes its
 * rules. Total: whatever the bytes, it returns; it never throws. A message the compiled schema of
 * its type accepts is valid as it is; any other goes through the classes, which say what is wrong.
 */
export function decode(value: Buffer | null, options: DecodeOptions = { maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES }): Decoded {
  try {
    return decodeChecked(value, options);
  } catch (error) {
    return failure('DecodeFailed', `The message could not be decoded: ${describeThrown(error)}`);
  }
}

function decodeChecked(value: Buffer | null, { maxMessageBytes }: DecodeOptions): Decoded {
  if (value === null || value.length === 0) return failure('NotJson', 'The message has no value.');
  if (value.length > maxMessageBytes) {
    return failure('TooLarge', `The value has ${value.length} bytes, more than the ${maxMessageBytes} allowed.`, [
      { path: '', constraints: [`must not be larger than ${maxMessageBytes} bytes`] },
    ]);
  }
  if (!isUtf8(value)) return failure('NotJson', 'The value is not UTF-8 text.');
  let plain: unknown;
  try {
    plain = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return failure('NotJson', `The value is not JSON: ${describeThrown(error)}`);
  }
  const violation = findInputViolation(plain);
  if (violation) {
    return failure(violation.errorClass, `The value breaks the input limits at "${violation.path}": ${violation.constraint}.`, [
      { path: violation.path, constraints: [violation.constraint] },
    ]);
  }
  // The compiled schema first: what it accepts the classes accept (asyncapi-agreement.properties.spec.ts).
  const type = (plain as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && isMessageType(type) && schemaCheckOf(type)(plain)) return { ok: true, envelope: plain as CloudEvent & { type: MessageType } };
  const envelope = validateEnvelope(plain);
  if (!envelope.ok) return failure('NotCloudEvent', 'The value is not a CloudEvents 1.0 envelope.', envelope.errors);
  const checkedType = envelope.value.type;
  if (!isMessageType(checkedType)) {
    return failure('UnknownType', `Unknown message type "${checkedType}".`, [{ path: 'type', constraints: ['unknown message type'] }]);
  }
  const data = validateData(checkedType, envelope.value.data);
  if (!data.ok) {
    const errors = data.errors.map((e) => ({ ...e, path: e.path ? `data.${e.path}` : 'data' }));
    return failure('ValidationFailed', `The data of ${checkedType} breaks its rules.`, errors);
  }
  return { ok: true, envelope: { ...envelope.value, type: checkedType, data: data.value } };
}

/** Where a message was read: its physical topic and its Kafka key. */
export interface Placement {
  topic: string;
  key: Buffer | null;
}

export type PlacementFailureClass = 'WrongTopic' | 'WrongKey';

/**
 * A valid message in the wrong place: on another type's topic, or under a key that is not the
 * one its type is keyed by (DESIGN §4: the customer id, or the partner id for partner data), so
 * it would be ordered with another customer's messages. A message without a key is accepted.
 */
export function placementFailure(
  envelope: CloudEvent & { type: MessageType },
  { topic, key }: Placement,
  namespace: string,
): { errorClass: PlacementFailureClass; message: string } | undefined {
  const expectedTopic = MessageCatalog[envelope.type].topic;
  if (`${namespace}${expectedTopic}` !== topic) return { errorClass: 'WrongTopic', message: `${envelope.type} belongs on ${expectedTopic}, not here.` };
  if (key === null) return undefined;
  const expectedKey = specOf(envelope.type).keyOf(envelope.data as never);
  const actualKey = key.toString('utf8');
  if (actualKey === expectedKey) return undefined;
  return { errorClass: 'WrongKey', message: `${envelope.type} is keyed by "${expectedKey}", but came with the key "${actualKey.slice(0, 200)}".` };
}

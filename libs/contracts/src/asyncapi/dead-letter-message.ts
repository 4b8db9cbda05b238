import type { JsonSchema } from './data-schemas';

/**
 * The dead letter (DESIGN §4, §7) as the AsyncAPI document tells it. The messaging layer writes it
 * (libs/messaging/src/dead-letters.ts), which the contract cannot import: a unit test of the
 * directory (apps/directory-service/src/asyncapi) holds these names, limits and error classes
 * equal to that code's.
 */

/** The most characters of `mp-error-message` and of `mp-validation-errors`. */
export const DEAD_LETTER_LIMITS = { errorMessage: 1_000, validationErrors: 8_000 } as const;

const text = (description: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'string', description, ...extra });
const digits = { pattern: '^[0-9]+$' };
const instant = { format: 'date-time' };

/** Every header the dead-letter writer adds, and whether every letter has it. */
export const DeadLetterHeaderSchemas: Record<string, { required: boolean; schema: JsonSchema }> = {
  'mp-origin-topic': { required: true, schema: text('The topic the original was read from (with its `KAFKA_NAMESPACE` prefix, if any).') },
  'mp-origin-partition': { required: true, schema: text('Its partition.', digits) },
  'mp-origin-offset': { required: true, schema: text('Its offset.', digits) },
  'mp-consumer-group': { required: true, schema: text('The consumer group that could not handle it.') },
  'mp-error-class': { required: true, schema: text('Why, for machines: one of the error classes below, or the class of what a handler threw.') },
  'mp-error-message': { required: true, schema: text('Why, for people.', { maxLength: DEAD_LETTER_LIMITS.errorMessage }) },
  'mp-validation-errors': {
    required: true,
    schema: text('The broken rules as JSON, `[{"path": "data.services", "constraints": ["..."]}]`, cut to fit (the last item then counts the rest); `[]` when there are none.', {
      maxLength: DEAD_LETTER_LIMITS.validationErrors,
      contentMediaType: 'application/json',
    }),
  },
  'mp-attempts': { required: true, schema: text('How many times a handler was tried (1 for a message that could not be decoded).', digits) },
  'mp-first-failure-at': { required: true, schema: text('When the first attempt failed.', instant) },
  'mp-last-failure-at': { required: true, schema: text('When the last attempt failed.', instant) },
  'mp-original-dropped': {
    required: false,
    schema: text('Only when the original was too large even for this topic: why it was left out, and its size. The letter then has no value, and the key only when short.'),
  },
};

/** The values `mp-error-class` takes when the message itself is at fault, or the handler kept failing. */
export const DeadLetterErrorClasses = {
  TooLarge: 'over `KAFKA_MAX_MESSAGE_BYTES`, refused on its bytes before parsing',
  NotJson: 'not UTF-8 JSON',
  LimitExceeded: 'nested deeper, a list or a key longer than the input limits allow',
  ForbiddenKey: '`__proto__`, `constructor`, `prototype` or another `Object.prototype` name as a key, anywhere',
  ForbiddenCharacter: 'a control character other than tab, LF or CR, in a string or a key',
  NotCloudEvent: 'not a CloudEvents 1.0 envelope',
  UnknownType: 'a `type` the contract does not have',
  ValidationFailed: "the `data` breaks its type's rules (a command's unknown fields included)",
  WrongTopic: 'a known type on another topic than its own',
  WrongKey: 'a key that is present but is not the id the type is keyed by',
  HandlerFailed: 'the handler kept failing after its retries (or the class of what it threw)',
  DecodeFailed: 'a last resort that should never occur',
} as const satisfies Record<string, string>;

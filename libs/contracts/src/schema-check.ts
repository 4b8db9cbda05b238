import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { asyncApiDocument } from './asyncapi/asyncapi-document';
import { MessageCatalog, MessageType } from './catalog';

/**
 * The contract's rules compiled: the JSON Schema of each message (envelope and data) as the
 * AsyncAPI document gives it, which is generated from the very class-validator classes, and
 * proven to agree with them message for message and mutation for mutation
 * (`asyncapi-agreement.properties.spec.ts`). ajv turns it into plain functions, some ten times
 * faster than class-transformer + class-validator: `decode` asks it first, and only a message it
 * refuses goes through the classes, whose words the dead letter carries.
 *
 * Compiled once, at the first use (a few hundred milliseconds).
 */
let compiled: Record<MessageType, ValidateFunction> | undefined;

function validators(): Record<MessageType, ValidateFunction> {
  if (compiled) return compiled;
  const doc = asyncApiDocument() as { components: { schemas: Record<string, unknown>; messages: Record<string, { payload: unknown }> } };
  const types = Object.keys(MessageCatalog) as MessageType[];
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  // The document is not a schema; its schemas are reached by JSON pointer from each message's payload.
  ajv.addKeyword('components');
  ajv.addKeyword('payload');
  ajv.addSchema({ $id: 'asyncapi', components: { schemas: doc.components.schemas, messages: Object.fromEntries(types.map((t) => [t, { payload: doc.components.messages[t].payload }])) } });
  compiled = Object.fromEntries(types.map((t) => [t, ajv.getSchema(`asyncapi#/components/messages/${t}/payload`)!])) as Record<MessageType, ValidateFunction>;
  return compiled;
}

/** The compiled check of one message type's whole message (envelope and data), e.g. for tests that compare it with the classes. */
export function schemaCheckOf(type: MessageType): ValidateFunction {
  return validators()[type];
}

import { MessageCatalog, MessageType, specOf } from '../catalog';
import { CLOUDEVENTS_CONTENT_TYPE, CloudEvent } from '../envelope';
import { DEFAULT_INPUT_LIMITS } from '../input-limits';
import { TopicName, Topics } from '../topics';
import { DataSchemas, JsonSchema, SCHEMA_REF_PREFIX } from './data-schemas';
import { DEAD_LETTER_LIMITS, DeadLetterErrorClasses, DeadLetterHeaderSchemas } from './dead-letter-message';
import { Participant, Participants } from './message-flows';
import { MessageSummaries } from './message-summaries';

/**
 * The AsyncAPI 3.0 document of the whole contract (DESIGN §4, §9): a channel per topic, a message
 * per type of the catalog, who sends and who receives each, the Kafka key of each type, and the
 * dead letters. Every schema is generated from the class-validator classes the services validate
 * with (class-validator-jsonschema), never written by hand. Served at `GET /asyncapi` by the
 * directory; `npm run docs:asyncapi` writes docs/asyncapi.json and renders docs/asyncapi.html.
 */

const KAFKA_BINDING_VERSION = '0.5.0';
const DEAD_LETTER = 'DeadLetter';

type TopicKey = keyof typeof Topics;
const TOPIC_KEYS = Object.keys(Topics) as TopicKey[];
const topicKey = (topic: TopicName): TopicKey => TOPIC_KEYS.find((key) => Topics[key] === topic)!;
const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const ref = (path: string) => ({ $ref: path });
const messageTypes = () => Object.keys(MessageCatalog) as MessageType[];

/** The field of `data` a type is keyed by, read off the catalog's `keyOf` itself. */
export function keyFieldOf(type: MessageType): string {
  const read: string[] = [];
  const probe = new Proxy({}, { get: (_target, field) => (read.push(String(field)), 'key') });
  specOf(type).keyOf(probe as never);
  if (read.length !== 1) throw new Error(`${type}: its key is not one field of its data (read ${read.join(', ') || 'nothing'})`);
  return read[0];
}

/** What a type's `data` is keyed by, in words: the channel descriptions say it per topic. */
function keyWords(type: MessageType): string {
  return `\`data.${keyFieldOf(type)}\``;
}

function envelopeSchema(schemas: DataSchemas, type: MessageType, strict: boolean): JsonSchema {
  const envelope = schemas.of(CloudEvent);
  const keyField = keyFieldOf(type);
  return {
    type: 'object',
    description:
      'A CloudEvents 1.0 envelope in structured mode. Other envelope attributes (CloudEvents extensions) are tolerated. ' +
      `\`data\` is ${strict ? 'a command: an unknown field in it is refused (dead letter), so a typo never passes silently' : 'an event: read tolerantly, unknown fields are ignored'}.`,
    required: envelope.required,
    properties: {
      ...envelope.properties,
      id: { ...envelope.properties.id, description: 'Unique, and the same on every retry: consumers de-duplicate by it.' },
      type: { type: 'string', const: type },
      source: { ...envelope.properties.source, description: 'Who wrote it: the service name, or the upstream system.' },
      subject: { ...envelope.properties.subject, description: `The id the message is about, the same as its key (\`data.${keyField}\`).` },
      correlationid: { ...envelope.properties.correlationid, description: 'The conversation it belongs to. Upstream may leave it out (the message id is then used); every produced message has it.' },
      causationid: { ...envelope.properties.causationid, description: 'The id of the message that caused this one. Upstream may leave it out; every produced message has it.' },
      data: ref(`${SCHEMA_REF_PREFIX}${type}`),
    },
  };
}

function messageOf(schemas: DataSchemas, type: MessageType): JsonSchema {
  const spec = specOf(type);
  const keyField = keyFieldOf(type);
  const dataSchema = schemas.of(spec.dataClass);
  return {
    name: type,
    title: type,
    summary: MessageSummaries[type],
    contentType: 'application/cloudevents+json',
    tags: [{ name: spec.strict ? 'command' : 'event' }],
    headers: ref(`${SCHEMA_REF_PREFIX}CloudEventsHeaders`),
    payload: envelopeSchema(schemas, type, spec.strict),
    bindings: {
      kafka: {
        key: { ...dataSchema.properties[keyField], description: `The Kafka key: \`data.${keyField}\`, so every message about it is in order on one partition. A message without a key is accepted; one with another key is a dead letter (\`WrongKey\`).` },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
  };
}

function deadLetterMessage(): JsonSchema {
  return {
    name: DEAD_LETTER,
    title: 'Dead letter',
    summary: 'A message a consumer could not handle: the original, untouched, with where it came from and why it failed.',
    description:
      'Key, value and headers are the original ones, byte for byte (the original may not be JSON at all), plus the headers below; ' +
      'an original header of the same name is overwritten, so a message cannot pass itself off as coming from elsewhere. ' +
      "`mp-error-class` values:\n\n" +
      Object.entries(DeadLetterErrorClasses)
        .map(([name, meaning]) => `- \`${name}\`: ${meaning}`)
        .join('\n'),
    contentType: 'application/octet-stream',
    headers: {
      type: 'object',
      required: Object.entries(DeadLetterHeaderSchemas)
        .filter(([, header]) => header.required)
        .map(([name]) => name),
      properties: Object.fromEntries(Object.entries(DeadLetterHeaderSchemas).map(([name, header]) => [name, header.schema])),
    },
    payload: { description: 'The original value, untouched; absent when `mp-original-dropped` is set.' },
    bindings: {
      kafka: { key: { type: 'string', description: "The original key, untouched (the customer or partner id when the original was keyed right)." }, bindingVersion: KAFKA_BINDING_VERSION },
    },
  };
}

/** The messages of each channel, by channel key: the catalog's types of its topic, the dead letter on its own. */
function channelMessages(topic: TopicName): string[] {
  return topic === Topics.deadLetters ? [DEAD_LETTER] : messageTypes().filter((type) => MessageCatalog[type].topic === topic);
}

function describeChannel(topic: TopicName): string {
  const writers = Participants.filter((p) => (topic === Topics.deadLetters ? p.deadLetters === 'sends' : p.sends.some((t) => MessageCatalog[t].topic === topic)));
  const readers = Participants.filter((p) => (topic === Topics.deadLetters ? p.deadLetters === 'receives' : p.receives.some((t) => MessageCatalog[t].topic === topic)));
  const names = (list: Participant[]) => list.map((p) => p.name).join(', ') || 'nobody';
  const keys = [...new Set(channelMessages(topic).filter((m) => m !== DEAD_LETTER).map((type) => keyWords(type as MessageType)))];
  const keyed = topic === Topics.deadLetters ? 'Keyed by the original key.' : `Keyed by ${keys.join(' or ')} (see each message).`;
  return `Written by ${names(writers)}; read by ${names(readers)}. ${keyed}`;
}

interface Operation {
  id: string;
  body: JsonSchema;
}

function operationsOf(participant: Participant): Operation[] {
  const operations: Operation[] = [];
  const add = (action: 'send' | 'receive', topic: TopicName, messages: string[]) => {
    const channel = topicKey(topic);
    const verb = action === 'send' ? 'sends' : 'receives';
    operations.push({
      id: `${participant.id}${capitalized(verb)}${capitalized(channel)}`,
      body: {
        action,
        channel: ref(`#/channels/${channel}`),
        title: `${participant.name} ${verb === 'sends' ? 'writes' : 'reads'} ${topic}`,
        summary: participant.description,
        messages: messages.map((message) => ref(`#/channels/${channel}/messages/${message}`)),
        ...(action === 'receive' && participant.groupId
          ? {
              bindings: {
                kafka: {
                  groupId: { type: 'string', enum: [participant.groupId], description: 'The consumer group, by default: `KAFKA_GROUP_ID` may name another, `KAFKA_NAMESPACE` prefixes it.' },
                  bindingVersion: KAFKA_BINDING_VERSION,
                },
              },
            }
          : {}),
      },
    });
  };
  const byTopic = (types: readonly MessageType[]) =>
    (Object.values(Topics) as TopicName[])
      .map((topic) => ({ topic, types: types.filter((type) => MessageCatalog[type].topic === topic) }))
      .filter(({ types: onTopic }) => onTopic.length > 0);
  for (const { topic, types } of byTopic(participant.sends)) add('send', topic, types);
  for (const { topic, types } of byTopic(participant.receives)) add('receive', topic, types);
  if (participant.deadLetters) add(participant.deadLetters === 'sends' ? 'send' : 'receive', Topics.deadLetters, [DEAD_LETTER]);
  return operations;
}

const DESCRIPTION = `Every Kafka topic and message of multipartner (DESIGN §4), generated from the class-validator classes the services validate with (\`libs/contracts\`).

**Envelope.** Every message value is a CloudEvents 1.0 envelope in structured mode (JSON); the message types are its \`type\`, the rules of each type apply to its \`data\`. Produced messages carry the header \`content-type: ${CLOUDEVENTS_CONTENT_TYPE}\`; consumers accept messages with or without it, so an upstream system can use a CloudEvents SDK or plain JSON.

**Keys.** Customer-scoped messages are keyed by the customer id, partner reference data by the partner id: all of one customer's history is in order on one partition.

**Commands and events.** Commands (tag \`command\`) are strict: an unknown field anywhere in their \`data\` is refused. Events (tag \`event\`) are read tolerantly: unknown fields are ignored, so producers can add fields. A command that is well-formed but breaks a business rule is answered with a rejection event (\`RequestRejected\`, \`ConsentRejected\`).

**Input limits**, checked on every message before any other rule: a message over \`KAFKA_MAX_MESSAGE_BYTES\` (1 MiB by default), containers nested deeper than ${DEFAULT_INPUT_LIMITS.maxDepth}, a list of more than ${DEFAULT_INPUT_LIMITS.maxArrayLength} items, a key longer than ${DEFAULT_INPUT_LIMITS.maxKeyLength} characters, the keys \`__proto__\`, \`constructor\`, \`prototype\` (or any other \`Object.prototype\` name) and control characters other than tab, LF and CR are refused. What fails any rule goes to \`${Topics.deadLetters}\` with the reasons (validation errors up to ${DEAD_LETTER_LIMITS.validationErrors.toLocaleString('en')} characters); nothing is dropped silently.

**Topic names** are the contract's; a deployment may prefix every topic and consumer group with \`KAFKA_NAMESPACE\`.`;

/** The AsyncAPI 3.0 document of the contract, as plain JSON data. Pure: the same every call. */
export function asyncApiDocument(): Record<string, unknown> {
  const schemas = new DataSchemas();
  const types = messageTypes();

  const dataSchemas: Record<string, JsonSchema> = {};
  for (const type of types) {
    const spec = specOf(type);
    dataSchemas[type] = spec.strict ? schemas.strict(spec.dataClass) : schemas.of(spec.dataClass);
  }
  const nested: Record<string, JsonSchema> = {};
  for (const name of schemas.referencedBy({ allOf: Object.values(dataSchemas) })) {
    if (name in dataSchemas) throw new Error(`the nested class ${name} has the name of a message type`);
    nested[name] = schemas.named(name);
  }

  const channels = Object.fromEntries(
    TOPIC_KEYS.map((key) => {
      const topic = Topics[key];
      return [
        key,
        {
          address: topic,
          title: topic,
          description: describeChannel(topic),
          messages: Object.fromEntries(channelMessages(topic).map((message) => [message, ref(`#/components/messages/${message}`)])),
        },
      ];
    }),
  );

  const operations = Object.fromEntries(Participants.flatMap(operationsOf).map(({ id, body }) => [id, body]));

  return {
    asyncapi: '3.0.0',
    id: 'urn:multipartner:messages',
    info: {
      title: 'multipartner messages',
      version: '1.0.0',
      description: DESCRIPTION,
      license: { name: 'MIT' },
    },
    defaultContentType: 'application/cloudevents+json',
    servers: {
      local: {
        host: '127.0.0.1:9092',
        protocol: 'kafka',
        description: 'A local broker (`npm run kafka -- start`, or `docker compose up`); the services read their brokers from `KAFKA_BROKERS`.',
      },
    },
    channels,
    operations,
    components: {
      messages: { ...Object.fromEntries(types.map((type) => [type, messageOf(schemas, type)])), [DEAD_LETTER]: deadLetterMessage() },
      schemas: {
        CloudEventsHeaders: {
          type: 'object',
          description: 'Kafka headers of a message. Consumers accept messages without them.',
          properties: { 'content-type': { type: 'string', const: CLOUDEVENTS_CONTENT_TYPE, description: 'The CloudEvents Kafka binding, structured mode: on every produced message.' } },
        },
        ...dataSchemas,
        ...nested,
      },
    },
  };
}

/** The document as docs/asyncapi.json holds it: two-space JSON and a final newline. */
export function asyncApiJson(): string {
  return `${JSON.stringify(asyncApiDocument(), null, 2)}\n`;
}

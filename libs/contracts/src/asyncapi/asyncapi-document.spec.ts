import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { IsString, Validate, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { MessageCatalog, MessageType } from '../catalog';
import { ALL_TOPICS, Topics } from '../topics';
import { asyncApiDocument, asyncApiJson, keyFieldOf } from './asyncapi-document';
import { DataSchemas, JsonSchema } from './data-schemas';

const doc = asyncApiDocument() as any;
const types = Object.keys(MessageCatalog) as MessageType[];
const channelOf = (topic: string) => Object.entries<any>(doc.channels).find(([, channel]) => channel.address === topic);

/** Every object schema inside `schema`, `$ref`s not followed. */
function objectsIn(schema: JsonSchema): JsonSchema[] {
  const found: JsonSchema[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    if ((node as JsonSchema).type === 'object') found.push(node as JsonSchema);
    Object.values(node).forEach(walk);
  };
  walk(schema);
  return found;
}

describe('the AsyncAPI document', () => {
  it('is a valid AsyncAPI 3.0 document for @asyncapi/parser: no errors (warnings are listed)', async () => {
    const { document, diagnostics } = await new Parser().parse(doc);
    const errors = diagnostics.filter((d) => d.severity === 0);
    const others = diagnostics.filter((d) => d.severity !== 0).map((d) => `${['error', 'warning', 'information', 'hint'][d.severity]} ${d.code}: ${d.message} at ${d.path.join('.')}`);
    if (others.length) console.log(`@asyncapi/parser says:\n${others.join('\n')}`);
    expect(errors.map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`)).toEqual([]);
    expect(document).toBeDefined();
    expect(document!.version()).toBe('3.0.0');
    expect(document!.channels().length).toBe(ALL_TOPICS.length);
    expect(document!.messages().length).toBe(types.length + 1);
  });

  it('has a channel for every topic, at its address', () => {
    expect(Object.values<any>(doc.channels).map((c) => c.address).sort()).toEqual([...ALL_TOPICS].sort());
  });

  it.each(types)('has %s as a message of the channel of its topic, and of no other', (type) => {
    const [key, channel] = channelOf(MessageCatalog[type].topic)!;
    expect(channel.messages[type]).toEqual({ $ref: `#/components/messages/${type}` });
    const elsewhere = Object.entries<any>(doc.channels).filter(([other, c]) => other !== key && c.messages[type]);
    expect(elsewhere).toEqual([]);
  });

  it('has the dead letter on the dead-letter topic, with the headers every dead letter carries', () => {
    const [, channel] = channelOf(Topics.deadLetters)!;
    expect(Object.keys(channel.messages)).toEqual(['DeadLetter']);
    const headers = doc.components.messages.DeadLetter.headers;
    expect(headers.required).toEqual(expect.arrayContaining(['mp-origin-topic', 'mp-origin-partition', 'mp-origin-offset', 'mp-consumer-group', 'mp-error-class', 'mp-error-message', 'mp-validation-errors', 'mp-attempts', 'mp-first-failure-at', 'mp-last-failure-at']));
    expect(headers.required).not.toContain('mp-original-dropped');
  });

  it.each(types)('gives %s the envelope with its type fixed, its data schema, and its Kafka key', (type) => {
    const message = doc.components.messages[type];
    const payload = message.payload;
    expect(payload.properties.type).toEqual({ type: 'string', const: type });
    expect(payload.properties.data).toEqual({ $ref: `#/components/schemas/${type}` });
    expect(payload.required).toEqual(expect.arrayContaining(['specversion', 'id', 'type', 'source', 'time', 'data']));
    expect(payload.required).not.toContain('correlationid');
    const keyField = keyFieldOf(type);
    expect(message.bindings.kafka.key.type).toBe('string');
    expect(message.bindings.kafka.key.description).toContain(`data.${keyField}`);
    expect(doc.components.schemas[type].required).toContain(keyField);
  });

  it('says what the class-validator decorators say: required fields, formats, enums, lengths, list sizes', () => {
    const request = doc.components.schemas.RequestRelationship;
    expect(request.required).toEqual(['requestId', 'customerId', 'resellerId', 'services', 'requestedBy']);
    expect(request.properties.requestId).toMatchObject({ type: 'string', minLength: 1, maxLength: 128 });
    expect(request.properties.message).toMatchObject({ type: 'string', maxLength: 500 });
    expect(request.properties.services).toMatchObject({ type: 'array', minItems: 1, maxItems: 50, uniqueItems: true, items: { type: 'string', minLength: 1 } });
    expect(request.properties.delegatedAdmin.properties.durationDays).toMatchObject({ type: 'integer', minimum: 1, maximum: 730 });
    const partner = doc.components.schemas.PartnerRegistered;
    expect(partner.properties.kind.enum).toEqual(['direct-reseller', 'indirect-provider', 'indirect-reseller']);
    expect(partner.properties.webhookUrl).toMatchObject({ type: 'string', format: 'uri', pattern: '^(http|https)://' });
    expect(partner.properties.email).toMatchObject({ type: 'string', format: 'email' });
    expect(partner.properties.countries.items).toMatchObject({ minLength: 2, maxLength: 2 });
    // An undeclared list still has the input limit (DESIGN §7).
    expect(doc.components.schemas.CustomerRegistered.properties.admins.maxItems).toBe(100);
    expect(doc.components.schemas.RequestRejected.properties.reason.enum).toContain('REGION_MISMATCH');
  });

  it('closes every object of a command (strict: unknown fields refused), and no object of an event', () => {
    for (const type of types) {
      const objects = objectsIn(doc.components.schemas[type]);
      const closed = objects.filter((o) => o.additionalProperties === false);
      if (MessageCatalog[type].strict) {
        expect(closed.length).toBe(objects.length);
        expect(JSON.stringify(doc.components.schemas[type])).not.toContain('$ref');
      } else {
        expect(closed).toEqual([]);
      }
    }
    // The nested classes (read tolerantly inside events) stay open.
    expect(doc.components.schemas.UserRef.additionalProperties).toBeUndefined();
  });

  it('has an operation of each kind for each topic: somebody writes it and somebody reads it', () => {
    const operations = Object.values<any>(doc.operations);
    for (const topic of ALL_TOPICS) {
      const [key] = channelOf(topic)!;
      const on = operations.filter((o) => o.channel.$ref === `#/channels/${key}`);
      expect(on.filter((o) => o.action === 'send').length).toBeGreaterThan(0);
      expect(on.filter((o) => o.action === 'receive').length).toBeGreaterThan(0);
    }
  });

  it('is the same on every call (served and committed as it is)', () => {
    expect(asyncApiDocument()).toEqual(doc);
  });

  it('is committed as docs/asyncapi.json (run `npm run docs:asyncapi` after changing a contract class)', () => {
    const committed = readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'asyncapi.json'), 'utf8');
    expect(committed).toBe(asyncApiJson());
  });
});

@ValidatorConstraint({ name: 'isPartnerCode' })
class IsPartnerCode implements ValidatorConstraintInterface {
  validate(value: unknown) {
    return typeof value === 'string' && value.startsWith('P-');
  }
}

class WithCustomRule {
  @IsString() @Validate(IsPartnerCode)
  code!: string;
}

describe('a rule the generator cannot convert', () => {
  it('stops the generation, naming the class, the field and the rule, instead of promising less than the code checks', () => {
    expect(() => new DataSchemas().of(WithCustomRule)).toThrow('WithCustomRule.code: the rule "isPartnerCode" has no JSON Schema converter');
  });
});

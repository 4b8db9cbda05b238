import { MessageCatalog, MessageType, TopicName, Topics } from '@mp/contracts';
import { Random } from './random';

/** The four ways a message is not well-formed (DESIGN §4), and the error class its dead letter names. */
export const Flaws = {
  'not-json': 'NotJson',
  'not-cloudevent': 'NotCloudEvent',
  'unknown-type': 'UnknownType',
  'invalid-data': 'ValidationFailed',
} as const;
export type Flaw = keyof typeof Flaws;

export interface MalformedMessage {
  kind: 'malformed';
  flaw: Flaw;
  topic: TopicName;
  key: string | null;
  /** What is wrong with it, for the report. */
  description: string;
  /** The bytes, built when sent (an envelope carries its send time). */
  value(now: Date): string;
}

const UPSTREAM_TOPICS: TopicName[] = [Topics.requestCommands, Topics.consentCommands, Topics.customerEvents, Topics.partnerEvents, Topics.subscriptionEvents];
const UNKNOWN_TYPES = ['RequestRelationshipV2', 'ApproveRequests', 'CustomerDeleted', 'relationshipRequested', 'EndRelationShip'];

/** A broken `data` for a known type: each breaks one rule of the type's contract class. */
const BROKEN_DATA: Array<{ type: MessageType; what: string; data: (customerId: string, n: number) => Record<string, unknown> }> = [
  {
    type: 'RequestRelationship',
    what: 'empty services',
    data: (customerId, n) => ({ requestId: `bad-${n}`, customerId, resellerId: 'dr-01', services: [], requestedBy: { userId: 'u' } }),
  },
  {
    type: 'RequestRelationship',
    what: 'durationDays out of range',
    data: (customerId, n) => ({
      requestId: `bad-${n}`,
      customerId,
      resellerId: 'dr-01',
      services: ['Azure'],
      delegatedAdmin: { roles: ['UserAdministrator'], durationDays: 731, autoExtend: false },
      requestedBy: { userId: 'u' },
    }),
  },
  {
    type: 'RequestRelationship',
    what: 'an unknown field (commands are strict)',
    data: (customerId, n) => ({ requestId: `bad-${n}`, customerId, resellerId: 'dr-01', services: ['Azure'], servicez: ['Azure'], requestedBy: { userId: 'u' } }),
  },
  {
    type: 'RequestRelationship',
    what: 'a message over 500 characters',
    data: (customerId, n) => ({ requestId: `bad-${n}`, customerId, resellerId: 'dr-01', services: ['Azure'], message: 'x'.repeat(501), requestedBy: { userId: 'u' } }),
  },
  { type: 'ApproveRequest', what: 'no approvedBy', data: (customerId, n) => ({ requestId: `bad-${n}`, customerId }) },
  {
    type: 'ApproveRequest',
    what: 'grantDelegatedAdmin not a boolean',
    data: (customerId, n) => ({ requestId: `bad-${n}`, customerId, approvedBy: { userId: 'u' }, grantDelegatedAdmin: 'yes' }),
  },
  { type: 'CancelRequest', what: 'customerId a number', data: (_customerId, n) => ({ requestId: `bad-${n}`, customerId: 42, resellerId: 'dr-01', cancelledBy: { userId: 'u' } }) },
  { type: 'EndRelationship', what: 'an unknown party', data: (customerId) => ({ customerId, resellerId: 'dr-01', endedBy: { party: 'partner', userId: 'u' } }) },
  { type: 'RevokeDelegatedAdmin', what: 'no revokedBy', data: (customerId) => ({ customerId, resellerId: 'dr-01' }) },
  { type: 'CustomerRegistered', what: 'a three-letter country', data: (customerId) => ({ customerId, name: 'Bad', country: 'DEU', admins: ['a'] }) },
  { type: 'SubscriptionCreated', what: 'quantity 0', data: (customerId, n) => ({ subscriptionId: `bad-${n}`, customerId, partnerOfRecordId: 'dr-01', service: 'Azure', quantity: 0 }) },
  { type: 'PartnerRegistered', what: 'an unknown kind', data: (_c, n) => ({ partnerId: `bad-${n}`, name: 'Bad', kind: 'distributor', specializations: [], countries: ['DE'] }) },
];

function envelope(id: string, type: string, data: unknown, now: Date, subject?: string): Record<string, unknown> {
  return { specversion: '1.0', id, type, source: 'chaos-upstream', time: now.toISOString(), subject, datacontenttype: 'application/json', data };
}

interface Context {
  id: string;
  n: number;
  customerId: string;
  now: Date;
}

/** A well-formed approval, the material the broken variants start from. */
const approval = ({ id, n, customerId, now }: Context) => envelope(id, 'ApproveRequest', { requestId: `rq-${n}`, customerId, approvedBy: { userId: 'u' } }, now, customerId);

/** Bytes that are not JSON, and JSON that is not a CloudEvent. */
const BROKEN_BYTES: Record<'not-json' | 'not-cloudevent', Array<{ description: string; value: (c: Context) => string }>> = {
  'not-json': [
    { description: 'truncated JSON', value: (c) => JSON.stringify(approval(c)).slice(0, Math.floor(JSON.stringify(approval(c)).length * 0.6)) },
    { description: 'plain text', value: (c) => `approve ${c.customerId} please` },
    { description: 'an HTML error page', value: () => '<html><body>502 Bad Gateway</body></html>' },
  ],
  'not-cloudevent': [
    { description: 'specversion 0.3', value: (c) => JSON.stringify({ ...approval(c), specversion: '0.3' }) },
    { description: 'no id', value: (c) => JSON.stringify({ ...approval(c), id: undefined }) },
    { description: 'a JSON array', value: (c) => JSON.stringify([approval(c)]) },
  ],
};

/** One malformed message, on a topic an upstream system writes, keyed like live traffic so it sits among it. */
export function malformedMessage(rng: Random, id: string, n: number, customerId: string): MalformedMessage {
  const flaw = rng.weighted<Flaw>({ 'not-json': 3, 'not-cloudevent': 2, 'unknown-type': 2, 'invalid-data': 4 });
  switch (flaw) {
    case 'not-json':
    case 'not-cloudevent': {
      const variant = rng.pick(BROKEN_BYTES[flaw]);
      const topic = rng.pick(UPSTREAM_TOPICS);
      return { kind: 'malformed', flaw, topic, key: customerId, description: variant.description, value: (now) => variant.value({ id, n, customerId, now }) };
    }
    case 'unknown-type': {
      const type = rng.pick(UNKNOWN_TYPES);
      const topic = rng.pick([Topics.requestCommands, Topics.consentCommands, Topics.customerEvents]);
      return { kind: 'malformed', flaw, topic, key: customerId, description: `type ${type}`, value: (now) => JSON.stringify(envelope(id, type, { customerId }, now, customerId)) };
    }
    case 'invalid-data': {
      const broken = rng.pick(BROKEN_DATA);
      const data = broken.data(customerId, n);
      const key = typeof data.customerId === 'string' ? data.customerId : typeof data.partnerId === 'string' ? data.partnerId : customerId;
      return {
        kind: 'malformed',
        flaw,
        topic: MessageCatalog[broken.type].topic,
        key,
        description: `${broken.type} with ${broken.what}`,
        value: (now) => JSON.stringify(envelope(id, broken.type, data, now, key)),
      };
    }
  }
}

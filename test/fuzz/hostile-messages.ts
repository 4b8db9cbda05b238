import type { IHeaders } from 'kafkajs';

/**
 * The hostile messages of issue 7's fuzz test (deliverable 6), from a seeded generator so that a
 * failing run can be replayed exactly (`FUZZ_SEED=<seed>`). Every message says what it must end
 * as: a dead letter of one of the `expect`ed error classes, or, for a well-formed command, its
 * answer (`RelationshipRequested`, or `RequestRejected` when it breaks a business rule).
 */

/** mulberry32: a small, fast, seedable PRNG; good enough to pick shapes of input. */
export class Random {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }

  /** One of `weighted`'s keys, with the chance of its weight. */
  weighted<K extends string>(weighted: Record<K, number>): K {
    const entries = Object.entries(weighted) as Array<[K, number]>;
    let roll = this.next() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [key, weight] of entries) {
      roll -= weight;
      if (roll < 0) return key;
    }
    return entries[entries.length - 1][0];
  }
}

export type Outcome =
  | 'RelationshipRequested'
  | 'RequestRejected'
  | 'TooLarge'
  | 'NotJson'
  | 'LimitExceeded'
  | 'ForbiddenKey'
  | 'ForbiddenCharacter'
  | 'NotCloudEvent'
  | 'UnknownType'
  | 'ValidationFailed'
  | 'WrongTopic'
  | 'WrongKey';

export interface FuzzMessage {
  /** Unique in the run; travels in the `fuzz-id` header, which a dead letter keeps. */
  fuzzId: string;
  kind: string;
  key: string | null;
  value: Buffer | null;
  headers: IHeaders;
  /** What the message must end as. */
  expect: ReadonlySet<Outcome>;
  /** The CloudEvent id it carries, when it has one: an answer's causationid. */
  commandId: string;
}

export interface FuzzWorld {
  /** Registered customers (country DE). */
  customers: string[];
  /** A registered reseller selling in DE. */
  resellerId: string;
  /** A registered reseller selling only in the US: a request of it is a well-formed command refused by a rule. */
  foreignResellerId: string;
  /** Over this many bytes a value is too large (the service's KAFKA_MAX_MESSAGE_BYTES). */
  maxMessageBytes: number;
}

const FORBIDDEN = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', '__defineGetter__'];
const CONTROL = ['\u0000', '\u0001', '\u0007', '\u0008', '\u000b', '\u000c', '\u001b', '\u001f'];

const WEIGHTS = {
  good: 6,
  goodWithOddHeaders: 2,
  ruleBreaking: 2,
  randomBytes: 8,
  emptyOrNull: 1,
  truncatedJson: 8,
  rawControlCharacter: 3,
  overLimit: 2,
  deepNesting: 5,
  wrongTypes: 9,
  unknownField: 4,
  forbiddenKey: 9,
  escapedControlCharacter: 6,
  hugeArray: 5,
  unknownType: 5,
  otherTopicType: 4,
  badSpecVersion: 5,
  notAnEnvelope: 4,
  lyingKey: 5,
  lyingHeadersBadBody: 4,
};
export type Kind = keyof typeof WEIGHTS;

const outcomes = (...names: Outcome[]): ReadonlySet<Outcome> => new Set(names);
/** A valid request: the first of a reseller for a customer is requested, the next ones refused as DUPLICATE_PENDING. */
const ANSWERED = outcomes('RelationshipRequested', 'RequestRejected');

/** Streams hostile messages, with good commands in between, for the registered parties of `world`. */
export class HostileMessages {
  private count = 0;

  constructor(
    private readonly random: Random,
    private readonly world: FuzzWorld,
    private readonly runId: string,
  ) {}

  next(): FuzzMessage {
    const kind = this.random.weighted(WEIGHTS);
    const fuzzId = `${this.runId}-${++this.count}`;
    return { fuzzId, kind, commandId: `cmd-${fuzzId}`, ...this.build(kind, fuzzId) };
  }

  private build(kind: Kind, fuzzId: string): Omit<FuzzMessage, 'fuzzId' | 'kind' | 'commandId'> {
    const r = this.random;
    const customerId = r.pick(this.world.customers);
    const id = `cmd-${fuzzId}`;
    const headers: IHeaders = { 'fuzz-id': fuzzId };
    const json = (value: unknown, expect: ReadonlySet<Outcome>, key: string | null = customerId) => ({ key, value: Buffer.from(JSON.stringify(value)), headers, expect });
    const text = (value: string, expect: ReadonlySet<Outcome>, key: string | null = customerId) => ({ key, value: Buffer.from(value, 'utf8'), headers, expect });
    const command = (data: Record<string, unknown> = {}) => this.command(id, customerId, data);

    switch (kind) {
      case 'good':
        return json(command(), ANSWERED);
      case 'goodWithOddHeaders': {
        // Headers are not read: a valid command with lying ones is still a valid command.
        const odd: IHeaders = { 'content-type': r.pick(['application/xml', 'text/plain', '\u0000', 'application/cloudevents+json']), 'ce_type': 'ApproveRequest', 'mp-error-class': 'Forged', 'mp-origin-topic': 'elsewhere' };
        return { ...json(command(), ANSWERED), headers: { ...odd, ...headers } };
      }
      case 'ruleBreaking':
        // Well-formed, refused by a business rule: a reseller that does not sell in the customer's country.
        return json(command({ resellerId: this.world.foreignResellerId }), outcomes('RequestRejected'));
      case 'randomBytes':
        return { key: customerId, value: r.bytes(r.int(1, 600)), headers, expect: outcomes('NotJson', 'NotCloudEvent') };
      case 'emptyOrNull':
        return { key: customerId, value: r.next() < 0.5 ? null : Buffer.alloc(0), headers, expect: outcomes('NotJson') };
      case 'truncatedJson': {
        const whole = JSON.stringify(command());
        return text(whole.slice(0, r.int(1, whole.length - 1)), outcomes('NotJson'));
      }
      case 'rawControlCharacter': {
        const whole = JSON.stringify(command());
        const at = whole.indexOf('"requestId":"') + '"requestId":"'.length;
        return text(`${whole.slice(0, at)}${r.pick(CONTROL)}${whole.slice(at)}`, outcomes('NotJson'));
      }
      case 'overLimit':
        return json(command({ message: 'x'.repeat(this.world.maxMessageBytes + r.int(1, 3 * this.world.maxMessageBytes)) }), outcomes('TooLarge'));
      case 'deepNesting': {
        const depth = r.pick([33, 40, 100, 1_000, 10_000]);
        const [open, close] = r.next() < 0.5 ? ['{"a":', '}'] : ['[', ']'];
        const nested = `${open.repeat(depth)}${open === '[' ? '' : '1'}${close.repeat(depth)}`;
        return text(this.envelopeText(id, customerId, `{"requestId":"r","deep":${nested}}`), outcomes('LimitExceeded'));
      }
      case 'wrongTypes': {
        const breakage = r.pick<Record<string, unknown>>([
          { services: 'Azure' },
          { services: [1, 2] },
          { services: [] },
          { requestedBy: 'u-1' },
          { requestedBy: {} },
          { requestId: 5 },
          { customerId: null },
          { delegatedAdmin: { roles: ['Helpdesk'], durationDays: '10', autoExtend: false } },
          { delegatedAdmin: { roles: [], durationDays: 10, autoExtend: 'yes' } },
          { delegatedAdmin: { roles: ['Helpdesk'], durationDays: 731, autoExtend: false } },
          { message: 'm'.repeat(501) },
          { services: ['Azure', 'Azure'] },
        ]);
        return json(command(breakage), outcomes('ValidationFailed'));
      }
      case 'unknownField':
        return json(command({ [r.pick(['delegatedAdmn', 'service', 'extra', 'requestID'])]: 'x' }), outcomes('ValidationFailed'));
      case 'forbiddenKey': {
        // Written into the JSON text, so `__proto__` arrives as an own key, as off the wire.
        const whole = JSON.stringify(command({ delegatedAdmin: { roles: ['Helpdesk'], durationDays: 10, autoExtend: false } }));
        const place = r.pick(['{', '"data":{', '"delegatedAdmin":{', '"requestedBy":{']);
        const at = whole.indexOf(place) + place.length;
        const key = r.pick(FORBIDDEN);
        return text(`${whole.slice(0, at)}"${key}":${r.pick(['{"polluted":true}', '1', '"x"', '[]', 'null'])},${whole.slice(at)}`, outcomes('ForbiddenKey'));
      }
      case 'escapedControlCharacter': {
        const field = r.pick(['requestId', 'resellerId', 'message', 'services']);
        const dirty = `a${r.pick(CONTROL)}b`;
        return json(command({ [field]: field === 'services' ? [dirty] : dirty }), outcomes('ForbiddenCharacter'));
      }
      case 'hugeArray': {
        const length = r.pick([101, 150, 1_000, 5_000]);
        const where = r.pick(['services', 'roles']);
        const items = Array.from({ length }, (_, i) => `s${i}`);
        const data = where === 'services' ? { services: items } : { delegatedAdmin: { roles: items, durationDays: 10, autoExtend: false } };
        return json(command(data), outcomes('LimitExceeded'));
      }
      case 'unknownType':
        return json({ ...command(), type: r.pick(['RequestTeleport', '', 'requestrelationship', 'Request Relationship', '__proto__x', 'x'.repeat(300)]) }, outcomes('UnknownType', 'NotCloudEvent'));
      case 'otherTopicType': {
        // A valid consent command, on the request-commands topic.
        const data = { requestId: `req-${id}`, customerId, ...(r.next() < 0.5 ? { approvedBy: { userId: 'u-1' } } : { declinedBy: { userId: 'u-1' } }) };
        return json({ ...command(), type: 'approvedBy' in data ? 'ApproveRequest' : 'DeclineRequest', data }, outcomes('WrongTopic'));
      }
      case 'badSpecVersion':
        return json({ ...command(), specversion: r.pick(['0.3', '2.0', 1.0, null, '', '1.0 ']) }, outcomes('NotCloudEvent'));
      case 'notAnEnvelope': {
        const body = r.pick<unknown>([[], [command()], 'a string', 42, true, null, { hello: 'world' }, { ...command(), time: 'yesterday' }, { ...command(), id: '' }, { ...command(), data: 'text' }]);
        return json(body, outcomes('NotCloudEvent'));
      }
      case 'lyingKey':
        return json(command(), outcomes('WrongKey'), r.pick(this.world.customers.filter((c) => c !== customerId)) ?? 'someone-else');
      case 'lyingHeadersBadBody':
        return {
          key: customerId,
          value: Buffer.from(`{"specversion":"1.0","id":"${id}"`),
          headers: { 'content-type': 'application/cloudevents+json; charset=utf-8', 'mp-error-class': 'Fine', 'ce_specversion': '1.0', 'ce_type': 'RequestRelationship', ...headers },
          expect: outcomes('NotJson'),
        };
    }
  }

  /** A RequestRelationship envelope for a registered customer, with `data` merged in (undefined removes). */
  private command(id: string, customerId: string, data: Record<string, unknown>): Record<string, unknown> & { data: Record<string, unknown> } {
    const base = { requestId: `req-${id}`, customerId, resellerId: this.world.resellerId, services: ['Azure'], requestedBy: { userId: 'u-1' } };
    return {
      specversion: '1.0',
      id,
      type: 'RequestRelationship',
      source: 'fuzz',
      time: new Date().toISOString(),
      subject: customerId,
      datacontenttype: 'application/json',
      data: JSON.parse(JSON.stringify({ ...base, ...data })),
    };
  }

  private envelopeText(id: string, customerId: string, dataJson: string): string {
    return `{"specversion":"1.0","id":"${id}","type":"RequestRelationship","source":"fuzz","time":"${new Date().toISOString()}","subject":"${customerId}","data":${dataJson}}`;
  }
}

import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { asyncApiDocument, MessageCatalog, MessageType, NotificationChannels, Parties, schemaCheckOf, specOf, validateData, validateEnvelope } from '@mp/contracts';
import { historyArb, Step } from '../testing/arbitraries';
import { runHistory } from '../testing/model';

/**
 * The AsyncAPI document (libs/contracts/src/asyncapi) says what the class-validator classes say,
 * message for message: every valid message the property-test generators make passes both the
 * classes (the services' validation path: envelope, then data) and the document's JSON Schema
 * (ajv), and every mutation of one (a field removed, of the wrong type, too long, out of its
 * enum, an unknown field...) is refused by both or accepted by both. A class whose rules change
 * without the document (or the reverse) fails here.
 */

const doc = asyncApiDocument() as any;
const types = Object.keys(MessageCatalog) as MessageType[];

/** The check `decode` runs first: the document's schemas, compiled by ajv (libs/contracts/src/schema-check.ts). */
const payloadSchema = (type: MessageType) => schemaCheckOf(type);

interface Sample {
  type: MessageType;
  data: Record<string, unknown>;
}

/** On the wire: JSON, so `undefined` fields are gone. */
const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value));

function envelope(sample: Sample) {
  const key = specOf(sample.type).keyOf(sample.data as never);
  return {
    specversion: '1.0',
    id: `m-${sample.type}`,
    type: sample.type,
    source: 'asyncapi-agreement',
    time: '2025-03-01T09:00:00.000Z',
    subject: typeof key === 'string' && key ? key : undefined,
    datacontenttype: 'application/json',
    correlationid: 'c-1',
    causationid: 'c-1',
    data: sample.data,
  };
}

/** What the services decide: the envelope's rules, then the data's rules of its type. */
const byClasses = (sample: Sample) => validateEnvelope(wire(envelope(sample))).ok && validateData(sample.type, sample.data).ok;
const bySchema = (sample: Sample) => payloadSchema(sample.type)(wire(envelope(sample)));
const schemaErrors = (sample: Sample) => (bySchema(sample) ? [] : payloadSchema(sample.type).errors);
const classErrors = (sample: Sample) => {
  const result = validateData(sample.type, sample.data);
  return result.ok ? [] : result.errors;
};

// ---- valid messages: the domain's generators, and what they do not make -----------------------

const COMMAND_TYPES = {
  request: 'RequestRelationship',
  cancel: 'CancelRequest',
  approve: 'ApproveRequest',
  decline: 'DeclineRequest',
  end: 'EndRelationship',
  revoke: 'RevokeDelegatedAdmin',
} as const;

/** Every message of a history: the reference data and commands sent, and every event decided. */
function samplesOf(steps: readonly Step[]): Sample[] {
  const samples: Sample[] = [];
  for (const t of runHistory(steps).trace) {
    const step = t.step;
    if (step.kind === 'customer' || step.kind === 'subscription' || step.kind === 'partner') samples.push({ type: step.message.type, data: wire(step.message.data) as never });
    else if (step.kind !== 'advance') samples.push({ type: COMMAND_TYPES[step.kind], data: wire(step.command) as never });
    for (const emitted of t.emitted) samples.push({ type: emitted.type, data: wire(emitted.data) as never });
  }
  return samples;
}

const id = fc.constantFrom('c-1', 'p-7', 'n-0123456789abcdef');
const instant = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
const url = fc.constantFrom('https://hooks.example.com/multipartner', 'http://127.0.0.1:8080/hook', 'http://localhost/webhooks?x=1');
const email = fc.constantFrom('ops@example.com', 'admin+mp@contoso.example');

const outcome = fc.record({
  notificationId: id,
  eventId: id,
  eventType: fc.constantFrom(...types),
  customerId: id,
  recipient: fc.record({ party: fc.constantFrom(...Parties), partyId: id }),
  channel: fc.constantFrom(...NotificationChannels),
  attempts: fc.nat({ max: 10 }),
});

/** What the histories never make: notification outcomes, and the optional fields of reference data. */
const extraArb: fc.Arbitrary<Sample> = fc.oneof(
  fc
    .record({ common: outcome, target: fc.oneof(url, email), deliveredAt: instant, statusCode: fc.option(fc.integer({ min: 200, max: 299 }), { nil: undefined }) })
    .map(({ common, ...rest }) => ({ type: 'NotificationDelivered' as const, data: wire({ ...common, ...rest }) })),
  fc
    .record({
      common: outcome,
      target: fc.option(url, { nil: undefined }),
      failedAt: instant,
      reason: fc.option(fc.constantFrom('ATTEMPTS_EXHAUSTED', 'PARTY_UNKNOWN'), { nil: undefined }),
      error: fc.constantFrom('connect ECONNREFUSED', '550 mailbox unavailable'),
    })
    .map(({ common, ...rest }) => ({ type: 'NotificationFailed' as const, data: wire({ ...common, ...rest }) })),
  fc
    .record({ partnerId: id, webhookUrl: url, email, kind: fc.constantFrom('direct-reseller', 'indirect-provider', 'indirect-reseller') })
    .map((d) => ({ type: 'PartnerRegistered' as const, data: { ...d, name: 'Contoso', specializations: ['Azure'], countries: ['DE', 'FR'] } })),
  fc.record({ customerId: id, webhookUrl: url, email }).map((d) => ({ type: 'CustomerRegistered' as const, data: { ...d, name: 'Fabrikam', country: 'DE', admins: ['admin-1'] } })),
  fc.record({ partnerId: id, reason: fc.string({ maxLength: 500 }) }).map((data) => ({ type: 'PartnerSuspended' as const, data })),
  fc.record({ partnerId: id, reason: fc.string({ maxLength: 500 }) }).map((data) => ({ type: 'PartnerReinstated' as const, data })),
);

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 100);

const fieldCount = (value: unknown): number => (typeof value === 'object' && value !== null ? Object.values(value).reduce((n: number, v) => n + 1 + fieldCount(v), 0) : 0);

/** One valid sample per type, the one with the most fields: what the mutations below break. */
function richestSamples(samples: Iterable<Sample>): Map<MessageType, Sample> {
  const richest = new Map<MessageType, Sample>();
  for (const sample of samples) {
    const best = richest.get(sample.type);
    if (byClasses(sample) && (!best || fieldCount(sample.data) > fieldCount(best.data))) richest.set(sample.type, sample);
  }
  return richest;
}

function expectBothAccept(sample: Sample): void {
  if (!byClasses(sample)) throw new Error(`the generators made an invalid ${sample.type}: ${JSON.stringify(classErrors(sample))}\n${JSON.stringify(sample.data)}`);
  if (!bySchema(sample)) throw new Error(`the AsyncAPI document refuses a valid ${sample.type}: ${JSON.stringify(schemaErrors(sample))}\n${JSON.stringify(sample.data)}`);
}

describe('the AsyncAPI document and the contract classes agree', () => {
  let richest: Map<MessageType, Sample>;

  beforeAll(() => {
    richest = richestSamples([...fc.sample(historyArb(), { numRuns: 50, seed: 8 }).flatMap(samplesOf), ...fc.sample(extraArb, { numRuns: 100, seed: 8 })]);
  });

  it('accepts every message the property-test generators make, as the classes do', () => {
    const tried = new Set<MessageType>();
    const check = (sample: Sample) => {
      expectBothAccept(sample);
      tried.add(sample.type);
    };
    fc.assert(
      fc.property(historyArb(), (steps) => samplesOf(steps).forEach(check)),
      { numRuns: NUM_RUNS },
    );
    fc.assert(fc.property(extraArb, check), { numRuns: NUM_RUNS });
    // The random runs may miss a rare type (a history long enough to extend privileges): the seeded
    // samples the mutations below start from hold one of each.
    richest.forEach(check);
    // Every type of the catalog was tried.
    expect(types.filter((type) => !tried.has(type))).toEqual([]);
  });

  // ---- invalid messages: every field of one sample per type, broken one way after another -------

  const LONG = 'x'.repeat(501);
  const HUNDRED_AND_ONE = Array.from({ length: 101 }, (_, i) => `item-${i}`);
  /** Values put in place of a field: wrong types, empty, too long, out of every enum, too many items. */
  const REPLACEMENTS: unknown[] = [42, 1.5, -1, 0, true, '', 'x', 'not-in-any-enum', LONG, 'y'.repeat(129), [], ['x'], HUNDRED_AND_ONE, {}, { userId: 'u' }, [{ userId: 'u' }]];

  type Path = Array<string | number>;

  /** Every field of `value`, nested ones and the first item of each list included. */
  function pathsOf(value: unknown, path: Path = []): Path[] {
    if (Array.isArray(value)) return value.length ? [[...path, 0], ...pathsOf(value[0], [...path, 0])] : [];
    if (typeof value !== 'object' || value === null) return [];
    return Object.entries(value).flatMap(([key, inner]) => [[...path, key], ...pathsOf(inner, [...path, key])]);
  }

  function at(data: unknown, path: Path, change: (parent: any, key: string | number) => void): Record<string, unknown> {
    const copy = structuredClone(data) as Record<string, unknown>;
    let parent: any = copy;
    for (const step of path.slice(0, -1)) parent = parent[step];
    change(parent, path[path.length - 1]);
    return copy;
  }

  /** Every mutation of a sample's data, described. */
  function mutationsOf(sample: Sample): Array<{ what: string; data: Record<string, unknown> }> {
    const mutations: Array<{ what: string; data: Record<string, unknown> }> = [];
    const objects: Path[] = [[]];
    for (const path of pathsOf(sample.data)) {
      const shown = path.join('.');
      const original = path.reduce<any>((node, step) => node[step], sample.data);
      if (typeof path[path.length - 1] === 'string') mutations.push({ what: `without ${shown}`, data: at(sample.data, path, (p, k) => delete p[k]) });
      for (const value of REPLACEMENTS) {
        if (isDeepStrictEqual(value, original)) continue;
        mutations.push({ what: `${shown} = ${JSON.stringify(value).slice(0, 40)}`, data: at(sample.data, path, (p, k) => (p[k] = structuredClone(value))) });
      }
      if (Array.isArray(original) && original.length) mutations.push({ what: `${shown} with a repeated item`, data: at(sample.data, path, (p, k) => p[k].push(structuredClone(p[k][0]))) });
      if (typeof original === 'object' && original !== null && !Array.isArray(original)) objects.push(path);
    }
    for (const path of objects) {
      mutations.push({
        what: `an unknown field in ${path.join('.') || 'data'}`,
        data: path.length ? at(sample.data, path, (p, k) => (p[k].unexpectedField = 'x')) : { ...structuredClone(sample.data), unexpectedField: 'x' },
      });
    }
    return mutations;
  }

  it.each(types)('refuses, or accepts, every mutation of a %s exactly as the classes do', (type) => {
    const sample = richest.get(type);
    expect(sample).toBeDefined();
    const disagreements: string[] = [];
    let refused = 0;
    for (const mutation of mutationsOf(sample!)) {
      const mutated = { type, data: mutation.data };
      const classes = byClasses(mutated);
      const schema = bySchema(mutated);
      if (!classes) refused++;
      if (classes !== schema) {
        disagreements.push(
          `${mutation.what}: the classes ${classes ? 'accept' : `refuse (${JSON.stringify(classErrors(mutated))})`}, the document ${schema ? 'accepts' : `refuses (${JSON.stringify(schemaErrors(mutated))})`}`,
        );
      }
    }
    expect(disagreements).toEqual([]);
    expect(refused).toBeGreaterThan(0);
  });

  const request = { requestId: 'q1', customerId: 'c1', resellerId: 'r1', services: ['Azure'], requestedBy: { userId: 'u1' } };
  it.each<[string, Sample]>([
    ['a command without a required field', { type: 'RequestRelationship', data: { ...request, requestedBy: undefined } as never }],
    ['a required nested object without its field', { type: 'ApproveRequest', data: { requestId: 'q1', customerId: 'c1', approvedBy: {} } }],
    ['a value out of its enum', { type: 'PartnerRegistered', data: { partnerId: 'p1', name: 'P', kind: 'reseller', specializations: [], countries: ['DE'] } }],
    ['a string longer than its field allows', { type: 'RequestRelationship', data: { ...request, message: 'x'.repeat(501) } }],
    ['an id longer than 128 characters', { type: 'CancelRequest', data: { requestId: 'q'.repeat(129), customerId: 'c1', resellerId: 'r1', cancelledBy: { userId: 'u1' } } }],
    ['privileges for 731 days', { type: 'RequestRelationship', data: { ...request, delegatedAdmin: { roles: ['HelpdeskAgent'], durationDays: 731, autoExtend: false } } }],
    ['an unknown field in a command', { type: 'DeclineRequest', data: { requestId: 'q1', customerId: 'c1', declinedBy: { userId: 'u1' }, reasn: 'typo' } }],
    ['a list in place of a nested object', { type: 'RevokeDelegatedAdmin', data: { customerId: 'c1', resellerId: 'r1', revokedBy: [{ userId: 'u1' }] } }],
  ])('refuses %s, as the classes do', (_what, sample) => {
    const data = wire(sample.data);
    expect(byClasses({ type: sample.type, data })).toBe(false);
    expect(bySchema({ type: sample.type, data })).toBe(false);
  });

  it('accepts an unknown field in an event, as the classes do (events are read tolerantly)', () => {
    const sample: Sample = { type: 'PartnerSuspended', data: { partnerId: 'p1', reason: 'audit', addedLater: { any: ['thing'] } } };
    expect(byClasses(sample)).toBe(true);
    expect(bySchema(sample)).toBe(true);
  });

  it('never lets null through where the document has a field, and the classes refuse it where the field is required', () => {
    // The one known difference, on the safe side: class-validator's @IsOptional() lets null pass
    // for an optional field; the document does not offer null at all.
    for (const sample of richest.values()) {
      for (const path of pathsOf(sample.data)) {
        const mutated = { type: sample.type, data: at(sample.data, path, (p, k) => (p[k] = null)) };
        expect(bySchema(mutated)).toBe(false);
      }
      for (const key of Object.keys(sample.data)) {
        const required: string[] = doc.components.schemas[sample.type].required ?? [];
        if (!required.includes(key)) continue;
        const mutated = { type: sample.type, data: { ...sample.data, [key]: null } };
        expect(`${sample.type}.${key} ${byClasses(mutated) ? 'accepted' : 'refused'}`).toBe(`${sample.type}.${key} refused`);
      }
    }
  });
});

import 'reflect-metadata';
import fc from 'fast-check';
import { validateData, validateEnvelope } from './validate';

const request = () => ({ requestId: 'r-1', customerId: 'c-1', resellerId: 'p-1', services: ['Azure'], requestedBy: { userId: 'u-1' } });

/** Parses JSON text, so keys like `__proto__` become own keys exactly as they do off the wire. */
const withKey = (key: string, value: unknown) => JSON.parse(JSON.stringify(request()).replace('{', `{${JSON.stringify(key)}:${JSON.stringify(value)},`));

describe('validateData and validateEnvelope are total and close the holes of issue 7', () => {
  it('accepts a valid command', () => {
    expect(validateData('RequestRelationship', request()).ok).toBe(true);
  });

  it.each(['constructor', '__proto__', 'prototype'])('refuses a command whose data holds %s, instead of throwing', (key) => {
    const result = validateData('RequestRelationship', withKey(key, { a: 1 }));
    expect(result).toEqual({ ok: false, errors: [{ path: key, constraints: [`the key "${key}" is not allowed`] }] });
  });

  it.each(['hasOwnProperty', 'toString', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString'])(
    'refuses %s as a key of a command (the strict check took it for a declared field)',
    (key) => {
      expect(validateData('RequestRelationship', withKey(key, 'x')).ok).toBe(false);
    },
  );

  it('refuses them in tolerant events too, where unknown fields are otherwise ignored', () => {
    const event = JSON.parse(`{"toString":"x","partnerId":"p","name":"P","kind":"direct-reseller","specializations":[],"countries":["DE"]}`);
    expect(validateData('PartnerRegistered', event).ok).toBe(false);
  });

  it('refuses data nested 10,000 deep instead of overflowing the stack', () => {
    const deep = JSON.parse(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`);
    const result = validateData('RequestRelationship', { ...request(), delegatedAdmin: deep });
    expect(result.ok).toBe(false);
    expect(validateEnvelope({ specversion: '1.0', id: 'x', type: 'T', source: 's', time: new Date().toISOString(), data: deep }).ok).toBe(false);
  });

  it('refuses 100,000 services at the list limit, before the uniqueness check runs', () => {
    const services = Array.from({ length: 100_000 }, (_, i) => `s${i}`);
    const started = process.hrtime.bigint();
    const result = validateData('RequestRelationship', { ...request(), services });
    console.log(`100,000 services refused by validateData in ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(1)} ms`);
    expect(result).toEqual({ ok: false, errors: [{ path: 'services', constraints: ['must not hold more than 100 items'] }] });
  });

  it('still names every broken field of ordinary bad data', () => {
    const result = validateData('RequestRelationship', { ...request(), services: [], requestedBy: {} });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.path).sort()).toEqual(['requestedBy.userId', 'services']);
  });

  it('never throws, for any JSON as the data of any command', () => {
    const types = ['RequestRelationship', 'CancelRequest', 'ApproveRequest', 'DeclineRequest', 'EndRelationship', 'RevokeDelegatedAdmin', 'PartnerRegistered', 'CustomerRegistered'] as const;
    const keys = fc.oneof(fc.string(), fc.constantFrom('constructor', '__proto__', 'prototype', 'hasOwnProperty', 'requestId', 'services', 'delegatedAdmin', 'requestedBy'));
    const json = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 2 }), fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(keys, tie('value'), { maxKeys: 4 })),
    })).value;
    fc.assert(
      fc.property(fc.constantFrom(...types), json, (type, data) => {
        // Off the wire: JSON.parse makes `__proto__` an own key, as a hostile producer would.
        const plain = JSON.parse(JSON.stringify(data) ?? 'null');
        expect(() => validateData(type, plain)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });
});

describe('a required nested object', () => {
  // Found by the chaos test: class-validator skips @ValidateNested on an absent value, so an
  // ApproveRequest without `approvedBy` passed the contract and its handler threw a TypeError.
  it.each([
    ['ApproveRequest', { requestId: 'r', customerId: 'c' }, 'approvedBy'],
    ['DeclineRequest', { requestId: 'r', customerId: 'c' }, 'declinedBy'],
    ['EndRelationship', { customerId: 'c', resellerId: 'p' }, 'endedBy'],
    ['RevokeDelegatedAdmin', { customerId: 'c', resellerId: 'p' }, 'revokedBy'],
    ['RequestRelationship', { requestId: 'r', customerId: 'c', resellerId: 'p', services: ['Azure'] }, 'requestedBy'],
  ] as const)('is refused when absent: %s without %s', (type, data, missing) => {
    const result = validateData(type, data);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map((e) => e.path)).toContain(missing);
  });
});

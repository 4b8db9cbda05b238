import fc from 'fast-check';
import { DEFAULT_INPUT_LIMITS, findInputViolation, FORBIDDEN_KEYS } from './input-limits';

/** `{"a":{"a":...1...}}`, `levels` objects deep, as JSON.parse would give it. */
const nested = (levels: number): unknown => JSON.parse(`${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`);
const nestedArrays = (levels: number): unknown => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);

describe('the input limits (DESIGN §7), checked before any validation library runs', () => {
  it('accepts an ordinary command', () => {
    const command = { requestId: 'r-1', customerId: 'c-1', services: ['Azure', 'M365'], requestedBy: { userId: 'u' }, message: 'Hello,\n\tworld\r\n' };
    expect(findInputViolation(command)).toBeUndefined();
  });

  it('allows 32 levels of nesting and refuses the 33rd, naming where', () => {
    expect(findInputViolation(nested(32))).toBeUndefined();
    expect(findInputViolation(nested(33))).toEqual({
      errorClass: 'LimitExceeded',
      path: Array(32).fill('a').join('.'),
      constraint: 'must not nest deeper than 32 levels',
    });
  });

  it('refuses nesting 10,000 deep, of objects or of arrays, without recursing that deep', () => {
    expect(findInputViolation(nested(10_000))?.errorClass).toBe('LimitExceeded');
    expect(findInputViolation(nestedArrays(10_000))?.errorClass).toBe('LimitExceeded');
  });

  it('allows 100 items in a list and refuses 101', () => {
    const list = (n: number) => ({ services: Array.from({ length: n }, (_, i) => `s${i}`) });
    expect(findInputViolation(list(100))).toBeUndefined();
    expect(findInputViolation(list(101))).toEqual({ errorClass: 'LimitExceeded', path: 'services', constraint: 'must not hold more than 100 items' });
  });

  it('refuses a list of 100,000 items at its length, without looking at the items', () => {
    const items = Array.from({ length: 100_000 }, (_, i) => `s${i}`);
    const started = process.hrtime.bigint();
    expect(findInputViolation({ data: { services: items } })?.path).toBe('data.services');
    console.log(`100,000 services refused by the limits in ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(2)} ms`);
  });

  it.each(['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', '__defineGetter__'])(
    'refuses the key %s anywhere',
    (key) => {
      const plain = JSON.parse(`{"data":{"requestedBy":{"${key}":{"x":1},"userId":"u"}}}`);
      expect(findInputViolation(plain)).toEqual({ errorClass: 'ForbiddenKey', path: `data.requestedBy.${key}`, constraint: `the key "${key}" is not allowed` });
    },
  );

  it('refuses the names of Object.prototype, and no field of the contract uses one', () => {
    expect([...FORBIDDEN_KEYS]).toEqual(expect.arrayContaining(['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', 'isPrototypeOf']));
  });

  it('refuses control characters in strings and keys, but not tab, line feed or carriage return', () => {
    expect(findInputViolation({ id: 'a\u0000b' })).toEqual({ errorClass: 'ForbiddenCharacter', path: 'id', constraint: 'must not contain control characters' });
    expect(findInputViolation({ list: ['ok', 'bell\u0007'] })?.path).toBe('list.1');
    expect(findInputViolation({ 'k\u001b': 1 })?.errorClass).toBe('ForbiddenCharacter');
    expect(findInputViolation({ text: 'a\tb\nc\r\n' })).toBeUndefined();
  });

  it('refuses over-long keys, and names them shortened', () => {
    const key = 'k'.repeat(100_000);
    const found = findInputViolation({ data: { [key]: 1 } });
    expect(found?.errorClass).toBe('LimitExceeded');
    expect(found!.path.length).toBeLessThan(50);
  });

  it('accepts scalars and empty containers', () => {
    for (const value of [null, 1, true, 'x', [], {}]) expect(findInputViolation(value)).toBeUndefined();
  });

  it('never throws, whatever JSON it is given', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 40 }), (value) => {
        const found = findInputViolation(value);
        if (found) expect(['LimitExceeded', 'ForbiddenKey', 'ForbiddenCharacter']).toContain(found.errorClass);
      }),
      { numRuns: 500 },
    );
  });

  it('finds a breach wherever it is placed in otherwise valid JSON', () => {
    const breaches = fc.constantFrom<unknown>({ constructor: 1 }, Array(DEFAULT_INPUT_LIMITS.maxArrayLength + 1).fill(0), nested(40), 'x\u0001');
    const placed = fc.letrec<{ tree: unknown }>((tie) => ({
      tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, breaches, fc.array(tie('tree'), { minLength: 1, maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('tree'), { minKeys: 1, maxKeys: 3 })),
    })).tree;
    fc.assert(fc.property(placed, (value) => expect(findInputViolation(value)).toBeDefined()), { numRuns: 300 });
  });
});

import 'reflect-metadata';
import fc from 'fast-check';
import { decode, placementFailure } from './decode';

const time = '2026-03-01T09:00:00.000Z';
const request = { requestId: 'r-1', customerId: 'c-1', resellerId: 'p-1', services: ['Azure'], requestedBy: { userId: 'u-1' } };

/** A CloudEvent around `dataJson`, as raw text, so hostile JSON reaches decode exactly as written. */
const envelopeText = (dataJson: string, type = 'RequestRelationship') =>
  `{"specversion":"1.0","id":"e-1","type":"${type}","source":"upstream","time":"${time}","data":${dataJson}}`;
const bytes = (text: string) => Buffer.from(text, 'utf8');
const withDataKey = (key: string) => bytes(envelopeText(JSON.stringify(request).replace('{', `{"${key}":{"a":1},`)));

describe('decode: total, and the input limits of DESIGN §7 before any validation', () => {
  it('decodes a valid command', () => {
    const decoded = decode(bytes(envelopeText(JSON.stringify(request))));
    expect(decoded.ok).toBe(true);
  });

  it.each([
    ['constructor', 'ForbiddenKey'],
    ['__proto__', 'ForbiddenKey'],
    ['prototype', 'ForbiddenKey'],
    ['hasOwnProperty', 'ForbiddenKey'],
    ['toString', 'ForbiddenKey'],
    ['valueOf', 'ForbiddenKey'],
    ['isPrototypeOf', 'ForbiddenKey'],
  ])('refuses a command whose data holds the key %s, as %s, naming it', (key, errorClass) => {
    const decoded = decode(withDataKey(key));
    expect(decoded).toEqual({ ok: false, errorClass, message: expect.stringContaining(`data.${key}`), errors: [{ path: `data.${key}`, constraints: [`the key "${key}" is not allowed`] }] });
  });

  it('refuses an envelope with a forbidden key of its own', () => {
    const decoded = decode(bytes(`{"constructor":{},${envelopeText(JSON.stringify(request)).slice(1)}`));
    expect(decoded).toMatchObject({ ok: false, errorClass: 'ForbiddenKey', errors: [{ path: 'constructor' }] });
  });

  it('refuses data nested 10,000 deep as LimitExceeded', () => {
    for (const deep of [`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`, `{"services":${'['.repeat(10_000)}${']'.repeat(10_000)}}`]) {
      expect(decode(bytes(envelopeText(deep)))).toMatchObject({ ok: false, errorClass: 'LimitExceeded', errors: [{ constraints: ['must not nest deeper than 32 levels'] }] });
    }
  });

  it('refuses 100,000 services as LimitExceeded, before validation', () => {
    const services = Array.from({ length: 100_000 }, (_, i) => `s${i}`);
    const started = process.hrtime.bigint();
    const decoded = decode(bytes(envelopeText(JSON.stringify({ ...request, services }))));
    console.log(`100,000 services: decode() refused them in ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(1)} ms`);
    expect(decoded).toMatchObject({ ok: false, errorClass: 'LimitExceeded', errors: [{ path: 'data.services', constraints: ['must not hold more than 100 items'] }] });
  });

  it('refuses a value over the size limit on its bytes, before parsing', () => {
    const huge = bytes(envelopeText(JSON.stringify({ ...request, message: 'x'.repeat(5_000_000) })));
    expect(decode(huge)).toMatchObject({ ok: false, errorClass: 'TooLarge', errors: [{ path: '', constraints: ['must not be larger than 1048576 bytes'] }] });
    expect(decode(bytes('x'.repeat(2_000)), { maxMessageBytes: 1_000 })).toMatchObject({ ok: false, errorClass: 'TooLarge' });
  });

  it('refuses a string longer than its field allows through the field rules, naming the field', () => {
    const decoded = decode(bytes(envelopeText(JSON.stringify({ ...request, message: 'x'.repeat(900_000) }))));
    expect(decoded).toMatchObject({ ok: false, errorClass: 'ValidationFailed', errors: [{ path: 'data.message' }] });
  });

  it('refuses escaped control characters in a string as ForbiddenCharacter', () => {
    const decoded = decode(bytes(envelopeText(JSON.stringify({ ...request, requestId: 'r\u0000-1' }))));
    expect(decoded).toMatchObject({ ok: false, errorClass: 'ForbiddenCharacter', errors: [{ path: 'data.requestId' }] });
  });

  it('refuses bytes that are not UTF-8, and raw control characters, as NotJson', () => {
    expect(decode(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))).toMatchObject({ ok: false, errorClass: 'NotJson', message: 'The value is not UTF-8 text.' });
    expect(decode(bytes(envelopeText('{"requestId":"a\u0001b"}')))).toMatchObject({ ok: false, errorClass: 'NotJson' });
  });

  it('refuses an unknown spec version as NotCloudEvent and an unknown type as UnknownType', () => {
    expect(decode(bytes(envelopeText(JSON.stringify(request)).replace('"1.0"', '"2.0"')))).toMatchObject({ ok: false, errorClass: 'NotCloudEvent' });
    expect(decode(bytes(envelopeText(JSON.stringify(request), 'RequestTeleport')))).toMatchObject({ ok: false, errorClass: 'UnknownType' });
  });

  it('never throws, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (raw) => {
        expect(decode(Buffer.from(raw)).ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws, whatever JSON is the data of a command, and refuses every forbidden key it holds', () => {
    const key = fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('constructor', '__proto__', 'prototype', 'hasOwnProperty', 'toString', 'requestId', 'services'));
    const json = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 1 }), fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(key, tie('value'), { maxKeys: 4 })),
    })).value;
    fc.assert(
      fc.property(json, (data) => {
        const text = JSON.stringify(data) ?? 'null';
        const decoded = decode(bytes(envelopeText(text)));
        if (/"(constructor|__proto__|prototype|hasOwnProperty|toString)":/.test(text)) expect(decoded.ok).toBe(false);
        if (!decoded.ok) expect(decoded.errorClass).not.toBe('DecodeFailed');
      }),
      { numRuns: 1000 },
    );
  });
});

describe('placementFailure: a valid message on the wrong topic or under the wrong key', () => {
  const decoded = decode(bytes(envelopeText(JSON.stringify(request))));
  if (!decoded.ok) throw new Error('the fixture must decode');
  const envelope = decoded.envelope;

  it('accepts its own topic, under its customer key or without a key', () => {
    expect(placementFailure(envelope, { topic: 'ns.mp.request-commands.v1', key: Buffer.from('c-1') }, 'ns.')).toBeUndefined();
    expect(placementFailure(envelope, { topic: 'ns.mp.request-commands.v1', key: null }, 'ns.')).toBeUndefined();
  });

  it('refuses another topic as WrongTopic', () => {
    expect(placementFailure(envelope, { topic: 'ns.mp.consent-commands.v1', key: null }, 'ns.')?.errorClass).toBe('WrongTopic');
  });

  it('refuses a key that is not the customer id as WrongKey', () => {
    expect(placementFailure(envelope, { topic: 'ns.mp.request-commands.v1', key: Buffer.from('c-2') }, 'ns.')).toEqual({
      errorClass: 'WrongKey',
      message: 'RequestRelationship is keyed by "c-1", but came with the key "c-2".',
    });
  });
});

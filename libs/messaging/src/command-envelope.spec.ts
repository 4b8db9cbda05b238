import 'reflect-metadata';
import { commandEnvelope } from './command-envelope';
import { decode } from './decode';

const request = { requestId: 'r-1', customerId: 'c-1', resellerId: 'p-1', services: ['Azure'], requestedBy: { userId: 'u-1' } };
const origin = { source: 'request-service/http', correlationid: 'req-7', now: new Date('2026-03-01T09:00:00.000Z') };
const limits = { maxMessageBytes: 1024 * 1024 };

describe('commandEnvelope: a command made for a caller, checked as its consumer checks it', () => {
  it('wraps valid data in an upstream CloudEvent on its key, with the caller\'s correlation, that decode accepts', () => {
    const checked = commandEnvelope('RequestRelationship', request, origin, limits);
    expect(checked).toEqual({
      ok: true,
      envelope: {
        specversion: '1.0',
        id: expect.any(String),
        type: 'RequestRelationship',
        source: 'request-service/http',
        time: '2026-03-01T09:00:00.000Z',
        subject: 'c-1',
        datacontenttype: 'application/json',
        correlationid: 'req-7',
        data: request,
      },
    });
    expect(checked.ok && decode(Buffer.from(JSON.stringify(checked.envelope))).ok).toBe(true);
  });

  it('gives each command a fresh id and no causation: it is an upstream message', () => {
    const [a, b] = [commandEnvelope('RequestRelationship', request, origin, limits), commandEnvelope('RequestRelationship', request, origin, limits)];
    expect(a.ok && b.ok && a.envelope.id !== b.envelope.id).toBe(true);
    expect(a.ok && a.envelope.causationid).toBeUndefined();
  });

  it('refuses data that breaks its rules with every field error, named as the caller named the field', () => {
    const checked = commandEnvelope('RequestRelationship', { ...request, services: [], delegatedAdmin: { roles: ['Reader'], durationDays: 0, autoExtend: true }, extra: 1 }, origin, limits);
    expect(checked).toMatchObject({ ok: false, errorClass: 'ValidationFailed' });
    expect(!checked.ok && checked.errors.map((e) => e.path).sort()).toEqual(['delegatedAdmin.durationDays', 'extra', 'services']);
  });

  it('refuses a key that shadows Object.prototype and a list over the input limits, as the consumer would', () => {
    const hostile = JSON.parse(`{"requestId":"r-1","customerId":"c-1","resellerId":"p-1","services":["Azure"],"requestedBy":{"userId":"u-1","__proto__":{}}}`);
    expect(commandEnvelope('RequestRelationship', hostile, origin, limits)).toMatchObject({ ok: false, errors: [{ path: 'requestedBy.__proto__', constraints: ['the key "__proto__" is not allowed'] }] });
    const long = { ...request, services: Array.from({ length: 101 }, (_, i) => `s-${i}`) };
    expect(commandEnvelope('RequestRelationship', long, origin, limits)).toMatchObject({ ok: false, errors: [{ path: 'services', constraints: ['must not hold more than 100 items'] }] });
  });

  it('refuses a command whose envelope would be larger than the consumer takes, as TooLarge', () => {
    const checked = commandEnvelope('RequestRelationship', { ...request, message: 'x'.repeat(400) }, origin, { maxMessageBytes: 300 });
    expect(checked).toMatchObject({ ok: false, errorClass: 'TooLarge', errors: [{ path: '', constraints: ['must not be larger than 300 bytes'] }] });
  });
});

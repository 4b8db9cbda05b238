import 'reflect-metadata';
import { validateData } from '../validate';

const secretOf = (fill: number, bytes = 32) => `whsec_${Buffer.alloc(bytes, fill).toString('base64')}`;
const partner = (extra: object) => ({ partnerId: 'p-1', name: 'P', kind: 'direct-reseller', specializations: [], countries: ['DE'], webhookUrl: 'https://p.example/hooks', ...extra });
const customer = (extra: object) => ({ customerId: 'c-1', name: 'C', country: 'DE', admins: ['u-1'], ...extra });

describe('a party’s own webhookSecret on PartnerRegistered and CustomerRegistered', () => {
  it.each([
    ['absent', {}],
    ['one secret', { webhookSecret: secretOf(1) }],
    ['two, space-separated, during a rotation', { webhookSecret: `${secretOf(1)} ${secretOf(2)}` }],
    ['of 64 bytes', { webhookSecret: secretOf(1, 64) }],
  ])('is accepted %s', (_case, extra) => {
    expect(validateData('PartnerRegistered', partner(extra)).ok).toBe(true);
    expect(validateData('CustomerRegistered', customer(extra)).ok).toBe(true);
  });

  it.each([
    ['without the whsec_ prefix', Buffer.alloc(32, 1).toString('base64')],
    ['shorter than 24 bytes', secretOf(1, 16)],
    ['three at once', `${secretOf(1)} ${secretOf(2)} ${secretOf(3)}`],
    ['not base64', 'whsec_not base64 at all, not at all, no'],
    ['not text', 42],
  ])('is refused %s, the registration naming the field without repeating its value', (_case, webhookSecret) => {
    for (const [type, data] of [['PartnerRegistered', partner({ webhookSecret })], ['CustomerRegistered', customer({ webhookSecret })]] as const) {
      const result = validateData(type, data);
      expect(result.ok).toBe(false);
      const errors = !result.ok ? result.errors : [];
      expect(errors.map((e) => e.path)).toEqual(['webhookSecret']);
      if (typeof webhookSecret === 'string') expect(JSON.stringify(errors)).not.toContain(webhookSecret.slice(6, 20));
    }
  });
});

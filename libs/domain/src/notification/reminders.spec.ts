import type { DelegatedAdminSnapshot, RelationshipSnapshot } from '@mp/contracts';
import { addDays, DAY_MS } from '../clock';
import { CustomerState, emptyCustomerState } from '../customer-state';
import { reminderRecipientsOf } from './recipients';
import { dueReminders, nextReminderAfter, nextReminderAt, reminderDataOf, reminderSeedOf, remindersOf } from './reminders';

const T0 = new Date('2026-01-01T00:00:00.000Z');
const day = (n: number) => addDays(T0, n);
const at = (n: number) => day(n).getTime();

function privileges(overrides: Partial<DelegatedAdminSnapshot> = {}): DelegatedAdminSnapshot {
  return {
    status: 'active',
    roles: ['HelpdeskAdministrator'],
    services: ['Azure'],
    grantedAt: T0.toISOString(),
    expiresAt: day(40).toISOString(),
    durationDays: 40,
    autoExtend: false,
    ...overrides,
  };
}

function relationship(resellerId: string, delegatedAdmin: DelegatedAdminSnapshot, overrides: Partial<RelationshipSnapshot> = {}): RelationshipSnapshot {
  return { customerId: 'cust-1', resellerId, status: 'active', channel: 'direct', services: ['Azure'], since: T0.toISOString(), delegatedAdmin, ...overrides };
}

function customer(...relationships: RelationshipSnapshot[]): CustomerState {
  return { ...emptyCustomerState('cust-1'), relationships: Object.fromEntries(relationships.map((r) => [r.resellerId, r])) };
}

describe('expiry reminders', () => {
  const forty = customer(relationship('res-1', privileges()));

  it('calls for one reminder 30, 7 and 1 days before active privileges expire', () => {
    expect(remindersOf(forty).map((r) => [r.daysBefore, r.dueAt])).toEqual([
      [30, at(10)],
      [7, at(33)],
      [1, at(39)],
    ]);
  });

  it('calls for none without active privileges of an active relationship, or without an expiry', () => {
    for (const delegatedAdmin of [privileges({ status: 'none' }), privileges({ status: 'revoked' }), privileges({ status: 'expired' }), privileges({ expiresAt: undefined })]) {
      expect(remindersOf(customer(relationship('res-1', delegatedAdmin)))).toEqual([]);
    }
    expect(remindersOf(customer(relationship('res-1', privileges(), { status: 'ended', endedAt: day(5).toISOString() })))).toEqual([]);
    expect(nextReminderAt(emptyCustomerState('cust-1'))).toBeUndefined();
  });

  it('skips the reminders already past when the privileges were granted', () => {
    const short = customer(relationship('res-1', privileges({ expiresAt: day(20).toISOString(), durationDays: 20 })));
    expect(remindersOf(short).map((r) => r.daysBefore)).toEqual([7, 1]);
    // Granted for exactly 30 days: no "30 days left" at the very moment of the grant.
    const thirty = customer(relationship('res-1', privileges({ expiresAt: day(30).toISOString(), durationDays: 30 })));
    expect(remindersOf(thirty).map((r) => r.daysBefore)).toEqual([7, 1]);
  });

  it('files the customer at its earliest reminder time, past or not (the state does not know what was sent)', () => {
    expect(nextReminderAt(forty)).toBe(at(10));
    const two = customer(relationship('res-1', privileges()), relationship('res-2', privileges({ expiresAt: day(35).toISOString() })));
    expect(nextReminderAt(two)).toBe(at(5));
  });

  it('moves on to the first reminder time strictly after now', () => {
    expect(nextReminderAfter(forty, day(0))).toBe(at(10));
    expect(nextReminderAfter(forty, day(10))).toBe(at(33));
    expect(nextReminderAfter(forty, day(20))).toBe(at(33));
    expect(nextReminderAfter(forty, day(39))).toBeUndefined();
    expect(nextReminderAfter(forty, day(45))).toBeUndefined();
  });

  it('has nothing due before 30 days before', () => {
    expect(dueReminders(forty, new Date(at(10) - 1))).toEqual([]);
  });

  it('has the 30-, then the 7-, then the 1-day reminder due, one at a time', () => {
    expect(dueReminders(forty, day(10)).map((r) => r.daysBefore)).toEqual([30]);
    expect(dueReminders(forty, day(32)).map((r) => r.daysBefore)).toEqual([30]);
    expect(dueReminders(forty, day(33)).map((r) => r.daysBefore)).toEqual([7]);
    expect(dueReminders(forty, new Date(at(39) + DAY_MS / 2)).map((r) => r.daysBefore)).toEqual([1]);
  });

  it('sends only the most recent one after a pause, and none once the privileges expired', () => {
    expect(dueReminders(forty, day(35)).map((r) => r.daysBefore)).toEqual([7]);
    expect(dueReminders(forty, day(40))).toEqual([]);
    expect(dueReminders(forty, day(41))).toEqual([]);
  });

  it('has one reminder per relationship', () => {
    const two = customer(relationship('res-1', privileges()), relationship('res-2', privileges({ expiresAt: day(12).toISOString() }), { channel: 'indirect', indirectProviderId: 'prov-1' }));
    const due = dueReminders(two, day(11));
    expect(due.map((r) => [r.resellerId, r.daysBefore, r.indirectProviderId])).toEqual([
      ['res-1', 30, undefined],
      ['res-2', 1, 'prov-1'],
    ]);
    expect(reminderRecipientsOf(due[1])).toEqual([
      { party: 'customer', partyId: 'cust-1' },
      { party: 'reseller', partyId: 'res-2' },
      { party: 'provider', partyId: 'prov-1' },
    ]);
  });

  it('names each reminder by customer, reseller, expiry and days before; an extension brings new ones', () => {
    const [thirty] = dueReminders(forty, day(10));
    expect(reminderSeedOf(thirty)).toBe(`DelegatedAdminExpiryReminder/cust-1/res-1/${day(40).toISOString()}/30`);
    expect(reminderSeedOf(dueReminders(forty, day(20))[0])).toBe(reminderSeedOf(thirty));

    const extended = customer(relationship('res-1', privileges({ expiresAt: day(220).toISOString() })));
    expect(remindersOf(extended).map((r) => r.dueAt)).toEqual([at(190), at(213), at(219)]);
    expect(reminderSeedOf(remindersOf(extended)[0])).not.toBe(reminderSeedOf(thirty));
  });

  it('carries customer, reseller, days before and the privileges as its payload', () => {
    const [thirty] = dueReminders(forty, day(10));
    expect(reminderDataOf(thirty)).toEqual({ customerId: 'cust-1', resellerId: 'res-1', daysBefore: 30, delegatedAdmin: privileges() });
  });
});

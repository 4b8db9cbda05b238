import type { CloudEvent } from '@mp/contracts';
import { addDays, CustomerState, emptyCustomerState, ManualClock, RecipientRef } from '@mp/domain';
import type { KafkaSettings } from '@mp/messaging';
import type { CustomerStore } from '@mp/state';
import type { NotificationOutbox } from '../delivery/notification-outbox';
import { ExpiryReminders } from './expiry-reminders';

const T0 = new Date('2026-01-01T00:00:00.000Z');
const at = (days: number) => addDays(T0, days).getTime();

function withPrivileges(expiresInDays: number, indirectProviderId?: string): CustomerState {
  const delegatedAdmin = { status: 'active' as const, roles: ['HelpdeskAdministrator'], services: ['Azure'], grantedAt: T0.toISOString(), expiresAt: addDays(T0, expiresInDays).toISOString(), autoExtend: false };
  const relationship = { customerId: 'cust-1', resellerId: 'res-1', status: 'active' as const, channel: indirectProviderId ? ('indirect' as const) : ('direct' as const), indirectProviderId, services: ['Azure'], since: T0.toISOString(), delegatedAdmin };
  return { ...emptyCustomerState('cust-1'), relationships: { 'res-1': relationship } };
}

/** The store as the action sees it: successive loads (a fold may land in between), and the due index. */
function fakes(...loads: Array<{ state: CustomerState; version: string }>) {
  const filed: Array<number | undefined> = [];
  const filedNotifications: Array<{ envelope: CloudEvent; recipients: RecipientRef[] }> = [];
  let n = 0;
  const customers = {
    load: async () => ({ ...loads[Math.min(n++, loads.length - 1)], seen: false }),
    dueIndex: { set: async (_id: string, dueAt: number | undefined) => void filed.push(dueAt) },
  } as unknown as CustomerStore;
  const outbox = { file: async (envelope: CloudEvent, _state: CustomerState, recipients: RecipientRef[]) => void filedNotifications.push({ envelope, recipients }) } as unknown as NotificationOutbox;
  return { customers, outbox, filed, notified: filedNotifications };
}

const kafka = { service: 'notification-service' } as KafkaSettings;

describe('expiry reminders action', () => {
  it('files nothing before the first reminder time, and files the customer at it', async () => {
    const f = fakes({ state: withPrivileges(40), version: '3' });
    await new ExpiryReminders(f.customers, f.outbox, kafka, new ManualClock(addDays(T0, 9))).remind('cust-1');
    expect(f.notified).toEqual([]);
    expect(f.filed).toEqual([at(10)]);
  });

  it('files the reminder due for both sides, then files the customer at its next reminder time', async () => {
    const f = fakes({ state: withPrivileges(40, 'prov-1'), version: '3' });
    await new ExpiryReminders(f.customers, f.outbox, kafka, new ManualClock(addDays(T0, 10))).remind('cust-1');
    expect(f.notified).toHaveLength(1);
    expect(f.notified[0].envelope).toMatchObject({ type: 'DelegatedAdminExpiryReminder', source: 'notification-service', data: { resellerId: 'res-1', daysBefore: 30 } });
    expect(f.notified[0].recipients).toEqual([
      { party: 'customer', partyId: 'cust-1' },
      { party: 'reseller', partyId: 'res-1' },
      { party: 'provider', partyId: 'prov-1' },
    ]);
    expect(f.filed).toEqual([at(33)]);
  });

  it('takes the customer out of the index after the last reminder', async () => {
    const f = fakes({ state: withPrivileges(40), version: '3' });
    await new ExpiryReminders(f.customers, f.outbox, kafka, new ManualClock(addDays(T0, 39))).remind('cust-1');
    expect(f.notified.map((d) => (d.envelope.data as { daysBefore: number }).daysBefore)).toEqual([1]);
    expect(f.filed).toEqual([undefined]);
  });

  it('files the customer again by the newest state when a fold landed meanwhile', async () => {
    // Read at day 10 with privileges to day 40; meanwhile new privileges, to day 12, were folded.
    const f = fakes({ state: withPrivileges(40), version: '3' }, { state: withPrivileges(12), version: '4' });
    await new ExpiryReminders(f.customers, f.outbox, kafka, new ManualClock(addDays(T0, 10))).remind('cust-1');
    expect(f.filed).toEqual([at(33), at(5)]);
  });

  it('leaves the customer where it is when filing a reminder fails, so the next pass tries again', async () => {
    const f = fakes({ state: withPrivileges(40), version: '3' });
    const failing = { file: async () => Promise.reject(new Error('redis down')) } as unknown as NotificationOutbox;
    await expect(new ExpiryReminders(f.customers, failing, kafka, new ManualClock(addDays(T0, 10))).remind('cust-1')).rejects.toThrow('redis down');
    expect(f.filed).toEqual([]);
  });
});

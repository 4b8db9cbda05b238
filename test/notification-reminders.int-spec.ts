import 'reflect-metadata';
import { MessageType, validateData } from '@mp/contracts';
import { addDays, ManualClock } from '@mp/domain';
import { deriveId } from '@mp/messaging';
import { CustomerStore, DueScheduler, PartnerStore } from '@mp/state';
import { eventually } from './support/eventually';
import { isolateTestRun } from './support/isolation';
import { RunningService, startService } from './support/service-harness';
import { TopicProbe } from './support/topic-probe';
import { ReceivedWebhook, signatureIsValid, WebhookReceiver } from './support/webhook-receiver';

jest.setTimeout(120_000);

// Isolation first: the service reads its Kafka namespace, Redis prefix and scheduler interval when it is created.
const world = isolateTestRun('notification-reminders');
process.env.SCHEDULER_INTERVAL_MS = '100';
process.env.WEBHOOK_BACKOFF_MS = '50';


const T0 = new Date('2026-03-01T09:00:00.000Z');
const day = (n: number) => addDays(T0, n);
const expiresAt = day(40).toISOString();
const REMINDER = 'DelegatedAdminExpiryReminder';

describe('notification-service expiry reminders (real Kafka, Redis and HTTP; a manual clock)', () => {
  const clock = new ManualClock(T0);
  const receiver = new WebhookReceiver();
  const probe = new TopicProbe();
  let service: RunningService;

  const customer = world.id('cust');
  const reseller = world.id('res');
  const customerHook = `/customers/${customer}`;
  const resellerHook = `/resellers/${reseller}`;
  const delegatedAdmin = { status: 'active', roles: ['HelpdeskAdministrator'], services: ['Azure'], grantedAt: T0.toISOString(), expiresAt, durationDays: 40, autoExtend: false };

  const publish = (type: MessageType, data: unknown) => probe.publish(type, data);
  const reminders = (path: string, daysBefore?: number): ReceivedWebhook[] =>
    receiver.at(path, REMINDER).filter((w) => daysBefore === undefined || w.json.data.daysBefore === daysBefore);
  const reminderIdOf = (daysBefore: number) => deriveId(`${REMINDER}/${customer}/${reseller}/${expiresAt}/${daysBefore}`);

  /** A whole scheduler pass that started after the clock was last moved (the first may have started before). */
  async function fullPass(): Promise<void> {
    const scheduler = service.app.get(DueScheduler);
    await scheduler.tick();
    await scheduler.tick();
  }

  /** Moves the clock and waits for the reminder to reach both sides; then checks that each side got it exactly once. */
  async function expectReminderAt(dayNumber: number, daysBefore: number): Promise<void> {
    clock.set(day(dayNumber));
    await eventually(`the ${daysBefore}-day reminder on both sides`, () => reminders(customerHook, daysBefore).length > 0 && reminders(resellerHook, daysBefore).length > 0);
    await fullPass();
    for (const path of [customerHook, resellerHook]) {
      const [webhook, ...more] = reminders(path, daysBefore);
      expect(more).toHaveLength(0);
      expect(webhook.json).toEqual({
        specversion: '1.0',
        id: reminderIdOf(daysBefore),
        type: REMINDER,
        source: 'notification-service',
        time: new Date(Date.parse(expiresAt) - daysBefore * 86_400_000).toISOString(),
        subject: customer,
        datacontenttype: 'application/json',
        data: { customerId: customer, resellerId: reseller, daysBefore, delegatedAdmin },
      });
      expect(signatureIsValid(webhook, process.env.WEBHOOK_SECRET!)).toBe(true);
    }
    // Both outcomes reported, under the reminder's id and type.
    for (const partyId of [customer, reseller]) {
      const delivered = await probe.waitForEvent('NotificationDelivered', (e) => {
        const d = e.data as { eventId: string; recipient: { partyId: string } };
        return d.eventId === reminderIdOf(daysBefore) && d.recipient.partyId === partyId;
      });
      expect(validateData('NotificationDelivered', delivered.data).ok).toBe(true);
      expect(delivered.data).toMatchObject({ eventType: REMINDER, eventId: reminderIdOf(daysBefore), customerId: customer, channel: 'webhook', attempts: 1 });
      expect(delivered.data).toMatchObject({ notificationId: deriveId(`${reminderIdOf(daysBefore)}/${partyId === customer ? 'customer' : 'reseller'}/${partyId}/webhook`) });
    }
  }

  beforeAll(async () => {
    await receiver.start();
    await probe.start();
    // Imported here, after the isolation above, as the module reads LOG_LEVEL when it is loaded.
    const { NotificationServiceModule } = await import('../apps/notification-service/src/notification-service.module');
    const { notificationServiceOptions } = await import('../apps/notification-service/src/notification-service.options');
    service = await startService(NotificationServiceModule, notificationServiceOptions, clock);

    await publish('PartnerRegistered', { partnerId: reseller, name: 'Fabrikam', kind: 'direct-reseller', specializations: ['Azure'], countries: ['FR'], webhookUrl: receiver.url(resellerHook) });
    await publish('CustomerRegistered', { customerId: customer, name: 'Contoso', country: 'FR', admins: ['admin-1'], webhookUrl: receiver.url(customerHook) });
    const customers = service.app.get(CustomerStore);
    const partners = service.app.get(PartnerStore);
    await eventually('the reference data to be folded', async () => (await customers.get(customer))?.profile && (await partners.get(reseller))?.profile);

    const requestId = world.id('req');
    await publish('RelationshipEstablished', {
      customerId: customer,
      resellerId: reseller,
      requestId,
      approvedBy: { userId: 'admin-1' },
      relationship: { customerId: customer, resellerId: reseller, status: 'active', channel: 'direct', services: ['Azure'], since: T0.toISOString(), delegatedAdmin },
    });
    await publish('DelegatedAdminGranted', { customerId: customer, resellerId: reseller, requestId, grantedBy: { userId: 'admin-1' }, delegatedAdmin });
    // Told of the grant: the privileges are folded, and the customer filed for its first reminder.
    await eventually('the grant to be told to both sides', () => receiver.at(customerHook, 'DelegatedAdminGranted').length > 0 && receiver.at(resellerHook, 'DelegatedAdminGranted').length > 0);
  });

  afterAll(async () => {
    await service?.close();
    await probe.stop();
    await receiver.stop();
    await world.cleanup();
  });

  it('files the customer at its first reminder time, 30 days before expiry, and sends nothing before', async () => {
    const index = service.app.get(CustomerStore).dueIndex!;
    expect(await index.due(day(10).getTime())).toContainEqual({ id: customer, dueAt: day(10).getTime() });

    clock.set(new Date(day(10).getTime() - 60_000));
    await fullPass();
    expect(receiver.at(customerHook, REMINDER)).toHaveLength(0);
    expect(receiver.at(resellerHook, REMINDER)).toHaveLength(0);
  });

  it('reminds both sides 30 days before, once', async () => {
    await expectReminderAt(10, 30);
    // Moved forward to the next reminder time once sent.
    const index = service.app.get(CustomerStore).dueIndex!;
    expect((await index.due(day(33).getTime())).find((e) => e.id === customer)).toEqual({ id: customer, dueAt: day(33).getTime() });
  });

  it('sends nothing again when a later fold files the customer at its earliest reminder time again', async () => {
    clock.set(day(20));
    await publish('CustomerAdminAdded', { customerId: customer, userId: 'admin-2' });
    const customers = service.app.get(CustomerStore);
    await eventually('the new admin to be folded', async () => (await customers.get(customer))?.profile?.admins.includes('admin-2'));
    await fullPass();
    expect(reminders(customerHook)).toHaveLength(1);
    expect(reminders(resellerHook)).toHaveLength(1);
    // And the pass that found nothing to send moved the customer on to its next reminder again.
    expect((await customers.dueIndex!.due(day(33).getTime())).find((e) => e.id === customer)).toEqual({ id: customer, dueAt: day(33).getTime() });
  });

  it('reminds both sides 7 days before, once', async () => {
    await expectReminderAt(33, 7);
  });

  it('reminds both sides 1 day before, once, and then no more', async () => {
    await expectReminderAt(39, 1);
    clock.set(day(41));
    await fullPass();
    expect(reminders(customerHook).map((w) => w.json.data.daysBefore)).toEqual([30, 7, 1]);
    expect(reminders(resellerHook).map((w) => w.json.data.daysBefore)).toEqual([30, 7, 1]);
    expect(probe.events('NotificationFailed')).toHaveLength(0);
  });
});

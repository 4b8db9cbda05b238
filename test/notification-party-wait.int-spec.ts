import 'reflect-metadata';
import { CloudEvent, MessageType, validateData } from '@mp/contracts';
import { ManualClock } from '@mp/domain';
import { DeliveryLog } from '../apps/notification-service/src/delivery/delivery-log';
import { DeliveryWorker } from '../apps/notification-service/src/delivery/delivery-worker';
import { eventually } from './support/eventually';
import { isolateTestRun } from './support/isolation';
import { consumed, customerData, establishedData, outcomesOf, partnerData, requestedData, startNotificationService, webhookIdOf } from './support/notification-fixtures';
import { ScriptedWebhookReceiver } from './support/scripted-webhook-receiver';
import { RunningService } from './support/service-harness';
import { TopicProbe } from './support/topic-probe';

// Isolation first: the service reads its Kafka namespace, Redis prefix and settings when it is created.
const world = isolateTestRun('notification-party-wait');
process.env.WEBHOOK_BACKOFF_MS = '50';
delete process.env.NOTIFICATION_PARTY_WAIT_HOURS;

const HOUR_MS = 3_600_000;

/**
 * DESIGN §7: no notification is skipped. One whose party is not known yet (its registration not
 * folded yet: a backlog, a replay, a new consumer group) waits for it and goes out when it
 * arrives; only after NOTIFICATION_PARTY_WAIT_HOURS (24 by default) does it end as
 * NotificationFailed PARTY_UNKNOWN.
 */
describe('notification-service: notifications whose party is not registered yet (real Kafka, Redis and HTTP; a manual clock)', () => {
  const clock = new ManualClock(new Date('2026-03-01T09:00:00.000Z'));
  const receiver = new ScriptedWebhookReceiver();
  const probe = new TopicProbe();
  let service: RunningService;

  const publish = (type: MessageType, data: unknown) => probe.publish(type, data);
  const hookOf = (party: string, id: string) => receiver.url(`/${party}/${id}`);

  /** Every webhook notification the tests expect, with the party it goes to. */
  const expected: Array<{ notificationId: string; party: string; partyId: string }> = [];
  const deliveredCalls = (notificationId: string) => receiver.callsOf(notificationId).filter((c) => c.status === 204);

  beforeAll(async () => {
    await receiver.start();
    await probe.start();
    service = await startNotificationService(clock);
  });

  afterAll(async () => {
    await service?.close();
    await probe.stop();
    await receiver.stop();
    await world.cleanup();
  });

  it('delivers a notification whose party registers only after the event, once the registration arrives', async () => {
    // Customers not registered yet hear of new requests; resellers not registered yet hear of approvals.
    const lateCustomers = Array.from({ length: 10 }, () => world.id('cust-late'));
    const lateResellers = Array.from({ length: 10 }, () => world.id('res-late'));
    const knownCustomer = world.id('cust');
    await publish('CustomerRegistered', customerData(knownCustomer, { webhookUrl: hookOf('customers', knownCustomer) }));
    await consumed(service);

    const events: CloudEvent[] = [];
    for (const customerId of lateCustomers) {
      const requested = await publish('RelationshipRequested', requestedData(customerId, world.id('res'), world.id('req')));
      events.push(requested);
      expected.push({ notificationId: webhookIdOf(requested, 'customer', customerId), party: 'customer', partyId: customerId });
    }
    for (const resellerId of lateResellers) {
      const established = await publish('RelationshipEstablished', establishedData(knownCustomer, resellerId, world.id('req')));
      events.push(established);
      expected.push({ notificationId: webhookIdOf(established, 'customer', knownCustomer), party: 'customer', partyId: knownCustomer });
      expected.push({ notificationId: webhookIdOf(established, 'reseller', resellerId), party: 'reseller', partyId: resellerId });
    }
    // Every event handled (offsets committed) while its party was still unknown.
    await consumed(service);
    const late = expected.filter((n) => n.partyId !== knownCustomer);
    expect(late.flatMap((n) => receiver.callsOf(n.notificationId))).toEqual([]);

    for (const customerId of lateCustomers) await publish('CustomerRegistered', customerData(customerId, { webhookUrl: hookOf('customers', customerId) }));
    for (const resellerId of lateResellers) await publish('PartnerRegistered', partnerData(resellerId, { webhookUrl: hookOf('resellers', resellerId) }));

    const missing = () => expected.filter((n) => deliveredCalls(n.notificationId).length === 0);
    await eventually('every notification, late parties included', () => missing().length === 0, 30_000).catch((error) => {
      throw new Error(`${(error as Error).message}: ${missing().length} of ${expected.length} never delivered`);
    });
    for (const { notificationId, party, partyId } of expected) {
      const [call, ...more] = receiver.callsOf(notificationId);
      expect(more).toHaveLength(0);
      expect(call.path).toBe(`/${party === 'customer' ? 'customers' : 'resellers'}/${partyId}`);
    }
    for (const event of events) {
      await probe.waitFor(`the outcomes of ${event.type} ${event.id}`, () => outcomesOf(probe, 'NotificationDelivered', event).length >= (event.type === 'RelationshipRequested' ? 1 : 2));
      expect(outcomesOf(probe, 'NotificationFailed', event)).toHaveLength(0);
    }
  });

  it('a new consumer group starting behind a backlog, on an empty Redis, delivers its backlog once, and what was delivered before at most once again', async () => {
    await service.close();
    // While no instance runs: events, then the registrations of their parties.
    const backlog: Array<{ notificationId: string; partyId: string }> = [];
    const customers = Array.from({ length: 5 }, () => world.id('cust-backlog'));
    const resellers = Array.from({ length: 5 }, () => world.id('res-backlog'));
    for (const [i, customerId] of customers.entries()) {
      const requested = await publish('RelationshipRequested', requestedData(customerId, resellers[i], world.id('req')));
      const established = await publish('RelationshipEstablished', establishedData(customerId, resellers[i], world.id('req')));
      backlog.push({ notificationId: webhookIdOf(requested, 'customer', customerId), partyId: customerId });
      backlog.push({ notificationId: webhookIdOf(established, 'customer', customerId), partyId: customerId });
      backlog.push({ notificationId: webhookIdOf(established, 'reseller', resellers[i]), partyId: resellers[i] });
    }
    for (const customerId of customers) await publish('CustomerRegistered', customerData(customerId, { webhookUrl: hookOf('customers', customerId) }));
    for (const resellerId of resellers) await publish('PartnerRegistered', partnerData(resellerId, { webhookUrl: hookOf('resellers', resellerId) }));

    // A new group reads every topic from the beginning, in whatever order the topics come, into an empty Redis.
    service = await startNotificationService(clock, { KAFKA_GROUP_ID: 'notification-new-group', REDIS_KEY_PREFIX: `${world.keyPrefix}new-group:` });
    const missing = () => backlog.filter((n) => deliveredCalls(n.notificationId).length === 0);
    await eventually('every notification of the backlog', () => missing().length === 0, 30_000).catch((error) => {
      throw new Error(`${(error as Error).message}: ${missing().length} of ${backlog.length} never delivered`);
    });
    await consumed(service);
    for (const { notificationId } of backlog) expect(receiver.callsOf(notificationId)).toHaveLength(1);
    // What the first group delivered is in the outcome events, which the new one reads before it replays the events
    // it notifies of; at least once to the receiver, under the same webhook-id, is the guarantee: never more than once again.
    const sentAgain = expected.filter((n) => receiver.callsOf(n.notificationId).length > 1);
    console.log(`new consumer group on an empty Redis: ${backlog.length - missing().length} of ${backlog.length} backlog notifications delivered; ${sentAgain.length} of ${expected.length} earlier ones sent again`);
    for (const { notificationId } of expected) expect(receiver.callsOf(notificationId).length).toBeLessThanOrEqual(2);
  });

  it(`ends as NotificationFailed PARTY_UNKNOWN after NOTIFICATION_PARTY_WAIT_HOURS (24 by default), and a late registration then sends nothing`, async () => {
    const customer = world.id('cust');
    const neverRegistered = world.id('res-never');
    await publish('CustomerRegistered', customerData(customer, { webhookUrl: hookOf('customers', customer) }));
    await consumed(service);
    const plannedAt = clock.now().getTime();
    const established = await publish('RelationshipEstablished', establishedData(customer, neverRegistered, world.id('req')));
    await probe.waitFor('the customer told of the approval', () => outcomesOf(probe, 'NotificationDelivered', established, customer)[0]);

    // A minute before the end of the wait: still waiting, nothing settled.
    const notificationId = webhookIdOf(established, 'reseller', neverRegistered);
    clock.set(new Date(plannedAt + 24 * HOUR_MS - 60_000));
    await service.app.get(DeliveryWorker).drain();
    expect(await service.app.get(DeliveryLog).read(customer, [notificationId])).toEqual(new Map());

    clock.set(new Date(plannedAt + 24 * HOUR_MS + 60_000));
    const failed = await probe.waitFor('NotificationFailed PARTY_UNKNOWN', () => outcomesOf(probe, 'NotificationFailed', established, neverRegistered)[0], 30_000);
    expect(validateData('NotificationFailed', failed.data).ok).toBe(true);
    expect(failed.data).toMatchObject({
      notificationId,
      eventId: established.id,
      eventType: 'RelationshipEstablished',
      customerId: customer,
      recipient: { party: 'reseller', partyId: neverRegistered },
      channel: 'webhook',
      attempts: 0,
      reason: 'PARTY_UNKNOWN',
      failedAt: new Date(plannedAt + 24 * HOUR_MS + 60_000).toISOString(),
    });
    expect(failed.data.target).toBeUndefined();

    // Too late: the failure is final, the late registration sends nothing.
    await publish('PartnerRegistered', partnerData(neverRegistered, { webhookUrl: hookOf('resellers', neverRegistered) }));
    await consumed(service);
    const barrier = await publish('RelationshipRequested', requestedData(customer, world.id('res'), world.id('req')));
    await probe.waitFor('a later notification to the same customer', () => outcomesOf(probe, 'NotificationDelivered', barrier, customer)[0]);
    expect(receiver.callsOf(notificationId)).toHaveLength(0);
    expect(outcomesOf(probe, 'NotificationFailed', established)).toHaveLength(1);
    expect(outcomesOf(probe, 'NotificationDelivered', established, neverRegistered)).toHaveLength(0);
  });
});

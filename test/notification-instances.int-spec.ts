import 'reflect-metadata';
import { CloudEvent, MessageType } from '@mp/contracts';
import { eventually } from './support/eventually';
import { isolateTestRun } from './support/isolation';
import { consumed, customerData, establishedData, outcomesOf, partnerData, requestedData, startNotificationService, webhookIdOf } from './support/notification-fixtures';
import { ScriptedWebhookReceiver } from './support/scripted-webhook-receiver';
import { RunningService } from './support/service-harness';
import { TopicProbe } from './support/topic-probe';

// Isolation first: the services read their Kafka namespace, Redis prefix and webhook settings when they are created.
const world = isolateTestRun('notification-instances');
process.env.WEBHOOK_BACKOFF_MS = '50';

/**
 * DESIGN §7: two instances of the service split the partitions and share one delivery queue;
 * each notification is claimed by one worker at a time, so every one goes out once.
 */
describe('notification-service: two instances (real Kafka, Redis and HTTP)', () => {
  const receiver = new ScriptedWebhookReceiver();
  const probe = new TopicProbe();
  const instances: RunningService[] = [];

  const customers = Array.from({ length: 12 }, () => world.id('cust'));
  const resellers = Array.from({ length: 4 }, () => world.id('res'));
  const publish = (type: MessageType, data: unknown) => probe.publish(type, data);

  beforeAll(async () => {
    await receiver.start();
    await probe.start();
    instances.push(await startNotificationService(), await startNotificationService());
    for (const resellerId of resellers) await publish('PartnerRegistered', partnerData(resellerId, { webhookUrl: receiver.url(`/resellers/${resellerId}`) }));
    for (const customerId of customers) await publish('CustomerRegistered', customerData(customerId, { webhookUrl: receiver.url(`/customers/${customerId}`) }));
    await Promise.all(instances.map((instance) => consumed(instance)));
  });

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.close()));
    await probe.stop();
    await receiver.stop();
    await world.cleanup();
  });

  it('delivers every notification once, retries included, whichever instance takes it', async () => {
    // Some receivers fail their first calls: their retries come due again in the shared queue.
    for (const customerId of customers.slice(0, 4)) receiver.failFirst(`/customers/${customerId}`, 2);

    const expected: Array<{ event: CloudEvent; party: string; partyId: string }> = [];
    for (const [i, customerId] of customers.entries()) {
      const resellerId = resellers[i % resellers.length];
      const requested = await publish('RelationshipRequested', requestedData(customerId, resellerId, world.id('req')));
      const established = await publish('RelationshipEstablished', establishedData(customerId, resellerId, world.id('req')));
      expected.push({ event: requested, party: 'customer', partyId: customerId });
      expected.push({ event: established, party: 'customer', partyId: customerId }, { event: established, party: 'reseller', partyId: resellerId });
    }

    const delivered = (n: (typeof expected)[number]) => receiver.callsOf(webhookIdOf(n.event, n.party, n.partyId)).filter((c) => c.status === 204);
    await eventually('every notification delivered', () => expected.every((n) => delivered(n).length > 0));
    await probe.waitFor('an outcome for every notification', () => expected.every((n) => outcomesOf(probe, 'NotificationDelivered', n.event, n.partyId).length > 0));
    await Promise.all(instances.map((instance) => consumed(instance)));

    for (const n of expected) {
      expect(delivered(n)).toHaveLength(1);
      const outcomes = outcomesOf(probe, 'NotificationDelivered', n.event, n.partyId);
      expect(new Set(outcomes.map((o) => o.id)).size).toBe(1);
    }
    const retried = expected.filter((n) => receiver.callsOf(webhookIdOf(n.event, n.party, n.partyId)).length > 1);
    expect(retried.length).toBeGreaterThan(0);
    for (const n of retried) {
      const calls = receiver.callsOf(webhookIdOf(n.event, n.party, n.partyId));
      expect(calls.map((c) => c.status)).toEqual([...calls.slice(0, -1).map(() => 500), 204]);
      expect(outcomesOf(probe, 'NotificationDelivered', n.event, n.partyId)[0].data.attempts).toBe(calls.length);
    }
    expect(probe.events('NotificationFailed')).toHaveLength(0);
  });
});

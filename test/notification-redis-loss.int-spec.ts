import 'reflect-metadata';
import { MessageType } from '@mp/contracts';
import { DeliveryQueue } from '../apps/notification-service/src/delivery/delivery-queue';
import { eventually } from './support/eventually';
import { isolateTestRun } from './support/isolation';
import { consumed, customerData, establishedData, outcomesOf, partnerData, requestedData, startNotificationService, webhookIdOf } from './support/notification-fixtures';
import { ScriptedWebhookReceiver } from './support/scripted-webhook-receiver';
import { RunningService } from './support/service-harness';
import { TopicProbe } from './support/topic-probe';

// Isolation first: the service reads its Kafka namespace, Redis prefix and settings when it is created.
const world = isolateTestRun('notification-redis-loss');
process.env.WEBHOOK_BACKOFF_MS = '50';

/**
 * DESIGN §7: Redis can be wiped. The notification-service rebuilds what it had from the topics:
 * its parties and customers from the reference data and the events, and its delivery log from
 * its own outcome events, before it replays the events it notifies of. So what was delivered is
 * not sent again, and what was still waiting is not lost.
 */
describe('notification-service: its Redis keys deleted while it runs (real Kafka, Redis and HTTP)', () => {
  const receiver = new ScriptedWebhookReceiver();
  const probe = new TopicProbe();
  let service: RunningService;

  const publish = (type: MessageType, data: unknown) => probe.publish(type, data);
  const customer = world.id('cust');
  const reseller = world.id('res');
  const lateReseller = world.id('res-late');
  const hookOf = (party: string, id: string) => receiver.url(`/${party}/${id}`);

  beforeAll(async () => {
    await receiver.start();
    await probe.start();
    service = await startNotificationService();
  });

  afterAll(async () => {
    await service?.close();
    await probe.stop();
    await receiver.stop();
    await world.cleanup();
  });

  it('sends nothing again that was delivered, and still delivers what was waiting for its party', async () => {
    await publish('PartnerRegistered', partnerData(reseller, { webhookUrl: hookOf('resellers', reseller) }));
    await publish('CustomerRegistered', customerData(customer, { webhookUrl: hookOf('customers', customer) }));
    await consumed(service);
    const requested = await publish('RelationshipRequested', requestedData(customer, reseller, world.id('req')));
    const established = await publish('RelationshipEstablished', establishedData(customer, reseller, world.id('req')));
    // On the same customer, so the same partition, after the two above: its reseller is not registered yet.
    const waiting = await publish('RelationshipEstablished', establishedData(customer, lateReseller, world.id('req')));
    const delivered = [
      webhookIdOf(requested, 'customer', customer),
      webhookIdOf(established, 'customer', customer),
      webhookIdOf(established, 'reseller', reseller),
      webhookIdOf(waiting, 'customer', customer),
    ];
    await eventually('the first notifications delivered', () => delivered.every((id) => receiver.callsOf(id).length === 1));
    await probe.waitFor('their outcomes', () => [requested, established, waiting].every((e) => outcomesOf(probe, 'NotificationDelivered', e).length >= (e === requested ? 1 : e === waiting ? 1 : 2)));
    const waitingId = webhookIdOf(waiting, 'reseller', lateReseller);
    const queue = service.app.get(DeliveryQueue);
    expect((await queue.read({ customerId: customer, notificationId: waitingId })).item).toBeDefined();

    await world.deleteKeys();

    // The waiting notification is filed again once the events are replayed (they come last, after what they depend on);
    // the two before it on the same partition were replayed before it.
    await eventually('the events replayed after the loss', async () => (await queue.read({ customerId: customer, notificationId: waitingId })).item, 30_000);
    await publish('PartnerRegistered', partnerData(lateReseller, { webhookUrl: hookOf('resellers', lateReseller) }));
    await eventually('the waiting notification delivered', () => receiver.callsOf(waitingId).length > 0);
    await consumed(service);

    expect(receiver.callsOf(waitingId)).toHaveLength(1);
    const sentAgain = delivered.filter((id) => receiver.callsOf(id).length > 1);
    console.log(`after the Redis keys were deleted: ${sentAgain.length} of ${delivered.length} delivered notifications sent again`);
    expect(sentAgain).toEqual([]);
  });
});

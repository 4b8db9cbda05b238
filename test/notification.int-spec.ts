import 'reflect-metadata';
import { CloudEvent, MessageType, Topics, validateData } from '@mp/contracts';
import { deriveId } from '@mp/messaging';
import { REDIS } from '@mp/redis';
import { CustomerStore, PartnerStore } from '@mp/state';
import type { Redis } from 'ioredis';
import { DeliveryLog, PUBLISHED } from '../apps/notification-service/src/delivery/delivery-log';
import { eventually } from './support/eventually';
import { isolateTestRun } from './support/isolation';
import { declinedData, establishedData, requestedData, startNotificationService, webhookIdOf } from './support/notification-fixtures';
import { ScriptedCall, ScriptedWebhookReceiver, signedWith } from './support/scripted-webhook-receiver';
import { RunningService } from './support/service-harness';
import { TopicProbe } from './support/topic-probe';

jest.setTimeout(120_000);

// Isolation first: the service reads its Kafka namespace, Redis prefix and webhook settings when it is created.
const world = isolateTestRun('notification');
process.env.WEBHOOK_BACKOFF_MS = '50';

const signedWithTheSecret = (call: ScriptedCall) => signedWith(process.env.WEBHOOK_SECRET!, call);

describe('notification-service (real Kafka, Redis and HTTP)', () => {
  const receiver = new ScriptedWebhookReceiver();
  const probe = new TopicProbe();
  let service: RunningService;

  const customer = world.id('cust');
  const retryCustomer = world.id('cust-retry');
  const downCustomer = world.id('cust-down');
  const reseller = world.id('res');
  const otherReseller = world.id('res');
  const silentReseller = world.id('res-nohook');

  const outcomes = (type: 'NotificationDelivered' | 'NotificationFailed', event: CloudEvent) =>
    probe.events(type, (e) => (e.data as { eventId: string }).eventId === event.id);
  const outcomeFor = (type: 'NotificationDelivered' | 'NotificationFailed', event: CloudEvent, partyId: string) =>
    probe.waitForEvent(type, (e) => (e.data as { eventId: string; recipient: { partyId: string } }).eventId === event.id && (e.data as { recipient: { partyId: string } }).recipient.partyId === partyId);
  const publish = (type: MessageType, data: unknown) => probe.publish(type, data);

  beforeAll(async () => {
    await receiver.start();
    await probe.start();
    service = await startNotificationService();

    receiver.failFirst(`/customers/${retryCustomer}`, 2);
    receiver.failFirst(`/customers/${downCustomer}`, Number.MAX_SAFE_INTEGER);
    for (const partnerId of [reseller, otherReseller]) {
      await publish('PartnerRegistered', {
        partnerId,
        name: `Reseller ${partnerId}`,
        kind: 'direct-reseller',
        specializations: ['Azure'],
        countries: ['FR'],
        webhookUrl: receiver.url(`/resellers/${partnerId}`),
      });
    }
    await publish('PartnerRegistered', { partnerId: silentReseller, name: 'No webhook', kind: 'direct-reseller', specializations: [], countries: ['FR'], email: 'ops@nohook.test' });
    for (const customerId of [customer, retryCustomer, downCustomer]) {
      await publish('CustomerRegistered', { customerId, name: `Customer ${customerId}`, country: 'FR', admins: ['admin-1'], webhookUrl: receiver.url(`/customers/${customerId}`) });
    }
    // Reference data and lifecycle events travel on different topics: wait until the addresses are folded.
    const customers = service.app.get(CustomerStore);
    const partners = service.app.get(PartnerStore);
    await eventually('the reference data to be folded', async () => {
      const known = await Promise.all([customer, retryCustomer, downCustomer].map((id) => customers.get(id)));
      const partnersKnown = await partners.getMany([reseller, otherReseller, silentReseller]);
      return known.every((c) => c?.profile?.webhookUrl) && [...partnersKnown.values()].filter((p) => p.profile).length === 3;
    });
  });

  afterAll(async () => {
    await service?.close();
    await probe.stop();
    await receiver.stop();
    await world.cleanup();
  });

  it('tells the customer of a new request with a signed CloudEvent webhook, and reports the delivery', async () => {
    const requested = await publish('RelationshipRequested', requestedData(customer, reseller, world.id('req')));
    const delivered = await outcomeFor('NotificationDelivered', requested, customer);

    const notificationId = webhookIdOf(requested, 'customer', customer);
    const [call, ...more] = receiver.calls((r) => r.headers['webhook-id'] === notificationId);
    expect(more).toHaveLength(0);
    expect(call.path).toBe(`/customers/${customer}`);
    expect(call.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(call.headers['webhook-timestamp']).toMatch(/^\d{10}$/);
    expect(signedWithTheSecret(call)).toBe(true);
    expect(signedWithTheSecret({ ...call, body: call.body.replace('"pending"', '"approved"') })).toBe(false);
    expect(JSON.parse(call.body)).toEqual(JSON.parse(JSON.stringify(requested)));
    // The reseller made the request: it is not told of it.
    expect(receiver.calls((r) => JSON.parse(r.body).id === requested.id)).toHaveLength(1);

    expect(validateData('NotificationDelivered', delivered.data).ok).toBe(true);
    expect(delivered.data).toEqual({
      notificationId,
      eventId: requested.id,
      eventType: 'RelationshipRequested',
      customerId: customer,
      recipient: { party: 'customer', partyId: customer },
      channel: 'webhook',
      target: receiver.url(`/customers/${customer}`),
      attempts: 1,
      deliveredAt: expect.any(String),
      statusCode: 204,
    });
    expect(delivered).toMatchObject({
      id: deriveId(`${notificationId}/NotificationDelivered`),
      source: 'notification-service',
      subject: customer,
      causationid: requested.id,
      correlationid: requested.id,
    });
    expect(probe.seen.find((s) => s.envelope?.id === delivered.id)?.key).toBe(customer);
  });

  it('tells the reseller and the customer of an approval, and of a decline', async () => {
    const requestId = world.id('req');
    const established = await publish('RelationshipEstablished', establishedData(customer, reseller, requestId));
    const declined = await publish('RequestDeclined', declinedData(customer, otherReseller, world.id('req')));

    const toReseller = await outcomeFor('NotificationDelivered', established, reseller);
    const toOtherReseller = await outcomeFor('NotificationDelivered', declined, otherReseller);
    await outcomeFor('NotificationDelivered', established, customer);
    await outcomeFor('NotificationDelivered', declined, customer);

    expect(toReseller.data).toMatchObject({ recipient: { party: 'reseller', partyId: reseller }, eventType: 'RelationshipEstablished', target: receiver.url(`/resellers/${reseller}`), attempts: 1 });
    expect(toOtherReseller.data).toMatchObject({ recipient: { party: 'reseller', partyId: otherReseller }, eventType: 'RequestDeclined', target: receiver.url(`/resellers/${otherReseller}`), attempts: 1 });

    const [approval] = receiver.calls((r) => r.headers['webhook-id'] === webhookIdOf(established, 'reseller', reseller));
    expect(approval.path).toBe(`/resellers/${reseller}`);
    expect(JSON.parse(approval.body)).toMatchObject({ id: established.id, type: 'RelationshipEstablished', data: { relationship: { status: 'active', services: ['Azure'] } } });
    expect(signedWithTheSecret(approval)).toBe(true);

    const [decline] = receiver.calls((r) => r.headers['webhook-id'] === webhookIdOf(declined, 'reseller', otherReseller));
    expect(decline.path).toBe(`/resellers/${otherReseller}`);
    expect(JSON.parse(decline.body)).toMatchObject({ id: declined.id, type: 'RequestDeclined', data: { reason: 'We already have an Azure partner.' } });
    expect(signedWithTheSecret(decline)).toBe(true);
    // The reseller that was not declined hears nothing of it.
    expect(receiver.calls((r) => r.path === `/resellers/${reseller}` && JSON.parse(r.body).id === declined.id)).toHaveLength(0);
  });

  it('retries a failing receiver with the same webhook id until it answers, and delivers once', async () => {
    const requested = await publish('RelationshipRequested', requestedData(retryCustomer, reseller, world.id('req')));
    const delivered = await outcomeFor('NotificationDelivered', requested, retryCustomer);

    expect(delivered.data).toMatchObject({ attempts: 3, statusCode: 204, recipient: { party: 'customer', partyId: retryCustomer } });
    const notificationId = webhookIdOf(requested, 'customer', retryCustomer);
    const calls = receiver.calls((r) => r.path === `/customers/${retryCustomer}`);
    expect(calls.map((c) => [c.headers['webhook-id'], c.status])).toEqual([
      [notificationId, 500],
      [notificationId, 500],
      [notificationId, 204],
    ]);
    expect(calls.every(signedWithTheSecret)).toBe(true);
    expect(outcomes('NotificationFailed', requested)).toHaveLength(0);

    expect(delivered.data).toMatchObject({ target: receiver.url(`/customers/${retryCustomer}`) });

    // The delivery log: the record written before the outcome is published, then only that it is out (the record is in the event).
    const redis = service.app.get<Redis>(REDIS);
    await eventually('the delivery log to mark the outcome published', async () => (await service.app.get(DeliveryLog).read(retryCustomer, [notificationId])).get(notificationId) === PUBLISHED);
    expect(await redis.hget(`notification:deliveries:{${retryCustomer}}`, notificationId)).toBe('1');
  });

  it('reports NotificationFailed when the receiver never answers 2xx', async () => {
    const requested = await publish('RelationshipRequested', requestedData(downCustomer, reseller, world.id('req')));
    const failed = await outcomeFor('NotificationFailed', requested, downCustomer);

    expect(validateData('NotificationFailed', failed.data).ok).toBe(true);
    expect(failed.data).toEqual({
      notificationId: webhookIdOf(requested, 'customer', downCustomer),
      eventId: requested.id,
      eventType: 'RelationshipRequested',
      customerId: downCustomer,
      recipient: { party: 'customer', partyId: downCustomer },
      channel: 'webhook',
      target: receiver.url(`/customers/${downCustomer}`),
      attempts: 4,
      failedAt: expect.any(String),
      reason: 'ATTEMPTS_EXHAUSTED',
      error: 'HTTP 500',
    });
    expect(receiver.calls((r) => r.path === `/customers/${downCustomer}`).map((c) => c.status)).toEqual([500, 500, 500, 500]);
    expect(outcomes('NotificationDelivered', requested)).toHaveLength(0);
  });

  it('sends nothing to a recipient without a webhook URL', async () => {
    const established = await publish('RelationshipEstablished', establishedData(customer, silentReseller, world.id('req')));
    await outcomeFor('NotificationDelivered', established, customer);
    // Same customer, so same partition: once this one is told, anything the first could have caused is on the topic.
    const barrier = await publish('RelationshipRequested', requestedData(customer, reseller, world.id('req')));
    await outcomeFor('NotificationDelivered', barrier, customer);

    expect([...outcomes('NotificationDelivered', established), ...outcomes('NotificationFailed', established)].map((e) => (e.data as { recipient: unknown }).recipient)).toEqual([
      { party: 'customer', partyId: customer },
    ]);
    expect(receiver.calls((r) => JSON.parse(r.body).id === established.id).map((r) => r.path)).toEqual([`/customers/${customer}`]);
  });

  it('sends nothing twice when the same event is delivered again', async () => {
    const requested = await publish('RelationshipRequested', requestedData(customer, otherReseller, world.id('req')));
    const first = await outcomeFor('NotificationDelivered', requested, customer);

    await probe.sendEnvelope(requested);
    // Same customer, so same partition: once this one is told, the redelivered one has been handled.
    const barrier = await publish('RelationshipRequested', requestedData(customer, reseller, world.id('req')));
    await outcomeFor('NotificationDelivered', barrier, customer);

    const notificationId = webhookIdOf(requested, 'customer', customer);
    expect(receiver.calls((r) => r.headers['webhook-id'] === notificationId)).toHaveLength(1);
    expect(outcomes('NotificationDelivered', requested).map((e) => e.id)).toEqual([first.id]);
    expect(probe.seen.filter((s) => s.topic === Topics.deadLetters)).toHaveLength(0);
  });
});

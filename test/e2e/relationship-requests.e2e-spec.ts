import { CloudEvent } from '@mp/contracts';
import { endToEnd } from '../support/end-to-end';
import { signatureIsValid } from '../support/webhook-receiver';

/** A request's life across the four services, over the real Kafka and Redis. */
describe('relationship requests, end to end', () => {
  const e2e = endToEnd('requests');
  const { world, probe, receiver } = e2e;

  const customerId = world.id('cust');
  const resellerId = world.id('reseller');
  const admin = { userId: world.id('admin') };
  const agent = { userId: world.id('agent') };
  const forRequest = (requestId: string) => (e: CloudEvent) => (e.data as { requestId?: string }).requestId === requestId;

  beforeAll(async () => {
    await probe.publish('PartnerRegistered', {
      partnerId: resellerId,
      name: 'Fabrikam Cloud',
      kind: 'direct-reseller',
      specializations: ['Azure'],
      countries: ['DE'],
      webhookUrl: receiver.url(`/reseller/${resellerId}`),
    });
    await probe.publish('CustomerRegistered', { customerId, name: 'Contoso', country: 'DE', admins: [admin.userId], webhookUrl: receiver.url(`/customer/${customerId}`) });
    await e2e.system.settled();
  });

  const request = (requestId: string, overrides: Record<string, unknown> = {}) =>
    probe.publish('RequestRelationship', { requestId, customerId, resellerId, services: ['Azure'], requestedBy: agent, ...overrides });

  it('rejects a request for an unknown customer or reseller, with the reason', async () => {
    await probe.publish('RequestRelationship', { requestId: 'r-unknown-cust', customerId: 'nobody', resellerId, services: ['Azure'], requestedBy: agent });
    await probe.publish('RequestRelationship', { requestId: 'r-unknown-reseller', customerId, resellerId: 'nobody', services: ['Azure'], requestedBy: agent });
    // Both wait for a registration that might still be on its way (DESIGN §7), then are refused.
    await e2e.system.settled();
    const { clock } = e2e.system;
    clock.set(new Date(clock.now().getTime() + Number(process.env.COMMAND_WAIT_SECONDS) * 1000));
    const unknownCustomer = await probe.waitForEvent('RequestRejected', forRequest('r-unknown-cust'));
    const unknownReseller = await probe.waitForEvent('RequestRejected', forRequest('r-unknown-reseller'));
    expect(unknownCustomer.data).toMatchObject({ reason: 'CUSTOMER_UNKNOWN', message: expect.stringContaining('nobody') });
    expect(unknownReseller.data).toMatchObject({ reason: 'RESELLER_UNKNOWN' });
    expect(unknownCustomer).toMatchObject({ source: 'request-service', causationid: expect.any(String), correlationid: expect.any(String) });
  });

  it('takes a request, refuses a second pending one, ignores the same requestId, and the admin approves with privileges', async () => {
    const command = await request('r-1', { delegatedAdmin: { roles: ['HelpdeskAgent'], durationDays: 60, autoExtend: false }, message: 'We run your Azure estate' });
    const requested = await probe.waitForEvent('RelationshipRequested', forRequest('r-1'));
    expect(requested).toMatchObject({ subject: customerId, causationid: command.id, correlationid: command.id });
    expect(requested.data).toMatchObject({ status: 'pending', channel: 'direct', services: ['Azure'] });

    await request('r-1'); // the same requestId again: idempotent
    await request('r-2'); // another request while r-1 is pending
    const duplicate = await probe.waitForEvent('RequestRejected', forRequest('r-2'));
    expect(duplicate.data).toMatchObject({ reason: 'DUPLICATE_PENDING' });
    await e2e.system.settled();
    expect(probe.events(undefined, forRequest('r-1')).filter((e) => e.type === 'RelationshipRequested' || e.type === 'RequestRejected')).toHaveLength(1);

    // The customer hears of the request, signed.
    const heard = await probe.waitFor('request webhook', () => receiver.at(`/customer/${customerId}`, 'RelationshipRequested')[0]);
    expect(heard.json.data).toMatchObject({ requestId: 'r-1', message: 'We run your Azure estate' });
    expect(signatureIsValid(heard, process.env.WEBHOOK_SECRET!)).toBe(true);

    // Someone who is not an admin cannot consent.
    await probe.publish('ApproveRequest', { requestId: 'r-1', customerId, approvedBy: { userId: 'stranger' } });
    const refused = await e2e.afterTheWait(probe.waitForEvent('ConsentRejected', forRequest('r-1')));
    expect(refused.data).toMatchObject({ reason: 'NOT_CUSTOMER_ADMIN', actor: { userId: 'stranger' } });

    await probe.publish('ApproveRequest', { requestId: 'r-1', customerId, approvedBy: admin });
    const established = await probe.waitForEvent('RelationshipEstablished', forRequest('r-1'));
    expect(established.data).toMatchObject({ approvedBy: admin, relationship: { status: 'active', services: ['Azure'], delegatedAdmin: { status: 'active', roles: ['HelpdeskAgent'] } } });
    const granted = await probe.waitForEvent('DelegatedAdminGranted', forRequest('r-1'));
    expect(granted.data).toMatchObject({ delegatedAdmin: { status: 'active', services: ['Azure'] } });

    // The reseller hears of the approval; the directory answers.
    await probe.waitFor('established webhook', () => receiver.at(`/reseller/${resellerId}`, 'RelationshipEstablished')[0]);
    await e2e.system.settled();
    const { status, body } = await e2e.system.directory$(`/v1/customers/${customerId}/resellers`);
    expect(status).toBe(200);
    expect(body.resellers).toEqual([
      expect.objectContaining({ resellerId, name: 'Fabrikam Cloud', channel: 'direct', services: ['Azure'], delegatedAdmin: expect.objectContaining({ status: 'active', roles: ['HelpdeskAgent'] }) }),
    ]);
    const history = await e2e.system.directory$(`/v1/requests/r-1`);
    expect(history.body).toMatchObject({ requestId: 'r-1', status: 'approved' });
    expect(history.body.history.map((h: { status: string }) => h.status)).toEqual(['pending', 'approved']);
    const delivered = await probe.waitFor('deliveries of the approval', () => {
      const found = probe.events('NotificationDelivered', (e) => (e.data as { eventId: string }).eventId === established.id);
      return found.length === 2 && found;
    });
    expect(delivered.map((e) => e.data)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ channel: 'webhook', recipient: { party: 'reseller', partyId: resellerId }, attempts: 1 }),
        expect.objectContaining({ channel: 'webhook', recipient: { party: 'customer', partyId: customerId }, attempts: 1 }),
      ]),
    );
  });

  it('the admin declines a request, and the reseller hears of it', async () => {
    const other = world.id('reseller');
    await probe.publish('PartnerRegistered', { partnerId: other, name: 'Northwind', kind: 'direct-reseller', specializations: [], countries: ['DE'], webhookUrl: receiver.url(`/reseller/${other}`) });
    await e2e.system.settled();
    await probe.publish('RequestRelationship', { requestId: 'r-3', customerId, resellerId: other, services: ['Dynamics365'], requestedBy: agent });
    await probe.waitForEvent('RelationshipRequested', forRequest('r-3'));
    await probe.publish('DeclineRequest', { requestId: 'r-3', customerId, declinedBy: admin, reason: 'We have a Dynamics partner' });
    const declined = await probe.waitForEvent('RequestDeclined', forRequest('r-3'));
    expect(declined.data).toMatchObject({ status: 'declined', declinedBy: admin, reason: 'We have a Dynamics partner', resellerId: other });
    await probe.waitFor('decline webhook', () => receiver.at(`/reseller/${other}`, 'RequestDeclined')[0]);
    await e2e.system.settled();
    const requests = await e2e.system.directory$(`/v1/customers/${customerId}/requests?status=declined`);
    expect(requests.body.requests.map((r: { requestId: string }) => r.requestId)).toEqual(['r-3']);
    const resellers = await e2e.system.directory$(`/v1/customers/${customerId}/resellers`);
    expect(resellers.body.resellers.map((r: { resellerId: string }) => r.resellerId)).toEqual([resellerId]);
  });

  it('answers 404 for an unknown customer', async () => {
    expect((await e2e.system.directory$('/v1/customers/nobody/resellers')).status).toBe(404);
  });
});

import { CloudEvent } from '@mp/contracts';
import { endToEnd } from '../support/end-to-end';

/**
 * The point of the product: a customer already served by two resellers, each Partner of Record
 * of its own subscriptions, gets a third. Nothing of what it had changes.
 */
describe('multi-partner: a third reseller joins a customer served by two', () => {
  const e2e = endToEnd('multipartner');
  const { world, probe } = e2e;

  const customerId = world.id('cust');
  const admin = { userId: world.id('admin') };
  const resellers = {
    azure: { id: world.id('azure-partner'), service: 'Azure' },
    m365: { id: world.id('m365-partner'), service: 'Microsoft365' },
    dynamics: { id: world.id('dynamics-partner'), service: 'Dynamics365' },
  };
  const byRequest = (requestId: string) => (e: CloudEvent) => (e.data as { requestId?: string }).requestId === requestId;

  async function relationshipWith(reseller: { id: string; service: string }, requestId: string) {
    await probe.publish('RequestRelationship', {
      requestId,
      customerId,
      resellerId: reseller.id,
      services: [reseller.service],
      delegatedAdmin: { roles: ['HelpdeskAgent'], durationDays: 90, autoExtend: true },
      requestedBy: { userId: `${reseller.id}-agent` },
    });
    await probe.waitForEvent('RelationshipRequested', byRequest(requestId));
    await probe.publish('ApproveRequest', { requestId, customerId, approvedBy: admin });
    await probe.waitForEvent('RelationshipEstablished', byRequest(requestId));
  }

  beforeAll(async () => {
    for (const reseller of Object.values(resellers)) {
      await probe.publish('PartnerRegistered', { partnerId: reseller.id, name: `${reseller.service} experts`, kind: 'direct-reseller', specializations: [reseller.service], countries: ['FR'] });
    }
    await probe.publish('CustomerRegistered', { customerId, name: 'Tailspin Toys', country: 'FR', admins: [admin.userId] });
    await probe.publish('SubscriptionCreated', { subscriptionId: 'sub-azure', customerId, partnerOfRecordId: resellers.azure.id, service: 'Azure', quantity: 1 });
    await probe.publish('SubscriptionCreated', { subscriptionId: 'sub-m365', customerId, partnerOfRecordId: resellers.m365.id, service: 'Microsoft365', quantity: 250 });
    await e2e.system.settled();
    await relationshipWith(resellers.azure, 'req-azure');
    await relationshipWith(resellers.m365, 'req-m365');
    await e2e.system.settled();
  });

  it('lists all three resellers with their own services, and changes nothing else', async () => {
    const resellersBefore = await e2e.system.directory$(`/v1/customers/${customerId}/resellers`);
    const subscriptionsBefore = await e2e.system.directory$(`/v1/customers/${customerId}/subscriptions`);
    expect(resellersBefore.body.resellers).toHaveLength(2);
    expect(subscriptionsBefore.body.subscriptions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ subscriptionId: 'sub-azure', partnerOfRecordId: resellers.azure.id, quantity: 1 }),
        expect.objectContaining({ subscriptionId: 'sub-m365', partnerOfRecordId: resellers.m365.id, quantity: 250 }),
      ]),
    );

    // The third reseller asks without privileges: Azure and M365 admin rights are already held.
    await probe.publish('RequestRelationship', { requestId: 'req-dynamics', customerId, resellerId: resellers.dynamics.id, services: ['Dynamics365'], requestedBy: { userId: 'd-agent' } });
    await probe.waitForEvent('RelationshipRequested', byRequest('req-dynamics'));
    await probe.publish('ApproveRequest', { requestId: 'req-dynamics', customerId, approvedBy: admin });
    await probe.waitForEvent('RelationshipEstablished', byRequest('req-dynamics'));
    await e2e.system.settled();

    const after = await e2e.system.directory$(`/v1/customers/${customerId}/resellers`);
    const byId = new Map(after.body.resellers.map((r: { resellerId: string }) => [r.resellerId, r]));
    expect([...byId.keys()].sort()).toEqual(Object.values(resellers).map((r) => r.id).sort());
    for (const reseller of Object.values(resellers)) {
      expect(byId.get(reseller.id)).toMatchObject({ services: [reseller.service], channel: 'direct' });
    }
    // The first two relationships are exactly as they were.
    for (const before of resellersBefore.body.resellers) expect(byId.get(before.resellerId)).toEqual(before);
    // Subscriptions, their terms and their Partner of Record are untouched.
    expect((await e2e.system.directory$(`/v1/customers/${customerId}/subscriptions`)).body).toEqual(subscriptionsBefore.body);
    // And nothing in multi-partner ever spoke on the subscription topic.
    expect(probe.seen.filter((s) => s.topic === 'mp.subscription-events.v1' && s.envelope?.source !== 'test-upstream')).toEqual([]);

    // Each reseller's services answer the question this product exists for.
    const dynamicsOnly = await e2e.system.directory$(`/v1/customers/${customerId}/resellers?service=Dynamics365`);
    expect(dynamicsOnly.body.resellers.map((r: { resellerId: string }) => r.resellerId)).toEqual([resellers.dynamics.id]);
  });

  it('changes a Partner of Record only through PartnerOfRecordChanged, and the relationships stay as they were', async () => {
    const resellersBefore = (await e2e.system.directory$(`/v1/customers/${customerId}/resellers`)).body;
    await probe.publish('PartnerOfRecordChanged', { subscriptionId: 'sub-azure', customerId, partnerOfRecordId: resellers.dynamics.id, previousPartnerOfRecordId: resellers.azure.id });
    await e2e.system.settled();
    const { body } = await e2e.system.directory$(`/v1/customers/${customerId}/subscriptions`);
    expect(body.subscriptions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ subscriptionId: 'sub-azure', partnerOfRecordId: resellers.dynamics.id, quantity: 1, service: 'Azure' }),
        expect.objectContaining({ subscriptionId: 'sub-m365', partnerOfRecordId: resellers.m365.id, quantity: 250 }),
      ]),
    );
    expect((await e2e.system.directory$(`/v1/customers/${customerId}/resellers`)).body).toEqual(resellersBefore);
  });

  it('refuses privileges over a service another reseller administers, naming the holder', async () => {
    await probe.publish('RequestRelationship', {
      requestId: 'req-dynamics-azure',
      customerId,
      resellerId: resellers.dynamics.id,
      services: ['Azure'],
      delegatedAdmin: { roles: ['HelpdeskAgent'], durationDays: 30, autoExtend: false },
      requestedBy: { userId: 'd-agent' },
    });
    await probe.waitForEvent('RelationshipRequested', byRequest('req-dynamics-azure'));
    await probe.publish('ApproveRequest', { requestId: 'req-dynamics-azure', customerId, approvedBy: admin });
    const refused = await probe.waitForEvent('ConsentRejected', byRequest('req-dynamics-azure'));
    expect(refused.data).toMatchObject({ reason: 'SERVICE_ADMIN_TAKEN', holderResellerId: resellers.azure.id });
  });
});

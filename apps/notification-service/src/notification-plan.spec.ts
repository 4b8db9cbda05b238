import 'reflect-metadata';
import { CustomerEvent, CustomerState, emptyCustomerState, emptyPartnerState, PartnerState, recipientsOf } from '@mp/domain';
import { deriveId } from '@mp/messaging';
import { WebhookChannel } from './channels/webhook.channel';
import { contactOf, involvedPartnerIdsOf, notificationIdOf, partnerIdsOf, partyKeyOf, planNotifications } from './notification-plan';

const webhook = new WebhookChannel({ keys: Buffer.alloc(32), timeoutMs: 1000, allowedHosts: new Set(), maxResponseBytes: 1024 });
const email = { name: 'email' as const, targetOf: (c: { email?: string }) => c.email };

const customer: CustomerState = {
  ...emptyCustomerState('cust-1'),
  profile: { name: 'Contoso', country: 'FR', admins: ['admin-1'], webhookUrl: 'https://contoso.test/hooks', email: 'it@contoso.test' },
};

function partner(partnerId: string, contact: { webhookUrl?: string; email?: string }): PartnerState {
  return { ...emptyPartnerState(partnerId), profile: { name: partnerId, kind: 'direct-reseller', specializations: [], countries: ['FR'], ...contact } };
}

const established: CustomerEvent = {
  id: 'evt-established',
  time: '2025-01-01T00:00:00.000Z',
  type: 'RelationshipEstablished',
  data: {
    customerId: 'cust-1',
    resellerId: 'res-1',
    requestId: 'req-1',
    approvedBy: { userId: 'admin-1' },
    relationship: {
      customerId: 'cust-1',
      resellerId: 'res-1',
      status: 'active',
      channel: 'indirect',
      indirectProviderId: 'prov-1',
      services: ['Azure'],
      since: '2025-01-01T00:00:00.000Z',
      delegatedAdmin: { status: 'none', roles: [], services: [], autoExtend: false },
    },
  },
};

describe('notification plan', () => {
  const partners = new Map([
    ['res-1', partner('res-1', { webhookUrl: 'https://reseller.test/hooks' })],
    ['prov-1', partner('prov-1', { email: 'ops@provider.test' })],
  ]);
  const recipients = recipientsOf(established, customer);

  it('names the partners among the recipients, once each', () => {
    expect(partnerIdsOf([...recipients, { party: 'reseller', partyId: 'res-1' }])).toEqual(['res-1', 'prov-1']);
  });

  it('plans a notification for each recipient with a webhook address, and none for a registered one without', () => {
    const plan = planNotifications(established.id, recipients, (r) => contactOf(r, customer, partners), [webhook]);
    expect(plan.map((n) => [n.recipient.party, n.recipient.partyId, n.channel, n.awaitsParty])).toEqual([
      ['customer', 'cust-1', 'webhook', false],
      ['reseller', 'res-1', 'webhook', false],
    ]);
  });

  it('plans every channel of an unregistered customer or partner, waiting for its registration', () => {
    const unknown = emptyCustomerState('cust-1');
    const plan = planNotifications(established.id, recipients, (r) => contactOf(r, unknown, new Map()), [webhook, email]);
    expect(plan.map((n) => `${n.recipient.partyId}/${n.channel}`)).toEqual(['cust-1/webhook', 'cust-1/email', 'res-1/webhook', 'res-1/email', 'prov-1/webhook', 'prov-1/email']);
    expect(plan.every((n) => n.awaitsParty)).toBe(true);
  });

  it('plans every channel of every recipient that has an address on it, recipients first', () => {
    const plan = planNotifications(established.id, recipients, (r) => contactOf(r, customer, partners), [webhook, email]);
    expect(plan.map((n) => `${n.recipient.partyId}/${n.channel}`)).toEqual(['cust-1/webhook', 'cust-1/email', 'res-1/webhook', 'prov-1/email']);
  });

  it('keys each recipient by the registration its contact comes from', () => {
    expect(recipients.map(partyKeyOf)).toEqual(['customer:cust-1', 'partner:res-1', 'partner:prov-1']);
  });

  it('derives stable ids from event, party, party id and channel, distinct per notification', () => {
    const plan = planNotifications(established.id, recipients, (r) => contactOf(r, customer, partners), [webhook, email]);
    expect(plan[0].notificationId).toBe(deriveId('evt-established/customer/cust-1/webhook'));
    expect(planNotifications(established.id, recipients, (r) => contactOf(r, customer, partners), [webhook, email])).toEqual(plan);
    expect(new Set(plan.map((n) => n.notificationId)).size).toBe(plan.length);
    expect(notificationIdOf('evt-other', { party: 'customer', partyId: 'cust-1' }, 'webhook')).not.toBe(plan[0].notificationId);
  });

  it('plans a recipient named twice only once', () => {
    const twice = [...recipients, recipients[0]];
    expect(planNotifications(established.id, twice, (r) => contactOf(r, customer, partners), [webhook])).toHaveLength(2);
  });

  it('names the partners an event involves, even those not told of it', () => {
    expect(involvedPartnerIdsOf(established.data, customer)).toEqual(['res-1', 'prov-1']);
    const requested = { requestId: 'req-9', customerId: 'cust-1', resellerId: 'res-2', indirectProviderId: 'prov-2' };
    expect(involvedPartnerIdsOf(requested, customer)).toEqual(['res-2', 'prov-2']);
    const withRequest: CustomerState = { ...customer, requests: { 'req-9': { ...requested, indirectProviderId: 'prov-3' } as never } };
    expect(involvedPartnerIdsOf({ requestId: 'req-9', customerId: 'cust-1', resellerId: 'res-2' }, withRequest)).toEqual(['res-2', 'prov-3']);
    expect(involvedPartnerIdsOf({ customerId: 'cust-1' }, customer)).toEqual([]);
  });
});

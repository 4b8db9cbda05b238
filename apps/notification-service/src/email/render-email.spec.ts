import type { CloudEvent, RelationshipSnapshot } from '@mp/contracts';
import { CustomerState, emptyCustomerState, emptyPartnerState, PartnerState, RecipientRef } from '@mp/domain';
import { EmailContext, renderEmail } from './render-email';
import { emailTemplates } from './templates';

function partner(partnerId: string, name: string): PartnerState {
  return { ...emptyPartnerState(partnerId), profile: { name, kind: 'direct-reseller', specializations: [], countries: ['FR'] } };
}

const relationship: RelationshipSnapshot = {
  customerId: 'cust-1',
  resellerId: 'res-1',
  status: 'active',
  channel: 'indirect',
  indirectProviderId: 'prov-1',
  services: ['Azure', 'Microsoft 365'],
  since: '2026-03-01T09:00:00.000Z',
  delegatedAdmin: {
    status: 'active',
    roles: ['HelpdeskAdministrator'],
    services: ['Azure'],
    grantedAt: '2026-03-01T09:00:00.000Z',
    expiresAt: '2026-04-10T09:00:00.000Z',
    durationDays: 40,
    autoExtend: false,
  },
};

const customer: CustomerState = {
  ...emptyCustomerState('cust-1'),
  profile: { name: 'Contoso', country: 'FR', admins: ['admin-1'], email: 'it@contoso.test' },
  requests: {
    'req-1': {
      requestId: 'req-1',
      customerId: 'cust-1',
      resellerId: 'res-1',
      services: ['Azure', 'Microsoft 365'],
      indirectProviderId: 'prov-1',
      requestedBy: { userId: 'agent-7' },
      status: 'pending',
      requestedAt: '2026-03-01T09:00:00.000Z',
      updatedAt: '2026-03-01T09:00:00.000Z',
      history: [],
    },
  },
  relationships: { 'res-1': relationship },
};

const context: EmailContext = { customer, partners: new Map([partner('res-1', 'Fabrikam'), partner('prov-1', 'Northwind')].map((p) => [p.partnerId, p])) };
const toCustomer: RecipientRef = { party: 'customer', partyId: 'cust-1' };
const toReseller: RecipientRef = { party: 'reseller', partyId: 'res-1' };

const event = (type: string, data: unknown): CloudEvent => ({
  specversion: '1.0',
  id: `evt-${type}`,
  type,
  source: 'test',
  time: '2026-03-01T09:00:00.000Z',
  subject: 'cust-1',
  datacontenttype: 'application/json',
  data,
});

const requested = event('RelationshipRequested', {
  requestId: 'req-1',
  customerId: 'cust-1',
  resellerId: 'res-1',
  services: ['Azure', 'Microsoft 365'],
  delegatedAdmin: { roles: ['HelpdeskAdministrator', 'UserAdministrator'], durationDays: 40, autoExtend: false },
  channel: 'indirect',
  indirectProviderId: 'prov-1',
  message: 'We run your Azure estate.',
  requestedBy: { userId: 'agent-7' },
  status: 'pending',
  requestedAt: '2026-03-01T09:00:00.000Z',
  expiresAt: '2026-05-30T09:00:00.000Z',
});

describe('renderEmail', () => {
  it('tells the customer of a new request with its details', () => {
    const email = renderEmail(requested, toCustomer, context);
    expect(email.subject).toBe('Fabrikam requests a reseller relationship with Contoso');
    expect(email.text).toMatch(/^Hello Contoso,\n/);
    for (const fact of [
      /Customer: +Contoso \(cust-1\)/,
      /Reseller: +Fabrikam \(res-1\)/,
      /Indirect provider: +Northwind \(prov-1\)/,
      /Services: +Azure, Microsoft 365/,
      /Delegated admin privileges: +HelpdeskAdministrator, UserAdministrator for 40 days, not auto-extended/,
      /Message: +We run your Azure estate\./,
      /Requested by: +user agent-7/,
      /Request: +req-1/,
      /Expires: +2026-05-30 09:00 UTC/,
    ]) {
      expect(email.text).toMatch(fact);
    }
    expect(email.text).toContain(`You receive this as the customer. Event RelationshipRequested ${requested.id}.`);
    expect(email.html).toContain('<th align="left" style="padding:2px 12px 2px 0">Services</th><td>Azure, Microsoft 365</td>');
    expect(email.html).toContain('<p>Hello Contoso,</p>');
  });

  it('says "none asked" when a request asks for no privileges, and leaves out facts it does not have', () => {
    const plain = event('RelationshipRequested', { ...requested.data as object, delegatedAdmin: undefined, message: undefined, indirectProviderId: undefined });
    const email = renderEmail(plain, toCustomer, context);
    expect(email.text).toMatch(/Delegated admin privileges: +none asked/);
    expect(email.text).not.toMatch(/Message:/);
    expect(email.text).not.toMatch(/Indirect provider:/);
  });

  it('tells the reseller of an approval, with services and privileges', () => {
    const established = event('RelationshipEstablished', { customerId: 'cust-1', resellerId: 'res-1', requestId: 'req-1', approvedBy: { userId: 'admin-1' }, relationship });
    const email = renderEmail(established, toReseller, context);
    expect(email.subject).toBe('Contoso approved Fabrikam as a reseller');
    expect(email.text).toMatch(/^Hello Fabrikam,\n/);
    expect(email.text).toMatch(/Services: +Azure, Microsoft 365/);
    expect(email.text).toMatch(/Delegated admin privileges: +HelpdeskAdministrator for Azure \(active, until 2026-04-10 09:00 UTC\)/);
    expect(email.text).toMatch(/Approved by: +user admin-1/);
    expect(email.text).toContain('You receive this as the reseller.');
  });

  it('tells the reseller of a decline, with the reason and the services asked (from the request)', () => {
    const declined = event('RequestDeclined', { customerId: 'cust-1', resellerId: 'res-1', requestId: 'req-1', declinedBy: { userId: 'admin-1' }, reason: 'We already have an Azure partner.', status: 'declined', declinedAt: '2026-03-02T10:30:00.000Z' });
    const email = renderEmail(declined, toReseller, context);
    expect(email.subject).toBe('Contoso declined the reseller request of Fabrikam');
    expect(email.text).toMatch(/Reason: +We already have an Azure partner\./);
    expect(email.text).toMatch(/Services: +Azure, Microsoft 365/);
    expect(email.text).toMatch(/Indirect provider: +Northwind \(prov-1\)/);
    expect(email.text).toMatch(/Declined: +2026-03-02 10:30 UTC/);
  });

  it('tells of an expiry reminder: days left, privileges, their expiry', () => {
    const reminder = event('DelegatedAdminExpiryReminder', { customerId: 'cust-1', resellerId: 'res-1', daysBefore: 7, delegatedAdmin: relationship.delegatedAdmin });
    const email = renderEmail(reminder, { party: 'provider', partyId: 'prov-1' }, context);
    expect(email.subject).toBe('Delegated admin privileges of Fabrikam at Contoso expire in 7 days');
    expect(email.text).toMatch(/^Hello Northwind,\n/);
    expect(email.text).toMatch(/Roles: +HelpdeskAdministrator/);
    expect(email.text).toMatch(/Expires: +2026-04-10 09:00 UTC/);
    expect(email.text).toMatch(/Auto-extension: +no/);
    expect(email.text).toContain("You receive this as the reseller's indirect provider.");
    const lastDay = renderEmail(event('DelegatedAdminExpiryReminder', { ...(reminder.data as object), daysBefore: 1 }), toCustomer, context);
    expect(lastDay.subject).toMatch(/expire in 1 day$/);
  });

  it.each([
    ['RequestCancelled', { requestId: 'req-1', customerId: 'cust-1', resellerId: 'res-1', cancelledBy: { userId: 'agent-7' }, status: 'cancelled', cancelledAt: '2026-03-02T00:00:00.000Z' }, /cancelled its reseller request/],
    ['RequestExpired', { requestId: 'req-1', customerId: 'cust-1', resellerId: 'res-1', status: 'expired', expiredAt: '2026-05-30T09:00:00.000Z' }, /expired$/],
    ['RelationshipUpdated', { customerId: 'cust-1', resellerId: 'res-1', requestId: 'req-2', approvedBy: { userId: 'admin-1' }, relationship, addedServices: ['Microsoft 365'] }, /extended its relationship/],
    ['RelationshipEnded', { customerId: 'cust-1', resellerId: 'res-1', endedBy: { party: 'customer', userId: 'admin-1' }, reason: 'Contract over', relationship: { ...relationship, status: 'ended', endedAt: '2026-06-01T00:00:00.000Z' } }, /ended$/],
    ['DelegatedAdminGranted', { customerId: 'cust-1', resellerId: 'res-1', requestId: 'req-1', grantedBy: { userId: 'admin-1' }, delegatedAdmin: relationship.delegatedAdmin }, /granted delegated admin privileges/],
    ['DelegatedAdminRevoked', { customerId: 'cust-1', resellerId: 'res-1', revokedBy: { party: 'customer', userId: 'admin-1' }, reason: 'revoked-by-customer', delegatedAdmin: { ...relationship.delegatedAdmin, status: 'revoked' } }, /were revoked$/],
    ['DelegatedAdminExtended', { customerId: 'cust-1', resellerId: 'res-1', previousExpiresAt: '2026-04-10T09:00:00.000Z', delegatedAdmin: { ...relationship.delegatedAdmin, expiresAt: '2026-10-07T09:00:00.000Z' } }, /were extended$/],
    ['DelegatedAdminExpired', { customerId: 'cust-1', resellerId: 'res-1', expiredAt: '2026-04-10T09:00:00.000Z', delegatedAdmin: { ...relationship.delegatedAdmin, status: 'expired' } }, /expired$/],
  ])('has a template for %s naming both parties', (type, data, subject) => {
    const email = renderEmail(event(type, data), toCustomer, context);
    expect(emailTemplates[type]).toBeDefined();
    expect(email.subject).toMatch(subject);
    expect(email.text).toMatch(/Customer: +Contoso \(cust-1\)/);
    expect(email.text).toMatch(/Reseller: +Fabrikam \(res-1\)/);
    expect(email.html).toContain('Fabrikam (res-1)');
  });

  it('gives the reason and the outcome of a revocation, and both expiries of an extension', () => {
    const ended = event('DelegatedAdminRevoked', { customerId: 'cust-1', resellerId: 'res-1', revokedBy: { party: 'reseller', userId: 'agent-7' }, reason: 'relationship-ended', delegatedAdmin: { ...relationship.delegatedAdmin, status: 'revoked' } });
    expect(renderEmail(ended, toReseller, context).text).toMatch(/Reason: +the relationship ended/);
    const extended = event('DelegatedAdminExtended', { customerId: 'cust-1', resellerId: 'res-1', previousExpiresAt: '2026-04-10T09:00:00.000Z', delegatedAdmin: { ...relationship.delegatedAdmin, expiresAt: '2026-10-07T09:00:00.000Z', autoExtend: true } });
    const text = renderEmail(extended, toReseller, context).text;
    expect(text).toMatch(/Previous expiry: +2026-04-10 09:00 UTC/);
    expect(text).toMatch(/Expires: +2026-10-07 09:00 UTC/);
  });

  it('names parties by their ids when their names are unknown', () => {
    const email = renderEmail(requested, toCustomer, { customer: emptyCustomerState('cust-1'), partners: new Map() });
    expect(email.subject).toBe('res-1 requests a reseller relationship with cust-1');
    expect(email.text).toMatch(/^Hello cust-1,\n/);
    expect(email.text).toMatch(/Reseller: +res-1\n/);
  });

  it('escapes what the parties wrote in the HTML, and keeps the subject on one line', () => {
    const sneaky: EmailContext = { ...context, partners: new Map([['res-1', partner('res-1', 'Evil <script>alert(1)</script>\r\nBcc: x@y')]]) };
    const email = renderEmail(requested, toCustomer, sneaky);
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('Evil &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.subject).not.toMatch(/[\r\n]/);
  });

  it('still tells of an event type no template knows', () => {
    const email = renderEmail(event('SomethingNew', { customerId: 'cust-1', resellerId: 'res-1' }), toCustomer, context);
    expect(email.subject).toBe('SomethingNew for Contoso');
    expect(email.text).toMatch(/Reseller: +Fabrikam \(res-1\)/);
  });

  it('is pure: the same inputs give the same e-mail', () => {
    expect(renderEmail(requested, toCustomer, context)).toEqual(renderEmail(requested, toCustomer, context));
  });
});

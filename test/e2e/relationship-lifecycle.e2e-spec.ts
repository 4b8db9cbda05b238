import { CloudEvent } from '@mp/contracts';
import { endToEnd } from '../support/end-to-end';
import { Upstream } from '../support/upstream';

const emailOf = Upstream.emailOf;

/** Every path of a relationship's life (DESIGN §5), over the real Kafka and Redis. */
describe('the relationship lifecycle, end to end', () => {
  const e2e = endToEnd('lifecycle');
  const { world, probe, upstream } = e2e;

  const admin = { userId: world.id('admin') };
  const agent = { userId: world.id('agent') };
  const reseller = world.id('reseller');
  const other = world.id('other');
  const privileges = (durationDays: number, autoExtend = false) => ({ roles: ['HelpdeskAgent'], durationDays, autoExtend });
  const resellersOf = async (customerId: string) => (await e2e.system.directory$(`/v1/customers/${customerId}/resellers`)).body.resellers as any[];

  /** A fresh customer of its own for each test, so the tests do not depend on one another. */
  async function newCustomer(country = 'DE') {
    const customerId = world.id('cust');
    await upstream.customer(customerId, [admin.userId], { country });
    await e2e.system.settled();
    return customerId;
  }

  async function established(customerId: string, requestId: string, extra: Record<string, unknown> = {}, resellerId = reseller) {
    expect((await upstream.request({ requestId, customerId, resellerId, services: ['Azure'], requestedBy: agent, ...extra })).type).toBe('RelationshipRequested');
    expect((await upstream.approve({ requestId, customerId, approvedBy: admin })).type).toMatch(/RelationshipEstablished|RelationshipUpdated/);
    // The request-service learns of the approval from the relationship events: let it catch up.
    await e2e.system.settled();
  }

  beforeAll(async () => {
    await upstream.partner(reseller, { countries: ['DE', 'FR'] });
    await upstream.partner(other);
    await e2e.system.settled();
  });

  it('the requesting reseller cancels its pending request; nobody else can', async () => {
    const customerId = await newCustomer();
    await upstream.request({ requestId: 'c-1', customerId, resellerId: reseller, services: ['Azure'], requestedBy: agent });
    const foreign = await upstream.command('CancelRequest', { requestId: 'c-1', customerId, resellerId: other, cancelledBy: { userId: 'x' } }, ['RequestRejected']);
    expect(foreign.data).toMatchObject({ reason: 'NOT_REQUESTING_RESELLER', command: 'CancelRequest' });
    const cancelled = await upstream.command('CancelRequest', { requestId: 'c-1', customerId, resellerId: reseller, cancelledBy: agent }, ['RequestCancelled', 'RequestRejected']);
    expect(cancelled.data).toMatchObject({ status: 'cancelled', cancelledBy: agent });
    const again = await upstream.command('CancelRequest', { requestId: 'c-1', customerId, resellerId: reseller, cancelledBy: agent }, ['RequestCancelled', 'RequestRejected']);
    expect(again.data).toMatchObject({ reason: 'REQUEST_NOT_PENDING' });
    await e2e.system.settled();
    expect((await e2e.system.directory$('/v1/requests/c-1')).body).toMatchObject({ status: 'cancelled' });
    // Both sides hear of it by e-mail, over real SMTP.
    const [toCustomer] = (await e2e.system.mailsTo(emailOf(customerId), 'RequestCancelled')) as any[];
    expect(toCustomer.text).toContain('c-1');
    await e2e.system.mailsTo(emailOf(reseller), 'RequestCancelled');
  });

  it('refuses at intake: region, auto-extended Global Administrator, nothing new; a suspended reseller until reinstated', async () => {
    const customerId = await newCustomer('JP');
    const reasonOf = async (data: Record<string, unknown>) => (await upstream.request({ customerId, resellerId: reseller, services: ['Azure'], requestedBy: agent, ...data })).data.reason;
    expect(await reasonOf({ requestId: 'i-1' })).toBe('REGION_MISMATCH');

    const german = await newCustomer();
    const ask = async (data: Record<string, unknown>) => upstream.request({ customerId: german, resellerId: reseller, services: ['Azure'], requestedBy: agent, ...data });
    expect((await ask({ requestId: 'i-2', delegatedAdmin: { roles: ['GlobalAdministrator'], durationDays: 30, autoExtend: true } })).data.reason).toBe('AUTO_EXTEND_NOT_ALLOWED');
    await established(german, 'i-3');
    expect((await ask({ requestId: 'i-4' })).data.reason).toBe('NOTHING_NEW');

    await probe.publish('PartnerSuspended', { partnerId: reseller, reason: 'audit' });
    await e2e.system.settled();
    expect((await ask({ requestId: 'i-5', services: ['Microsoft365'] })).data.reason).toBe('RESELLER_SUSPENDED');
    await probe.publish('PartnerReinstated', { partnerId: reseller });
    await e2e.system.settled();
    expect((await ask({ requestId: 'i-6', services: ['Microsoft365'] })).type).toBe('RelationshipRequested');
  });

  it('a second approved request adds its services to the active relationship', async () => {
    const customerId = await newCustomer();
    await established(customerId, 'u-1');
    await upstream.request({ requestId: 'u-2', customerId, resellerId: reseller, services: ['Microsoft365'], requestedBy: agent });
    const updated = await upstream.approve({ requestId: 'u-2', customerId, approvedBy: admin });
    expect(updated).toMatchObject({ type: 'RelationshipUpdated', data: { addedServices: ['Microsoft365'], relationship: { services: ['Azure', 'Microsoft365'] } } });
    await e2e.system.settled();
    expect((await resellersOf(customerId))[0]).toMatchObject({ resellerId: reseller, services: ['Azure', 'Microsoft365'] });
  });

  it('admins added and removed change who may consent', async () => {
    const customerId = await newCustomer();
    const newcomer = { userId: world.id('newcomer') };
    await upstream.request({ requestId: 'a-1', customerId, resellerId: reseller, services: ['Azure'], requestedBy: agent });
    expect((await e2e.afterTheWait(upstream.approve({ requestId: 'a-1', customerId, approvedBy: newcomer }))).data.reason).toBe('NOT_CUSTOMER_ADMIN');
    await probe.publish('CustomerAdminAdded', { customerId, userId: newcomer.userId });
    await probe.publish('CustomerAdminRemoved', { customerId, userId: admin.userId });
    await e2e.system.settled();
    const refused = await e2e.afterTheWait(upstream.command('DeclineRequest', { requestId: 'a-1', customerId, declinedBy: admin }, ['RequestDeclined', 'ConsentRejected']));
    expect(refused.data.reason).toBe('NOT_CUSTOMER_ADMIN');
    expect((await upstream.approve({ requestId: 'a-1', customerId, approvedBy: newcomer })).type).toBe('RelationshipEstablished');
    await e2e.system.mailsTo(emailOf(customerId), 'RelationshipRequested');
    await e2e.system.mailsTo(emailOf(reseller), 'RelationshipEstablished');
  });

  it('the customer revokes privileges; then ends the relationship; the directory follows', async () => {
    const customerId = await newCustomer();
    await established(customerId, 'r-1', { delegatedAdmin: privileges(60) });
    const revoked = await upstream.command('RevokeDelegatedAdmin', { customerId, resellerId: reseller, revokedBy: admin }, ['DelegatedAdminRevoked', 'ConsentRejected']);
    expect(revoked.data).toMatchObject({ reason: 'revoked-by-customer', delegatedAdmin: { status: 'revoked' }, revokedBy: { party: 'customer', userId: admin.userId } });
    await e2e.system.settled();
    expect((await resellersOf(customerId))[0].delegatedAdmin).toMatchObject({ status: 'revoked' });

    const ended = await upstream.command('EndRelationship', { customerId, resellerId: reseller, endedBy: { party: 'customer', userId: admin.userId }, reason: 'done' }, ['RelationshipEnded', 'ConsentRejected']);
    expect(ended.data).toMatchObject({ reason: 'done', relationship: { status: 'ended', endedAt: expect.any(String) } });
    await e2e.system.settled();
    expect(await resellersOf(customerId)).toEqual([]);
    expect((await e2e.system.directory$(`/v1/resellers/${reseller}/customers?limit=100`)).body.customers.map((c: { customerId: string }) => c.customerId)).not.toContain(customerId);
    await e2e.system.mailsTo(emailOf(customerId), 'DelegatedAdminRevoked');
    await e2e.system.mailsTo(emailOf(customerId), 'RelationshipEnded');
    const ends = (await e2e.system.mailsTo(emailOf(reseller), 'RelationshipEnded')) as any[];
    expect(ends.some((m) => m.text.includes(customerId))).toBe(true);
  });

  it('ending revokes active privileges in the same step; a reseller cannot end while Partner of Record', async () => {
    const customerId = await newCustomer();
    await established(customerId, 'e-1', { delegatedAdmin: privileges(60) });
    await probe.publish('SubscriptionCreated', { subscriptionId: `${customerId}-sub`, customerId, partnerOfRecordId: reseller, service: 'Azure', quantity: 5 });
    await e2e.system.settled();
    const endByReseller = { customerId, resellerId: reseller, endedBy: { party: 'reseller', userId: agent.userId } };
    expect((await upstream.command('EndRelationship', endByReseller, ['RelationshipEnded', 'ConsentRejected'])).data.reason).toBe('HAS_ACTIVE_SUBSCRIPTIONS');
    await probe.publish('SubscriptionCancelled', { subscriptionId: `${customerId}-sub`, customerId });
    await e2e.system.settled();
    const events = await upstream.commandAll('EndRelationship', endByReseller, 2);
    expect(events.map((e: CloudEvent) => e.type)).toEqual(['RelationshipEnded', 'DelegatedAdminRevoked']);
    expect(events[1].data).toMatchObject({ reason: 'relationship-ended', delegatedAdmin: { status: 'revoked' } });
    // The subscription itself was never touched by any of this.
    expect((await e2e.system.directory$(`/v1/customers/${customerId}/subscriptions`)).body.subscriptions).toEqual([
      expect.objectContaining({ partnerOfRecordId: reseller, quantity: 5, status: 'cancelled' }),
    ]);
  });

  describe('as time passes (the clock moves; the scheduler fires)', () => {
    it('pending requests expire after REQUEST_TTL_DAYS; privileges expire, or extend by 180 days', async () => {
      const customerId = await newCustomer();
      await upstream.request({ requestId: 't-pending', customerId, resellerId: other, services: ['Azure'], requestedBy: agent });
      await established(customerId, 't-expiring', { delegatedAdmin: privileges(30) });
      const second = await newCustomer();
      await established(second, 't-extending', { delegatedAdmin: privileges(30, true) });

      e2e.system.clock.advanceDays(31);
      const expired = await probe.waitForEvent('DelegatedAdminExpired', (e) => (e.data as { customerId: string }).customerId === customerId);
      expect(expired.data).toMatchObject({ resellerId: reseller, delegatedAdmin: { status: 'expired' } });
      const extended = await probe.waitForEvent('DelegatedAdminExtended', (e) => (e.data as { customerId: string }).customerId === second);
      const before = Date.parse((extended.data as any).previousExpiresAt);
      expect(Date.parse((extended.data as any).delegatedAdmin.expiresAt) - before).toBe(180 * 24 * 3600 * 1000);

      e2e.system.clock.advanceDays(60);
      const requestExpired = await probe.waitForEvent('RequestExpired', (e) => (e.data as { requestId: string }).requestId === 't-pending');
      expect(requestExpired.data).toMatchObject({ status: 'expired', customerId });
      await e2e.system.settled();
      expect((await e2e.system.directory$('/v1/requests/t-pending')).body).toMatchObject({ status: 'expired' });
      expect((await resellersOf(customerId))[0].delegatedAdmin).toMatchObject({ status: 'expired' });
      // Fired once each, however many passes the scheduler made.
      expect(probe.events('RequestExpired', (e) => (e.data as { requestId: string }).requestId === 't-pending')).toHaveLength(1);
      expect(probe.events('DelegatedAdminExpired', (e) => (e.data as { customerId: string }).customerId === customerId)).toHaveLength(1);
      await e2e.system.mailsTo(emailOf(customerId), 'DelegatedAdminExpired');
      await e2e.system.mailsTo(emailOf(second), 'DelegatedAdminExtended');
      await e2e.system.mailsTo(emailOf(other), 'RequestExpired');
    });
  });
});

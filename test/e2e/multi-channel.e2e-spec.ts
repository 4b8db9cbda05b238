import { endToEnd } from '../support/end-to-end';
import { Upstream } from '../support/upstream';

/** The two-tier channel: an indirect reseller works through its indirect provider (DESIGN §1, §5). */
describe('indirect providers and indirect resellers, end to end', () => {
  const e2e = endToEnd('channel');
  const { world, probe, upstream, receiver } = e2e;

  const admin = { userId: world.id('admin') };
  const agent = { userId: world.id('agent') };
  const provider = world.id('provider');
  const indirect = world.id('indirect');
  const direct = world.id('direct');
  const customerId = world.id('cust');

  beforeAll(async () => {
    await upstream.partner(provider, { kind: 'indirect-provider', webhookUrl: receiver.url(`/provider/${provider}`) });
    await upstream.partner(indirect, { kind: 'indirect-reseller', webhookUrl: receiver.url(`/reseller/${indirect}`) });
    await upstream.partner(direct);
    await upstream.customer(customerId, [admin.userId]);
    await e2e.system.settled();
  });

  const ask = (requestId: string, resellerId: string, extra: Record<string, unknown> = {}) =>
    upstream.request({ requestId, customerId, resellerId, services: ['Azure'], requestedBy: agent, ...extra });

  it('an indirect reseller must name a provider it is linked to; a direct reseller must name none', async () => {
    expect((await ask('m-1', indirect)).data.reason).toBe('PROVIDER_NOT_LINKED');
    expect((await ask('m-2', indirect, { indirectProviderId: provider })).data.reason).toBe('PROVIDER_NOT_LINKED');
    expect((await ask('m-3', direct, { indirectProviderId: provider })).data.reason).toBe('NOT_AN_INDIRECT_RESELLER');
  });

  it('once linked, the request goes through the provider; the directory shows the channel; the provider hears', async () => {
    await probe.publish('PartnersLinked', { indirectProviderId: provider, indirectResellerId: indirect });
    await e2e.system.settled();
    const requested = await ask('m-4', indirect, { indirectProviderId: provider });
    expect(requested).toMatchObject({ type: 'RelationshipRequested', data: { channel: 'indirect', indirectProviderId: provider } });
    const established = await upstream.approve({ requestId: 'm-4', customerId, approvedBy: admin });
    expect(established.data.relationship).toMatchObject({ channel: 'indirect', indirectProviderId: provider });
    await e2e.system.settled();

    const { body } = await e2e.system.directory$(`/v1/customers/${customerId}/resellers`);
    expect(body.resellers).toEqual([expect.objectContaining({ resellerId: indirect, channel: 'indirect', indirectProviderId: provider })]);
    await probe.waitFor('the provider hears of the approval', () => receiver.at(`/provider/${provider}`, 'RelationshipEstablished')[0]);
    await probe.waitFor('the reseller hears of the approval', () => receiver.at(`/reseller/${indirect}`, 'RelationshipEstablished')[0]);
  });

  it('the indirect reseller cannot end the relationship alone; its provider can, and hears of it', async () => {
    const alone = await upstream.command('EndRelationship', { customerId, resellerId: indirect, endedBy: { party: 'reseller', userId: agent.userId } }, ['RelationshipEnded', 'ConsentRejected']);
    expect(alone.data.reason).toBe('INDIRECT_RESELLER_CANNOT_END');
    const ended = await upstream.command('EndRelationship', { customerId, resellerId: indirect, endedBy: { party: 'provider', userId: 'provider-ops' } }, ['RelationshipEnded', 'ConsentRejected']);
    expect(ended.data).toMatchObject({ endedBy: { party: 'provider' }, relationship: { status: 'ended', channel: 'indirect' } });
    await probe.waitFor('the provider hears of the end', () => receiver.at(`/provider/${provider}`, 'RelationshipEnded')[0]);
    // And by e-mail, over real SMTP, as do the reseller and the customer.
    for (const party of [provider, indirect, customerId]) await e2e.system.mailsTo(Upstream.emailOf(party), 'RelationshipEnded');
  });

  it('after unlinking, the reseller can no longer request through that provider', async () => {
    await probe.publish('PartnersUnlinked', { indirectProviderId: provider, indirectResellerId: indirect });
    await e2e.system.settled();
    expect((await ask('m-5', indirect, { indirectProviderId: provider })).data.reason).toBe('PROVIDER_NOT_LINKED');
  });
});

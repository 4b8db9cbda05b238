import { endToEnd } from '../support/end-to-end';
import { eventually } from '../support/eventually';

/**
 * Redis is disposable (DESIGN §7): every key of every service deleted while the system runs,
 * the read models and the services' own states are rebuilt from the topics, the directory answers
 * 503 meanwhile and then exactly what it answered before, and decisions go on as if nothing
 * happened: nothing lost, nothing decided twice.
 */
describe('losing Redis while the system runs', () => {
  const e2e = endToEnd('redis-loss');
  const { world, probe, upstream } = e2e;
  const admin = { userId: world.id('admin') };
  const agent = { userId: world.id('agent') };
  const customerId = world.id('cust');
  const resellers = [world.id('res'), world.id('res')];
  const paths = [`/v1/customers/${customerId}/resellers`, `/v1/customers/${customerId}/subscriptions`, `/v1/customers/${customerId}/requests`];

  it('rebuilds every state from the topics and answers as before', async () => {
    for (const resellerId of resellers) await upstream.partner(resellerId);
    await upstream.customer(customerId, [admin.userId]);
    await probe.publish('SubscriptionCreated', { subscriptionId: world.id('sub'), customerId, partnerOfRecordId: resellers[0], service: 'Azure', quantity: 3 });
    expect((await upstream.request({ requestId: 'r-1', customerId, resellerId: resellers[0], services: ['Azure'], requestedBy: agent })).type).toBe('RelationshipRequested');
    expect((await upstream.approve({ requestId: 'r-1', customerId, approvedBy: admin })).type).toBe('RelationshipEstablished');
    expect((await upstream.request({ requestId: 'r-2', customerId, resellerId: resellers[1], services: ['Microsoft365'], requestedBy: agent })).type).toBe('RelationshipRequested');
    // A refusal changes no state; decided again on a rebuilt state it would come out otherwise,
    // as the stranger is made an admin afterwards.
    const stranger = { userId: world.id('stranger') };
    expect((await e2e.afterTheWait(upstream.approve({ requestId: 'r-2', customerId, approvedBy: stranger }))).data).toMatchObject({ reason: 'NOT_CUSTOMER_ADMIN' });
    await probe.publish('CustomerAdminAdded', { customerId, userId: stranger.userId });
    await e2e.system.settled();
    const before = await eventually('the directory to answer', async () => {
      const answers = await Promise.all(paths.map((path) => e2e.system.directory$(path)));
      return answers.every((answer) => answer.status === 200) && answers;
    });

    await world.deleteKeys();

    // Rebuilding: 503 with Retry-After, never a 404 for a customer that exists.
    const statuses = new Set<number>();
    const after = await eventually('the directory to answer as before', async () => {
      const answers = await Promise.all(paths.map((path) => e2e.system.directory$(path)));
      answers.forEach((answer) => statuses.add(answer.status));
      return answers.every((answer, i) => JSON.stringify(answer.body) === JSON.stringify(before[i].body)) && answers;
    });
    expect(after.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect([...statuses].filter((status) => status !== 200 && status !== 503)).toEqual([]);

    // The services' own states came back too: the pending request can be approved, the approved one not again.
    expect((await upstream.approve({ requestId: 'r-2', customerId, approvedBy: admin })).type).toBe('RelationshipEstablished');
    expect((await upstream.approve({ requestId: 'r-1', customerId, approvedBy: admin })).data).toMatchObject({ reason: 'REQUEST_NOT_PENDING' });
    // A later event lands on the rebuilt customer, registration and all.
    await e2e.system.settled();
    const resellersNow = (await e2e.system.directory$(paths[0])).body;
    expect(resellersNow.resellers.map((r: { resellerId: string }) => r.resellerId).sort()).toEqual([...resellers].sort());
    // Nothing was decided twice: one answer per command.
    const answers = probe.events(undefined, (e) => e.source === 'request-service' || e.source === 'consent-service');
    const byCause = new Map<string, Set<string>>();
    for (const e of answers) byCause.set(`${e.causationid}/${e.type}`, (byCause.get(`${e.causationid}/${e.type}`) ?? new Set()).add(JSON.stringify(e.data)));
    expect([...byCause].filter(([, contents]) => contents.size > 1)).toEqual([]);
  });
});

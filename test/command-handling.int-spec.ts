import { ManualClock } from '@mp/domain';
import { deriveId } from '@mp/messaging';
import { CustomerStore } from '@mp/state';
import { eventually } from './support/eventually';
import { isolateTestRun } from './support/isolation';
import { RunningService, startService } from './support/service-harness';
import { TopicProbe } from './support/topic-probe';

/**
 * How a command is handled (DESIGN §7), against the real Kafka and Redis: a decision never
 * depends on which topic was read first, a redelivery completes what is missing, one clock
 * stamps events and decisions alike, and timers fire once however many instances run.
 */
describe('command handling', () => {
  const world = isolateTestRun('commands');
  const probe = new TopicProbe();
  const clock = new ManualClock(new Date('2026-03-01T09:00:00.000Z'));
  const admin = { userId: 'admin-1' };
  const agent = { userId: 'agent-1' };
  const reseller = world.id('reseller');
  let request: RunningService;
  let consents: RunningService[] = [];
  let requests: RunningService[] = [];

  const requestedData = (customerId: string, requestId: string) => ({
    requestId,
    customerId,
    resellerId: reseller,
    services: ['Azure'],
    channel: 'direct',
    requestedBy: agent,
    status: 'pending',
    requestedAt: clock.now().toISOString(),
    expiresAt: new Date(clock.now().getTime() + 90 * 86_400_000).toISOString(),
  });

  const consentStateOf = (customerId: string) => consents[0].app.get(CustomerStore).get(customerId);

  async function newCustomer(): Promise<string> {
    const customerId = world.id('cust');
    await probe.publish('CustomerRegistered', { customerId, name: `Customer ${customerId}`, country: 'DE', admins: [admin.userId] });
    return customerId;
  }

  beforeAll(async () => {
    await probe.start();
    const { RequestServiceModule } = await import('../apps/request-service/src/request-service.module');
    const { requestServiceOptions } = await import('../apps/request-service/src/request-service.options');
    const { ConsentServiceModule } = await import('../apps/consent-service/src/consent-service.module');
    const { consentServiceOptions } = await import('../apps/consent-service/src/consent-service.options');
    // Two instances of each: the group splits the partitions, and the scheduler runs on both.
    requests = await Promise.all([0, 1].map(() => startService(RequestServiceModule, requestServiceOptions, clock)));
    consents = await Promise.all([0, 1].map(() => startService(ConsentServiceModule, consentServiceOptions, clock)));
    request = requests[0];
    await probe.publish('PartnerRegistered', { partnerId: reseller, name: 'Fabrikam', kind: 'direct-reseller', specializations: ['Azure'], countries: ['DE'] });
  });

  afterAll(async () => {
    await Promise.all([...requests, ...consents].map((s) => s.close()));
    await probe.stop();
    await world.cleanup();
  });

  it('an approval read before its request waits for it, instead of being refused REQUEST_NOT_FOUND', async () => {
    const customerId = await newCustomer();
    const requestId = world.id('req');
    // As after a restart behind a backlog: the consent-service reads the approval first.
    const approval = await probe.publish('ApproveRequest', { requestId, customerId, approvedBy: admin });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await probe.publish('RelationshipRequested', requestedData(customerId, requestId));
    const answer = await probe.waitForEvent('RelationshipEstablished', (e) => e.causationid === approval.id);
    expect(answer.data).toMatchObject({ requestId, customerId, resellerId: reseller });
    expect(probe.events('ConsentRejected', (e) => e.causationid === approval.id)).toEqual([]);
  });

  it('an approval of a request that never comes is refused once its wait is over', async () => {
    const customerId = await newCustomer();
    // The customer is known: what the approval waits for is only its request.
    await eventually('the customer to be folded', async () => (await consentStateOf(customerId))?.profile);
    const approval = await probe.publish('ApproveRequest', { requestId: world.id('ghost'), customerId, approvedBy: admin });
    await eventually('the approval to wait', async () => (await consentStateOf(customerId))?.waiting?.[approval.id]);
    // The wait is measured by the injected clock, like every other rule that depends on time.
    clock.set(new Date(clock.now().getTime() + Number(process.env.COMMAND_WAIT_SECONDS) * 1000));
    const refusal = await probe.waitForEvent('ConsentRejected', (e) => e.causationid === approval.id);
    expect(refusal.data).toMatchObject({ reason: 'REQUEST_NOT_FOUND' });
  });

  it('stamps events with the injected clock, so a request is never updated before it was requested', async () => {
    const customerId = await newCustomer();
    const command = await probe.publish('RequestRelationship', { requestId: world.id('req'), customerId, resellerId: reseller, services: ['Azure'], requestedBy: agent });
    const requested = await probe.waitForEvent('RelationshipRequested', (e) => e.causationid === command.id);
    expect(requested.time).toBe(clock.now().toISOString());
    expect((requested.data as { requestedAt: string }).requestedAt).toBe(requested.time);
  });

  it('a redelivered command whose state write landed but whose due-index write was lost files it again', async () => {
    const customerId = await newCustomer();
    const command = await probe.publish('RequestRelationship', { requestId: world.id('req'), customerId, resellerId: reseller, services: ['Azure'], requestedBy: agent });
    await probe.waitForEvent('RelationshipRequested', (e) => e.causationid === command.id);
    const customers = request.app.get(CustomerStore);
    const index = customers.dueIndex!;
    const filed = async () => (await index.due(Number.MAX_SAFE_INTEGER, 100_000)).find((d) => d.id === customerId);
    await eventually('the customer to be filed for its expiry', filed);

    // The crash: the state and its seen id are written, the due-index entry is not.
    await index.set(customerId, undefined);
    // The offset was not committed, so Kafka delivers the command again, with the same id.
    await probe.sendEnvelope(command);
    const refiled = await eventually('the redelivery to file the customer again', filed);
    expect(refiled.dueAt).toBe(clock.now().getTime() + 90 * 86_400_000);
    expect(probe.events('RelationshipRequested', (e) => e.causationid === command.id)).toHaveLength(1);
  });

  it('a timer fires once although two instances run the scheduler', async () => {
    const customerId = await newCustomer();
    const requestId = world.id('req');
    const command = await probe.publish('RequestRelationship', { requestId, customerId, resellerId: reseller, services: ['Azure'], requestedBy: agent });
    await probe.waitForEvent('RelationshipRequested', (e) => e.causationid === command.id);
    await eventually('both instances to have folded the request', async () => {
      const states = await Promise.all(requests.map((s) => s.app.get(CustomerStore).get(customerId)));
      return states.every((s) => s?.requests[requestId]);
    });
    clock.advanceDays(91);
    const expired = await probe.waitForEvent('RequestExpired', (e) => (e.data as { requestId: string }).requestId === requestId);
    // Give a second firing every chance to show up.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const all = probe.events('RequestExpired', (e) => (e.data as { requestId: string }).requestId === requestId);
    expect(all.map((e) => e.id)).toEqual([expired.id]);
    expect(expired.id).toBe(deriveId(`${expired.causationid}/0/RequestExpired`));
    clock.advanceDays(-91);
  });
});

import type { Type } from '@nestjs/common';
import { CloudEvent, Topics } from '@mp/contracts';
import { ManualClock } from '@mp/domain';
import { mintToken } from '@mp/operations';
import { isolateTestRun } from './support/isolation';
import { RunningService, startService } from './support/service-harness';
import { tokenFor } from './support/tokens';
import { TopicProbe } from './support/topic-probe';
import { Upstream } from './support/upstream';

/**
 * Commands over HTTP (DESIGN §10), against the real request- and consent-services, Kafka and
 * Redis: each route with a valid token answers 202 with the id of a command published on its
 * topic, whose decided events are those of the same command sent on Kafka; the acting user and
 * party are the token's; who may not gets 401, 403 or 400, and nothing is published.
 */
describe('commands over HTTP', () => {
  const world = isolateTestRun('http-commands');
  const probe = new TopicProbe();
  const upstream = new Upstream(probe);
  const clock = new ManualClock(new Date('2026-03-01T09:00:00.000Z'));
  const reseller = world.id('reseller');
  const otherReseller = world.id('reseller');
  const provider = world.id('provider');
  const indirect = world.id('indirect');
  const agent = 'agent-1';
  let request: RunningService;
  let consent: RunningService;

  const asReseller = (partner = reseller, subject = agent) => tokenFor({ role: 'reseller', partner, subject });
  const asAdmin = (customer: string) => tokenFor({ role: 'customer-admin', customer, subject: `admin-of-${customer}` });

  /** POSTs JSON with a bearer token (none when `bearer` is undefined) to one of the services. */
  async function post(service: RunningService, path: string, bearer: string | undefined, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
    const response = await fetch(`${service.url}${path}`, {
      method: 'POST',
      headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json(), headers: response.headers };
  }

  /** The decided events a command caused, once `count` have arrived, in the order they were written. */
  const causedBy = (commandId: string, count: number) =>
    probe.waitFor(`${count} event(s) caused by ${commandId}`, () => {
      const caused = probe.events(undefined, (e) => e.causationid === commandId);
      return caused.length >= count && caused;
    });

  /** An event's type and data, with one customer's and request's ids replaced, to compare two customers' histories. */
  const comparable = (events: CloudEvent[], customerId: string, requestId?: string) =>
    events.map((e) => {
      let text = JSON.stringify(e.data).split(customerId).join('<customer>');
      if (requestId) text = text.split(requestId).join('<request>');
      return { type: e.type, data: JSON.parse(text) };
    });

  async function newCustomer(): Promise<string> {
    const customerId = world.id('cust');
    await upstream.customer(customerId, [`admin-of-${customerId}`]);
    return customerId;
  }

  const ask = (requestId: string, customerId: string) => ({
    requestId,
    customerId,
    services: ['Azure'],
    delegatedAdmin: { roles: ['AdminAgent'], durationDays: 30, autoExtend: false },
  });

  /** The commands published on a command topic for one customer (the HTTP ones and the Kafka ones). */
  const commandsFor = (customerId: string) => probe.seen.filter((s) => (s.topic === Topics.requestCommands || s.topic === Topics.consentCommands) && s.key === customerId);

  beforeAll(async () => {
    await probe.start();
    const { RequestServiceModule } = (await import('../apps/request-service/src/request-service.module')) as { RequestServiceModule: Type };
    const { requestServiceOptions } = await import('../apps/request-service/src/request-service.options');
    const { ConsentServiceModule } = (await import('../apps/consent-service/src/consent-service.module')) as { ConsentServiceModule: Type };
    const { consentServiceOptions } = await import('../apps/consent-service/src/consent-service.options');
    [request, consent] = await Promise.all([startService(RequestServiceModule, requestServiceOptions, clock), startService(ConsentServiceModule, consentServiceOptions, clock)]);
    await upstream.partner(reseller, { specializations: ['Azure'] });
    await upstream.partner(otherReseller, { specializations: ['Azure'] });
    await upstream.partner(provider, { kind: 'indirect-provider' });
    await upstream.partner(indirect, { kind: 'indirect-reseller' });
    await probe.publish('PartnersLinked', { indirectProviderId: provider, indirectResellerId: indirect });
  });

  afterAll(async () => {
    await Promise.all([request, consent].filter(Boolean).map((s) => s.close()));
    await probe.stop();
    await world.cleanup();
  });

  it('request, approve, revoke-admin and end over HTTP decide the very events the same commands decide on Kafka', async () => {
    const [viaKafka, viaHttp] = [await newCustomer(), await newCustomer()];
    const [kReq, hReq] = [world.id('req'), world.id('req')];

    // Kafka: the commands as an upstream system sends them, naming the same users.
    const kafkaEvents: CloudEvent[] = [];
    kafkaEvents.push(...(await upstream.commandAll('RequestRelationship', { ...ask(kReq, viaKafka), resellerId: reseller, requestedBy: { userId: agent } }, 1)));
    kafkaEvents.push(...(await upstream.commandAll('ApproveRequest', { requestId: kReq, customerId: viaKafka, approvedBy: { userId: `admin-of-${viaKafka}` } }, 2)));
    kafkaEvents.push(...(await upstream.commandAll('RevokeDelegatedAdmin', { customerId: viaKafka, resellerId: reseller, revokedBy: { userId: `admin-of-${viaKafka}` } }, 1)));
    kafkaEvents.push(...(await upstream.commandAll('EndRelationship', { customerId: viaKafka, resellerId: reseller, endedBy: { party: 'reseller', userId: agent } }, 1)));

    // HTTP: the same, the users and parties taken from the tokens.
    const httpEvents: CloudEvent[] = [];
    const requested = await post(request, '/v1/requests', await asReseller(), ask(hReq, viaHttp));
    expect(requested).toMatchObject({ status: 202, body: { commandId: expect.any(String) } });
    httpEvents.push(...(await causedBy(requested.body.commandId, 1)));
    const approved = await post(consent, `/v1/requests/${hReq}/approve`, await asAdmin(viaHttp));
    expect(approved.status).toBe(202);
    httpEvents.push(...(await causedBy(approved.body.commandId, 2)));
    const revoked = await post(consent, `/v1/customers/${viaHttp}/resellers/${reseller}/revoke-admin`, await asAdmin(viaHttp));
    expect(revoked.status).toBe(202);
    httpEvents.push(...(await causedBy(revoked.body.commandId, 1)));
    const ended = await post(consent, `/v1/customers/${viaHttp}/resellers/${reseller}/end`, await asReseller(), { reason: 'moving on' });
    expect(ended.status).toBe(202);
    httpEvents.push(...(await causedBy(ended.body.commandId, 1)));

    expect(httpEvents.map((e) => e.type)).toEqual(['RelationshipRequested', 'RelationshipEstablished', 'DelegatedAdminGranted', 'DelegatedAdminRevoked', 'RelationshipEnded']);
    const expected = comparable(kafkaEvents, viaKafka, kReq);
    // The end over HTTP gave a reason; the Kafka one did not.
    (expected[4].data as Record<string, unknown>).reason = 'moving on';
    expect(comparable(httpEvents, viaHttp, hReq)).toEqual(expected);
  });

  it('decline and cancel over HTTP decide the very events of the same commands on Kafka', async () => {
    // The cancelled requests are made for customers of their own: a second request of the same reseller
    // right after a decline is DUPLICATE_PENDING until the request-service has read the decline.
    const [viaKafka, viaHttp, cancelViaKafka, cancelViaHttp] = [await newCustomer(), await newCustomer(), await newCustomer(), await newCustomer()];
    const ids = { k1: world.id('req'), k2: world.id('req'), h1: world.id('req'), h2: world.id('req') };
    const kafkaDeclined = await upstream.commandAll('RequestRelationship', { ...ask(ids.k1, viaKafka), resellerId: reseller, requestedBy: { userId: agent } }, 1)
      .then(() => upstream.commandAll('DeclineRequest', { requestId: ids.k1, customerId: viaKafka, declinedBy: { userId: `admin-of-${viaKafka}` }, reason: 'no' }, 1));
    const kafkaCancelled = await upstream.commandAll('RequestRelationship', { ...ask(ids.k2, cancelViaKafka), resellerId: reseller, requestedBy: { userId: agent } }, 1)
      .then(() => upstream.commandAll('CancelRequest', { requestId: ids.k2, customerId: cancelViaKafka, resellerId: reseller, cancelledBy: { userId: agent } }, 1));

    await causedBy((await post(request, '/v1/requests', await asReseller(), ask(ids.h1, viaHttp))).body.commandId, 1);
    const declined = await post(consent, `/v1/requests/${ids.h1}/decline`, await asAdmin(viaHttp), { reason: 'no' });
    expect(declined.status).toBe(202);
    expect(comparable(await causedBy(declined.body.commandId, 1), viaHttp, ids.h1)).toEqual(comparable(kafkaDeclined, viaKafka, ids.k1));
    await causedBy((await post(request, '/v1/requests', await asReseller(), ask(ids.h2, cancelViaHttp))).body.commandId, 1);
    const cancelled = await post(request, `/v1/requests/${ids.h2}/cancel`, await asReseller(), { customerId: cancelViaHttp });
    expect(cancelled.status).toBe(202);
    expect(comparable(await causedBy(cancelled.body.commandId, 1), cancelViaHttp, ids.h2)).toEqual(comparable(kafkaCancelled, cancelViaKafka, ids.k2));
  });

  it('publishes the command on its topic under its customer\'s key, from the service, acted by the token\'s sub, correlated with the HTTP request', async () => {
    const customerId = await newCustomer();
    const requestId = world.id('req');
    const answer = await fetch(`${request.url}/v1/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await asReseller(reseller, 'agent-7')}`, 'content-type': 'application/json', 'x-request-id': 'portal-click-42' },
      body: JSON.stringify(ask(requestId, customerId)),
    });
    expect(answer.status).toBe(202);
    const { commandId } = (await answer.json()) as { commandId: string };
    const command = await probe.waitFor('the command on mp.request-commands.v1', () => probe.seen.find((s) => s.envelope?.id === commandId));
    expect(command).toMatchObject({ topic: Topics.requestCommands, key: customerId });
    expect(command.envelope).toMatchObject({
      type: 'RequestRelationship',
      source: 'request-service/http',
      subject: customerId,
      correlationid: 'portal-click-42',
      data: { requestId, customerId, resellerId: reseller, requestedBy: { userId: 'agent-7' } },
    });
    const [requested] = await causedBy(commandId, 1);
    expect(requested).toMatchObject({ type: 'RelationshipRequested', correlationid: 'portal-click-42', data: { requestedBy: { userId: 'agent-7' } } });
  });

  it('an indirect provider ends its indirect reseller\'s relationship as provider; a partner that is not its provider gets 403', async () => {
    const customerId = await newCustomer();
    const requestId = world.id('req');
    const requested = await post(request, '/v1/requests', await asReseller(indirect), { ...ask(requestId, customerId), indirectProviderId: provider });
    expect((await causedBy(requested.body.commandId, 1))[0].type).toBe('RelationshipRequested');
    const approved = await post(consent, `/v1/requests/${requestId}/approve`, await asAdmin(customerId), { grantDelegatedAdmin: false });
    expect((await causedBy(approved.body.commandId, 1))[0].type).toBe('RelationshipEstablished');

    const stranger = await post(consent, `/v1/customers/${customerId}/resellers/${indirect}/end`, await asReseller(otherReseller));
    expect(stranger.status).toBe(403);
    const ended = await post(consent, `/v1/customers/${customerId}/resellers/${indirect}/end`, await asReseller(provider, 'provider-user'));
    expect(ended.status).toBe(202);
    const [event] = await causedBy(ended.body.commandId, 1);
    expect(event).toMatchObject({ type: 'RelationshipEnded', data: { endedBy: { party: 'provider', userId: 'provider-user' }, relationship: { status: 'ended', indirectProviderId: provider } } });
  });

  describe('who may not', () => {
    const requestId = 'r-refused';
    // Fresh customers for each test: what was refused is looked for under their keys.
    let customerA: string;
    let customerB: string;

    beforeEach(() => {
      [customerA, customerB] = [world.id('cust'), world.id('cust')];
    });

    /** Nothing was published for the customer: a valid command sent after the refused ones is the first one of its key (one producer, one partition, in order). */
    async function nothingPublishedFor(customerId: string): Promise<void> {
      const marker = await post(request, '/v1/requests', await asReseller(), ask(world.id('marker'), customerId));
      expect(marker.status).toBe(202);
      await probe.waitFor('the marker command', () => probe.seen.some((s) => s.envelope?.id === marker.body.commandId));
      expect(commandsFor(customerId).map((s) => s.envelope?.id)).toEqual([marker.body.commandId]);
    }

    it('no token, or a malformed or badly signed one: 401 with WWW-Authenticate: Bearer, on every route', async () => {
      const routes: Array<[RunningService, string]> = [
        [request, '/v1/requests'],
        [request, `/v1/requests/${requestId}/cancel`],
        [consent, `/v1/requests/${requestId}/approve`],
        [consent, `/v1/requests/${requestId}/decline`],
        [consent, `/v1/customers/${customerA}/resellers/${reseller}/end`],
        [consent, `/v1/customers/${customerA}/resellers/${reseller}/revoke-admin`],
      ];
      const forged = (await mintToken({ role: 'ops' }, { secret: 'another-secret-that-is-long-enough!!' })).token;
      for (const [service, path] of routes) {
        for (const bearer of [undefined, 'not-a-jwt', forged]) {
          const answer = await post(service, path, bearer, { customerId: customerA });
          expect({ path, status: answer.status, challenge: answer.headers.get('www-authenticate')?.startsWith('Bearer') }).toEqual({ path, status: 401, challenge: true });
        }
      }
    });

    it('an expired token: 401 saying it expired', async () => {
      const yesterday = new Date(Date.now() - 86_400_000);
      const expired = await tokenFor({ role: 'reseller', partner: reseller, expiresIn: '1h' }, yesterday);
      const answer = await post(request, '/v1/requests', expired, ask(requestId, customerA));
      expect(answer.status).toBe(401);
      expect(answer.body.message).toMatch(/expired/);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
      await nothingPublishedFor(customerA);
    });

    it('a body over the HTTP limit: 413, and nothing is published', async () => {
      const answer = await post(request, '/v1/requests', await asReseller(), { ...ask(requestId, customerA), message: 'x'.repeat(Number(process.env.HTTP_MAX_BODY_BYTES ?? 64 * 1024) + 1) });
      expect(answer.status).toBe(413);
      await nothingPublishedFor(customerA);
    });

    it('a reseller cannot approve, decline or revoke (403); an ops token makes no command (403)', async () => {
      const asPartner = await asReseller();
      for (const path of [`/v1/requests/${requestId}/approve`, `/v1/requests/${requestId}/decline`]) {
        expect((await post(consent, path, asPartner, { customerId: customerA })).status).toBe(403);
      }
      expect((await post(consent, `/v1/customers/${customerA}/resellers/${reseller}/revoke-admin`, asPartner)).status).toBe(403);
      const ops = await tokenFor({ role: 'ops' });
      expect((await post(request, '/v1/requests', ops, { ...ask(requestId, customerA), resellerId: reseller })).status).toBe(403);
      expect((await post(consent, `/v1/customers/${customerA}/resellers/${reseller}/end`, ops)).status).toBe(403);
      await nothingPublishedFor(customerA);
    });

    it('an admin of customer A cannot act for B (403), on any route', async () => {
      const adminA = await asAdmin(customerA);
      const answers = [
        await post(consent, `/v1/requests/${requestId}/approve`, adminA, { customerId: customerB }),
        await post(consent, `/v1/requests/${requestId}/decline`, adminA, { customerId: customerB }),
        await post(consent, `/v1/customers/${customerB}/resellers/${reseller}/end`, adminA),
        await post(consent, `/v1/customers/${customerB}/resellers/${reseller}/revoke-admin`, adminA),
        await post(request, '/v1/requests', adminA, ask(requestId, customerB)),
      ];
      expect(answers.map((a) => a.status)).toEqual([403, 403, 403, 403, 403]);
      expect(answers[0].body).toMatchObject({ statusCode: 403, error: 'Forbidden', message: expect.stringContaining(customerA) });
      await nothingPublishedFor(customerB);
    });

    it('a reseller cannot request or cancel for another reseller (403), nor end another\'s relationship (403)', async () => {
      const other = await asReseller(otherReseller);
      expect((await post(request, '/v1/requests', other, { ...ask(requestId, customerB), resellerId: reseller })).status).toBe(403);
      expect((await post(request, `/v1/requests/${requestId}/cancel`, other, { customerId: customerB, resellerId: reseller })).status).toBe(403);
      expect((await post(consent, `/v1/customers/${customerB}/resellers/${reseller}/end`, other)).status).toBe(403);
      await nothingPublishedFor(customerB);
    });

    it('an invalid body is a 400 naming every field, and nothing is published', async () => {
      const customerId = customerA;
      const bad = await post(request, '/v1/requests', await asReseller(), { requestId: 'x'.repeat(200), customerId, services: [], delegatedAdmin: { roles: ['AdminAgent'], durationDays: 0, autoExtend: false }, colour: 'red' });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringContaining('RequestRelationship breaks its rules') });
      expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['colour', 'delegatedAdmin.durationDays', 'requestId', 'services']);

      const hostile = await fetch(`${request.url}/v1/requests`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await asReseller()}`, 'content-type': 'application/json' },
        body: `{"requestId":"r-h","customerId":"${customerId}","services":["Azure"],"__proto__":{"admin":true}}`,
      });
      expect(hostile.status).toBe(400);
      expect(await hostile.json()).toMatchObject({ details: [{ field: '__proto__', constraints: ['the key "__proto__" is not allowed'] }] });

      const notJson = await fetch(`${consent.url}/v1/requests/r-1/approve`, { method: 'POST', headers: { authorization: `Bearer ${await asAdmin(customerId)}`, 'content-type': 'application/json' }, body: '{"grantDelegatedAdmin":' });
      expect(notJson.status).toBe(400);
      expect((await post(consent, `/v1/requests/r-1/approve`, await asAdmin(customerId), { grantDelegatedAdmin: 'yes' })).body.details).toEqual([{ field: 'grantDelegatedAdmin', constraints: ['grantDelegatedAdmin must be a boolean value'] }]);
      expect((await post(request, `/v1/requests/r-1/cancel`, await asReseller(), {})).body.details).toEqual([{ field: 'customerId', constraints: expect.arrayContaining(['customerId must be a string']) }]);
      await nothingPublishedFor(customerId);
    });

    it('a body that names the acting user is a 400 saying the user is the token\'s, and nothing is published', async () => {
      const customerId = customerA;
      const answer = await post(request, '/v1/requests', await asReseller(), { ...ask('r-actor', customerId), requestedBy: { userId: 'the-boss' } });
      expect(answer).toMatchObject({ status: 400, body: { details: [{ field: 'requestedBy', constraints: ['must not be given: the acting user is the token\'s "sub"'] }] } });
      const approve = await post(consent, '/v1/requests/r-actor/approve', await asAdmin(customerId), { approvedBy: { userId: 'the-boss' } });
      expect(approve.status).toBe(400);
      const end = await post(consent, `/v1/customers/${customerId}/resellers/${reseller}/end`, await asAdmin(customerId), { endedBy: { party: 'reseller', userId: agent } });
      expect(end.status).toBe(400);
      await nothingPublishedFor(customerId);
    });
  });

  it('documents the routes in OpenAPI at /docs on both services', async () => {
    const paths = async (service: RunningService) => Object.keys(((await (await fetch(`${service.url}/docs-json`)).json()) as { paths: Record<string, unknown> }).paths);
    expect(await paths(request)).toEqual(expect.arrayContaining(['/v1/requests', '/v1/requests/{requestId}/cancel']));
    expect(await paths(consent)).toEqual(
      expect.arrayContaining(['/v1/requests/{requestId}/approve', '/v1/requests/{requestId}/decline', '/v1/customers/{customerId}/resellers/{resellerId}/end', '/v1/customers/{customerId}/resellers/{resellerId}/revoke-admin']),
    );
  });
});

/**
 * directory-service against real Kafka and Redis: upstream reference data and the lifecycle events
 * that request- and consent-service would emit go in on the topics; the HTTP answers of DESIGN §6
 * come out. Nothing is mocked; every wait polls the API until the read model shows the events.
 */
import type { Type } from '@nestjs/common';
import type { CloudEvent } from '@mp/contracts';
import { isolateTestRun } from './support/isolation';
import { RunningService, startService } from './support/service-harness';
import { TopicProbe } from './support/topic-probe';
import { opsHeaders } from './support/tokens';

jest.setTimeout(180_000);

interface Answer {
  status: number;
  body: any;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- event data, as upstream would send it

const T0 = Date.parse('2025-03-01T09:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const DAY = 24 * 60 * 60_000;
const plusDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY).toISOString();

const NO_PRIVILEGES = { status: 'none', roles: [], services: [], autoExtend: false };

function privileges(roles: string[], services: string[], grantedAt: string, days: number, autoExtend: boolean) {
  return { status: 'active', roles, services, grantedAt, expiresAt: plusDays(grantedAt, days), durationDays: days, autoExtend };
}

function relationship(customerId: string, resellerId: string, fields: Record<string, unknown>) {
  return { customerId, resellerId, status: 'active', channel: 'direct', delegatedAdmin: NO_PRIVILEGES, ...fields };
}

function requested(requestId: string, customerId: string, resellerId: string, services: string[], requestedAt: string, fields: Record<string, unknown> = {}) {
  return {
    requestId,
    customerId,
    resellerId,
    services,
    channel: 'direct',
    requestedBy: { userId: 'seller-1' },
    status: 'pending',
    requestedAt,
    expiresAt: plusDays(requestedAt, 90),
    ...fields,
  };
}

describe('directory-service (real Kafka and Redis)', () => {
  let run: ReturnType<typeof isolateTestRun>;
  let service: RunningService | undefined;
  let probe: TopicProbe | undefined;

  async function get(path: string): Promise<Answer> {
    const response = await fetch(`${service!.url}${path}`, { headers: { accept: 'application/json', ...(await opsHeaders()) } });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (the Swagger UI page): keep the text
    }
    return { status: response.status, body };
  }

  /** Polls `path` until `ok` holds: the read model is eventually consistent with the topics. */
  async function until(path: string, ok: (answer: Answer) => boolean, timeoutMs = 60_000): Promise<Answer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = await get(path);
      if (ok(answer)) return answer;
      if (Date.now() > deadline) throw new Error(`timed out waiting on GET ${path}; last answer ${answer.status} ${JSON.stringify(answer.body)}`);
      await sleep(100);
    }
  }

  const publish = (type: Parameters<TopicProbe['publish']>[0], data: unknown) => probe!.publish(type, data);

  // ids: sortable by design, so the pagination order is known
  let ids: {
    contoso: string;
    northwind: string;
    provider: string;
    litware: string;
    adatum: string;
    fourthCoffee: string;
    customer: string;
    ghost: string;
    pageCustomers: string[];
    early: string;
    late: string;
    sub: (n: number) => string;
    req: (n: number) => string;
  };
  const sent: Record<string, CloudEvent> = {};
  const contosoSince = at(10);
  const contosoPrivileges = privileges(['HelpdeskAdministrator'], ['Azure'], contosoSince, 90, true);

  beforeAll(async () => {
    run = isolateTestRun('directory'); // before the service exists: its own topics, groups and keys
    const base = run.id('t');
    ids = {
      contoso: `${base}-res-contoso`,
      northwind: `${base}-res-northwind`,
      provider: `${base}-prov-wideworld`,
      litware: `${base}-res-litware`,
      adatum: `${base}-res-adatum`,
      fourthCoffee: `${base}-res-fourthcoffee`,
      customer: `c-${base}-fabrikam`,
      ghost: `c-${base}-ghost`,
      pageCustomers: [1, 2, 3, 4, 5, 6].map((n) => `p-${base}-${n}`),
      early: `0-${base}-early`,
      late: `z-${base}-late`,
      sub: (n) => `${base}-sub-${n}`,
      req: (n) => `${base}-req-${n}`,
    };
    // Loaded only now, so the module reads the isolated environment (log level, prefixes).
    const { DirectoryServiceModule } = (await import('../apps/directory-service/src/directory-service.module')) as { DirectoryServiceModule: Type };
    const { directoryServiceOptions } = await import('../apps/directory-service/src/directory-service.options');
    service = await startService(DirectoryServiceModule, directoryServiceOptions);
    probe = new TopicProbe();
    await probe.start();
  });

  afterAll(async () => {
    await probe?.stop();
    await service?.close();
    await run?.cleanup();
  });

  it('projects reference data: partners, customers, subscriptions', async () => {
    const partners: Array<[string, string, string]> = [
      [ids.contoso, 'Contoso Cloud', 'direct-reseller'],
      [ids.northwind, 'Northwind Indirect', 'indirect-reseller'],
      [ids.provider, 'Wide World Distribution', 'indirect-provider'],
      [ids.litware, 'Litware Dynamics', 'direct-reseller'],
      [ids.adatum, 'Adatum Security', 'direct-reseller'],
      [ids.fourthCoffee, 'Fourth Coffee', 'direct-reseller'],
    ];
    for (const [partnerId, name, kind] of partners) {
      await publish('PartnerRegistered', { partnerId, name, kind, specializations: ['Azure'], countries: ['FR'] });
    }
    await publish('PartnersLinked', { indirectProviderId: ids.provider, indirectResellerId: ids.northwind });

    await publish('CustomerRegistered', { customerId: ids.customer, name: 'Fabrikam', country: 'FR', admins: ['admin-1'] });
    for (const [i, customerId] of ids.pageCustomers.entries()) {
      await publish('CustomerRegistered', { customerId, name: `Page Customer ${i + 1}`, country: 'FR', admins: ['admin-1'] });
    }
    await publish('SubscriptionCreated', { subscriptionId: ids.sub(1), customerId: ids.customer, partnerOfRecordId: ids.contoso, service: 'Azure', quantity: 10 });
    await publish('SubscriptionCreated', { subscriptionId: ids.sub(2), customerId: ids.customer, partnerOfRecordId: ids.northwind, service: 'Microsoft365', quantity: 25 });
    await publish('SubscriptionCreated', { subscriptionId: ids.sub(3), customerId: ids.customer, partnerOfRecordId: ids.contoso, service: 'Dynamics365', quantity: 3 });
    await publish('SubscriptionCancelled', { subscriptionId: ids.sub(3), customerId: ids.customer });

    for (const [partnerId] of partners) await until(`/v1/resellers/${partnerId}/customers`, (a) => a.status === 200);
    for (const customerId of ids.pageCustomers) await until(`/v1/customers/${customerId}/subscriptions`, (a) => a.status === 200);
    const subscriptions = await until(
      `/v1/customers/${ids.customer}/subscriptions`,
      (a) => a.status === 200 && a.body.subscriptions.some((s: { status: string }) => s.status === 'cancelled'),
    );

    expect(subscriptions.body).toEqual({
      customerId: ids.customer,
      subscriptions: [
        { subscriptionId: ids.sub(1), service: 'Azure', quantity: 10, partnerOfRecordId: ids.contoso, status: 'active' },
        { subscriptionId: ids.sub(2), service: 'Microsoft365', quantity: 25, partnerOfRecordId: ids.northwind, status: 'active' },
        { subscriptionId: ids.sub(3), service: 'Dynamics365', quantity: 3, partnerOfRecordId: ids.contoso, status: 'cancelled' },
      ],
    });
  });

  it('projects requests and relationships, and answers which resellers serve the customer', async () => {
    const c = ids.customer;
    // request-service's events first: one topic, and the relationship events below refer to them.
    sent.r1 = await publish('RelationshipRequested', requested(ids.req(1), c, ids.contoso, ['Azure'], at(1), { delegatedAdmin: { roles: ['HelpdeskAdministrator'], durationDays: 90, autoExtend: true } }));
    sent.r2 = await publish('RelationshipRequested', requested(ids.req(2), c, ids.northwind, ['Microsoft365'], at(2), { channel: 'indirect', indirectProviderId: ids.provider }));
    sent.r3 = await publish('RelationshipRequested', requested(ids.req(3), c, ids.litware, ['Dynamics365'], at(3), { message: 'We would like to help with Dynamics.' }));
    sent.r4 = await publish('RequestRejected', {
      requestId: ids.req(4),
      customerId: c,
      resellerId: ids.fourthCoffee,
      reason: 'REGION_MISMATCH',
      message: 'Fourth Coffee does not sell in FR.',
      command: 'RequestRelationship',
      actor: { userId: 'seller-4' },
    });
    sent.r5 = await publish('RelationshipRequested', requested(ids.req(5), c, ids.adatum, ['Security'], at(4)));
    sent.r6 = await publish('RelationshipRequested', requested(ids.req(6), c, ids.contoso, ['Microsoft365'], at(5)));
    sent.r7 = await publish('RelationshipRequested', requested(ids.req(7), c, ids.contoso, ['Microsoft365'], at(6)));
    sent.ghost = await publish('RequestRejected', {
      requestId: ids.req(99),
      customerId: ids.ghost,
      resellerId: ids.contoso,
      reason: 'CUSTOMER_UNKNOWN',
      message: 'No such customer.',
      command: 'RequestRelationship',
      actor: { userId: 'seller-1' },
    });
    await until(`/v1/customers/${c}/requests`, (a) => a.status === 200 && a.body.requests.length === 7);
    await until(`/v1/requests/${ids.req(99)}`, (a) => a.status === 200);

    // consent-service's events, in the order it would emit them for this customer
    sent.est1 = await publish('RelationshipEstablished', {
      customerId: c,
      resellerId: ids.contoso,
      requestId: ids.req(1),
      approvedBy: { userId: 'admin-1' },
      relationship: relationship(c, ids.contoso, { services: ['Azure'], since: contosoSince, delegatedAdmin: contosoPrivileges }),
    });
    sent.est2 = await publish('RelationshipEstablished', {
      customerId: c,
      resellerId: ids.northwind,
      requestId: ids.req(2),
      approvedBy: { userId: 'admin-1' },
      relationship: relationship(c, ids.northwind, { channel: 'indirect', indirectProviderId: ids.provider, services: ['Microsoft365'], since: at(11) }),
    });
    sent.est5 = await publish('RelationshipEstablished', {
      customerId: c,
      resellerId: ids.adatum,
      requestId: ids.req(5),
      approvedBy: { userId: 'admin-1' },
      relationship: relationship(c, ids.adatum, { services: ['Security'], since: at(12) }),
    });
    sent.upd7 = await publish('RelationshipUpdated', {
      customerId: c,
      resellerId: ids.contoso,
      requestId: ids.req(7),
      approvedBy: { userId: 'admin-1' },
      addedServices: ['Microsoft365'],
      relationship: relationship(c, ids.contoso, { services: ['Azure', 'Microsoft365'], since: contosoSince, delegatedAdmin: contosoPrivileges }),
    });
    sent.end5 = await publish('RelationshipEnded', {
      customerId: c,
      resellerId: ids.adatum,
      endedBy: { party: 'customer', userId: 'admin-1' },
      reason: 'Project finished.',
      relationship: relationship(c, ids.adatum, { status: 'ended', services: ['Security'], since: at(12), endedAt: at(20) }),
    });
    // last on this customer's partition: once it shows, everything before it has been folded
    sent.dec6 = await publish('RequestDeclined', {
      customerId: c,
      resellerId: ids.contoso,
      requestId: ids.req(6),
      declinedBy: { userId: 'admin-1' },
      reason: 'Not this year.',
      status: 'declined',
      declinedAt: at(21),
    });
    await until(`/v1/requests/${ids.req(6)}`, (a) => a.status === 200 && a.body.status === 'declined');

    const answer = await get(`/v1/customers/${c}/resellers`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      customerId: c,
      resellers: [
        {
          resellerId: ids.contoso,
          name: 'Contoso Cloud',
          channel: 'direct',
          services: ['Azure', 'Microsoft365'],
          since: contosoSince,
          delegatedAdmin: { status: 'active', roles: ['HelpdeskAdministrator'], expiresAt: contosoPrivileges.expiresAt, autoExtend: true },
        },
        {
          resellerId: ids.northwind,
          name: 'Northwind Indirect',
          channel: 'indirect',
          indirectProviderId: ids.provider,
          services: ['Microsoft365'],
          since: at(11),
          delegatedAdmin: { status: 'none', roles: [], autoExtend: false },
        },
      ],
    });
  });

  it('filters the resellers by service', async () => {
    const ofService = async (service: string) =>
      (await get(`/v1/customers/${ids.customer}/resellers?service=${service}`)).body.resellers.map((r: { resellerId: string }) => r.resellerId);
    expect(await ofService('Azure')).toEqual([ids.contoso]);
    expect(await ofService('Microsoft365')).toEqual([ids.contoso, ids.northwind]);
    expect(await ofService('Security')).toEqual([]); // Adatum's relationship has ended
    expect(await ofService('Dynamics365')).toEqual([]); // Litware's request is still pending
  });

  it("lists the customer's requests newest first, and filters them by status", async () => {
    const answer = await get(`/v1/customers/${ids.customer}/requests`);
    expect(answer.status).toBe(200);
    expect(answer.body.customerId).toBe(ids.customer);
    // R4 was refused at intake "now", after every other request's requestedAt
    expect(answer.body.requests.map((r: { requestId: string; status: string }) => [r.requestId, r.status])).toEqual([
      [ids.req(4), 'rejected'],
      [ids.req(7), 'approved'],
      [ids.req(6), 'declined'],
      [ids.req(5), 'approved'],
      [ids.req(3), 'pending'],
      [ids.req(2), 'approved'],
      [ids.req(1), 'approved'],
    ]);
    expect(answer.body.requests[4]).toEqual({
      requestId: ids.req(3),
      customerId: ids.customer,
      resellerId: ids.litware,
      services: ['Dynamics365'],
      channel: 'direct',
      message: 'We would like to help with Dynamics.',
      requestedBy: { userId: 'seller-1' },
      status: 'pending',
      requestedAt: at(3),
      expiresAt: plusDays(at(3), 90),
      updatedAt: sent.r3.time, // the time of the last step's event
    });
    expect(answer.body.requests[0]).toMatchObject({ resellerId: ids.fourthCoffee, rejection: 'REGION_MISMATCH', requestedBy: { userId: 'seller-4' } });

    const ofStatus = async (status: string) =>
      (await get(`/v1/customers/${ids.customer}/requests?status=${status}`)).body.requests.map((r: { requestId: string }) => r.requestId);
    expect(await ofStatus('pending')).toEqual([ids.req(3)]);
    expect(await ofStatus('approved')).toEqual([ids.req(7), ids.req(5), ids.req(2), ids.req(1)]);
    expect(await ofStatus('declined')).toEqual([ids.req(6)]);
    expect(await ofStatus('rejected')).toEqual([ids.req(4)]);
    expect(await ofStatus('cancelled')).toEqual([]);
    expect(await ofStatus('expired')).toEqual([]);
  });

  it('answers one request with its status and history', async () => {
    const approved = await get(`/v1/requests/${ids.req(1)}`);
    expect(approved.status).toBe(200);
    expect(approved.body).toEqual({
      requestId: ids.req(1),
      customerId: ids.customer,
      resellerId: ids.contoso,
      services: ['Azure'],
      delegatedAdmin: { roles: ['HelpdeskAdministrator'], durationDays: 90, autoExtend: true },
      channel: 'direct',
      requestedBy: { userId: 'seller-1' },
      status: 'approved',
      requestedAt: at(1),
      expiresAt: plusDays(at(1), 90),
      updatedAt: sent.est1.time,
      history: [
        { eventId: sent.r1.id, type: 'RelationshipRequested', at: sent.r1.time, status: 'pending', by: 'seller-1' },
        { eventId: sent.est1.id, type: 'RelationshipEstablished', at: sent.est1.time, status: 'approved', by: 'admin-1' },
      ],
    });

    const declined = await get(`/v1/requests/${ids.req(6)}`);
    expect(declined.body.status).toBe('declined');
    expect(declined.body.history.map((h: { type: string; status: string }) => [h.type, h.status])).toEqual([
      ['RelationshipRequested', 'pending'],
      ['RequestDeclined', 'declined'],
    ]);
    expect(declined.body.history[1]).toMatchObject({ by: 'admin-1', reason: 'Not this year.' });

    // refused at intake for a customer the directory does not know: the request is still found
    const ghost = await get(`/v1/requests/${ids.req(99)}`);
    expect(ghost.body).toMatchObject({ requestId: ids.req(99), customerId: ids.ghost, status: 'rejected', rejection: 'CUSTOMER_UNKNOWN' });
    expect(ghost.body.history).toEqual([{ eventId: sent.ghost.id, type: 'RequestRejected', at: sent.ghost.time, status: 'rejected', by: 'seller-1', reason: 'CUSTOMER_UNKNOWN' }]);
  });

  it("answers a reseller's customers, and nothing for an ended relationship", async () => {
    const northwind = await get(`/v1/resellers/${ids.northwind}/customers`);
    expect(northwind.status).toBe(200);
    expect(northwind.body).toEqual({
      resellerId: ids.northwind,
      customers: [{ customerId: ids.customer, name: 'Fabrikam', services: ['Microsoft365'], since: at(11), delegatedAdmin: { status: 'none', roles: [], autoExtend: false } }],
    });
    expect((await get(`/v1/resellers/${ids.adatum}/customers`)).body).toEqual({ resellerId: ids.adatum, customers: [] });
    expect((await get(`/v1/resellers/${ids.litware}/customers`)).body).toEqual({ resellerId: ids.litware, customers: [] });
  });

  it('answers 404 with a JSON error for what it does not know', async () => {
    const unknownCustomer = `c-${run.id('nobody')}`;
    for (const path of [
      `/v1/customers/${unknownCustomer}/resellers`,
      `/v1/customers/${unknownCustomer}/subscriptions`,
      `/v1/customers/${unknownCustomer}/requests`,
      // a customer only seen in a rejected request has no profile: still unknown
      `/v1/customers/${ids.ghost}/resellers`,
      `/v1/requests/${run.id('no-request')}`,
      `/v1/resellers/${run.id('no-reseller')}/customers`,
    ]) {
      const answer = await get(path);
      expect({ path, status: answer.status }).toEqual({ path, status: 404 });
      expect(answer.body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.stringMatching(/is not known to the directory/) });
    }
  });

  it('answers 400 with a JSON error for bad parameters', async () => {
    const contoso = `/v1/resellers/${ids.contoso}/customers`;
    const foreignCursor = Buffer.from('cust-1').toString('base64url');
    const cases: Array<[string, RegExp]> = [
      [`/v1/customers/${ids.customer}/requests?status=bogus`, /status must be one of the following values/],
      [`${contoso}?limit=0`, /limit must not be less than 1/],
      [`${contoso}?limit=101`, /limit must not be greater than 100/],
      [`${contoso}?limit=abc`, /limit must be an integer/],
      [`${contoso}?limit=2.5`, /limit must be an integer/],
      [`${contoso}?cursor=not*a*cursor`, /cursor must be a nextCursor/],
      [`${contoso}?cursor=${foreignCursor}`, /cursor must be a nextCursor/],
      [`${contoso}?page=2`, /property page should not exist/],
      [`/v1/customers/${ids.customer}/resellers?service=`, /service should not be empty/],
      [`/v1/customers/${'x'.repeat(129)}/resellers`, /customerId must be shorter than or equal to 128 characters/],
    ];
    for (const [path, message] of cases) {
      const answer = await get(path);
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
      expect(answer.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringMatching(message) });
      expect(answer.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: expect.any(String), constraints: expect.any(Array) })]));
    }
  });

  it('pages through a reseller\'s customers with no duplicates or gaps while relationships change', async () => {
    for (const [i, customerId] of ids.pageCustomers.entries()) {
      await publish('RelationshipEstablished', {
        customerId,
        resellerId: ids.contoso,
        requestId: `${customerId}-req`,
        approvedBy: { userId: 'admin-1' },
        relationship: relationship(customerId, ids.contoso, { services: ['Azure'], since: at(30 + i) }),
      });
    }
    const all = [ids.customer, ...ids.pageCustomers]; // sorted by id by construction
    expect([...all].sort()).toEqual(all);
    const everything = `/v1/resellers/${ids.contoso}/customers?limit=100`;
    const ofPage = (answer: Answer) => answer.body.customers.map((c: { customerId: string }) => c.customerId);
    await until(everything, (a) => a.status === 200 && ofPage(a).length === all.length);

    const first = await get(`/v1/resellers/${ids.contoso}/customers?limit=3`);
    expect(ofPage(first)).toEqual(all.slice(0, 3));
    expect(first.body.nextCursor).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]+$/));
    expect(first.body.customers[1]).toEqual({
      customerId: ids.pageCustomers[0],
      name: 'Page Customer 1',
      services: ['Azure'],
      since: at(30),
      delegatedAdmin: { status: 'none', roles: [], autoExtend: false },
    });

    // Between two pages: a customer arrives before the cursor, one after it, and one ahead ends.
    const ending = all[4];
    for (const customerId of [ids.early, ids.late]) {
      await publish('CustomerRegistered', { customerId, name: `Customer ${customerId}`, country: 'FR', admins: ['admin-1'] });
      await publish('RelationshipEstablished', {
        customerId,
        resellerId: ids.contoso,
        requestId: `${customerId}-req`,
        approvedBy: { userId: 'admin-1' },
        relationship: relationship(customerId, ids.contoso, { services: ['Azure'], since: at(40) }),
      });
    }
    await publish('RelationshipEnded', {
      customerId: ending,
      resellerId: ids.contoso,
      endedBy: { party: 'reseller', userId: 'seller-1' },
      relationship: relationship(ending, ids.contoso, { status: 'ended', services: ['Azure'], since: at(33), endedAt: at(41) }),
    });
    const now = [ids.early, ...all.filter((id) => id !== ending), ids.late];
    await until(everything, (a) => JSON.stringify(ofPage(a)) === JSON.stringify(now));

    const second = await get(`/v1/resellers/${ids.contoso}/customers?limit=3&cursor=${first.body.nextCursor}`);
    expect(second.status).toBe(200);
    expect(ofPage(second)).toEqual([all[3], all[5], all[6]]);
    const third = await get(`/v1/resellers/${ids.contoso}/customers?limit=3&cursor=${second.body.nextCursor}`);
    expect(ofPage(third)).toEqual([ids.late]);
    expect(third.body).not.toHaveProperty('nextCursor');

    const walked = [...ofPage(first), ...ofPage(second), ...ofPage(third)];
    expect(new Set(walked).size).toBe(walked.length); // no duplicates
    // no gaps: every customer present from the first page to the last was shown
    expect(walked).toEqual(expect.arrayContaining(all.filter((id) => id !== ending)));
    expect(walked).not.toContain(ending);

    // the default limit is 20
    expect(ofPage(await get(`/v1/resellers/${ids.contoso}/customers`))).toEqual(now);
  });

  it('changes nothing when the same envelopes are delivered again', async () => {
    const c = ids.customer;
    const before = {
      resellers: await get(`/v1/customers/${c}/resellers`),
      requests: await get(`/v1/customers/${c}/requests`),
      request1: await get(`/v1/requests/${ids.req(1)}`),
      request4: await get(`/v1/requests/${ids.req(4)}`),
      adatum: await get(`/v1/resellers/${ids.adatum}/customers`),
      contoso: await get(`/v1/resellers/${ids.contoso}/customers`),
    };

    // The same envelopes (same ids) again, including an establishment whose relationship has ended since.
    for (const envelope of [sent.r1, sent.r4, sent.est1, sent.est5, sent.end5, sent.upd7]) await probe!.sendEnvelope(envelope);

    // Markers behind them on the same partitions (same topic, same customer key), to know they were handled.
    const newExpiry = plusDays(contosoPrivileges.expiresAt, 180);
    await publish('RelationshipRequested', requested(ids.req(8), c, ids.litware, ['Dynamics365'], at(8)));
    await publish('DelegatedAdminExtended', {
      customerId: c,
      resellerId: ids.contoso,
      delegatedAdmin: { ...contosoPrivileges, expiresAt: newExpiry },
      previousExpiresAt: contosoPrivileges.expiresAt,
    });
    await until(`/v1/requests/${ids.req(8)}`, (a) => a.status === 200);
    const resellers = await until(`/v1/customers/${c}/resellers`, (a) => a.body.resellers?.[0]?.delegatedAdmin?.expiresAt === newExpiry);

    // the resellers: the same, but for the marker's new expiry
    const expected = structuredClone(before.resellers.body);
    expected.resellers[0].delegatedAdmin.expiresAt = newExpiry;
    expect(resellers.body).toEqual(expected);
    // the requests: the same, plus the marker
    const requests = await get(`/v1/customers/${c}/requests`);
    expect(requests.body.requests.filter((r: { requestId: string }) => r.requestId !== ids.req(8))).toEqual(before.requests.body.requests);
    expect(await get(`/v1/requests/${ids.req(1)}`)).toEqual(before.request1);
    expect(await get(`/v1/requests/${ids.req(4)}`)).toEqual(before.request4);
    // the replayed establishment did not bring Adatum's ended relationship back
    expect(await get(`/v1/resellers/${ids.adatum}/customers`)).toEqual(before.adatum);
    expect(await get(`/v1/customers/${c}/resellers?service=Security`)).toEqual({ status: 200, body: { customerId: c, resellers: [] } });
    const contoso = await get(`/v1/resellers/${ids.contoso}/customers`);
    expect(contoso.body.customers.map((x: { customerId: string }) => x.customerId)).toEqual(before.contoso.body.customers.map((x: { customerId: string }) => x.customerId));
  });

  it('documents its routes and schemas in OpenAPI at /docs', async () => {
    expect((await get('/docs')).status).toBe(200);
    const doc = await get('/docs-json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/customers/{customerId}/resellers',
        '/v1/customers/{customerId}/subscriptions',
        '/v1/customers/{customerId}/requests',
        '/v1/requests/{requestId}',
        '/v1/resellers/{resellerId}/customers',
      ]),
    );
    const resellers = doc.body.paths['/v1/customers/{customerId}/resellers'].get;
    expect(resellers.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CustomerResellersDto' });
    expect(resellers.responses['404'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ErrorResponseDto' });
    expect(resellers.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`).sort()).toEqual(['path:customerId', 'query:service']);
    const page = doc.body.paths['/v1/resellers/{resellerId}/customers'].get.parameters;
    expect(page.find((p: { name: string }) => p.name === 'limit').schema).toMatchObject({ minimum: 1, maximum: 100, default: 20 });
    const schemas = doc.body.components.schemas;
    expect(Object.keys(schemas.CustomerResellerDto.properties).sort()).toEqual(
      ['channel', 'delegatedAdmin', 'indirectProviderId', 'name', 'resellerId', 'services', 'since'].sort(),
    );
    expect(schemas.RequestDetailDto.properties.history).toMatchObject({ type: 'array' });
    expect(schemas.ResellerCustomersDto.properties).toHaveProperty('nextCursor');
  });
});

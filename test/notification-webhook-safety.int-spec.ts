import 'reflect-metadata';
import { CloudEvent, validateData } from '@mp/contracts';
import { CustomerStore, PartnerStore } from '@mp/state';
import { Webhook } from 'standardwebhooks';
import { WebhookChannel } from '../apps/notification-service/src/channels/webhook.channel';
import type { Notification } from '../apps/notification-service/src/channels/notification-channel';
import { guardedLookup, Resolver, WebhookTargetRefused } from '../apps/notification-service/src/channels/webhook-request';
import { eventually } from './support/eventually';
import { isolateTestRun } from './support/isolation';
import { customerData, declinedData, OutcomeData, partnerData, requestedData, startNotificationService, webhookIdOf } from './support/notification-fixtures';
import { ScriptedCall, ScriptedWebhookReceiver } from './support/scripted-webhook-receiver';
import { RunningService } from './support/service-harness';
import { HOOKS_PARTNER_TEST_TLS } from './support/test-tls';
import { TopicProbe } from './support/topic-probe';

jest.setTimeout(120_000);

/*
 * Safe webhooks (DESIGN §10) with real sockets. NETWORK RULE: every address here is loopback
 * (127.0.0.0/8 or ::1); the one other name, `hooks.partner.test`, is answered by a resolver of the
 * test's own with 127.0.0.1, so no DNS server is asked anything. A refusal is shown by the
 * receiver it would have reached counting no connection at all.
 */

const secretOf = (fill: number) => `whsec_${Buffer.alloc(32, fill).toString('base64')}`;
const CURRENT = secretOf(1);
const RETIRED = secretOf(2);
const PARTY_OWN = secretOf(3);

// Isolation first: the service reads its settings when it is created. Only 127.0.0.1 is allow-listed here.
process.env.WEBHOOK_ALLOWED_HOSTS = '127.0.0.1';
process.env.WEBHOOK_SECRET = `${CURRENT} ${RETIRED}`;
process.env.WEBHOOK_BACKOFF_MS = '50';
const world = isolateTestRun('webhook-safety');

const event: CloudEvent = {
  specversion: '1.0',
  id: 'evt-safety-1',
  type: 'RelationshipRequested',
  source: 'request-service',
  time: '2026-01-01T00:00:00.000Z',
  subject: 'cust-1',
  datacontenttype: 'application/json',
  data: { customerId: 'cust-1' },
};
const notificationTo = (target: string, webhookSecret?: string): Notification => ({
  notificationId: 'notif-safety-1',
  event,
  recipient: { party: 'customer', partyId: 'cust-1' },
  target,
  contact: { webhookUrl: target, ...(webhookSecret ? { webhookSecret } : {}) },
});

/** Answers `hooks.partner.test` with 127.0.0.1 and nothing else; counts the questions. */
const resolverAsked: string[] = [];
const testResolver: Resolver = (hostname, _options, callback) => {
  resolverAsked.push(hostname);
  if (hostname === 'hooks.partner.test') return queueMicrotask(() => callback(null, [{ address: '127.0.0.1', family: 4 }]));
  queueMicrotask(() => callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname} (the test resolver knows only hooks.partner.test)`), { code: 'ENOTFOUND' }), []));
};

const verifies = (secret: string, call: ScriptedCall) => {
  try {
    new Webhook(secret).verify(call.body, call.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
};

describe('the webhook channel over real loopback sockets', () => {
  const untouchable = new ScriptedWebhookReceiver('127.0.0.1');
  const otherLoopback = new ScriptedWebhookReceiver('127.1.2.3');
  const ipv6Loopback = new ScriptedWebhookReceiver('::1');
  const allowed = new ScriptedWebhookReceiver('127.0.0.1');
  const channels: WebhookChannel[] = [];
  const tlsReceiver = new ScriptedWebhookReceiver('127.0.0.1', HOOKS_PARTNER_TEST_TLS);
  const channel = (allowedHosts: string[], options: { timeoutMs?: number; maxResponseBytes?: number } = {}) => {
    const made = new WebhookChannel({
      keys: Buffer.from(CURRENT.slice(6), 'base64'),
      timeoutMs: options.timeoutMs ?? 5_000,
      allowedHosts: new Set(allowedHosts),
      maxResponseBytes: options.maxResponseBytes ?? 65_536,
      resolve: testResolver,
      ca: [HOOKS_PARTNER_TEST_TLS.cert],
    });
    channels.push(made);
    return made;
  };

  beforeAll(async () => {
    await Promise.all([untouchable.start(), otherLoopback.start(), ipv6Loopback.start(), allowed.start(), tlsReceiver.start()]);
  });

  afterAll(async () => {
    channels.forEach((c) => c.close());
    await Promise.all([untouchable.stop(), otherLoopback.stop(), ipv6Loopback.stop(), allowed.stop(), tlsReceiver.stop()]);
  });

  const p = () => untouchable.port;
  it.each([
    ['http://127.0.0.1 while not allow-listed', () => `http://127.0.0.1:${p()}/hook`, [], /127\.0\.0\.1 is a loopback address/],
    ['https://127.0.0.1 while not allow-listed', () => `https://127.0.0.1:${p()}/hook`, [], /127\.0\.0\.1 is a loopback address/],
    ['http://0x7f000001 (hex)', () => `http://0x7f000001:${p()}/hook`, [], /127\.0\.0\.1 is a loopback address/],
    ['http://2130706433 (decimal)', () => `http://2130706433:${p()}/hook`, [], /127\.0\.0\.1 is a loopback address/],
    ['http://0177.0.0.1 (octal)', () => `http://0177.0.0.1:${p()}/hook`, [], /127\.0\.0\.1 is a loopback address/],
    ['http://127.1 (short)', () => `http://127.1:${p()}/hook`, [], /127\.0\.0\.1 is a loopback address/],
    ['http://[::ffff:127.0.0.1] (IPv4-mapped) although 127.0.0.1 is allow-listed', () => `http://[::ffff:127.0.0.1]:${p()}/hook`, ['127.0.0.1'], /::ffff:7f00:1 is an IPv4-mapped IPv6 address .* of 127\.0\.0\.1, a loopback/],
    ['http://localhost while not allow-listed', () => `http://localhost:${p()}/hook`, [], /localhost is a name of this machine/],
    ['https://localhost while not allow-listed', () => `https://localhost:${p()}/hook`, ['127.0.0.1'], /localhost is a name of this machine/],
    ['https://hooks.partner.test, a name that resolves to 127.0.0.1', () => `https://hooks.partner.test:${p()}/hook`, [], /hooks\.partner\.test resolves to 127\.0\.0\.1, and 127\.0\.0\.1 is a loopback address/],
  ])('refuses %s, and nothing connects', async (_case, target, allowedHosts, why) => {
    const result = await channel(allowedHosts).attempt(notificationTo(target()));
    expect(result).toEqual({ ok: false, reason: 'TARGET_REFUSED', error: expect.stringMatching(why) });
    expect(!result.ok && result.error).toMatch(/^webhook target refused, nothing sent: .*; webhooks go only to https: on public addresses, unless the host is in WEBHOOK_ALLOWED_HOSTS$/);
    expect(untouchable.connections).toBe(0);
  });

  it('refuses http://127.1.2.3, and nothing connects to the receiver listening there', async () => {
    const result = await channel([]).attempt(notificationTo(`http://127.1.2.3:${otherLoopback.port}/hook`));
    expect(result).toEqual({ ok: false, reason: 'TARGET_REFUSED', error: expect.stringMatching(/127\.1\.2\.3 is a loopback address/) });
    expect(otherLoopback.connections).toBe(0);
  });

  it('refuses http://[::1], and nothing connects to the receiver listening there', async () => {
    const result = await channel(['127.0.0.1', 'localhost']).attempt(notificationTo(`http://[::1]:${ipv6Loopback.port}/hook`));
    expect(result).toEqual({ ok: false, reason: 'TARGET_REFUSED', error: expect.stringMatching(/::1 is the loopback address \(::1\)/) });
    expect(ipv6Loopback.connections).toBe(0);
  });

  it("refuses localhost by what the system's resolver makes of it too, not only by its name (a lookup of localhost, no socket)", async () => {
    const answer = await new Promise<{ error: Error | null }>((resolve) =>
      (guardedLookup(new Set()) as (h: string, o: object, cb: (e: Error | null) => void) => void)('localhost', { all: true }, (error) => resolve({ error })),
    );
    expect(answer.error).toBeInstanceOf(WebhookTargetRefused);
    expect(answer.error?.message).toMatch(/^localhost resolves to (127\.0\.0\.1|::1), and .* loopback address/);
  });

  it('connects to the very address its lookup checked: an allow-listed name the test resolver answers with 127.0.0.1', async () => {
    const asked = resolverAsked.length;
    const result = await channel(['hooks.partner.test']).attempt(notificationTo(`http://hooks.partner.test:${allowed.port}/named`));
    expect(result).toEqual({ ok: true, statusCode: 204 });
    // No other resolver could have found this name: the socket dialled what the guarded lookup gave it, asked once.
    expect(resolverAsked.slice(asked)).toEqual(['hooks.partner.test']);
    const [call] = allowed.calls((c) => c.path === '/named');
    expect(call.headers.host).toBe(`hooks.partner.test:${allowed.port}`);
  });

  it('over https: keeps the URL\'s name for SNI, Host and the certificate check while it dials the address it checked', async () => {
    const result = await channel(['hooks.partner.test']).attempt(notificationTo(`https://hooks.partner.test:${tlsReceiver.port}/tls`));
    expect(result).toEqual({ ok: true, statusCode: 204 });
    const [call] = tlsReceiver.calls((c) => c.path === '/tls');
    expect(call.servername).toBe('hooks.partner.test');
    expect(call.headers.host).toBe(`hooks.partner.test:${tlsReceiver.port}`);
    // The same receiver by its address: the certificate names hooks.partner.test, not 127.0.0.1, and is refused.
    const byAddress = await channel(['127.0.0.1']).attempt(notificationTo(`https://127.0.0.1:${tlsReceiver.port}/tls-by-address`));
    expect(byAddress).toEqual({ ok: false, error: expect.stringMatching(/IP: 127\.0\.0\.1 is not in the cert's list|ERR_TLS_CERT_ALTNAME_INVALID/) });
    expect(tlsReceiver.calls((c) => c.path === '/tls-by-address')).toHaveLength(0);
  });

  it('does not follow a redirect from an allow-listed receiver to a loopback address that is not, and says so', async () => {
    allowed.redirect('/moved', `http://[::1]:${ipv6Loopback.port}/stolen`);
    const result = await channel(['127.0.0.1']).attempt(notificationTo(allowed.url('/moved')));
    expect(result).toEqual({
      ok: false,
      statusCode: 302,
      reason: 'REDIRECT_REFUSED',
      error: `HTTP 302: redirects are never followed: http://[::1]:${ipv6Loopback.port}/stolen (it would be refused too: ::1 is the loopback address (::1))`,
    });
    expect(allowed.calls((c) => c.path === '/moved')).toHaveLength(1);
    expect(ipv6Loopback.connections).toBe(0);
  });

  it('reads at most WEBHOOK_MAX_RESPONSE_BYTES of a response, then closes the connection: a 2xx still counts', async () => {
    allowed.endlessBody('/endless', 200);
    // A timeout far beyond the test's own: only the cap can end this attempt.
    const result = await channel(['127.0.0.1'], { timeoutMs: 600_000, maxResponseBytes: 1024 }).attempt(notificationTo(allowed.url('/endless')));
    expect(result).toEqual({ ok: true, statusCode: 200 });
    await eventually('the receiver to see its endless response cut', () => allowed.calls((c) => c.path === '/endless')[0]?.cut === true);
  });

  it('reads at most WEBHOOK_MAX_RESPONSE_BYTES of an error response too', async () => {
    allowed.endlessBody('/endless-error', 500);
    const result = await channel(['127.0.0.1'], { timeoutMs: 600_000, maxResponseBytes: 1024 }).attempt(notificationTo(allowed.url('/endless-error')));
    expect(result).toEqual({ ok: false, statusCode: 500, error: 'HTTP 500' });
    await eventually('the receiver to see its endless response cut', () => allowed.calls((c) => c.path === '/endless-error')[0]?.cut === true);
  });
});

describe('the notification-service: refused webhooks, a party secret and a rotation (real Kafka, Redis and HTTP)', () => {
  const receiver = new ScriptedWebhookReceiver('127.0.0.1');
  const untouchable = new ScriptedWebhookReceiver('127.0.0.1');
  const probe = new TopicProbe();
  let service: RunningService;

  const refusedCustomer = world.id('cust-refused');
  const plainCustomer = world.id('cust-plain');
  const movedReseller = world.id('res-moved');
  const ownSecretReseller = world.id('res-own');

  const settledFor = async (event: CloudEvent, partyId: string) =>
    eventually(`the outcome of ${event.type} to ${partyId}`, () => [...probe.events('NotificationDelivered'), ...probe.events('NotificationFailed')].find((e) => matches(e, event, partyId)));
  const matches = (e: CloudEvent, event: CloudEvent, partyId: string) => (e.data as OutcomeData).eventId === event.id && (e.data as OutcomeData).recipient.partyId === partyId;

  beforeAll(async () => {
    await Promise.all([receiver.start(), untouchable.start(), probe.start()]);
    service = await startNotificationService();
    receiver.redirect(`/resellers/${movedReseller}`, `http://localhost:${untouchable.port}/elsewhere`);

    await probe.publish('CustomerRegistered', customerData(refusedCustomer, { webhookUrl: `http://[::ffff:127.0.0.1]:${untouchable.port}/customers/${refusedCustomer}` }));
    await probe.publish('CustomerRegistered', customerData(plainCustomer, { webhookUrl: receiver.url(`/customers/${plainCustomer}`) }));
    await probe.publish('PartnerRegistered', partnerData(movedReseller, { webhookUrl: receiver.url(`/resellers/${movedReseller}`) }));
    await probe.publish('PartnerRegistered', { ...partnerData(ownSecretReseller, { webhookUrl: receiver.url(`/resellers/${ownSecretReseller}`) }), webhookSecret: PARTY_OWN });

    const customers = service.app.get(CustomerStore);
    const partners = service.app.get(PartnerStore);
    await eventually('the registrations to be folded', async () => {
      const known = await Promise.all([refusedCustomer, plainCustomer].map((id) => customers.get(id)));
      const resellers = await partners.getMany([movedReseller, ownSecretReseller]);
      return known.every((c) => c?.profile) && [...resellers.values()].filter((r) => r.profile).length === 2;
    });
  });

  afterAll(async () => {
    await service?.close();
    await probe.stop();
    await Promise.all([receiver.stop(), untouchable.stop()]);
    await world.cleanup();
  });

  it('fails a webhook to a refused address at once, TARGET_REFUSED, with nothing connected', async () => {
    const requested = await probe.publish('RelationshipRequested', requestedData(refusedCustomer, ownSecretReseller, world.id('req')));
    const failed = await settledFor(requested, refusedCustomer);
    expect(failed.type).toBe('NotificationFailed');
    expect(validateData('NotificationFailed', failed.data).ok).toBe(true);
    expect(failed.data).toMatchObject({
      notificationId: webhookIdOf(requested, 'customer', refusedCustomer),
      attempts: 1,
      reason: 'TARGET_REFUSED',
      target: `http://[::ffff:127.0.0.1]:${untouchable.port}/customers/${refusedCustomer}`,
      error: expect.stringMatching(/^webhook target refused, nothing sent: ::ffff:7f00:1 is an IPv4-mapped IPv6 address .* of 127\.0\.0\.1, a loopback address/),
    });
    expect(untouchable.connections).toBe(0);
  });

  it('fails a webhook answered by a redirect at once, REDIRECT_REFUSED, without following it', async () => {
    const declined = await probe.publish('RequestDeclined', declinedData(plainCustomer, movedReseller, world.id('req')));
    const failed = await settledFor(declined, movedReseller);
    expect(failed.type).toBe('NotificationFailed');
    expect(failed.data).toMatchObject({
      attempts: 1,
      reason: 'REDIRECT_REFUSED',
      error: `HTTP 302: redirects are never followed: http://localhost:${untouchable.port}/elsewhere (it would be refused too: localhost is a name of this machine (loopback))`,
    });
    expect(receiver.calls((c) => c.path === `/resellers/${movedReseller}`)).toHaveLength(1);
    expect(untouchable.connections).toBe(0);
  });

  it("signs a party's webhooks with its own secret, which an independent verifier accepts", async () => {
    const declined = await probe.publish('RequestDeclined', declinedData(plainCustomer, ownSecretReseller, world.id('req')));
    expect((await settledFor(declined, ownSecretReseller)).type).toBe('NotificationDelivered');
    const [call] = receiver.callsOf(webhookIdOf(declined, 'reseller', ownSecretReseller));
    expect(verifies(PARTY_OWN, call)).toBe(true);
    expect(verifies(CURRENT, call)).toBe(false);
    expect(verifies(RETIRED, call)).toBe(false);
  });

  it('during a rotation signs with both secrets of WEBHOOK_SECRET: a receiver knowing only the old one and one knowing only the new one both verify', async () => {
    const requested = await probe.publish('RelationshipRequested', requestedData(plainCustomer, ownSecretReseller, world.id('req')));
    expect((await settledFor(requested, plainCustomer)).type).toBe('NotificationDelivered');
    const [call] = receiver.callsOf(webhookIdOf(requested, 'customer', plainCustomer));
    expect(String(call.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifies(CURRENT, call)).toBe(true);
    expect(verifies(RETIRED, call)).toBe(true);
    expect(verifies(PARTY_OWN, call)).toBe(false);
  });
});

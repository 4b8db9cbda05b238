/**
 * npm run demo: plays a scenario against the running system (`npm start` in another terminal)
 * and prints each step. It acts as the upstream systems would (partner portal, customer admin
 * portal) by publishing on Kafka, receives the webhooks on a local endpoint, and asks the
 * directory over HTTP with bearer tokens it mints itself (DESIGN §10): signed with AUTH_JWT_SECRET,
 * or else with the secret the `npm start` running here made for its run.
 */
import { CloudEvent, MessageCatalog, MessageType, Topics } from '@mp/contracts';
import { createKafka, kafkaSettingsFromEnv, physicalTopic, upstreamEnvelope } from '@mp/messaging';
import { DeadLetter, listDeadLetters, localSigningSecret, mintToken, type TokenRequest } from '@mp/operations';
import { SANDBOX_CLOCK_KEY } from '@mp/platform';
import { redisSettingsFromEnv } from '@mp/redis';
import Redis from 'ioredis';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Partitioners } from 'kafkajs';

const DIRECTORY = process.env.DIRECTORY_URL ?? `http://127.0.0.1:${process.env.DIRECTORY_PORT ?? 3000}`;
const run = randomBytes(2).toString('hex');
const ids = {
  customer: `contoso-${run}`,
  admin: `alice-${run}`,
  azure: `fabrikam-${run}`,
  m365: `northwind-${run}`,
  dynamics: `litware-${run}`,
  provider: `contoso-distribution-${run}`,
  indirect: `adatum-${run}`,
};
const bold = (s: string) => `\x1b[1m${s}\x1b[0m`;
const dim = (s: string) => `\x1b[2m${s}\x1b[0m`;
let stepNo = 0;
const step = (text: string) => console.log(`\n${bold(`${++stepNo}.`)} ${bold(text)}`);
const say = (text: string) => console.log(`   ${text}`);

const signingSecret = localSigningSecret(process.env.AUTH_JWT_SECRET);
/** A bearer token for `request`, as `npm run ops -- token` mints it; none when there is no secret here (a run with AUTH_DISABLED=true). */
async function tokenOf(request: TokenRequest): Promise<string | undefined> {
  if (!signingSecret) return undefined;
  return (await mintToken(request, { secret: signingSecret, issuer: process.env.AUTH_ISSUER, audience: process.env.AUTH_AUDIENCE })).token;
}

async function main() {
  const settings = kafkaSettingsFromEnv('demo');
  const kafka = createKafka(settings);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId: `demo-${run}`, maxWaitTimeInMs: 100 });
  const seen: CloudEvent[] = [];
  const webhooks: Array<{ path: string; type: string; id: string }> = [];

  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const event = JSON.parse(body) as CloudEvent;
      webhooks.push({ path: req.url ?? '', type: event.type, id: String(req.headers['webhook-id']) });
      say(dim(`webhook -> ${req.url}: ${event.type} (webhook-id ${req.headers['webhook-id']}, signed: ${String(req.headers['webhook-signature']).slice(0, 14)}...)`));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hook = (path: string) => `http://127.0.0.1:${(receiver.address() as AddressInfo).port}${path}`;

  await producer.connect();
  await consumer.connect();
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  const watched = [Topics.requestEvents, Topics.relationshipEvents, Topics.notificationEvents, Topics.deadLetters];
  await consumer.subscribe({ topics: watched.map((t) => physicalTopic(settings, t)), fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      try {
        seen.push(JSON.parse(message.value?.toString() ?? '') as CloudEvent);
      } catch {
        /* not ours to judge: ops watch the dead letters */
      }
    },
  });
  await joined;

  const publish = async (type: MessageType, data: object) => {
    const envelope = upstreamEnvelope('demo', type, data);
    await producer.send({
      topic: physicalTopic(settings, MessageCatalog[type].topic),
      messages: [{ key: envelope.subject ?? null, value: JSON.stringify(envelope) }],
    });
    say(dim(`published ${type}`));
  };
  const waitFor = async (type: string, where: (d: any) => boolean, timeoutMs = 20_000): Promise<CloudEvent<any>> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = seen.find((e) => e.type === type && where(e.data));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${type} within ${timeoutMs} ms: is the system running (npm start)?`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const waitForDeadLetter = async (partition: number, offset: string, timeoutMs = 20_000): Promise<DeadLetter> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await listDeadLetters(kafka, settings)).find((l) => l.origin.partition === partition && l.origin.offset === offset);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no dead letter within ${timeoutMs} ms: is the consent-service running (npm start)?`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const opsToken = await tokenOf({ role: 'ops', subject: 'demo' });
  if (!opsToken) say(dim('no AUTH_JWT_SECRET and no npm start secret here: the directory is asked without a token (AUTH_DISABLED=true)'));
  const get = async (path: string, token: string | undefined | null = opsToken) => {
    const response = await fetch(`${DIRECTORY}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: response.status, body: (await response.json()) as any };
  };
  const eventually = async (path: string, ok: (body: any) => boolean) => {
    for (let i = 0; i < 100; i++) {
      const answer = await get(path);
      if (answer.status === 200 && ok(answer.body)) return answer.body;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the directory never answered ${path} as expected`);
  };
  const request = async (requestId: string, resellerId: string, services: string[], delegatedAdmin?: object, indirectProviderId?: string) => {
    await publish('RequestRelationship', { requestId, customerId: ids.customer, resellerId, services, delegatedAdmin, indirectProviderId, requestedBy: { userId: `${resellerId}-agent` } });
    const answer = await Promise.race([
      waitFor('RelationshipRequested', (d) => d.requestId === requestId),
      waitFor('RequestRejected', (d) => d.requestId === requestId),
    ]);
    say(`${answer.type === 'RelationshipRequested' ? 'request pending' : `REJECTED ${answer.data.reason}`}: ${resellerId} asks for ${services.join(', ')}`);
  };

  step('Upstream registers three resellers and a customer (reference data on Kafka)');
  for (const [id, name, service] of [
    [ids.azure, 'Fabrikam Cloud', 'Azure'],
    [ids.m365, 'Northwind Modern Work', 'Microsoft365'],
    [ids.dynamics, 'Litware Business Apps', 'Dynamics365'],
  ]) {
    await publish('PartnerRegistered', { partnerId: id, name, kind: 'direct-reseller', specializations: [service], countries: ['DE'], webhookUrl: hook(`/resellers/${id}`) });
  }
  await publish('CustomerRegistered', { customerId: ids.customer, name: 'Contoso GmbH', country: 'DE', admins: [ids.admin], webhookUrl: hook(`/customers/${ids.customer}`) });
  await publish('SubscriptionCreated', { subscriptionId: `sub-azure-${run}`, customerId: ids.customer, partnerOfRecordId: ids.azure, service: 'Azure', quantity: 1 });
  await eventually(`/v1/customers/${ids.customer}/subscriptions`, (b) => b.subscriptions.length === 1);
  say(`customer ${ids.customer} is known to the directory, with one Azure subscription (Partner of Record ${ids.azure})`);

  step(`Fabrikam (Azure) asks ${ids.customer} for a relationship with delegated admin privileges; the admin approves`);
  await request(`req-azure-${run}`, ids.azure, ['Azure'], { roles: ['HelpdeskAgent'], durationDays: 90, autoExtend: true });
  await publish('ApproveRequest', { requestId: `req-azure-${run}`, customerId: ids.customer, approvedBy: { userId: ids.admin } });
  const established = await waitFor('RelationshipEstablished', (d) => d.requestId === `req-azure-${run}`);
  say(`relationship ${established.data.relationship.status}, privileges ${established.data.relationship.delegatedAdmin.status} until ${established.data.relationship.delegatedAdmin.expiresAt}`);

  step('A second and a third reseller ask');
  await request(`req-m365-${run}`, ids.m365, ['Microsoft365']);
  await request(`req-dyn-${run}`, ids.dynamics, ['Dynamics365']);

  step('Someone who is not an admin tries to approve: refused');
  await publish('ApproveRequest', { requestId: `req-m365-${run}`, customerId: ids.customer, approvedBy: { userId: 'mallory' } });
  const refused = await waitFor('ConsentRejected', (d) => d.requestId === `req-m365-${run}`);
  say(`ConsentRejected ${refused.data.reason}: ${refused.data.message}`);

  step('An upstream system sends a broken command: dead-lettered with the reason, and nothing else stops');
  const [sent] = await producer.send({
    topic: physicalTopic(settings, Topics.consentCommands),
    messages: [{ key: ids.customer, value: '{"specversion":"1.0","type":"ApproveRequest","data":{"requestId":' }],
  });
  const letter = await waitForDeadLetter(sent.partition, sent.baseOffset ?? '');
  say(`dead letter ${letter.id}: ${letter.errorClass} (${letter.errorMessage.slice(0, 60)}...), from ${letter.origin.topic} ${letter.origin.partition}@${letter.origin.offset}`);
  say(dim(`ops see it with: npm run ops -- dlq list   (npm run ops -- dlq show ${letter.id})`));

  step('The admin approves Northwind and declines Litware');
  await publish('ApproveRequest', { requestId: `req-m365-${run}`, customerId: ids.customer, approvedBy: { userId: ids.admin } });
  await publish('DeclineRequest', { requestId: `req-dyn-${run}`, customerId: ids.customer, declinedBy: { userId: ids.admin }, reason: 'We already have a Dynamics partner' });
  await waitFor('RelationshipEstablished', (d) => d.requestId === `req-m365-${run}`);
  say('Northwind: approved');
  const declined = await waitFor('RequestDeclined', (d) => d.requestId === `req-dyn-${run}`);
  say(`Litware: ${declined.data.status} ("${declined.data.reason}")`);

  step(`The directory: which resellers serve ${ids.customer}?`);
  const answer = await eventually(`/v1/customers/${ids.customer}/resellers`, (b) => b.resellers.length === 2);
  console.table(answer.resellers.map((r: any) => ({ reseller: r.name, id: r.resellerId, channel: r.channel, services: r.services.join(', '), privileges: r.delegatedAdmin.status })));
  const subscriptions = await get(`/v1/customers/${ids.customer}/subscriptions`);
  say(`subscriptions, untouched: ${subscriptions.body.subscriptions.map((s: any) => `${s.subscriptionId} (Partner of Record ${s.partnerOfRecordId})`).join(', ')}`);

  if (opsToken) {
    step('Who sees what (bearer tokens, DESIGN §10): the same question asked with other tokens');
    const resellersOf = (answer: { status: number; body: any }) => (answer.status === 200 ? answer.body.resellers.map((r: any) => r.resellerId).join(', ') || 'none' : `${answer.status} ${answer.body.message}`);
    const admin = await tokenOf({ role: 'customer-admin', customer: ids.customer, subject: ids.admin });
    say(`the customer's admin ${ids.admin}: ${resellersOf(await get(`/v1/customers/${ids.customer}/resellers`, admin))}`);
    const northwind = await tokenOf({ role: 'reseller', partner: ids.m365 });
    say(`Northwind (a reseller): its own entry only: ${resellersOf(await get(`/v1/customers/${ids.customer}/resellers`, northwind))}`);
    const subscriptionsAsNorthwind = await get(`/v1/customers/${ids.customer}/subscriptions`, northwind);
    say(`Northwind asking for the subscriptions: ${subscriptionsAsNorthwind.status} ${subscriptionsAsNorthwind.body.message}`);
    const stranger = await tokenOf({ role: 'customer-admin', customer: `another-customer-${run}` });
    say(`the admin of another customer: ${resellersOf(await get(`/v1/customers/${ids.customer}/resellers`, stranger))}`);
    say(`no token: ${resellersOf(await get(`/v1/customers/${ids.customer}/resellers`, null))}`);
    say(dim('mint one: npm run ops -- token --role reseller --partner <partnerId>'));
  }

  step('An indirect reseller asks through its indirect provider; the admin approves with 30 days of privileges');
  await publish('PartnerRegistered', { partnerId: ids.provider, name: 'Contoso Distribution', kind: 'indirect-provider', specializations: [], countries: ['DE'], webhookUrl: hook(`/providers/${ids.provider}`) });
  await publish('PartnerRegistered', { partnerId: ids.indirect, name: 'Adatum Security', kind: 'indirect-reseller', specializations: ['Intune'], countries: ['DE'], webhookUrl: hook(`/resellers/${ids.indirect}`) });
  await publish('PartnersLinked', { indirectProviderId: ids.provider, indirectResellerId: ids.indirect });
  await new Promise((r) => setTimeout(r, 1000)); // let the services fold the new partners and the link
  await request(`req-intune-${run}`, ids.indirect, ['Intune'], { roles: ['SecurityReader'], durationDays: 30, autoExtend: false }, ids.provider);
  await publish('ApproveRequest', { requestId: `req-intune-${run}`, customerId: ids.customer, approvedBy: { userId: ids.admin } });
  const indirect = await waitFor('RelationshipEstablished', (d) => d.requestId === `req-intune-${run}`);
  say(`channel ${indirect.data.relationship.channel} through ${indirect.data.relationship.indirectProviderId}; privileges until ${indirect.data.relationship.delegatedAdmin.expiresAt}`);

  step('The customer revokes Fabrikam\'s privileges and ends the relationship with Northwind');
  await publish('RevokeDelegatedAdmin', { customerId: ids.customer, resellerId: ids.azure, revokedBy: { userId: ids.admin } });
  const revoked = await waitFor('DelegatedAdminRevoked', (d) => d.resellerId === ids.azure);
  say(`Fabrikam's privileges: ${revoked.data.delegatedAdmin.status}; the relationship stays`);
  await publish('EndRelationship', { customerId: ids.customer, resellerId: ids.m365, endedBy: { party: 'customer', userId: ids.admin }, reason: 'Moving Microsoft 365 in-house' });
  const ended = await waitFor('RelationshipEnded', (d) => d.resellerId === ids.m365);
  say(`Northwind: relationship ${ended.data.relationship.status} ("${ended.data.reason}")`);

  step('Time passes: the sandbox clock moves 31 days ahead, and Adatum\'s privileges expire');
  const { url, keyPrefix } = redisSettingsFromEnv();
  const redis = new Redis(url, { keyPrefix });
  const offset = Number((await redis.get(SANDBOX_CLOCK_KEY)) ?? 0) + 31 * 24 * 3600 * 1000;
  await redis.set(SANDBOX_CLOCK_KEY, String(offset));
  redis.disconnect();
  let expiredSeen = false;
  try {
    const expired = await waitFor('DelegatedAdminExpired', (d) => d.resellerId === ids.indirect, 15_000);
    expiredSeen = true;
    say(`Adatum's privileges: ${expired.data.delegatedAdmin.status} (they ran until ${expired.data.expiredAt})`);
  } catch {
    say('no expiry seen: the system is not running with SANDBOX_CLOCK=true (npm start sets it), so its time cannot be moved');
  }

  step(`The directory now: which resellers serve ${ids.customer}?`);
  const now = await eventually(`/v1/customers/${ids.customer}/resellers`, (b) => b.resellers.length === 2 && b.resellers.every((r: any) => r.delegatedAdmin.status !== 'active'));
  console.table(now.resellers.map((r: any) => ({ reseller: r.name, id: r.resellerId, channel: r.channel, provider: r.indirectProviderId ?? '', services: r.services.join(', '), privileges: r.delegatedAdmin.status })));

  step('The webhooks that arrived');
  await waitFor('NotificationDelivered', (d) => d.eventType === 'RelationshipEnded' && d.recipient.party === 'reseller');
  if (expiredSeen) await waitFor('NotificationDelivered', (d) => d.eventType === 'DelegatedAdminExpired' && d.recipient.party === 'provider');
  console.table(webhooks.map((w) => ({ to: w.path, event: w.type })));
  const deliveries = seen.filter((e) => e.type === 'NotificationDelivered').length;
  say(`${webhooks.length} webhooks received, ${deliveries} NotificationDelivered events on ${Topics.notificationEvents}`);

  await consumer.disconnect();
  await producer.disconnect();
  receiver.close();
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`\ndemo failed: ${(error as Error).message}`);
    process.exit(1);
  },
);

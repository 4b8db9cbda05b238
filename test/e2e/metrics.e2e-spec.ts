import { Topics } from '@mp/contracts';
import { endToEnd } from '../support/end-to-end';
import { eventually } from '../support/eventually';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (`name{a="b",...} value`). */
function samplesOf(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

/** DESIGN §9: every service's `/metrics`, with the names and bounded labels of the design, counting what really happened. */
describe('metrics', () => {
  const e2e = endToEnd('metrics');
  const { world, probe, upstream, receiver } = e2e;
  const admin = { userId: world.id('admin') };
  const agent = { userId: world.id('agent') };
  const customerId = world.id('cust');
  const resellerId = world.id('res');

  const scrape = async (service: 'request' | 'consent' | 'notification' | 'directory') => {
    const response = await fetch(`${e2e.system[service].url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const text = await response.text();
    return { text, samples: samplesOf(text) };
  };
  const value = (samples: Sample[], name: string, labels: Record<string, string>) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);

  it('counts consumed, produced, rejected, dead-lettered, notified and served, labelled by type, topic, reason and route, never by id', async () => {
    await upstream.partner(resellerId);
    await upstream.customer(customerId, [admin.userId], { webhookUrl: receiver.url(`/customers/${customerId}`) });
    await e2e.system.settled();
    expect((await upstream.request({ requestId: 'm-1', customerId, resellerId, services: ['Azure'], requestedBy: agent })).type).toBe('RelationshipRequested');
    expect((await upstream.request({ requestId: 'm-2', customerId, resellerId, services: ['Azure'], requestedBy: agent })).data.reason).toBe('DUPLICATE_PENDING');
    expect((await upstream.approve({ requestId: 'm-1', customerId, approvedBy: admin })).type).toBe('RelationshipEstablished');
    await probe.sendRaw(Topics.requestCommands, '{"not": "a CloudEvent"', customerId);
    await e2e.system.settled();
    expect((await e2e.system.directory$(`/v1/customers/${customerId}/resellers`)).status).toBe(200);
    expect((await e2e.system.directory$(`/v1/customers/${world.id('nobody')}/resellers`)).status).toBe(404);

    const request = await scrape('request');
    expect(value(request.samples, 'mp_messages_consumed_total', { service: 'request-service', topic: 'mp.request-commands.v1', type: 'RequestRelationship' })).toBe(2);
    expect(value(request.samples, 'mp_messages_consumed_total', { topic: 'mp.request-commands.v1', type: 'invalid' })).toBe(1);
    expect(value(request.samples, 'mp_messages_produced_total', { topic: 'mp.request-events.v1', type: 'RelationshipRequested' })).toBe(1);
    expect(value(request.samples, 'mp_messages_rejected_total', { type: 'RequestRejected', reason: 'DUPLICATE_PENDING' })).toBe(1);
    expect(value(request.samples, 'mp_dead_letters_total', { topic: 'mp.request-commands.v1', error_class: 'NotJson' })).toBe(1);
    expect(value(request.samples, 'mp_handler_duration_seconds_count', { type: 'RequestRelationship' })).toBe(2);
    expect(value(request.samples, 'mp_consumer_lag', { topic: 'mp.request-commands.v1' })).toBe(0);
    expect(request.samples.some((s) => s.name === 'process_resident_memory_bytes' && s.value > 0)).toBe(true);

    const consent = await scrape('consent');
    expect(value(consent.samples, 'mp_messages_produced_total', { topic: 'mp.relationship-events.v1', type: 'RelationshipEstablished' })).toBe(1);

    // Requested and established, each told to the customer's webhook.
    await eventually('both notifications delivered', () => receiver.received.filter((w) => w.path === `/customers/${customerId}`).length >= 2);
    const notification = await eventually('the outcomes counted', async () => {
      const scraped = await scrape('notification');
      return value(scraped.samples, 'mp_notifications_total', { channel: 'webhook', outcome: 'delivered' }) >= 2 && scraped;
    });
    expect(value(notification.samples, 'mp_notifications_total', { channel: 'webhook', outcome: 'delivered' })).toBe(2);

    const directory = await scrape('directory');
    expect(value(directory.samples, 'http_request_duration_seconds_count', { method: 'GET', route: '/v1/customers/:customerId/resellers', status_code: '200' })).toBe(1);
    expect(value(directory.samples, 'http_request_duration_seconds_count', { method: 'GET', route: '/v1/customers/:customerId/resellers', status_code: '404' })).toBe(1);

    // Bounded labels: no customer, reseller, request or message id anywhere.
    for (const { text } of [request, consent, notification, directory]) {
      for (const id of [customerId, resellerId, 'm-1']) expect(text).not.toContain(id);
    }
  });
});

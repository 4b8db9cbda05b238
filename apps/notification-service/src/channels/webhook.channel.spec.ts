import 'reflect-metadata';
import { createHmac } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { CloudEvent } from '@mp/contracts';
import { Notification } from './notification-channel';
import { WebhookChannel } from './webhook.channel';

/** A local receiver: each request is answered by `reply`, and recorded. */
function receiver(reply: (res: ServerResponse) => void) {
  const received: Array<{ method?: string; url?: string; headers: IncomingHttpHeaders; body: string }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      reply(res);
    });
  });
  return {
    received,
    async start(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())).then(() => undefined),
    server,
  };
}

const key = Buffer.from('a-webhook-key-of-32-bytes-length');
const event: CloudEvent = {
  specversion: '1.0',
  id: 'evt-1',
  type: 'RelationshipRequested',
  source: 'request-service',
  time: '2025-01-01T00:00:00.000Z',
  subject: 'cust-1',
  datacontenttype: 'application/json',
  data: { customerId: 'cust-1', note: 'Ünïcode ✓' },
};
const notificationFor = (target: string): Notification => ({ notificationId: 'notif-1', event, recipient: { party: 'customer', partyId: 'cust-1' }, target });

describe('webhook channel', () => {
  const local = { allowedHosts: new Set(['127.0.0.1']), maxResponseBytes: 65_536 };
  const channel = new WebhookChannel({ keys: key, timeoutMs: 2000, nowSeconds: () => 1_700_000_000, ...local });

  it('targets the webhook URL of a contact, if any', () => {
    expect(channel.targetOf({ webhookUrl: 'https://example.test/hook', email: 'a@example.test' })).toBe('https://example.test/hook');
    expect(channel.targetOf({ email: 'a@example.test' })).toBeUndefined();
    expect(channel.targetOf({ webhookUrl: '' })).toBeUndefined();
  });

  it('POSTs the CloudEvent in structured mode, signed the Standard Webhooks way', async () => {
    const hook = receiver((res) => res.writeHead(204).end());
    const base = await hook.start();
    try {
      const result = await channel.attempt(notificationFor(`${base}/hooks/c1?x=1`));
      expect(result).toEqual({ ok: true, statusCode: 204 });
      const [request] = hook.received;
      expect(request.method).toBe('POST');
      expect(request.url).toBe('/hooks/c1?x=1');
      expect(request.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
      expect(request.headers['webhook-id']).toBe('notif-1');
      expect(request.headers['webhook-timestamp']).toBe('1700000000');
      expect(JSON.parse(request.body)).toEqual(event);
      const expected = createHmac('sha256', key).update(`notif-1.1700000000.${request.body}`).digest('base64');
      expect(request.headers['webhook-signature']).toBe(`v1,${expected}`);
    } finally {
      await hook.stop();
    }
  });

  it.each([
    [500, 'HTTP 500'],
    [404, 'HTTP 404'],
  ])('counts a %s answer as a failed attempt', async (status, error) => {
    const hook = receiver((res) => res.writeHead(status).end('no'));
    const base = await hook.start();
    try {
      expect(await channel.attempt(notificationFor(`${base}/hook`))).toEqual({ ok: false, statusCode: status, error });
      expect(hook.received).toHaveLength(1);
    } finally {
      await hook.stop();
    }
  });

  it.each([
    [302, 'http://127.0.0.2:1/elsewhere', /HTTP 302: redirects are never followed: http:\/\/127\.0\.0\.2:1\/elsewhere \(it would be refused too: 127\.0\.0\.2 is a loopback/],
    [307, '/moved', /HTTP 307: redirects are never followed: http:\/\/127\.0\.0\.1:\d+\/moved \(register that URL instead\)/],
    [301, undefined, /HTTP 301: a redirect without a Location/],
  ])('fails a %s redirect for good without following it', async (status, location, error) => {
    const hook = receiver((res) => res.writeHead(status, location ? { location } : {}).end());
    const base = await hook.start();
    try {
      const result = await channel.attempt(notificationFor(`${base}/hook`));
      expect(result).toEqual({ ok: false, statusCode: status, reason: 'REDIRECT_REFUSED', error: expect.stringMatching(error) });
      expect(hook.received).toHaveLength(1);
    } finally {
      await hook.stop();
    }
  });

  it('counts a timeout as a failed attempt', async () => {
    const pending: ServerResponse[] = [];
    const hook = receiver((res) => pending.push(res));
    const base = await hook.start();
    try {
      const quick = new WebhookChannel({ keys: key, timeoutMs: 100, ...local });
      expect(await quick.attempt(notificationFor(`${base}/slow`))).toEqual({ ok: false, error: 'timed out after 100 ms' });
    } finally {
      pending.forEach((res) => res.destroy());
      hook.server.closeAllConnections();
      await hook.stop();
    }
  });

  it('counts a refused connection as a failed attempt', async () => {
    const hook = receiver((res) => res.end());
    const base = await hook.start();
    await hook.stop();
    const result = await channel.attempt(notificationFor(`${base}/gone`));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/ECONNREFUSED/);
  });
});

import { AddressInfo } from 'node:net';
import type { CloudEvent } from '@mp/contracts';
import { emptyCustomerState, emptyPartnerState } from '@mp/domain';
import { SMTPServer } from 'smtp-server';
import { domainOf, EmailChannel } from './email.channel';
import type { Notification } from './notification-channel';

interface Mail {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on loopback that keeps what it receives and refuses the addresses it is told to. */
async function smtpSink(refuse: string[] = []) {
  const received: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!refuse.includes(address.address)) return callback();
      callback(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({ from: (session.envelope.mailFrom || { address: '' }).address, to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { received, url: `smtp://127.0.0.1:${port}`, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The headers of a raw message, unfolded, by lower-case name. */
function headersOf(raw: string): Map<string, string> {
  const head = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
  return new Map(head.split('\r\n').map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
}

const event: CloudEvent = {
  specversion: '1.0',
  id: 'evt-1',
  type: 'RequestDeclined',
  source: 'consent-service',
  time: '2026-03-01T09:00:00.000Z',
  subject: 'cust-1',
  datacontenttype: 'application/json',
  data: { customerId: 'cust-1', resellerId: 'res-1', requestId: 'req-1', declinedBy: { userId: 'admin-1' }, reason: 'Not now', status: 'declined', declinedAt: '2026-03-01T09:00:00.000Z' },
};
const context = {
  customer: { ...emptyCustomerState('cust-1'), profile: { name: 'Contoso', country: 'FR', admins: [] } },
  partners: new Map([['res-1', { ...emptyPartnerState('res-1'), profile: { name: 'Fabrikam', kind: 'direct-reseller' as const, specializations: [], countries: [] } }]]),
};
const notification = (target: string): Notification => ({ notificationId: 'notif-1', event, recipient: { party: 'reseller', partyId: 'res-1' }, target, context });

describe('e-mail channel', () => {
  it('targets the e-mail address of a contact, if any', () => {
    const channel = new EmailChannel({ smtpUrl: 'smtp://127.0.0.1:1', from: 'a@b.test', timeoutMs: 1000 });
    expect(channel.targetOf({ email: 'ops@fabrikam.test', webhookUrl: 'https://x.test' })).toBe('ops@fabrikam.test');
    expect(channel.targetOf({ webhookUrl: 'https://x.test' })).toBeUndefined();
    expect(channel.targetOf({ email: '' })).toBeUndefined();
  });

  it('takes the Message-ID domain from the sender', () => {
    expect(domainOf('multipartner <no-reply@multipartner.local>')).toBe('multipartner.local');
    expect(domainOf('alerts@mp.example.com')).toBe('mp.example.com');
    expect(domainOf('nobody')).toBe('multipartner.local');
  });

  it('sends the rendered e-mail over SMTP, with a Message-ID from the notification id', async () => {
    const smtp = await smtpSink();
    const channel = new EmailChannel({ smtpUrl: smtp.url, from: 'multipartner <no-reply@mp.test>', timeoutMs: 5000 });
    try {
      expect(await channel.attempt(notification('ops@fabrikam.test'))).toEqual({ ok: true, statusCode: 250 });
      const [mail] = smtp.received;
      expect(mail.from).toBe('no-reply@mp.test');
      expect(mail.to).toEqual(['ops@fabrikam.test']);
      const headers = headersOf(mail.raw);
      expect(headers.get('message-id')).toBe('<notif-1@mp.test>');
      expect(headers.get('x-multipartner-notification-id')).toBe('notif-1');
      expect(headers.get('x-multipartner-event-id')).toBe('evt-1');
      expect(headers.get('x-multipartner-event-type')).toBe('RequestDeclined');
      expect(headers.get('subject')).toBe('Contoso declined the reseller request of Fabrikam');
      expect(headers.get('content-type')).toMatch(/^multipart\/alternative/);
      expect(mail.raw).toContain('Hello Fabrikam,');
      expect(mail.raw).toContain('text/html');
    } finally {
      channel.close();
      await smtp.stop();
    }
  });

  it('counts a refused recipient as a failed attempt, with the SMTP reply code', async () => {
    const smtp = await smtpSink(['nobody@fabrikam.test']);
    const channel = new EmailChannel({ smtpUrl: smtp.url, from: 'no-reply@mp.test', timeoutMs: 5000 });
    try {
      const result = await channel.attempt(notification('nobody@fabrikam.test'));
      expect(result).toMatchObject({ ok: false, statusCode: 550 });
      expect(!result.ok && result.error).toMatch(/mailbox unavailable/);
      expect(smtp.received).toHaveLength(0);
    } finally {
      channel.close();
      await smtp.stop();
    }
  });

  it('counts a refused connection as a failed attempt', async () => {
    const smtp = await smtpSink();
    await smtp.stop();
    const channel = new EmailChannel({ smtpUrl: smtp.url, from: 'no-reply@mp.test', timeoutMs: 5000 });
    const result = await channel.attempt(notification('ops@fabrikam.test'));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/ECONNREFUSED/);
  });
});

import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server for the tests: keeps every message, refuses the addresses it is told to. */

export interface Mail {
  mailFrom: string;
  rcptTo: string[];
  raw: string;
  headers: Map<string, string>;
  /** The text/plain part, decoded. */
  text: string;
  /** The text/html part, decoded. */
  html: string;
}

/** The headers of a message or a MIME part, unfolded, by lower-case name. */
function headersOf(head: string): Map<string, string> {
  const lines = head.replace(/\r\n[ \t]+/g, ' ').split('\r\n').filter(Boolean);
  return new Map(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
}

function decodeQuotedPrintable(body: string): string {
  const soft = body.replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    if (soft[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(soft[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeBody(headers: Map<string, string>, body: string): string {
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

/** Just enough MIME for what nodemailer sends: a multipart/alternative of text and HTML, or a single part. */
function parseMail(raw: string, mailFrom: string, rcptTo: string[]): Mail {
  const split = raw.indexOf('\r\n\r\n');
  const headers = headersOf(raw.slice(0, split));
  const body = raw.slice(split + 4);
  const parts = new Map<string, string>();
  const boundary = /boundary="?([^";]+)"?/.exec(headers.get('content-type') ?? '')?.[1];
  if (boundary) {
    for (const part of body.split(`--${boundary}`).slice(1)) {
      if (part.startsWith('--')) break;
      const at = part.indexOf('\r\n\r\n');
      const partHeaders = headersOf(part.slice(0, at).replace(/^\r\n/, ''));
      const type = (partHeaders.get('content-type') ?? '').split(';')[0];
      parts.set(type, decodeBody(partHeaders, part.slice(at + 4).replace(/\r\n$/, '')));
    }
  } else {
    parts.set((headers.get('content-type') ?? 'text/plain').split(';')[0], decodeBody(headers, body));
  }
  return { mailFrom, rcptTo, raw, headers, text: (parts.get('text/plain') ?? '').replace(/\r\n/g, '\n'), html: parts.get('text/html') ?? '' };
}

/** A real SMTP server (smtp-server, no TLS, no auth) that keeps every message and refuses the addresses it is told to. */
export class SmtpSink {
  readonly received: Mail[] = [];
  readonly refused = new Set<string>();
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo: (address, _session, callback) => {
      if (!this.refused.has(address.address)) return callback();
      callback(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }));
    },
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        this.received.push(parseMail(Buffer.concat(chunks).toString('utf8'), mailFrom, session.envelope.rcptTo.map((r) => r.address)));
        callback();
      });
    },
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  withMessageId(messageId: string): Mail[] {
    return this.received.filter((m) => m.headers.get('message-id') === messageId);
  }

  to(address: string): Mail[] {
    return this.received.filter((m) => m.rcptTo.includes(address));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

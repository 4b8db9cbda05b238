import { createHmac } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export interface ScriptedCall {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver answered; `undefined` while a hanging path keeps the request open. */
  status?: number;
  /** `Date.now()` when the request had arrived whole. */
  at: number;
}

/**
 * A real HTTP endpoint on 127.0.0.1 for the notification tests, scripted per path: it records
 * every call; it can fail the first N calls of a path (HTTP 500), or never answer a path at all
 * (a hanging endpoint: the request is read, the response never comes).
 */
export class ScriptedWebhookReceiver {
  readonly received: ScriptedCall[] = [];
  private readonly failuresLeft = new Map<string, number>();
  private readonly hanging = new Set<string>();
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      const call: ScriptedCall = { path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      this.received.push(call);
      if (this.hanging.has(path)) return;
      const left = this.failuresLeft.get(path) ?? 0;
      if (left > 0) this.failuresLeft.set(path, left - 1);
      call.status = left > 0 ? 500 : 204;
      res.writeHead(call.status).end();
    });
  });
  private base = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  url(path: string): string {
    return `${this.base}${path}`;
  }

  failFirst(path: string, calls: number): void {
    this.failuresLeft.set(path, calls);
  }

  /** Calls to `path` are read and never answered. */
  hang(path: string): void {
    this.hanging.add(path);
  }

  calls(where: (call: ScriptedCall) => boolean = () => true): ScriptedCall[] {
    return this.received.filter(where);
  }

  /** The calls carrying this `webhook-id` (one notification's attempts). */
  callsOf(notificationId: string): ScriptedCall[] {
    return this.calls((c) => c.headers['webhook-id'] === notificationId);
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Checks a webhook's signature the Standard Webhooks way, independently of the service's signer. */
export function signedWith(secret: string, call: Pick<ScriptedCall, 'headers' | 'body'>): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const content = `${call.headers['webhook-id']}.${call.headers['webhook-timestamp']}.${call.body}`;
  return call.headers['webhook-signature'] === `v1,${createHmac('sha256', key).update(content).digest('base64')}`;
}

import { createHmac } from 'node:crypto';
import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { AddressInfo } from 'node:net';

export interface ScriptedCall {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver answered; `undefined` while a hanging path keeps the request open. */
  status?: number;
  /** `Date.now()` when the request had arrived whole. */
  at: number;
  /** Over HTTPS: the name the client asked for in its TLS handshake (SNI). */
  servername?: string;
  /** An endless body's response: set once the client closed the connection on it (`true`), which it must. */
  cut?: boolean;
}

/**
 * A real HTTP endpoint on a loopback address (127.0.0.1 unless told another of 127.0.0.0/8 or
 * ::1) for the notification tests, scripted per path: it records every call and counts every
 * connection made to it (a refused webhook must make none); it can fail the first N calls of a
 * path (HTTP 500), never answer a path at all (a hanging endpoint: the request is read, the
 * response never comes), redirect a path, or answer it with a body that never ends.
 */
export class ScriptedWebhookReceiver {
  readonly received: ScriptedCall[] = [];
  /** TCP connections accepted, whatever came over them. */
  connections = 0;
  private readonly failuresLeft = new Map<string, number>();
  private readonly hanging = new Set<string>();
  private readonly redirects = new Map<string, { status: number; location: string }>();
  private readonly endless = new Map<string, number>();
  private readonly server: Server;
  private readonly handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      const servername = (req.socket as Partial<TLSSocket>).servername;
      const call: ScriptedCall = { path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now(), ...(servername ? { servername } : {}) };
      this.received.push(call);
      if (this.hanging.has(path)) return;
      const redirect = this.redirects.get(path);
      if (redirect) {
        call.status = redirect.status;
        res.writeHead(redirect.status, { location: redirect.location }).end();
        return;
      }
      const endlessStatus = this.endless.get(path);
      if (endlessStatus !== undefined) return this.writeForever(res, (call.status = endlessStatus), call);
      const left = this.failuresLeft.get(path) ?? 0;
      if (left > 0) this.failuresLeft.set(path, left - 1);
      call.status = left > 0 ? 500 : 204;
      res.writeHead(call.status).end();
    });
  };
  private base = '';

  /**
   * `host`: a loopback address only (127.0.0.0/8 or ::1); these tests never listen anywhere else.
   * `tls`: serve HTTPS with this certificate (`test-tls.ts`) rather than plain HTTP.
   */
  constructor(
    private readonly host = '127.0.0.1',
    private readonly tls?: { cert: string; key: string },
  ) {
    if (!/^127\.\d+\.\d+\.\d+$|^::1$/.test(host)) throw new Error(`a test receiver listens on loopback only, not on ${host}`);
    this.server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, this.handle) : createServer(this.handle);
    this.server.on('connection', () => this.connections++);
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, this.host, resolve));
    this.base = `${this.tls ? 'https' : 'http'}://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `${this.base}${path}`;
  }

  /** Calls to `path` are answered with a redirect to `location`. */
  redirect(path: string, location: string, status = 302): void {
    this.redirects.set(path, { status, location });
  }

  /** Calls to `path` are answered with `status` and a body that goes on until the client closes the connection. */
  endlessBody(path: string, status = 200): void {
    this.endless.set(path, status);
  }

  private writeForever(res: ServerResponse, status: number, call: ScriptedCall): void {
    res.on('close', () => (call.cut = !res.writableFinished));
    res.writeHead(status, { 'content-type': 'text/plain' });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const more = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', more);
    };
    more();
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

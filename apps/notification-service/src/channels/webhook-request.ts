import { lookup as dnsLookup, LookupAddress, LookupAllOptions, LookupOneOptions } from 'node:dns';
import { Agent as HttpAgent, IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import { classifyAddress, normalizeHost } from './webhook-address';

/** A webhook the checks refused: no connection was made. */
export class WebhookTargetRefused extends Error {
  override readonly name = 'WebhookTargetRefused';
}

/** How a name is resolved: `dns.lookup`'s form, every address at once. */
export type Resolver = (hostname: string, options: LookupAllOptions, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const systemResolver: Resolver = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/**
 * The `lookup` of the webhook sockets: it resolves the name itself, refuses it when any address
 * it resolves to is not allowed (`classifyAddress`), and hands the socket exactly the addresses
 * it checked, so nothing is looked up again between the check and the connection (a name whose
 * records change, DNS rebinding, meets the same check on the address actually dialled). A host
 * in `WEBHOOK_ALLOWED_HOSTS` is resolved without the check. Node calls no lookup for an IP
 * address literal: those are checked on the URL before the request (`checkWebhookTarget`).
 */
export function guardedLookup(allowedHosts: ReadonlySet<string>, resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options: LookupOneOptions | LookupAllOptions, callback) => {
    const answer = callback as (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return answer(error, []);
      if (!allowedHosts.has(normalizeHost(hostname))) {
        for (const { address } of addresses) {
          const verdict = classifyAddress(address);
          if (!verdict.allowed) return answer(new WebhookTargetRefused(`${hostname} resolves to ${address}, and ${verdict.why}`), []);
        }
      }
      if (addresses.length === 0) return answer(Object.assign(new Error(`${hostname} resolves to no address`), { code: 'ENOTFOUND' }), []);
      if (options.all) return answer(null, addresses);
      return answer(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** The HTTP(S) clients of the webhook channel: kept-alive connections, every one made through the guarded lookup. */
export class WebhookAgents {
  readonly http: HttpAgent;
  readonly https: HttpsAgent;

  /** `ca`: certificates trusted besides the system's (the tests' own); the certificate is always checked against the URL's host name. */
  constructor(allowedHosts: ReadonlySet<string>, resolve?: Resolver, ca?: string[]) {
    const lookup = guardedLookup(allowedHosts, resolve);
    this.http = new HttpAgent({ keepAlive: true, lookup });
    this.https = new HttpsAgent({ keepAlive: true, lookup, ...(ca ? { ca: [...rootCertificates, ...ca] } : {}) });
  }

  destroy(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

export interface WebhookPost {
  url: URL;
  headers: Record<string, string>;
  body: string;
  /** The whole attempt, from the connection to the end of the response body. */
  timeoutMs: number;
  /** At most this many bytes of the response body are read; then the connection is closed. */
  maxResponseBytes: number;
}

export interface WebhookResponse {
  statusCode: number;
  /** The `Location` of a redirect, which is never followed. */
  location?: string;
  /** The body was longer than `maxResponseBytes`: cut there, the connection closed. */
  cut: boolean;
}

/**
 * One POST through the guarded agents. The response body is read (so the connection can be
 * kept) up to `maxResponseBytes`, then the connection is closed; redirects are reported, never
 * followed. Rejects with `WebhookTargetRefused` when the lookup refused the name, with the
 * socket's error otherwise, and with a `TimeoutError` after `timeoutMs`.
 */
export function postWebhook(agents: WebhookAgents, { url, headers, body, timeoutMs, maxResponseBytes }: WebhookPost): Promise<WebhookResponse> {
  const https = url.protocol === 'https:';
  const signal = AbortSignal.timeout(timeoutMs);
  return new Promise<WebhookResponse>((resolve, reject) => {
    const request = (https ? httpsRequest : httpRequest)(url, { method: 'POST', headers, agent: https ? agents.https : agents.http, signal }, (response: IncomingMessage) => {
      const answer = (cut: boolean) => resolve({ statusCode: response.statusCode ?? 0, cut, ...(response.headers.location ? { location: response.headers.location } : {}) });
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read <= maxResponseBytes) return;
        response.removeAllListeners('data');
        request.destroy();
        answer(true);
      });
      response.on('end', () => answer(false));
      // The status line and headers came: what breaks off the body (a timeout, a reset) does not undo them.
      response.on('error', () => answer(false));
      response.on('close', () => answer(false));
    });
    request.on('error', (error) => reject(signal.aborted && !(error instanceof WebhookTargetRefused) ? signal.reason : error));
    request.end(body);
  });
}

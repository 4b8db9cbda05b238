import { CLOUDEVENTS_CONTENT_TYPE } from '@mp/contracts';
import { StandardWebhooksSigner } from '../standard-webhooks.signer';
import { AttemptResult, Contact, Notification, NotificationChannel } from './notification-channel';
import { checkWebhookTarget } from './webhook-address';
import { postWebhook, Resolver, WebhookAgents, WebhookTargetRefused } from './webhook-request';

export interface WebhookChannelOptions {
  /** The keys of `WEBHOOK_SECRET`, the current one first: each signs the webhooks of a party without a secret of its own. */
  keys: Buffer | Buffer[];
  timeoutMs: number;
  /** `WEBHOOK_ALLOWED_HOSTS`, normalized (`allowedHostsOf`): reachable although loopback or private, over http: too. */
  allowedHosts: ReadonlySet<string>;
  /** `WEBHOOK_MAX_RESPONSE_BYTES`: of a response body, at most this much is read. */
  maxResponseBytes: number;
  /** Unix seconds for `webhook-timestamp`: the wall clock, as receivers check freshness against theirs. */
  nowSeconds?: () => number;
  /** How names are resolved (the system's resolver by default). */
  resolve?: Resolver;
  /** Certificates trusted besides the system's (the tests' own). */
  ca?: string[];
}

export const WEBHOOK_USER_AGENT = 'multipartner-notification-service';

/** What every refusal adds: how to let a host through on purpose. */
const ALLOW_HINT = 'webhooks go only to https: on public addresses, unless the host is in WEBHOOK_ALLOWED_HOSTS';

/**
 * Standard Webhooks over HTTP POST: the CloudEvent in structured mode as the body, signed with
 * `webhook-id` / `webhook-timestamp` / `webhook-signature`, with the party's own secret when it
 * registered one, else with `WEBHOOK_SECRET` (every secret listed signs, for rotations).
 *
 * Where it goes (DESIGN §10): https: only, to public addresses, unless the host is in
 * `WEBHOOK_ALLOWED_HOSTS`. The URL is checked first (an IP address in any form the URL parser
 * reads); a name is checked on the addresses it resolves to, by the socket's own lookup, and the
 * socket connects to exactly those. A refusal makes no connection and fails the notification at
 * once (`TARGET_REFUSED`); a redirect is never followed (`REDIRECT_REFUSED`). A 2xx is a success;
 * any other status, a network error or a timeout is a failed attempt, retried.
 */
export class WebhookChannel implements NotificationChannel {
  readonly name = 'webhook' as const;
  private readonly signer: StandardWebhooksSigner;
  private readonly nowSeconds: () => number;
  private readonly agents: WebhookAgents;

  constructor(private readonly options: WebhookChannelOptions) {
    this.signer = new StandardWebhooksSigner(options.keys);
    this.nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
    this.agents = new WebhookAgents(options.allowedHosts, options.resolve, options.ca);
  }

  targetOf(contact: Contact): string | undefined {
    return contact.webhookUrl || undefined;
  }

  async attempt({ notificationId, event, target, contact }: Notification): Promise<AttemptResult> {
    const checked = checkWebhookTarget(target, this.options.allowedHosts);
    if (!checked.allowed) return refused(checked.why);
    const body = JSON.stringify(event);
    try {
      const signer = contact?.webhookSecret ? StandardWebhooksSigner.fromSecret(contact.webhookSecret, 'the party\'s webhookSecret') : this.signer;
      const headers = {
        'content-type': CLOUDEVENTS_CONTENT_TYPE,
        'user-agent': WEBHOOK_USER_AGENT,
        ...signer.headers(notificationId, this.nowSeconds(), body),
      };
      const response = await postWebhook(this.agents, { url: checked.url, headers, body, timeoutMs: this.options.timeoutMs, maxResponseBytes: this.options.maxResponseBytes });
      const { statusCode } = response;
      if (statusCode >= 200 && statusCode < 300) return { ok: true, statusCode };
      if (statusCode >= 300 && statusCode < 400) return { ok: false, statusCode, reason: 'REDIRECT_REFUSED', error: this.redirect(statusCode, checked.url, response.location) };
      return { ok: false, statusCode, error: `HTTP ${statusCode}` };
    } catch (error) {
      if (error instanceof WebhookTargetRefused) return refused(error.message);
      return { ok: false, error: this.describe(error) };
    }
  }

  /** Why a redirect was not followed, and what its `Location` would have met (checked on the URL only: it is never dialled). */
  private redirect(statusCode: number, from: URL, location: string | undefined): string {
    if (!location) return `HTTP ${statusCode}: a redirect without a Location; redirects are never followed`;
    let to: string;
    try {
      to = new URL(location, from).toString();
    } catch {
      return `HTTP ${statusCode}: a redirect to ${JSON.stringify(location)}, not a URL; redirects are never followed`;
    }
    const verdict = checkWebhookTarget(to, this.options.allowedHosts);
    const would = verdict.allowed ? 'register that URL instead' : `it would be refused too: ${verdict.why}`;
    return `HTTP ${statusCode}: redirects are never followed: ${to} (${would})`;
  }

  private describe(error: unknown): string {
    const { name, message, code } = (error ?? {}) as { name?: string; message?: string; code?: string };
    if (name === 'TimeoutError') return `timed out after ${this.options.timeoutMs} ms`;
    const text = message || code || String(error);
    return code && !text.includes(code) ? `${text} (${code})` : text;
  }

  close(): void {
    this.agents.destroy();
  }
}

function refused(why: string): AttemptResult {
  return { ok: false, reason: 'TARGET_REFUSED', error: `webhook target refused, nothing sent: ${why}; ${ALLOW_HINT}` };
}

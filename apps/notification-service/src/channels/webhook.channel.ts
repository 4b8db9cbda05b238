import { CLOUDEVENTS_CONTENT_TYPE } from '@mp/contracts';
import { StandardWebhooksSigner } from '../standard-webhooks.signer';
import { AttemptResult, Contact, Notification, NotificationChannel } from './notification-channel';

export interface WebhookChannelOptions {
  key: Buffer;
  timeoutMs: number;
  /** Unix seconds for `webhook-timestamp`: the wall clock, as receivers check freshness against theirs. */
  nowSeconds?: () => number;
}

export const WEBHOOK_USER_AGENT = 'multipartner-notification-service';

/**
 * Standard Webhooks over HTTP POST: the CloudEvent in structured mode as the body, signed with
 * `webhook-id` / `webhook-timestamp` / `webhook-signature`. A 2xx is a success; any other status
 * (redirects included: they are not followed), a network error or a timeout is a failed attempt.
 */
export class WebhookChannel implements NotificationChannel {
  readonly name = 'webhook' as const;
  private readonly signer: StandardWebhooksSigner;
  private readonly nowSeconds: () => number;

  constructor(private readonly options: WebhookChannelOptions) {
    this.signer = new StandardWebhooksSigner(options.key);
    this.nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  }

  targetOf(contact: Contact): string | undefined {
    return contact.webhookUrl || undefined;
  }

  async attempt({ notificationId, event, target }: Notification): Promise<AttemptResult> {
    const body = JSON.stringify(event);
    const headers = {
      'content-type': CLOUDEVENTS_CONTENT_TYPE,
      'user-agent': WEBHOOK_USER_AGENT,
      ...this.signer.headers(notificationId, this.nowSeconds(), body),
    };
    try {
      const response = await fetch(target, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(this.options.timeoutMs) });
      await response.body?.cancel().catch(() => undefined);
      return response.ok ? { ok: true, statusCode: response.status } : { ok: false, statusCode: response.status, error: `HTTP ${response.status}` };
    } catch (error) {
      return { ok: false, error: this.describe(error) };
    }
  }

  private describe(error: unknown): string {
    const { name, message, cause } = (error ?? {}) as { name?: string; message?: string; cause?: { message?: string; code?: string } };
    if (name === 'TimeoutError') return `timed out after ${this.options.timeoutMs} ms`;
    const detail = cause?.message ?? cause?.code;
    const text = message ?? String(error);
    return detail ? `${text}: ${detail}` : text;
  }
}

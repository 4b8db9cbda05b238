import { createTransport, Transporter } from 'nodemailer';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { emptyCustomerState } from '@mp/domain';
import { EmailContext, renderEmail } from '../email/render-email';
import { AttemptResult, Contact, Notification, NotificationChannel } from './notification-channel';

export interface EmailChannelOptions {
  /** `SMTP_URL`: `smtp://[user:pass@]host:port[?option=value]` or `smtps://...`, nodemailer's URL form. */
  smtpUrl: string;
  /** `MAIL_FROM`: `Name <address>` or an address. */
  from: string;
  /** Per attempt, for connecting, the greeting and each command. */
  timeoutMs: number;
}

/** Headers a receiving system can de-duplicate or route on, beside the Message-ID. */
export const NOTIFICATION_ID_HEADER = 'X-Multipartner-Notification-Id';
export const EVENT_ID_HEADER = 'X-Multipartner-Event-Id';
export const EVENT_TYPE_HEADER = 'X-Multipartner-Event-Type';

/**
 * E-mail over SMTP with nodemailer (DESIGN §8), rendered from the event type's template. The
 * Message-ID is derived from the notificationId, so every retry or redelivery of one notification
 * carries the same one and a receiver can de-duplicate. The server's acceptance (2xx reply) is a
 * success; a refusal, a network error or a timeout is a failed attempt.
 */
export class EmailChannel implements NotificationChannel {
  readonly name = 'email' as const;
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>;
  private readonly domain: string;

  constructor(private readonly options: EmailChannelOptions) {
    const timeouts = { connectionTimeout: options.timeoutMs, greetingTimeout: options.timeoutMs, socketTimeout: options.timeoutMs };
    // Options in the URL's query string (e.g. `?ignoreTLS=true`, `?tls.rejectUnauthorized=false`) win.
    this.transport = createTransport({ ...timeouts, ...parseConnectionUrl(options.smtpUrl) } as SMTPTransport.Options);
    this.domain = domainOf(options.from);
  }

  targetOf(contact: Contact): string | undefined {
    return contact.email || undefined;
  }

  messageIdOf(notificationId: string): string {
    return `<${notificationId}@${this.domain}>`;
  }

  async attempt({ notificationId, event, recipient, target, context }: Notification): Promise<AttemptResult> {
    const email = renderEmail(event, recipient, context ?? contextOf(event));
    try {
      const info = await this.transport.sendMail({
        from: this.options.from,
        to: target,
        subject: email.subject,
        text: email.text,
        html: email.html,
        messageId: this.messageIdOf(notificationId),
        headers: { [NOTIFICATION_ID_HEADER]: notificationId, [EVENT_ID_HEADER]: event.id, [EVENT_TYPE_HEADER]: event.type },
      });
      const statusCode = replyCodeOf(info.response);
      if (info.rejected.length > 0) return { ok: false, statusCode, error: `refused by the SMTP server: ${info.response}` };
      return { ok: true, statusCode };
    } catch (error) {
      const { message, responseCode } = (error ?? {}) as { message?: string; responseCode?: number };
      return { ok: false, ...(typeof responseCode === 'number' ? { statusCode: responseCode } : {}), error: message ?? String(error) };
    }
  }

  close(): void {
    this.transport.close();
  }
}

/** The domain of the sender's address, for Message-IDs: `multipartner <no-reply@mp.example>` -> `mp.example`. */
export function domainOf(from: string): string {
  return /@([^\s<>@]+)>?\s*$/.exec(from)?.[1] ?? 'multipartner.local';
}

function replyCodeOf(response: string | undefined): number | undefined {
  const code = /^(\d{3})\b/.exec(response ?? '')?.[1];
  return code ? Number(code) : undefined;
}

/** Without a context (a caller that has none), names fall back to ids. */
function contextOf(event: Notification['event']): EmailContext {
  const customerId = (event.data as { customerId?: string } | undefined)?.customerId ?? event.subject ?? '';
  return { customer: emptyCustomerState(customerId), partners: new Map() };
}

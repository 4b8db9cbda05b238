import { Environment, ENVIRONMENT, RawEnv, readEnvironment } from '@mp/config';
import { allowedHostsOf } from './channels/webhook-address';
import { parseWebhookSecrets } from './standard-webhooks.signer';

/** How the notification-service delivers, read once from the environment at start (DESIGN §3). */
export interface NotificationSettings {
  /** The decoded keys of `WEBHOOK_SECRET` (`whsec_<base64>`, two during a rotation, the current one first): the webhooks of a party without a secret of its own are signed with each. */
  webhookKeys: Buffer[];
  /** Per attempt: `WEBHOOK_TIMEOUT_MS`, default 5000. */
  webhookTimeoutMs: number;
  /** `WEBHOOK_ALLOWED_HOSTS`: the hosts webhooks may reach although loopback or private, over http: too. */
  webhookAllowedHosts: ReadonlySet<string>;
  /** `WEBHOOK_MAX_RESPONSE_BYTES`: of a response body, at most this much is read. */
  webhookMaxResponseBytes: number;
  /** E-mail, when `SMTP_URL` is set; otherwise notifications go out by webhook only. */
  email?: EmailSettings;
  /** For every channel: `WEBHOOK_MAX_ATTEMPTS` / `WEBHOOK_BACKOFF_MS`. */
  retry: RetryPolicy;
  /** How long a notification waits for its party's registration: `NOTIFICATION_PARTY_WAIT_HOURS`, default 24. */
  partyWaitMs: number;
  /** The delivery worker, off the consumer's path. */
  delivery: DeliveryWorkerSettings;
}

export interface DeliveryWorkerSettings {
  /** Attempts in flight at once, per instance: `NOTIFICATION_CONCURRENCY`, default 16. */
  concurrency: number;
  /** How often the queue is looked at when nothing woke the worker: `NOTIFICATION_POLL_MS`, default 250. */
  pollMs: number;
}

export interface EmailSettings {
  /** `SMTP_URL`, e.g. `smtp://127.0.0.1:2525`, `smtps://user:pass@mail.example:465`. */
  smtpUrl: string;
  /** `MAIL_FROM`, default `multipartner <no-reply@multipartner.local>`. */
  from: string;
  /** Per attempt: `SMTP_TIMEOUT_MS`, default 10000. */
  timeoutMs: number;
}

export interface RetryPolicy {
  /** Attempts in all, the first included: `WEBHOOK_MAX_ATTEMPTS`, default 4. */
  maxAttempts: number;
  /** Wait before the 2nd attempt, doubled before each next one: `WEBHOOK_BACKOFF_MS`, default 500. */
  backoffMs: number;
}

export const NOTIFICATION_SETTINGS = Symbol('NOTIFICATION_SETTINGS');

const HOUR_MS = 3_600_000;

/** The notification-service's settings from the checked environment; throws when `WEBHOOK_SECRET` is missing. */
export function notificationSettingsOf(env: Environment): NotificationSettings {
  return {
    webhookKeys: parseWebhookSecrets(env.WEBHOOK_SECRET),
    webhookTimeoutMs: env.WEBHOOK_TIMEOUT_MS,
    webhookAllowedHosts: allowedHostsOf(env.WEBHOOK_ALLOWED_HOSTS),
    webhookMaxResponseBytes: env.WEBHOOK_MAX_RESPONSE_BYTES,
    email: env.SMTP_URL ? { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, timeoutMs: env.SMTP_TIMEOUT_MS } : undefined,
    retry: { maxAttempts: env.WEBHOOK_MAX_ATTEMPTS, backoffMs: env.WEBHOOK_BACKOFF_MS },
    partyWaitMs: Math.round(env.NOTIFICATION_PARTY_WAIT_HOURS * HOUR_MS),
    delivery: { concurrency: env.NOTIFICATION_CONCURRENCY, pollMs: env.NOTIFICATION_POLL_MS },
  };
}

/** The same, read from a raw environment (its unit tests). */
export function notificationSettingsFromEnv(env: RawEnv = process.env): NotificationSettings {
  return notificationSettingsOf(readEnvironment(env));
}

export const notificationSettingsProvider = { provide: NOTIFICATION_SETTINGS, useFactory: notificationSettingsOf, inject: [ENVIRONMENT] };

import { parseWebhookSecret } from './standard-webhooks.signer';

/** How the notification-service delivers, read once from the environment at start (DESIGN §3). */
export interface NotificationSettings {
  /** The decoded key of `WEBHOOK_SECRET` (`whsec_<base64>`). */
  webhookKey: Buffer;
  /** Per attempt: `WEBHOOK_TIMEOUT_MS`, default 5000. */
  webhookTimeoutMs: number;
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

export const DEFAULT_MAIL_FROM = 'multipartner <no-reply@multipartner.local>';

export interface RetryPolicy {
  /** Attempts in all, the first included: `WEBHOOK_MAX_ATTEMPTS`, default 4. */
  maxAttempts: number;
  /** Wait before the 2nd attempt, doubled before each next one: `WEBHOOK_BACKOFF_MS`, default 500. */
  backoffMs: number;
}

export const NOTIFICATION_SETTINGS = Symbol('NOTIFICATION_SETTINGS');

type Env = Record<string, string | undefined>;

function intFrom(env: Env, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be a whole number >= ${min}, got "${raw}"`);
  return value;
}

const HOUR_MS = 3_600_000;

/** Hours as a number, fractions allowed (`0.01` is 36 s: what a test or a sandbox wants). */
function hoursFrom(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback * HOUR_MS;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number of hours >= 0, got "${raw}"`);
  return Math.round(value * HOUR_MS);
}

/** Throws on anything malformed, so a misconfigured service fails at start, not at its first webhook. */
export function notificationSettingsFromEnv(env: Env = process.env): NotificationSettings {
  return {
    webhookKey: parseWebhookSecret(env.WEBHOOK_SECRET),
    webhookTimeoutMs: intFrom(env, 'WEBHOOK_TIMEOUT_MS', 5000, 1),
    email: emailSettingsFrom(env),
    retry: {
      maxAttempts: intFrom(env, 'WEBHOOK_MAX_ATTEMPTS', 4, 1),
      backoffMs: intFrom(env, 'WEBHOOK_BACKOFF_MS', 500, 0),
    },
    partyWaitMs: hoursFrom(env, 'NOTIFICATION_PARTY_WAIT_HOURS', 24),
    delivery: {
      concurrency: intFrom(env, 'NOTIFICATION_CONCURRENCY', 16, 1),
      pollMs: intFrom(env, 'NOTIFICATION_POLL_MS', 250, 1),
    },
  };
}

function emailSettingsFrom(env: Env): EmailSettings | undefined {
  const smtpUrl = env.SMTP_URL?.trim();
  if (!smtpUrl) return undefined;
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new Error(`SMTP_URL must be a URL such as smtp://127.0.0.1:2525, got "${smtpUrl}"`);
  }
  if (!['smtp:', 'smtps:'].includes(url.protocol) || !url.hostname) throw new Error(`SMTP_URL must be smtp://host[:port] or smtps://host[:port], got "${smtpUrl}"`);
  const from = env.MAIL_FROM?.trim() || DEFAULT_MAIL_FROM;
  if (!/@[^\s<>@]+>?$/.test(from)) throw new Error(`MAIL_FROM must be an address or "Name <address>", got "${from}"`);
  return { smtpUrl, from, timeoutMs: intFrom(env, 'SMTP_TIMEOUT_MS', 10_000, 1) };
}

export const notificationSettingsProvider = { provide: NOTIFICATION_SETTINGS, useFactory: () => notificationSettingsFromEnv() };

import { parseWebhookSecret } from './standard-webhooks.signer';

/** How the notification-service delivers, read once from the environment at start (DESIGN §3). */
export interface NotificationSettings {
  /** The decoded key of `WEBHOOK_SECRET` (`whsec_<base64>`). */
  webhookKey: Buffer;
  /** Per attempt: `WEBHOOK_TIMEOUT_MS`, default 5000. */
  webhookTimeoutMs: number;
  retry: RetryPolicy;
}

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

/** Throws on anything malformed, so a misconfigured service fails at start, not at its first webhook. */
export function notificationSettingsFromEnv(env: Env = process.env): NotificationSettings {
  return {
    webhookKey: parseWebhookSecret(env.WEBHOOK_SECRET),
    webhookTimeoutMs: intFrom(env, 'WEBHOOK_TIMEOUT_MS', 5000, 1),
    retry: {
      maxAttempts: intFrom(env, 'WEBHOOK_MAX_ATTEMPTS', 4, 1),
      backoffMs: intFrom(env, 'WEBHOOK_BACKOFF_MS', 500, 0),
    },
  };
}

export const notificationSettingsProvider = { provide: NOTIFICATION_SETTINGS, useFactory: () => notificationSettingsFromEnv() };

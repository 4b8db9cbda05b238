import type { Environment } from './environment';
import { variables } from './variable';

/** What a secret that is not a URL is shown as in logs. */
export const SECRET_SET = '[secret]';

/** `scheme://user:password@`: how credentials are found where `URL` refuses the rest (a Redis Cluster's comma list of nodes). */
const CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:)([^\s@/]+)@/i;

/** `scheme://user:***@host...` for a URL that holds a password; anything else as it is. */
export function withoutPassword(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text.replace(CREDENTIALS, '$1***@');
  }
  if (!url.password) return text;
  url.password = '***';
  return url.toString();
}

/**
 * The environment as it may be logged at start: every variable that is set, a secret URL with its
 * password replaced (`smtps://user:***@mail.example:465`), any other secret as `[secret]`.
 */
export function environmentForLogs(env: Environment): Record<string, string | number | boolean> {
  const shown: Record<string, string | number | boolean> = {};
  for (const { name, secret } of variables()) {
    const value = (env as unknown as Record<string, string | number | boolean | undefined>)[name];
    if (value === undefined || value === '') continue;
    shown[name] = !secret ? value : typeof value === 'string' && isUrl(value) ? withoutPassword(value) : SECRET_SET;
  }
  return shown;
}

/** Shorter than this, a secret is not looked for in log lines by value (it would blank common words). */
export const MIN_SCRUBBED_SECRET_LENGTH = 6;

/**
 * The secret values of the environment, as they could appear in a log line: each secret whole,
 * but of a secret URL its password only (as written and decoded), each of several space-separated values
 * (`WEBHOOK_SECRET` may list two for rotation) and the key part of `whsec_<key>`. The log
 * destination blanks every one of them, wherever it appears (an error message, a stack trace).
 */
export function secretValuesOf(env: Environment): string[] {
  const found = new Set<string>();
  for (const { name, secret } of variables()) {
    const value = (env as unknown as Record<string, unknown>)[name];
    if (!secret || typeof value !== 'string' || value === '') continue;
    if (isUrl(value)) {
      // Logged without its password (`environmentForLogs`): the password is what must not appear.
      const password = passwordOf(value);
      if (password) found.add(password).add(decodeURIComponentSafely(password));
      continue;
    }
    found.add(value);
    for (const part of value.split(/\s+/)) {
      found.add(part);
      if (part.startsWith('whsec_')) found.add(part.slice('whsec_'.length));
    }
  }
  return [...found].filter((s) => s.length >= MIN_SCRUBBED_SECRET_LENGTH);
}

function isUrl(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(text);
}

function passwordOf(text: string): string | undefined {
  try {
    return new URL(text).password || undefined;
  } catch {
    return CREDENTIALS.exec(text)?.[2];
  }
}

export function decodeURIComponentSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

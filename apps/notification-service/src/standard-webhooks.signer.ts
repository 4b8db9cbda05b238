import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): `v1,` + base64 of
 * HMAC-SHA256(secret bytes, "<webhook-id>.<webhook-timestamp>.<body>").
 */
export const SECRET_PREFIX = 'whsec_';

/** The spec recommends secrets of 24 to 64 bytes; shorter ones are refused. */
export const MIN_SECRET_BYTES = 24;

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** `whsec_<base64>` -> the key bytes; throws a message an operator can act on. */
export function parseWebhookSecret(secret: string | undefined, name = 'WEBHOOK_SECRET'): Buffer {
  if (!secret) throw new Error(`${name} is required: a Standard Webhooks secret of the form whsec_<base64>`);
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error(`${name} must start with "${SECRET_PREFIX}" (Standard Webhooks form whsec_<base64>)`);
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (encoded.length === 0 || !STRICT_BASE64.test(encoded)) throw new Error(`${name}: the part after "${SECRET_PREFIX}" must be standard base64`);
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_SECRET_BYTES) throw new Error(`${name} must decode to at least ${MIN_SECRET_BYTES} bytes, got ${key.length}`);
  return key;
}

/** The secrets one may give at once: the current one, and during a rotation the one being retired. */
export const MAX_SECRETS = 2;

/**
 * One secret, or two space-separated during a rotation (the current one first): the key bytes of
 * each, in that order. Every one of them signs (see `StandardWebhooksSigner`).
 */
export function parseWebhookSecrets(secrets: string | undefined, name = 'WEBHOOK_SECRET'): Buffer[] {
  const listed = (secrets ?? '').trim().split(/\s+/).filter(Boolean);
  if (listed.length > MAX_SECRETS) throw new Error(`${name} may list at most ${MAX_SECRETS} secrets, space-separated: the current one, then the one being retired`);
  return listed.length === 0 ? [parseWebhookSecret(undefined, name)] : listed.map((secret) => parseWebhookSecret(secret, name));
}

/** The three Standard Webhooks headers of one attempt. */
export interface WebhookSignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Signs with every key it holds: during a rotation `webhook-signature` carries one `v1,<signature>`
 * per secret, space-separated, the current secret's first (the Standard Webhooks form for
 * rotation), so a receiver that knows either secret verifies.
 */
export class StandardWebhooksSigner {
  private readonly keys: Buffer[];

  constructor(keys: Buffer | Buffer[]) {
    this.keys = Array.isArray(keys) ? keys : [keys];
    if (this.keys.length === 0) throw new Error('a Standard Webhooks signer needs a key');
  }

  /** From `whsec_<base64>`, or two of them space-separated. */
  static fromSecret(secret: string | undefined, name?: string): StandardWebhooksSigner {
    return new StandardWebhooksSigner(parseWebhookSecrets(secret, name));
  }

  /** `v1,<base64 signature>` of the exact body bytes that go on the wire, one per key, space-separated. */
  sign(id: string, timestampSeconds: number, body: string): string {
    return this.keys.map((key) => `v1,${hmac(key, id, timestampSeconds, body)}`).join(' ');
  }

  headers(id: string, timestampSeconds: number, body: string): WebhookSignatureHeaders {
    return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': this.sign(id, timestampSeconds, body) };
  }
}

function hmac(key: Buffer, id: string, timestampSeconds: number | string, body: string): string {
  return createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`, 'utf8').digest('base64');
}

export interface VerifyOptions {
  /** Reject timestamps further than this from `nowSeconds` (replay protection; the spec suggests 5 minutes). */
  toleranceSeconds?: number;
  nowSeconds?: number;
}

/**
 * What a receiver does: true when one of the space-separated `v1,` signatures matches the body,
 * compared in constant time, and the timestamp is fresh. Here for tests and receivers' examples.
 */
export function verifyWebhook(secret: string, headers: Partial<WebhookSignatureHeaders>, body: string, options: VerifyOptions = {}): boolean {
  const { toleranceSeconds = 300, nowSeconds = Math.floor(Date.now() / 1000) } = options;
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !timestamp || !signatures || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(hmac(parseWebhookSecret(secret), id, timestamp, body), 'base64');
  return signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

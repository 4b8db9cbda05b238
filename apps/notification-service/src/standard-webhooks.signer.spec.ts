import { webcrypto } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { parseWebhookSecret, parseWebhookSecrets, StandardWebhooksSigner, verifyWebhook } from './standard-webhooks.signer';

// The Standard Webhooks specification's published test vector (also used by its reference libraries).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

/** A second, independent HMAC-SHA256 (WebCrypto, not node:crypto's createHmac). */
async function independentSignature(keyBytes: Uint8Array, content: string): Promise<string> {
  const key = await webcrypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await webcrypto.subtle.sign('HMAC', key, new TextEncoder().encode(content));
  return `v1,${Buffer.from(mac).toString('base64')}`;
}

describe('Standard Webhooks signer', () => {
  const signer = StandardWebhooksSigner.fromSecret(VECTOR.secret);

  it('reproduces the specification test vector', () => {
    expect(signer.sign(VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
  });

  it('agrees with an independent HMAC over "<id>.<timestamp>.<body>", unicode included', async () => {
    const keyBytes = webcrypto.getRandomValues(new Uint8Array(32));
    const secret = `whsec_${Buffer.from(keyBytes).toString('base64')}`;
    const body = JSON.stringify({ specversion: '1.0', id: 'e-1', data: { name: 'Société Générale ✓', note: 'a.b.c' } });
    const expected = await independentSignature(keyBytes, `notif-1.1700000000.${body}`);
    expect(StandardWebhooksSigner.fromSecret(secret).sign('notif-1', 1700000000, body)).toBe(expected);
  });

  it('produces the three headers of one attempt', () => {
    expect(signer.headers(VECTOR.id, VECTOR.timestamp, VECTOR.body)).toEqual({
      'webhook-id': VECTOR.id,
      'webhook-timestamp': '1614265330',
      'webhook-signature': VECTOR.signature,
    });
  });

  describe('rotation: two secrets at once', () => {
    const current = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    const retired = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;
    const stranger = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
    const body = '{"type":"RelationshipRequested"}';
    const now = Math.floor(Date.now() / 1000);
    const headers = StandardWebhooksSigner.fromSecret(`${current} ${retired}`).headers('notif-1', now, body);

    it('signs with both, the current secret first, space-separated', () => {
      const [first, second] = headers['webhook-signature'].split(' ');
      expect(first).toBe(StandardWebhooksSigner.fromSecret(current).sign('notif-1', now, body));
      expect(second).toBe(StandardWebhooksSigner.fromSecret(retired).sign('notif-1', now, body));
    });

    it('verifies, by the standardwebhooks package, for a receiver knowing either secret, and not another', () => {
      expect(new Webhook(current).verify(body, { ...headers })).toEqual(JSON.parse(body));
      expect(new Webhook(retired).verify(body, { ...headers })).toEqual(JSON.parse(body));
      expect(() => new Webhook(stranger).verify(body, { ...headers })).toThrow(/No matching signature/);
    });

    it('takes at most two', () => {
      expect(parseWebhookSecrets(`${current} ${retired}`)).toHaveLength(2);
      expect(parseWebhookSecrets(` ${current} `)).toHaveLength(1);
      expect(() => parseWebhookSecrets(`${current} ${retired} ${stranger}`)).toThrow(/at most 2 secrets/);
      expect(() => parseWebhookSecrets(`${current} plain`)).toThrow(/must start with "whsec_"/);
      expect(() => parseWebhookSecrets('  ')).toThrow(/required/);
    });
  });

  describe('verification', () => {
    const headers = { 'webhook-id': VECTOR.id, 'webhook-timestamp': String(VECTOR.timestamp), 'webhook-signature': VECTOR.signature };
    const at = { nowSeconds: VECTOR.timestamp + 10 };

    it('accepts the signed body', () => {
      expect(verifyWebhook(VECTOR.secret, headers, VECTOR.body, at)).toBe(true);
    });

    it('refuses a tampered body, id or timestamp', () => {
      expect(verifyWebhook(VECTOR.secret, headers, '{"test": 2432232315}', at)).toBe(false);
      expect(verifyWebhook(VECTOR.secret, { ...headers, 'webhook-id': 'msg_other' }, VECTOR.body, at)).toBe(false);
      expect(verifyWebhook(VECTOR.secret, { ...headers, 'webhook-timestamp': String(VECTOR.timestamp + 1) }, VECTOR.body, at)).toBe(false);
    });

    it('refuses another secret, a stale timestamp and malformed headers', () => {
      const other = `whsec_${Buffer.from('another-secret-of-24-bytes!').toString('base64')}`;
      expect(verifyWebhook(other, headers, VECTOR.body, at)).toBe(false);
      expect(verifyWebhook(VECTOR.secret, headers, VECTOR.body, { nowSeconds: VECTOR.timestamp + 301 })).toBe(false);
      expect(verifyWebhook(VECTOR.secret, { ...headers, 'webhook-signature': 'v2,abc' }, VECTOR.body, at)).toBe(false);
      expect(verifyWebhook(VECTOR.secret, { ...headers, 'webhook-timestamp': 'soon' }, VECTOR.body, at)).toBe(false);
      expect(verifyWebhook(VECTOR.secret, { 'webhook-id': VECTOR.id }, VECTOR.body, at)).toBe(false);
    });

    it('accepts any matching signature of a space-separated list (key rotation)', () => {
      const rotated = { ...headers, 'webhook-signature': `v1,bm90LXRoaXMtb25l ${VECTOR.signature}` };
      expect(verifyWebhook(VECTOR.secret, rotated, VECTOR.body, at)).toBe(true);
    });
  });

  describe('the secret', () => {
    it('is the base64 after whsec_', () => {
      expect(parseWebhookSecret(VECTOR.secret)).toEqual(Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64'));
    });

    it.each([
      ['missing', undefined, /required/],
      ['empty', '', /required/],
      ['without the prefix', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', /must start with "whsec_"/],
      ['with nothing after the prefix', 'whsec_', /standard base64/],
      ['not base64', 'whsec_not base64!', /standard base64/],
      ['base64url rather than base64', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw-_-_', /standard base64/],
      ['too short', `whsec_${Buffer.from('short').toString('base64')}`, /at least 24 bytes/],
    ])('is refused when %s', (_why, secret, message) => {
      expect(() => parseWebhookSecret(secret)).toThrow(message);
    });
  });
});

import { notificationSettingsFromEnv } from './notification-settings';

const secret = `whsec_${Buffer.from('a-secret-of-at-least-24-bytes').toString('base64')}`;

describe('notification settings', () => {
  it('has the documented defaults', () => {
    const settings = notificationSettingsFromEnv({ WEBHOOK_SECRET: secret });
    expect(settings.webhookKeys.map(String)).toEqual(['a-secret-of-at-least-24-bytes']);
    expect(settings.webhookTimeoutMs).toBe(5000);
    expect(settings.webhookAllowedHosts).toEqual(new Set());
    expect(settings.webhookMaxResponseBytes).toBe(65_536);
    expect(settings.retry).toEqual({ maxAttempts: 4, backoffMs: 500 });
    expect(settings.partyWaitMs).toBe(24 * 3_600_000);
    expect(settings.delivery).toEqual({ concurrency: 16, pollMs: 250 });
  });

  it('reads the overrides', () => {
    const settings = notificationSettingsFromEnv({
      WEBHOOK_SECRET: secret,
      WEBHOOK_TIMEOUT_MS: '250',
      WEBHOOK_MAX_ATTEMPTS: '1',
      WEBHOOK_BACKOFF_MS: '0',
      NOTIFICATION_PARTY_WAIT_HOURS: '0.5',
      NOTIFICATION_CONCURRENCY: '4',
      NOTIFICATION_POLL_MS: '50',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1, LocalHost',
      WEBHOOK_MAX_RESPONSE_BYTES: '1024',
    });
    expect(settings.webhookTimeoutMs).toBe(250);
    expect(settings.webhookAllowedHosts).toEqual(new Set(['127.0.0.1', 'localhost']));
    expect(settings.webhookMaxResponseBytes).toBe(1024);
    expect(settings.retry).toEqual({ maxAttempts: 1, backoffMs: 0 });
    expect(settings.partyWaitMs).toBe(1_800_000);
    expect(settings.delivery).toEqual({ concurrency: 4, pollMs: 50 });
  });

  it('reads two secrets during a rotation, the current one first', () => {
    const retired = `whsec_${Buffer.from('the-secret-being-retired-now').toString('base64')}`;
    expect(notificationSettingsFromEnv({ WEBHOOK_SECRET: `${secret} ${retired}` }).webhookKeys.map(String)).toEqual(['a-secret-of-at-least-24-bytes', 'the-secret-being-retired-now']);
    expect(() => notificationSettingsFromEnv({ WEBHOOK_SECRET: `${secret} ${retired} ${secret}` })).toThrow(/WEBHOOK_SECRET/);
  });

  it('fails fast on a missing or malformed secret', () => {
    expect(() => notificationSettingsFromEnv({})).toThrow(/WEBHOOK_SECRET is required/);
    expect(() => notificationSettingsFromEnv({ WEBHOOK_SECRET: 'plain-text-secret' })).toThrow(/whsec_/);
  });

  it.each([
    ['WEBHOOK_TIMEOUT_MS', '0'],
    ['WEBHOOK_TIMEOUT_MS', 'soon'],
    ['WEBHOOK_MAX_ATTEMPTS', '0'],
    ['WEBHOOK_MAX_ATTEMPTS', '2.5'],
    ['WEBHOOK_BACKOFF_MS', '-1'],
    ['NOTIFICATION_PARTY_WAIT_HOURS', '-1'],
    ['NOTIFICATION_PARTY_WAIT_HOURS', 'a day'],
    ['NOTIFICATION_CONCURRENCY', '0'],
    ['NOTIFICATION_POLL_MS', '0'],
    ['WEBHOOK_ALLOWED_HOSTS', '127.0.0.1:8080'],
    ['WEBHOOK_ALLOWED_HOSTS', 'http://127.0.0.1'],
    ['WEBHOOK_MAX_RESPONSE_BYTES', '-1'],
  ])('fails fast on %s=%s', (name, value) => {
    expect(() => notificationSettingsFromEnv({ WEBHOOK_SECRET: secret, [name]: value })).toThrow(name);
  });

  it('sends no e-mail without SMTP_URL', () => {
    expect(notificationSettingsFromEnv({ WEBHOOK_SECRET: secret }).email).toBeUndefined();
    expect(notificationSettingsFromEnv({ WEBHOOK_SECRET: secret, SMTP_URL: ' ' }).email).toBeUndefined();
  });

  it('reads the e-mail settings, with the documented sender and timeout by default', () => {
    expect(notificationSettingsFromEnv({ WEBHOOK_SECRET: secret, SMTP_URL: 'smtp://127.0.0.1:2525' }).email).toEqual({
      smtpUrl: 'smtp://127.0.0.1:2525',
      from: 'multipartner <no-reply@multipartner.local>',
      timeoutMs: 10_000,
    });
    const custom = notificationSettingsFromEnv({ WEBHOOK_SECRET: secret, SMTP_URL: 'smtps://u:p@mail.example:465', MAIL_FROM: 'Alerts <alerts@mp.example>', SMTP_TIMEOUT_MS: '2000' });
    expect(custom.email).toEqual({ smtpUrl: 'smtps://u:p@mail.example:465', from: 'Alerts <alerts@mp.example>', timeoutMs: 2000 });
  });

  it.each([
    ['SMTP_URL', { SMTP_URL: 'mail.example:25' }],
    ['SMTP_URL', { SMTP_URL: 'http://mail.example' }],
    ['MAIL_FROM', { SMTP_URL: 'smtp://mail.example', MAIL_FROM: 'no address' }],
    ['SMTP_TIMEOUT_MS', { SMTP_URL: 'smtp://mail.example', SMTP_TIMEOUT_MS: '0' }],
  ])('fails fast on a malformed %s', (name, env) => {
    expect(() => notificationSettingsFromEnv({ WEBHOOK_SECRET: secret, ...env })).toThrow(name);
  });
});

import { notificationSettingsFromEnv } from './notification-settings';

const secret = `whsec_${Buffer.from('a-secret-of-at-least-24-bytes').toString('base64')}`;

describe('notification settings', () => {
  it('has the documented defaults', () => {
    const settings = notificationSettingsFromEnv({ WEBHOOK_SECRET: secret });
    expect(settings.webhookKey.toString()).toBe('a-secret-of-at-least-24-bytes');
    expect(settings.webhookTimeoutMs).toBe(5000);
    expect(settings.retry).toEqual({ maxAttempts: 4, backoffMs: 500 });
  });

  it('reads the overrides', () => {
    const settings = notificationSettingsFromEnv({ WEBHOOK_SECRET: secret, WEBHOOK_TIMEOUT_MS: '250', WEBHOOK_MAX_ATTEMPTS: '1', WEBHOOK_BACKOFF_MS: '0' });
    expect(settings.webhookTimeoutMs).toBe(250);
    expect(settings.retry).toEqual({ maxAttempts: 1, backoffMs: 0 });
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
  ])('fails fast on %s=%s', (name, value) => {
    expect(() => notificationSettingsFromEnv({ WEBHOOK_SECRET: secret, [name]: value })).toThrow(name);
  });
});

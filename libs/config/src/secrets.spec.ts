import { readEnvironment } from './read-environment';
import { environmentForLogs, secretValuesOf, withoutPassword } from './secrets';

const webhookKey = Buffer.alloc(32, 9).toString('base64');
const env = readEnvironment({
  WEBHOOK_SECRET: `whsec_${webhookKey}`,
  SMTP_URL: 'smtps://mailer:pa%2Fss-w0rd@mail.example:465',
  REDIS_URL: 'redis://:redis-pa55@127.0.0.1:6379',
  KAFKA_SASL_USERNAME: 'svc',
  KAFKA_SASL_PASSWORD: 'sasl-pa55word',
  SCHEDULER_INTERVAL_MS: '250',
});

describe('the environment as it is logged at start', () => {
  it('shows what is set, a secret URL without its password, any other secret as [secret]', () => {
    expect(environmentForLogs(env)).toMatchObject({
      SCHEDULER_INTERVAL_MS: 250,
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: '[secret]',
      WEBHOOK_SECRET: '[secret]',
      SMTP_URL: 'smtps://mailer:***@mail.example:465',
      REDIS_URL: 'redis://:***@127.0.0.1:6379',
    });
    expect(environmentForLogs(env)).not.toHaveProperty('KAFKA_SASL_MECHANISM');
    const text = JSON.stringify(environmentForLogs(env));
    for (const secret of ['pa%2Fss-w0rd', 'pa/ss-w0rd', 'redis-pa55', 'sasl-pa55word', webhookKey]) expect(text).not.toContain(secret);
  });

  it('leaves a URL without a password, and text that is no URL, as they are', () => {
    expect(withoutPassword('smtp://127.0.0.1:2525')).toBe('smtp://127.0.0.1:2525');
    expect(withoutPassword('not a url')).toBe('not a url');
  });
});

describe('the secret values looked for in every log line', () => {
  it('are each secret whole, the key of whsec_, and of a URL its password only, as written and decoded', () => {
    const values = secretValuesOf(env);
    expect(values).toEqual(expect.arrayContaining([`whsec_${webhookKey}`, webhookKey, 'pa%2Fss-w0rd', 'pa/ss-w0rd', 'redis-pa55', 'sasl-pa55word']));
    // The URL itself is logged without its password: blanking it whole would hide the host too.
    expect(values.some((v) => v.includes('mail.example') || v.includes('127.0.0.1'))).toBe(false);
  });

  it('take each of two space-separated webhook secrets (a rotation)', () => {
    const second = Buffer.alloc(32, 4).toString('base64');
    const rotating = { ...env, WEBHOOK_SECRET: `whsec_${webhookKey} whsec_${second}` };
    expect(secretValuesOf(rotating)).toEqual(expect.arrayContaining([`whsec_${second}`, second, webhookKey]));
  });

  it('leave out values too short to look for', () => {
    expect(secretValuesOf({ ...env, KAFKA_SASL_PASSWORD: 'pw' })).not.toContain('pw');
  });
});

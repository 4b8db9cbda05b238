import { ConfigurationError, readEnvironment } from './read-environment';

const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

function problemsOf(env: Record<string, string>, required?: Parameters<typeof readEnvironment>[1]): string[] {
  try {
    readEnvironment(env, required);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  return [];
}

describe('reading the environment once, at start', () => {
  it('gives every default, typed, when nothing is set', () => {
    const env = readEnvironment({});
    expect(env).toMatchObject({ KAFKA_BROKERS: '127.0.0.1:9092', KAFKA_PARTITIONS: 6, KAFKA_SSL: false, SCHEDULER_INTERVAL_MS: 1000, COMMAND_WAIT_SECONDS: 15, ONE_ADMIN_PER_SERVICE: true, REDIS_KEY_PREFIX: 'mp:', KAFKA_NAMESPACE: '' });
    expect(env.WEBHOOK_SECRET).toBeUndefined();
  });

  it('turns the text of each variable into its type', () => {
    const env = readEnvironment({ SCHEDULER_INTERVAL_MS: '250', KAFKA_SSL: 'true', COMMAND_WAIT_SECONDS: '0.5', NOTIFICATION_PARTY_WAIT_HOURS: '0.01', LOG_LEVEL: 'DEBUG', KAFKA_BROKERS: '127.0.0.1:9092, [::1]:9093' });
    expect(env).toMatchObject({ SCHEDULER_INTERVAL_MS: 250, KAFKA_SSL: true, COMMAND_WAIT_SECONDS: 0.5, NOTIFICATION_PARTY_WAIT_HOURS: 0.01, LOG_LEVEL: 'debug' });
  });

  it.each([
    [{ SCHEDULER_INTERVAL_MS: 'x' }, 'SCHEDULER_INTERVAL_MS must be a whole number of at least 10, got "x"'],
    [{ SCHEDULER_INTERVAL_MS: '1' }, 'SCHEDULER_INTERVAL_MS must be at least 10, got "1"'],
    [{ KAFKA_BROKERS: 'localhost' }, 'KAFKA_BROKERS must be a comma list of host:port, e.g. 127.0.0.1:9092, got "localhost"'],
    [{ KAFKA_BROKERS: '127.0.0.1:9092,' }, 'KAFKA_BROKERS must be a comma list of host:port, e.g. 127.0.0.1:9092, got "127.0.0.1:9092,"'],
    [{ KAFKA_SSL: 'yes' }, 'KAFKA_SSL must be true or false, got "yes"'],
    [{ KAFKA_SASL_MECHANISM: 'gssapi' }, 'KAFKA_SASL_MECHANISM must be one of plain, scram-sha-256, scram-sha-512, got "gssapi"'],
    [{ COMMAND_WAIT_SECONDS: '-1' }, 'COMMAND_WAIT_SECONDS must be a number of at least 0, got "-1"'],
    [{ DIRECTORY_PORT: '70000' }, 'DIRECTORY_PORT must be at most 65535, got "70000"'],
    [{ REDIS_URL: '127.0.0.1:6379' }, 'REDIS_URL must be a redis:// or rediss:// URL, or redis+cluster://host:port,host:port'],
    [{ REDIS_URL: 'redis+cluster://127.0.0.1:7101,' }, 'REDIS_URL must be a redis:// or rediss:// URL, or redis+cluster://host:port,host:port'],
    [{ REDIS_URL: 'redis+cluster://127.0.0.1:7101/3' }, 'REDIS_URL must be a redis:// or rediss:// URL, or redis+cluster://host:port,host:port'],
    [{ REDIS_KEY_PREFIX: 'mp{eu}:' }, 'REDIS_KEY_PREFIX must not hold spaces or braces (on a Redis Cluster, a `{...}` in it would be the hash tag of every key: all in one slot), got "mp{eu}:"'],
    [{ WEBHOOK_SECRET: 'whsec_short' }, 'WEBHOOK_SECRET must be whsec_ followed by standard base64 of at least 24 bytes, or two of those separated by a space'],
    [{ WEBHOOK_SECRET: secret.slice(6) }, 'WEBHOOK_SECRET must be whsec_ followed by standard base64 of at least 24 bytes, or two of those separated by a space'],
    [{ WEBHOOK_SECRET: `${secret} ${secret} ${secret}` }, 'WEBHOOK_SECRET must be whsec_ followed by standard base64 of at least 24 bytes, or two of those separated by a space'],
    [{ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1:8080' }, 'WEBHOOK_ALLOWED_HOSTS must be a comma list of host names or IP addresses, without ports, got "127.0.0.1:8080"'],
    [{ WEBHOOK_ALLOWED_HOSTS: 'https://hooks.example.com' }, 'WEBHOOK_ALLOWED_HOSTS must be a comma list of host names or IP addresses, without ports, got "https://hooks.example.com"'],
    [{ SMTP_URL: 'http://mail' }, 'SMTP_URL must be smtp://host[:port] or smtps://[user:pass@]host[:port]'],
    [{ KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_HEARTBEAT_INTERVAL_MS: '3000' }, 'KAFKA_HEARTBEAT_INTERVAL_MS must be at most a third of KAFKA_SESSION_TIMEOUT_MS (6000), got "3000"'],
    [{ KAFKA_SASL_MECHANISM: 'scram-sha-512' }, 'KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required with KAFKA_SASL_MECHANISM'],
    [{ KAFKA_SSL_CA_FILE: __filename }, 'KAFKA_SSL_CA_FILE is set but KAFKA_SSL is not true: TLS is off'],
    [{ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/no/such/ca.pem' }, 'KAFKA_SSL_CA_FILE cannot be read: "/no/such/ca.pem"'],
    [{ KAFKA_SSL: 'true', KAFKA_SSL_REJECT_UNAUTHORIZED: 'no' }, 'KAFKA_SSL_REJECT_UNAUTHORIZED must be true or false, got "no"'],
  ])('refuses %j in one line naming the variable', (env, line) => {
    expect(problemsOf(env)).toEqual([line]);
  });

  it('names every bad variable at once, and never repeats a secret', () => {
    const problems = problemsOf({ SCHEDULER_INTERVAL_MS: 'x', REDIS_URL: 'redis-at-home:pa55word', KAFKA_PARTITIONS: '0' });
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual(['KAFKA_PARTITIONS', 'REDIS_URL', 'SCHEDULER_INTERVAL_MS']);
    expect(problems.join('\n')).not.toContain('pa55word');
  });

  it('refuses a start without what the service requires', () => {
    expect(problemsOf({}, { required: ['WEBHOOK_SECRET'] })).toEqual([expect.stringMatching(/^WEBHOOK_SECRET is required: Standard Webhooks secret/)]);
    expect(problemsOf({ WEBHOOK_SECRET: secret }, { required: ['WEBHOOK_SECRET'] })).toEqual([]);
  });

  it('refuses a service that checks bearer tokens a start with no way to verify them, unless AUTH_DISABLED=true (DESIGN §10)', () => {
    const refusal = 'AUTH_JWT_SECRET or AUTH_JWKS_URL is required to verify bearer tokens (AUTH_DISABLED=true turns authentication off)';
    expect(problemsOf({}, { authenticates: true })).toEqual([refusal]);
    expect(problemsOf({ AUTH_DISABLED: 'false' }, { authenticates: true })).toEqual([refusal]);
    expect(problemsOf({ AUTH_JWT_SECRET: 'a'.repeat(32) }, { authenticates: true })).toEqual([]);
    expect(problemsOf({ AUTH_JWKS_URL: 'http://127.0.0.1:8080/jwks.json' }, { authenticates: true })).toEqual([]);
    expect(problemsOf({ AUTH_DISABLED: 'true' }, { authenticates: true })).toEqual([]);
    expect(problemsOf({})).toEqual([]);
    expect(problemsOf({ AUTH_JWKS_URL: 'ftp://keys', AUTH_DISABLED: 'yes' })).toEqual([
      'AUTH_JWKS_URL must be an http:// or https:// URL, got "ftp://keys"',
      'AUTH_DISABLED must be true or false, got "yes"',
    ]);
  });

  it('takes an empty value for unset', () => {
    expect(readEnvironment({ SCHEDULER_INTERVAL_MS: '', KAFKA_SASL_MECHANISM: ' ' })).toMatchObject({ SCHEDULER_INTERVAL_MS: 1000, KAFKA_SASL_MECHANISM: undefined });
  });
});

import { ServiceProcess } from './messaging/service-process';

/**
 * A bad value stops a service at start with one line naming the variable, and exit code 1
 * (issue: `SCHEDULER_INTERVAL_MS=x` used to start a service with a 1 ms timer). The processes
 * exit before they connect to anything.
 */
describe('a service started with a bad configuration', () => {
  const secret = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;

  it.each([
    ['request-service', { SCHEDULER_INTERVAL_MS: 'x', AUTH_JWT_SECRET: 'x'.repeat(32) }, 'request-service: configuration: SCHEDULER_INTERVAL_MS must be a whole number of at least 10, got "x"'],
    ['consent-service', { KAFKA_BROKERS: 'localhost', AUTH_JWT_SECRET: 'x'.repeat(32) }, 'consent-service: configuration: KAFKA_BROKERS must be a comma list of host:port, e.g. 127.0.0.1:9092, got "localhost"'],
    ['notification-service', { WEBHOOK_SECRET: 'whsec_not-base64!' }, 'notification-service: configuration: WEBHOOK_SECRET must be whsec_ followed by standard base64 of at least 24 bytes, or two of those separated by a space'],
    ['notification-service', { WEBHOOK_SECRET: '' }, 'notification-service: configuration: WEBHOOK_SECRET is required: Standard Webhooks secret `whsec_<base64>` of at least 24 bytes; during a rotation two, space-separated, the current one first (both sign); required by the notification-service (`npm start` makes one)'],
    ['directory-service', { DIRECTORY_PORT: 'eighty', WEBHOOK_SECRET: secret, AUTH_JWT_SECRET: 'x'.repeat(32) }, 'directory-service: configuration: DIRECTORY_PORT must be a whole number from 0 to 65535, got "eighty"'],
    // DESIGN §10: authentication is on by default, so a service that checks tokens needs a way to verify them.
    ['directory-service', { AUTH_JWT_SECRET: '', AUTH_JWKS_URL: '', AUTH_DISABLED: '' }, 'directory-service: configuration: AUTH_JWT_SECRET or AUTH_JWKS_URL is required to verify bearer tokens (AUTH_DISABLED=true turns authentication off)'],
    ['directory-service', { AUTH_JWT_SECRET: 'too-short' }, 'directory-service: configuration: AUTH_JWT_SECRET must be at least 32 characters, without spaces'],
  ])('%s with %j exits 1 with one line naming it', async (name, env, line) => {
    const service = ServiceProcess.launch(name, env);
    const exit = await service.exited;
    expect(exit).toEqual({ code: 1, signal: null });
    expect(service.logs().trim().split('\n')).toEqual([line]);
  });
});

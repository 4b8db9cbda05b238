import { randomBytes } from 'node:crypto';
import { CloudEvent, MessageType, Topics } from '@mp/contracts';
import { physicalTopic, upstreamEnvelope } from '@mp/messaging';
import { isolateTestRun } from './support/isolation';
import { customerData, partnerData, requestedData } from './support/notification-fixtures';
import { TopicProbe } from './support/topic-probe';
import { WebhookReceiver } from './support/webhook-receiver';
import { ServiceProcess } from './messaging/service-process';

jest.setTimeout(240_000);

type Line = Record<string, any>;

/** The JSON lines of a process's output (ioredis and Node warnings are plain text: left out here, still searched for secrets). */
const linesOf = (output: string): Line[] => output.split('\n').flatMap((line) => (line.startsWith('{') ? [JSON.parse(line) as Line] : []));

/**
 * Issue 8, item 3: one JSON line per notable step, carrying the service, the message's
 * correlationid, causationid, id, type, topic, partition and offset; and no secret ever written.
 * Two services as real processes, started with known secret values in their environment (SASL
 * credentials without a SASL mechanism, so they still start against the PLAINTEXT broker; a Redis
 * password the shared Redis does not ask for), each sent an HTTP request with a bearer token and a
 * cookie, and messages whose handling logs at every level.
 */
describe('the logs of a service process', () => {
  const world = isolateTestRun('logs');
  const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;
  const secrets = {
    webhook: `whsec_${randomBytes(32).toString('base64')}`,
    smtpPassword: secret('smtp-pw'),
    saslPassword: secret('sasl-pw'),
    redisPassword: secret('redis-pw'),
    bearerToken: secret('bearer'),
    cookie: secret('cookie'),
    webhookUrlToken: secret('hook-token'),
  };
  const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  if (!redisUrl.password) redisUrl.password = secrets.redisPassword;
  const env = {
    LOG_LEVEL: 'debug',
    WEBHOOK_SECRET: secrets.webhook,
    SMTP_URL: `smtp://mailer:${secrets.smtpPassword}@127.0.0.1:2525`,
    KAFKA_SASL_USERNAME: 'logs-test',
    KAFKA_SASL_PASSWORD: secrets.saslPassword,
    REDIS_URL: redisUrl.toString(),
    // A command naming an unknown customer is refused at once.
    COMMAND_WAIT_SECONDS: '0',
    WEBHOOK_BACKOFF_MS: '50',
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1,localhost',
  };
  const probe = new TopicProbe();
  const receiver = new WebhookReceiver();
  const customerId = world.id('cust');
  const resellerId = world.id('res');
  const hookPath = `/customers/${customerId}`;
  let request: ServiceProcess;
  let notification: ServiceProcess;
  let requestLog = '';
  let notificationLog = '';
  let command: CloudEvent;
  let requested: CloudEvent;

  /** An envelope as a service in the middle of a flow would send it: its correlation and cause set. */
  const caused = (type: MessageType, data: unknown): CloudEvent => ({ ...upstreamEnvelope('logs-test', type, data), correlationid: secret('corr'), causationid: secret('cause') });

  /** An HTTP request carrying a bearer token and a cookie, as a browser or a portal would send them. */
  const withCredentials = (url: string) => fetch(url, { headers: { authorization: `Bearer ${secrets.bearerToken}`, cookie: `session=${secrets.cookie}` } });

  beforeAll(async () => {
    await Promise.all([probe.start(), receiver.start()]);
    [request, notification] = await Promise.all([ServiceProcess.start('request-service', 'REQUEST_PORT', env), ServiceProcess.start('notification-service', 'NOTIFICATION_PORT', env)]);

    // request-service: a command refused (an unknown customer), a message that is no JSON.
    command = caused('RequestRelationship', { requestId: world.id('req'), customerId: world.id('nobody'), resellerId, services: ['Azure'], requestedBy: { userId: 'u-1' } });
    await probe.sendEnvelope(command);
    await probe.sendRaw(Topics.requestCommands, '{"not json', 'logs-key');
    await probe.waitForEvent('RequestRejected', (e) => e.causationid === command.id);
    expect((await withCredentials(`${request.url}/v1/requests/r-1`)).status).toBe(404);

    // notification-service: a request notified by webhook to the customer's admins.
    await probe.publish('PartnerRegistered', partnerData(resellerId, {}));
    await probe.publish('CustomerRegistered', customerData(customerId, { webhookUrl: `${receiver.url(hookPath)}?token=${secrets.webhookUrlToken}` }));
    requested = caused('RelationshipRequested', requestedData(customerId, resellerId, world.id('req')));
    await probe.sendEnvelope(requested);
    await probe.waitForEvent('NotificationDelivered', (e) => (e.data as { eventId: string }).eventId === requested.id);
    expect((await withCredentials(`${notification.url}/v1/anything`)).status).toBe(404);

    // Stopped, so that the lines of a graceful shutdown are there too.
    const stops = await Promise.all([request.stop('SIGTERM'), notification.stop('SIGTERM')]);
    expect(stops.map(({ code, signal }) => ({ code, signal }))).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
    requestLog = request.logs();
    notificationLog = notification.logs();
  });

  afterAll(async () => {
    await Promise.all([request?.stop('SIGKILL'), notification?.stop('SIGKILL')]);
    await probe.stop();
    await receiver.stop();
    await world.cleanup();
  });

  it('never writes a secret: not the webhook secret, a password, a bearer token, a cookie, nor a token in a webhook URL', () => {
    const webhookKey = secrets.webhook.slice('whsec_'.length);
    for (const output of [requestLog, notificationLog]) {
      expect(output.length).toBeGreaterThan(1_000);
      for (const value of [secrets.webhook, webhookKey, secrets.smtpPassword, secrets.saslPassword, secrets.redisPassword, secrets.bearerToken, secrets.cookie, secrets.webhookUrlToken]) {
        expect(output).not.toContain(value);
      }
    }
  });

  it('logs the configuration at start, secret URLs without their password and other secrets as [secret]', () => {
    for (const [output, service] of [[requestLog, 'request-service'], [notificationLog, 'notification-service']] as const) {
      const start = linesOf(output).find((l) => l.msg === `${service} starting`);
      expect(start).toMatchObject({
        level: 'info',
        name: service,
        config: {
          SMTP_URL: 'smtp://mailer:***@127.0.0.1:2525',
          WEBHOOK_SECRET: '[secret]',
          KAFKA_SASL_USERNAME: 'logs-test',
          KAFKA_SASL_PASSWORD: '[secret]',
          KAFKA_NAMESPACE: world.namespace,
          LOG_LEVEL: 'debug',
        },
      });
      expect(start!.config.REDIS_URL).toMatch(/^redis:\/\/:\*\*\*@/);
    }
  });

  it('logs a command refused at info, with every field of its message, and its handling and publication at debug', () => {
    const lines = linesOf(requestLog).filter((l) => l.messageId === command.id);
    const message = {
      name: 'request-service',
      messageId: command.id,
      type: 'RequestRelationship',
      correlationid: command.correlationid,
      causationid: command.causationid,
      topic: physicalTopic({ namespace: world.namespace }, Topics.requestCommands),
      partition: expect.any(Number),
      offset: expect.stringMatching(/^\d+$/),
    };
    expect(lines).toContainEqual(expect.objectContaining({ ...message, level: 'info', outcome: 'rejected', reason: 'CUSTOMER_UNKNOWN', msg: 'RequestRelationship rejected: CUSTOMER_UNKNOWN' }));
    expect(lines).toContainEqual(expect.objectContaining({ ...message, level: 'debug', outcome: 'handled', msg: 'RequestRelationship handled' }));
    const published = lines.find((l) => l.msg === 'published RequestRejected');
    expect(published).toMatchObject({ ...message, level: 'debug', published: [{ type: 'RequestRejected', correlationid: command.correlationid, causationid: command.id }] });
  });

  it('logs a dead letter as a warning, with where the message was read', () => {
    expect(linesOf(requestLog)).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        outcome: 'dead-lettered',
        errorClass: 'NotJson',
        topic: physicalTopic({ namespace: world.namespace }, Topics.requestCommands),
        partition: expect.any(Number),
        offset: expect.stringMatching(/^\d+$/),
        key: 'logs-key',
      }),
    );
  });

  it('logs a notification attempted and delivered with the correlation and cause of the event it tells of', () => {
    const about = { name: 'notification-service', eventId: requested.id, eventType: 'RelationshipRequested', correlationid: requested.correlationid, causationid: requested.id, customerId, channel: 'webhook' };
    const lines = linesOf(notificationLog).filter((l) => l.eventId === requested.id);
    expect(lines).toContainEqual(expect.objectContaining({ ...about, level: 'debug', attempt: 1, msg: expect.stringMatching(/^webhook attempt 1 to /) }));
    const delivered = lines.find((l) => l.msg === 'webhook attempt 1 delivered');
    expect(delivered).toMatchObject({ ...about, level: 'info', statusCode: 204, notificationId: expect.any(String) });
    expect(delivered!.target).toContain(`${hookPath}?token=[REDACTED]`);
    // Its consumption, in the message's own logging context.
    expect(linesOf(notificationLog)).toContainEqual(
      expect.objectContaining({ messageId: requested.id, type: 'RelationshipRequested', correlationid: requested.correlationid, causationid: requested.causationid, topic: physicalTopic({ namespace: world.namespace }, Topics.requestEvents), outcome: 'handled' }),
    );
  });

  it('logs an HTTP request with its method, url and status, and none of its credentials', () => {
    const http = linesOf(requestLog).find((l) => l.req?.url === '/v1/requests/r-1');
    expect(http).toMatchObject({ level: 'info', name: 'request-service', req: { method: 'GET', url: '/v1/requests/r-1' }, res: { statusCode: 404 }, msg: expect.stringMatching(/^GET \/v1\/requests\/r-1 404 in \d+ ms$/) });
    expect(JSON.stringify(http)).not.toMatch(/authorization|cookie/i);
  });

  it('logs joining the group, readiness and a graceful stop', () => {
    for (const [output, service] of [[requestLog, 'request-service'], [notificationLog, 'notification-service']] as const) {
      const messages = linesOf(output).map((l) => String(l.msg));
      expect(messages).toContainEqual(expect.stringMatching(new RegExp(`^joined group ${world.namespace}${service}`)));
      expect(messages).toContain('ready');
      expect(messages).toContain('SIGTERM: finishing in-flight work, committing and leaving the consumer group');
      expect(messages).toContain(`committed and left group ${world.namespace}${service}`);
      expect(messages).toContainEqual(expect.stringMatching(/^stopped in \d+ ms$/));
    }
  });
});

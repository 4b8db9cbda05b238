import { readEnvironment } from '@mp/config';
import { inLogContext } from '@mp/messaging';
import pino, { DestinationStream } from 'pino';
import { httpLogLevel, lineScrubber, logFormatOf, pinoHttpOf, REDACTED } from './logger-options';

const webhookKey = Buffer.alloc(32, 5).toString('base64');
const env = readEnvironment({
  LOG_LEVEL: 'debug',
  WEBHOOK_SECRET: `whsec_${webhookKey}`,
  SMTP_URL: 'smtps://mailer:smtp-pa55word@mail.example:465',
  REDIS_URL: 'redis://:redis-pa55word@127.0.0.1:6379',
  KAFKA_SASL_USERNAME: 'svc',
  KAFKA_SASL_PASSWORD: 'sasl-pa55word',
});
const secrets = ['smtp-pa55word', 'redis-pa55word', 'sasl-pa55word', webhookKey];

/** A logger built exactly as a service's, writing to memory; its lines parsed. */
function serviceLogger() {
  const written: string[] = [];
  const memory: DestinationStream = { write: (line: string) => void written.push(line) };
  const [options, destination] = pinoHttpOf('test-service', env, false, memory);
  const logger = pino(options, destination);
  return { logger, written, lines: () => written.map((line) => JSON.parse(line) as Record<string, any>) };
}

describe('a service logger', () => {
  it('writes JSON lines named after the service, with level names and ISO times', () => {
    const { logger, lines } = serviceLogger();
    logger.info({ correlationid: 'c-1' }, 'hello');
    expect(lines()).toEqual([expect.objectContaining({ name: 'test-service', level: 'info', msg: 'hello', correlationid: 'c-1', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) })]);
  });

  it('logs of a request only its method, url, address and user agent: no credential, no cookie', () => {
    const { logger, written, lines } = serviceLogger();
    const req = { id: 'r-1', method: 'GET', url: '/v1/customers/c-1/resellers', headers: { authorization: 'Bearer eyJhbGciOi.tok-998877', cookie: 'sid=cookie-value-776655', 'user-agent': 'jest' } };
    logger.info({ req }, 'GET /v1/customers/c-1/resellers 404');
    expect(lines()[0].req).toEqual({ id: 'r-1', method: 'GET', url: '/v1/customers/c-1/resellers', userAgent: 'jest' });
    expect(written.join('')).not.toMatch(/tok-998877|cookie-value-776655/);
  });

  it('blanks credentials, cookies and secrets wherever an object puts them', () => {
    const { logger, written, lines } = serviceLogger();
    logger.warn({ headers: { authorization: 'Basic dXNlcjpwYXNzLTExMjI=', cookie: 'sid=abc-334455' } }, 'outgoing call');
    logger.warn({ partner: { webhookSecret: 'party-secret-5566', name: 'Fabrikam' } }, 'a party');
    logger.warn({ payload: { data: { webhookSecret: 'party-secret-7788' } } }, 'deeper');
    logger.warn({ env: { KAFKA_SASL_PASSWORD: 'sasl-pa55word' }, password: 'p', sasl: { password: 'q' } }, 'objects');
    const [headers, party, deeper, objects] = lines();
    expect(headers.headers).toEqual({ authorization: REDACTED, cookie: REDACTED });
    expect(party.partner).toEqual({ webhookSecret: REDACTED, name: 'Fabrikam' });
    expect(deeper.payload.data.webhookSecret).toBe(REDACTED);
    expect(objects).toMatchObject({ env: { KAFKA_SASL_PASSWORD: REDACTED }, password: REDACTED, sasl: { password: REDACTED } });
    expect(written.join('')).not.toMatch(/pass-1122|abc-334455|party-secret/);
  });

  it('never writes a secret of the environment, even in a message or a stack', () => {
    const { logger, written } = serviceLogger();
    logger.error(new Error(`could not log in to smtps://mailer:smtp-pa55word@mail.example:465 with ${webhookKey}`), 'e-mail failed');
    logger.info(`redis says redis-pa55word, kafka says sasl-pa55word, signed with whsec_${webhookKey}`);
    const text = written.join('');
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).toContain(`could not log in to smtps://mailer:***@mail.example:465 with ${REDACTED}`);
  });

  it("puts the fields of the logging context in hand on every line written in it, each context its own, across awaits", async () => {
    const { logger, lines } = serviceLogger();
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    const handle = (offset: string) =>
      inLogContext({ topic: 't', offset }, async () => {
        logger.info('begun');
        await tick();
        logger.warn({ offset: 'its own' }, 'a line that says otherwise keeps its word');
      });
    await Promise.all([handle('1'), handle('2')]);
    logger.info('outside');
    expect(lines().map(({ offset, topic, msg }) => ({ offset, topic, msg }))).toEqual([
      { offset: '1', topic: 't', msg: 'begun' },
      { offset: '2', topic: 't', msg: 'begun' },
      { offset: 'its own', topic: 't', msg: 'a line that says otherwise keeps its word' },
      { offset: 'its own', topic: 't', msg: 'a line that says otherwise keeps its word' },
      { offset: undefined, topic: undefined, msg: 'outside' },
    ]);
  });

  it('starts at LOG_LEVEL', () => {
    const { logger, lines } = serviceLogger();
    logger.trace('not written');
    logger.debug('written');
    expect(lines().map((l) => l.msg)).toEqual(['written']);
  });
});

describe('scrubbing a finished line', () => {
  const scrub = lineScrubber(['s3cr3t-value', 'with"quote-secret']);

  it('blanks known values, also as escaped in JSON', () => {
    expect(scrub('{"msg":"got s3cr3t-value twice: s3cr3t-value"}')).toBe(`{"msg":"got ${REDACTED} twice: ${REDACTED}"}`);
    expect(scrub(JSON.stringify({ msg: 'with"quote-secret' }))).toBe(`{"msg":"${REDACTED}"}`);
  });

  it('blanks the password of any URL, bearer tokens and token parameters', () => {
    expect(scrub('connect redis://:hunter22@10.0.0.1:6379 and amqp://user:pw-1@host/vhost')).toBe('connect redis://:***@10.0.0.1:6379 and amqp://user:***@host/vhost');
    expect(scrub('Authorization: Bearer abc.def-ghi_jkl')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(scrub('POST https://hooks.example/in?access_token=tok-1&x=2')).toBe(`POST https://hooks.example/in?access_token=${REDACTED}&x=2`);
  });

  it('leaves a line without any of them as it is', () => {
    const line = '{"level":"info","msg":"RequestRelationship decided: RelationshipRequested","topic":"mp.request-commands.v1"}';
    expect(scrub(line)).toBe(line);
  });
});

describe('what is logged how', () => {
  it.each([
    [200, '', 'debug'],
    [404, '', 'info'],
    [401, '', 'info'],
    [503, '', 'warn'],
    [500, '', 'error'],
    [200, 'aborted', 'error'],
  ])('an HTTP %i answer %s at %s', (status, error, level) => {
    expect(httpLogLevel(status, error ? new Error(error) : undefined)).toBe(level);
  });

  it('is pretty in a terminal when LOG_FORMAT is auto, JSON otherwise, and as asked when it is set', () => {
    expect(logFormatOf({ LOG_FORMAT: 'auto' }, true)).toBe('pretty');
    expect(logFormatOf({ LOG_FORMAT: 'auto' }, false)).toBe('json');
    expect(logFormatOf({ LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(logFormatOf({ LOG_FORMAT: 'pretty' }, false)).toBe('pretty');
  });
});

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Environment, secretValuesOf } from '@mp/config';
import { logContextFields } from '@mp/messaging';
import pino, { DestinationStream, LevelWithSilent } from 'pino';
import type { Options } from 'pino-http';

/** What a secret is replaced with in a log line. */
export const REDACTED = '[REDACTED]';

/**
 * Fields pino blanks wherever they are logged: credentials in HTTP headers (the request line
 * logs only a few headers anyway), passwords and secrets in objects, a party's own webhook
 * secret (DESIGN §10). The values of the secret variables are blanked in every line by value
 * (`lineScrubber`), wherever they are.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'webhookSecret',
  '*.webhookSecret',
  '*.*.webhookSecret',
  'sasl.password',
  '*.sasl.password',
];

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/"'\\]*:)[^\s@/"'\\]+@/gi;
const BEARER = /\b(bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi;
const TOKEN_PARAMETER = /([?&](?:access_token|id_token|token|api_key|apikey|password|secret)=)[^&\s"'#\\]+/gi;

/**
 * Blanks from a finished log line what must never be written, wherever it is (a message, an
 * error's text, a stack, a URL): each known secret value (`secretValuesOf` the environment), the
 * password of any `scheme://user:password@` URL, bearer tokens, and token-like query parameters.
 * A line without any of them is returned as it is, after a few `includes`.
 */
export function lineScrubber(secrets: readonly string[]): (line: string) => string {
  // Also as they appear inside a JSON string (a backslash or a quote escaped).
  const known = [...new Set(secrets.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))].sort((a, b) => b.length - a.length);
  return (line) => {
    let out = line;
    for (const secret of known) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    if (out.includes('://')) out = out.replace(URL_CREDENTIALS, '$1***@');
    if (/bearer/i.test(out)) out = out.replace(BEARER, `$1${REDACTED}`);
    if (out.includes('=')) out = out.replace(TOKEN_PARAMETER, `$1${REDACTED}`);
    return out;
  };
}

/** `json` or `pretty`: `LOG_FORMAT`, where `auto` is pretty in a terminal and JSON otherwise. */
export function logFormatOf(env: Pick<Environment, 'LOG_FORMAT'>, isTerminal = Boolean(process.stdout.isTTY)): 'json' | 'pretty' {
  return env.LOG_FORMAT === 'auto' ? (isTerminal ? 'pretty' : 'json') : env.LOG_FORMAT;
}

/** One coloured line per entry, for a person at a terminal (`npm start` prefixes each with the service). */
function prettifier(): ((line: string) => string) | undefined {
  let pretty: typeof import('pino-pretty');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional: a development dependency, so an image built without it logs JSON
    pretty = require('pino-pretty') as typeof import('pino-pretty');
  } catch {
    return undefined;
  }
  // The factory, not the stream: a line is formatted and written at once, so none is lost at `process.exit`.
  return pretty.prettyFactory({
    colorize: true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,context,req,res,reqId,config,assignment,partitions,published,memberId',
    messageFormat: '{if context}[{context}] {end}{msg}',
  });
}

/** The stream every line goes through: scrubbed, made pretty if asked, then written at once (nothing is lost at `process.exit`). */
export function scrubbedDestination(scrub: (line: string) => string, pretty?: (line: string) => string, target: DestinationStream = pino.destination({ dest: 1, sync: true })): DestinationStream {
  return { write: (line: string) => target.write(pretty ? pretty(scrub(line)) : scrub(line)) };
}

const QUIET_ROUTES = /^\/(?:health|metrics)(?:[/?]|$)/;
const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** An HTTP request's line: at debug when it went well, info for a refusal, warn for 503, error for other 5xx. */
export function httpLogLevel(statusCode: number, error?: Error): LevelWithSilent {
  if (statusCode === 503) return 'warn';
  if (error || statusCode >= 500) return 'error';
  return statusCode >= 400 ? 'info' : 'debug';
}

/** The request as logged: no header but the user agent and the request id, so no credential or cookie. */
function requestForLogs(req: { id?: unknown; method?: string; url?: string; remoteAddress?: string; headers?: Record<string, unknown> }) {
  return { id: req.id, method: req.method, url: req.url, remoteAddress: req.remoteAddress, userAgent: req.headers?.['user-agent'] };
}

/**
 * pino-http's options and destination for a service (nestjs-pino's `pinoHttp`): JSON lines named
 * after the service, ISO times and level names, redaction, one line per HTTP request except health
 * and metrics (the request id taken from `x-request-id` when sane, and sent back), and every line
 * scrubbed of the secret values of `env`, then written to stdout (or `target`).
 */
export function pinoHttpOf(service: string, env: Environment, isTerminal = Boolean(process.stdout.isTTY), target?: DestinationStream): [Options, DestinationStream] {
  const scrub = lineScrubber(secretValuesOf(env));
  const pretty = logFormatOf(env, isTerminal) === 'pretty' ? prettifier() : undefined;
  const options: Options = {
    name: service,
    level: env.LOG_LEVEL,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    // The consumed message's fields (topic, partition, offset, id...) on every line written while it is in hand.
    mixin: logContextFields,
    serializers: { req: requestForLogs, res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }) },
    quietReqLogger: true,
    autoLogging: { ignore: (req: IncomingMessage) => QUIET_ROUTES.test(req.url ?? '') },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) => httpLogLevel(res.statusCode, error),
    customSuccessMessage: (req: IncomingMessage, res: ServerResponse, ms: number) => `${req.method} ${req.url} ${res.statusCode} in ${ms} ms`,
    customErrorMessage: (req: IncomingMessage, res: ServerResponse, error: Error) => `${req.method} ${req.url} ${res.statusCode}: ${error.message}`,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
  };
  return [options, scrubbedDestination(scrub, pretty, target)];
}

import { REDIS_URL_PATTERN } from './redis-url';
import { decimal, flag, oneOf, text, Variable, wholeNumber } from './variable';

const BROKER = String.raw`(?:\[[0-9A-Fa-f:.]+\]|[^\s,:\[\]]+):\d{1,5}`;
/** 24 bytes at least, standard base64 (the Standard Webhooks form); two space-separated during a rotation. */
const ONE_WEBHOOK_SECRET = String.raw`whsec_(?:[A-Za-z0-9+/]{4}){8,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?`;
const WEBHOOK_SECRET = new RegExp(`^\\s*${ONE_WEBHOOK_SECRET}(?:\\s+${ONE_WEBHOOK_SECRET})?\\s*$`);
/** A host name or an IP address, without a port; IPv6 with or without brackets. */
const HOST = String.raw`(?:\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]+|[A-Za-z0-9.-]+)`;
const PORT = () => wholeNumber(0, 65_535);

/**
 * Every environment variable a service reads (DESIGN §3), with its default and its rule: read and
 * checked once at start by `readEnvironment`, which refuses the whole start with one line per bad
 * value. The services read nothing else from the environment. The README's configuration table is checked against it.
 */
export class Environment {
  // --- Kafka ---------------------------------------------------------------------------------
  @Variable({ default: '127.0.0.1:9092', meaning: 'brokers, a comma list of host:port' }, text(new RegExp(`^\\s*${BROKER}\\s*(?:,\\s*${BROKER}\\s*)*$`), 'must be a comma list of host:port, e.g. 127.0.0.1:9092'))
  KAFKA_BROKERS!: string;

  @Variable({ default: 'false', meaning: 'TLS to the brokers' }, flag())
  KAFKA_SSL!: boolean;

  @Variable({ meaning: "with `KAFKA_SSL`: a PEM file of the CA certificates the brokers' certificates must chain to (default: Node's CA list)" }, text(/^\S(.*\S)?$/, 'must be a file path'))
  KAFKA_SSL_CA_FILE?: string;

  @Variable({ default: 'true', meaning: "with `KAFKA_SSL`: `false` accepts any broker certificate, unchecked (never in production)" }, flag())
  KAFKA_SSL_REJECT_UNAUTHORIZED!: boolean;

  @Variable({ meaning: 'SASL mechanism: plain, scram-sha-256 or scram-sha-512 (off when unset)' }, oneOf(['plain', 'scram-sha-256', 'scram-sha-512']))
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512';

  @Variable({ meaning: 'SASL user name' }, text(/^\S+$/, 'must not be blank or hold spaces'))
  KAFKA_SASL_USERNAME?: string;

  @Variable({ meaning: 'SASL password', secret: true })
  KAFKA_SASL_PASSWORD?: string;

  @Variable({ default: '6', meaning: 'partitions of the topics the services create' }, wholeNumber(1, 10_000))
  KAFKA_PARTITIONS!: number;

  @Variable({ default: '1', meaning: 'replication factor of the topics the services create' }, wholeNumber(1, 100))
  KAFKA_REPLICATION_FACTOR!: number;

  @Variable({ default: '5', meaning: 'attempts at a handler that throws before its message is dead-lettered' }, wholeNumber(1, 100))
  KAFKA_HANDLER_ATTEMPTS!: number;

  @Variable({ default: '200', meaning: 'back-off before the second attempt at a handler, doubled after each' }, wholeNumber(0))
  KAFKA_RETRY_BACKOFF_MS!: number;

  @Variable({ default: '64', meaning: "messages of one fetched batch handled at once, one lane per key: a key's (a customer's) messages keep their order" }, wholeNumber(1, 10_000))
  KAFKA_CONCURRENCY!: number;

  @Variable({ default: '1048576', meaning: 'a larger message is a `TooLarge` dead letter, refused before parsing' }, wholeNumber(1))
  KAFKA_MAX_MESSAGE_BYTES!: number;

  @Variable({ default: '8000', meaning: 'how long a silent member keeps its partitions' }, wholeNumber(1_000))
  KAFKA_SESSION_TIMEOUT_MS!: number;

  @Variable({ default: '1000', meaning: 'consumer heartbeat, at most a third of the session timeout' }, wholeNumber(100))
  KAFKA_HEARTBEAT_INTERVAL_MS!: number;

  @Variable({ meaning: "consumer group (default: the service's name)" }, text(/^[A-Za-z0-9._-]+$/, 'may hold only letters, digits, ".", "_" and "-"'))
  KAFKA_GROUP_ID?: string;

  @Variable({ default: '', meaning: 'prefix of every topic and group; tests use one per run so runs never meet' }, text(/^[A-Za-z0-9._-]*$/, 'may hold only letters, digits, ".", "_" and "-"'))
  KAFKA_NAMESPACE!: string;

  // --- Redis ---------------------------------------------------------------------------------
  @Variable({ default: 'redis://127.0.0.1:6379', meaning: 'Redis; `rediss://` for TLS; may hold a password. A Redis Cluster: `redis+cluster://` (`rediss+cluster://` for TLS), optionally `user:password@`, then a comma list of some of its nodes: `redis+cluster://10.0.0.1:6379,10.0.0.2:6379`', secret: true }, text(REDIS_URL_PATTERN, 'must be a redis:// or rediss:// URL, or redis+cluster://host:port,host:port'))
  REDIS_URL!: string;

  @Variable({ default: 'mp:', meaning: 'prefix of every key' }, text(/^[^\s{}]*$/, 'must not hold spaces or braces (on a Redis Cluster, a `{...}` in it would be the hash tag of every key: all in one slot)'))
  REDIS_KEY_PREFIX!: string;

  // --- the process ---------------------------------------------------------------------------
  @Variable({ default: 'info', meaning: 'pino log level' }, oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']))
  LOG_LEVEL!: string;

  @Variable({ default: 'auto', meaning: '`json` (one JSON object a line), `pretty` (one coloured line per entry, pino-pretty) or `auto`: pretty when stdout is a terminal, JSON otherwise (`npm start` asks for pretty in a terminal)' }, oneOf(['auto', 'json', 'pretty']))
  LOG_FORMAT!: 'auto' | 'json' | 'pretty';

  @Variable({ default: '9000', meaning: 'after SIGTERM the process exits 1 if closing takes longer' }, wholeNumber(1))
  SHUTDOWN_TIMEOUT_MS!: number;

  @Variable({ default: '65536', meaning: 'the largest HTTP request body read; a larger one is refused with 413 before it is parsed' }, wholeNumber(1024))
  HTTP_MAX_BODY_BYTES!: number;

  @Variable({ default: '3000', meaning: "the directory-service's HTTP port" }, PORT())
  DIRECTORY_PORT!: number;

  @Variable({ default: '3001', meaning: "the request-service's HTTP port" }, PORT())
  REQUEST_PORT!: number;

  @Variable({ default: '3002', meaning: "the consent-service's HTTP port" }, PORT())
  CONSENT_PORT!: number;

  @Variable({ default: '3003', meaning: "the notification-service's HTTP port" }, PORT())
  NOTIFICATION_PORT!: number;

  // --- decisions -----------------------------------------------------------------------------
  @Variable({ default: '90', meaning: 'pending requests expire after this many days' }, wholeNumber(1, 3650))
  REQUEST_TTL_DAYS!: number;

  @Variable({ default: '1000', meaning: 'how often expiries, extensions, reminders and waiting commands are looked for' }, wholeNumber(10))
  SCHEDULER_INTERVAL_MS!: number;

  @Variable({ default: '15', meaning: 'how long a command naming a customer, reseller, request or admin not folded yet waits for it before it is refused (`npm start`: 5)' }, decimal(0))
  COMMAND_WAIT_SECONDS!: number;

  @Variable({ default: 'false', meaning: 'a clock whose offset is read from Redis (`sandbox:clock-offset-ms`), so a sandbox\'s time can be moved (`npm start`: on)' }, flag())
  SANDBOX_CLOCK!: boolean;

  @Variable({ default: 'true', meaning: 'at most one reseller holds privileges per service' }, flag())
  ONE_ADMIN_PER_SERVICE!: boolean;

  // --- authentication (DESIGN §10) -----------------------------------------------------------
  @Variable({ meaning: 'HS256 secret of the bearer tokens, at least 32 characters; `npm run ops -- token` signs with it', secret: true }, text(/^\S{32,}$/, 'must be at least 32 characters, without spaces'))
  AUTH_JWT_SECRET?: string;

  @Variable({ meaning: 'the issuer (`iss`) of the bearer tokens; `npm run ops -- token` puts it in the tokens it mints' }, text(/^\S+$/, 'must not be blank or hold spaces'))
  AUTH_ISSUER?: string;

  @Variable({ meaning: 'the audience (`aud`) of the bearer tokens; `npm run ops -- token` puts it in the tokens it mints' }, text(/^\S+$/, 'must not be blank or hold spaces'))
  AUTH_AUDIENCE?: string;

  @Variable({ meaning: 'the URL of a JSON Web Key Set: the public keys (RS256, ES256) that sign the bearer tokens, instead of or beside `AUTH_JWT_SECRET`' }, text(/^https?:\/\/\S+$/, 'must be an http:// or https:// URL'))
  AUTH_JWKS_URL?: string;

  @Variable({ default: 'false', meaning: 'turns the bearer token checks off (every caller is `ops`), with a warning at start; the directory, request- and consent-service refuse to start with neither `AUTH_JWT_SECRET` nor `AUTH_JWKS_URL` otherwise' }, flag())
  AUTH_DISABLED!: boolean;

  // --- notifications -------------------------------------------------------------------------
  @Variable({ meaning: 'Standard Webhooks secret `whsec_<base64>` of at least 24 bytes; during a rotation two, space-separated, the current one first (both sign); required by the notification-service (`npm start` makes one)', secret: true }, text(WEBHOOK_SECRET, 'must be whsec_ followed by standard base64 of at least 24 bytes, or two of those separated by a space'))
  WEBHOOK_SECRET?: string;

  @Variable({ default: '', meaning: 'hosts webhooks may go to although they are loopback or private, also over plain http: (a comma list; `npm start` and the tests: `127.0.0.1,localhost`); every other webhook is https: to a public address' }, text(new RegExp(`^\\s*(?:${HOST}\\s*(?:,\\s*${HOST}\\s*)*)?$`), 'must be a comma list of host names or IP addresses, without ports'))
  WEBHOOK_ALLOWED_HOSTS!: string;

  @Variable({ default: '65536', meaning: "at most this many bytes of a webhook's response body are read; then the connection is closed (the status counts)" }, wholeNumber(0))
  WEBHOOK_MAX_RESPONSE_BYTES!: number;

  @Variable({ default: '5000', meaning: 'per webhook attempt' }, wholeNumber(1))
  WEBHOOK_TIMEOUT_MS!: number;

  @Variable({ default: '4', meaning: 'attempts in all, for every channel, off the consumer\'s path' }, wholeNumber(1, 100))
  WEBHOOK_MAX_ATTEMPTS!: number;

  @Variable({ default: '500', meaning: 'back-off before the second attempt, doubled after each failure' }, wholeNumber(0))
  WEBHOOK_BACKOFF_MS!: number;

  @Variable({ default: '24', meaning: 'how long a notification waits for its party\'s registration before `NotificationFailed` `PARTY_UNKNOWN`; fractions allowed' }, decimal(0))
  NOTIFICATION_PARTY_WAIT_HOURS!: number;

  @Variable({ default: '16', meaning: 'delivery attempts in flight per instance' }, wholeNumber(1, 10_000))
  NOTIFICATION_CONCURRENCY!: number;

  @Variable({ default: '250', meaning: 'how often the delivery queue is checked when nothing else wakes the worker' }, wholeNumber(1))
  NOTIFICATION_POLL_MS!: number;

  @Variable({ meaning: 'turns e-mail on: `smtp://host:port` or `smtps://user:pass@host:port`', secret: true }, text(/^smtps?:\/\/[^\s/]+(?:\/\S*)?$/, 'must be smtp://host[:port] or smtps://[user:pass@]host[:port]'))
  SMTP_URL?: string;

  @Variable({ default: 'multipartner <no-reply@multipartner.local>', meaning: 'e-mail sender' }, text(/@[^\s<>@]+>?$/, 'must be an address or "Name <address>"'))
  MAIL_FROM!: string;

  @Variable({ default: '10000', meaning: 'per e-mail attempt' }, wholeNumber(1))
  SMTP_TIMEOUT_MS!: number;
}

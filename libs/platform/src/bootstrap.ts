import { INestApplication, Logger as NestLogger, Type } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ConfigurationError, Environment, ENVIRONMENT, environmentForLogs, readEnvironment, secretValuesOf } from '@mp/config';
import { describeThrown } from '@mp/contracts';
import { KafkaTransport, RethrowHandlerErrorsFilter } from '@mp/messaging';
import { ServiceMetrics } from '@mp/metrics';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from 'nestjs-pino';
import { lineScrubber } from './logger-options';

export interface ServiceOptions {
  service: string;
  /** The env var that overrides the HTTP port, and its default (DESIGN §3). */
  portEnv: string;
  defaultPort: number;
  /** Variables this service cannot start without (besides those with defaults). */
  requires?: Array<keyof Environment>;
  /** It checks bearer tokens (`AuthModule`): it needs `AUTH_JWT_SECRET` or `AUTH_JWKS_URL`, unless `AUTH_DISABLED=true`. */
  authenticates?: boolean;
  /** Serve OpenAPI at `/docs`. */
  openApi?: { title: string; description: string };
}

/** Wires a service's Nest app: pino logs, the Kafka transport, OpenAPI. Graceful shutdown is `exitGracefullyOn`. */
export function configureServiceApp(app: INestApplication, options: ServiceOptions): INestApplication {
  app.useLogger(app.get(Logger));
  // JSON only, and bounded: a larger body is a 413 before any of it is parsed (DESIGN §10, input limits).
  (app as NestExpressApplication).useBodyParser('json', { limit: app.get<Environment>(ENVIRONMENT).HTTP_MAX_BODY_BYTES });
  timeHttpRequests(app, app.get(ServiceMetrics));
  app.useGlobalFilters(new RethrowHandlerErrorsFilter(app.get(HttpAdapterHost).httpAdapter));
  app.connectMicroservice({ strategy: app.get(KafkaTransport) }, { inheritAppConfig: true });
  if (options.openApi) {
    const config = new DocumentBuilder().setTitle(options.openApi.title).setDescription(options.openApi.description).setVersion('1').addBearerAuth().build();
    SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config));
  }
  return app;
}

/**
 * HTTP first, so that `/health/live` answers and `/health/ready` says what the service waits for
 * while it reaches Kafka and joins its group; the transport does that in the background.
 */
export async function startServiceApp(app: INestApplication, port: number): Promise<void> {
  await app.listen(port);
  await app.startAllMicroservices();
}

/**
 * Graceful shutdown on SIGTERM and SIGINT: `app.close()` stops the consumer fetching, lets the
 * message in hand finish, commits, leaves the group (the transport's `close`), then stops the
 * scheduler, the producer and Redis; the process exits 0. Whatever hangs, it exits 1 once the
 * budget is spent. Used instead of Nest's `enableShutdownHooks`, which re-raises the signal after
 * closing, so the process never exits 0.
 */
export function exitGracefullyOn(app: INestApplication, budgetMs: number, signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): void {
  const log = new NestLogger('Shutdown');
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    log.log(`${signal}: finishing in-flight work, committing and leaving the consumer group`);
    const began = Date.now();
    setTimeout(() => {
      log.error(`shutdown did not finish within ${budgetMs} ms: exiting anyway`);
      process.exit(1);
    }, budgetMs).unref();
    app.close().then(
      () => {
        log.log({ msg: `stopped in ${Date.now() - began} ms`, durationMs: Date.now() - began });
        process.exit(0);
      },
      (error: unknown) => {
        log.error(`shutdown failed: ${error instanceof Error ? error.stack : String(error)}`);
        process.exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, shutdown);
}

/**
 * The whole `main.ts` of a service. The environment is checked before anything starts: a bad
 * value stops the service with one line per variable at fault on stderr, and exit code 1.
 * (A DESIGN §7 budget: `SHUTDOWN_TIMEOUT_MS`, 9 s by default, leaves a second of the 10 s.)
 */
export async function runService(module: Type, options: ServiceOptions): Promise<void> {
  const env = environmentOrExit(options);
  try {
    const app = configureServiceApp(await NestFactory.create(module, { bufferLogs: true }), options);
    const log = app.get(Logger);
    // The configuration it runs with, secrets left out (a URL's password, any other secret's value).
    log.log({ msg: `${options.service} starting`, config: environmentForLogs(env), node: process.version });
    exitGracefullyOn(app, env.SHUTDOWN_TIMEOUT_MS);
    const port = ((env as unknown as Record<string, number | undefined>)[options.portEnv]) ?? options.defaultPort;
    await startServiceApp(app, port);
    log.log(`${options.service} listening on :${port}`);
  } catch (error) {
    // E.g. the port is taken: one line, exit 1 (the logger may not be there yet), scrubbed like a log line.
    process.stderr.write(lineScrubber(secretValuesOf(env))(`${options.service}: could not start: ${describeThrown(error)}\n`));
    process.exit(1);
  }
}

/** The checked environment; or, when it is not right, one line per variable at fault on stderr and exit 1. */
function environmentOrExit(options: ServiceOptions): Environment {
  try {
    return readEnvironment(process.env, { required: options.requires, authenticates: options.authenticates });
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    for (const problem of error.problems) process.stderr.write(`${options.service}: configuration: ${problem}\n`);
    process.exit(1);
  }
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** `http_request_duration_seconds` by method, route pattern (never the path with its ids) and status. */
function timeHttpRequests(app: INestApplication, metrics: ServiceMetrics): void {
  app.use((req: IncomingMessage & { route?: { path?: unknown } }, res: ServerResponse, next: () => void) => {
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = req.route?.path;
      end({ method: req.method && METHODS.has(req.method) ? req.method : 'other', route: typeof route === 'string' ? route : 'unmatched', status_code: String(res.statusCode) });
    });
    next();
  });
}

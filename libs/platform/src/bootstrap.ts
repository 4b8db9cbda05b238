import { INestApplication, Type } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { KafkaTransport, RethrowHandlerErrorsFilter } from '@mp/messaging';
import { Logger } from 'nestjs-pino';

export interface ServiceOptions {
  service: string;
  /** The env var that overrides the HTTP port, and its default (DESIGN §3). */
  portEnv: string;
  defaultPort: number;
  /** Serve OpenAPI at `/docs`. */
  openApi?: { title: string; description: string };
}

/** Wires a service's Nest app: pino logs, the Kafka transport, graceful shutdown, OpenAPI. */
export function configureServiceApp(app: INestApplication, options: ServiceOptions): INestApplication {
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new RethrowHandlerErrorsFilter(app.get(HttpAdapterHost).httpAdapter));
  app.connectMicroservice({ strategy: app.get(KafkaTransport) }, { inheritAppConfig: true });
  app.enableShutdownHooks();
  if (options.openApi) {
    const config = new DocumentBuilder().setTitle(options.openApi.title).setDescription(options.openApi.description).setVersion('1').build();
    SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config));
  }
  return app;
}

export async function startServiceApp(app: INestApplication, port: number): Promise<void> {
  await app.startAllMicroservices();
  await app.listen(port);
}

/** The whole `main.ts` of a service. */
export async function runService(module: Type, options: ServiceOptions): Promise<void> {
  const app = configureServiceApp(await NestFactory.create(module, { bufferLogs: true }), options);
  const port = Number(process.env[options.portEnv] ?? options.defaultPort);
  await startServiceApp(app, port);
  app.get(Logger).log(`${options.service} listening on :${port}`);
}

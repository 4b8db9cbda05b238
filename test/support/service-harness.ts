import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { KafkaTransport } from '@mp/messaging';
import { CLOCK, configureServiceApp, ServiceOptions } from '@mp/platform';
import { ManualClock } from '@mp/domain';
import { eventually } from './eventually';

export interface RunningService {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/**
 * Boots a service exactly as `main.ts` does (real Kafka, real Redis), on a free port, and waits
 * until its consumer has joined its group. A `clock` replaces the system clock.
 */
export async function startService(module: Type, options: ServiceOptions, clock?: ManualClock): Promise<RunningService> {
  let app: INestApplication;
  if (clock) {
    const ref = await Test.createTestingModule({ imports: [module] }).overrideProvider(CLOCK).useValue(clock).compile();
    app = ref.createNestApplication({ bufferLogs: true });
  } else {
    app = await NestFactory.create(module, { bufferLogs: true });
  }
  configureServiceApp(app, options);
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  const transport = app.get(KafkaTransport);
  if (transport.handledTypes().length) await transport.whenJoined();
  const url = await app.getUrl();
  // Ready: joined, Redis answers, and its state built from the topics.
  await eventually(`${options.service} to be ready`, async () => (await fetch(`${url}/health/ready`)).ok);
  return { app, url, close: () => app.close() };
}

import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MessagingModule } from '@mp/messaging';
import { RedisModule } from '@mp/redis';
import { LoggerModule } from 'nestjs-pino';
import { ClockModule } from './clock.module';
import { HealthController } from './health.controller';

/** What every service has: JSON logs, Kafka, Redis, the clock and health checks. */
@Module({})
export class ServiceModule {
  static forService(service: string): DynamicModule {
    return {
      module: ServiceModule,
      imports: [
        // Read at start, not at import: tests set the environment after importing the modules.
        LoggerModule.forRootAsync({
          useFactory: () => ({
            pinoHttp: {
              name: service,
              level: process.env.LOG_LEVEL ?? 'info',
              autoLogging: false,
              transport:
                process.env.LOG_PRETTY === 'true'
                  ? { target: 'pino-pretty', options: { singleLine: true, ignore: 'pid,hostname,req,res' } }
                  : undefined,
            },
          }),
        }),
        MessagingModule.forService(service),
        RedisModule,
        ClockModule,
        TerminusModule,
      ],
      controllers: [HealthController],
    };
  }
}

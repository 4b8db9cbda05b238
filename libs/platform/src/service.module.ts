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
    const pretty = process.env.LOG_PRETTY === 'true';
    return {
      module: ServiceModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            name: service,
            level: process.env.LOG_LEVEL ?? 'info',
            autoLogging: false,
            transport: pretty ? { target: 'pino-pretty', options: { singleLine: true, ignore: 'pid,hostname,req,res' } } : undefined,
          },
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

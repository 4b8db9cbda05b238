import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Environment, ENVIRONMENT, EnvironmentModule } from '@mp/config';
import { MessagingModule } from '@mp/messaging';
import { MetricsModule } from '@mp/metrics';
import { RedisModule } from '@mp/redis';
import { LoggerModule } from 'nestjs-pino';
import { ClockModule } from './clock.module';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';

/** What every service has: its checked environment, JSON logs, metrics, Kafka, Redis, the clock and health checks. */
@Module({})
export class ServiceModule {
  static forService(service: string): DynamicModule {
    return {
      module: ServiceModule,
      imports: [
        // Read at start, not at import: tests set the environment after importing the modules.
        EnvironmentModule,
        LoggerModule.forRootAsync({
          inject: [ENVIRONMENT],
          useFactory: (env: Environment) => ({
            pinoHttp: {
              name: service,
              level: env.LOG_LEVEL,
              autoLogging: false,
              transport:
                env.LOG_PRETTY
                  ? { target: 'pino-pretty', options: { singleLine: true, ignore: 'pid,hostname,req,res' } }
                  : undefined,
            },
          }),
        }),
        MetricsModule.forService(service),
        MessagingModule.forService(service),
        RedisModule,
        ClockModule,
        TerminusModule,
      ],
      controllers: [HealthController, MetricsController],
    };
  }
}

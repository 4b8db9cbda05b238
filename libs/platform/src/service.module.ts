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
import { pinoHttpOf } from './logger-options';
import { Readiness } from './readiness';

/** What every service has: its checked environment, JSON logs (scrubbed of secrets), metrics, Kafka, Redis, the clock and health checks. */
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
          useFactory: (env: Environment) => ({ pinoHttp: pinoHttpOf(service, env) }),
        }),
        MetricsModule.forService(service),
        MessagingModule.forService(service),
        RedisModule,
        ClockModule,
        // Readiness is logged when it changes (HealthController), not at every failed probe.
        TerminusModule.forRoot({ logger: false }),
      ],
      providers: [Readiness],
      exports: [Readiness],
      controllers: [HealthController, MetricsController],
    };
  }
}

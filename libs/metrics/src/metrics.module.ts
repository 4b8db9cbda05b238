import { DynamicModule, Module } from '@nestjs/common';
import { ServiceMetrics } from './service-metrics';

/** One `ServiceMetrics` per service application, available everywhere in it. */
@Module({})
export class MetricsModule {
  static forService(service: string): DynamicModule {
    return { module: MetricsModule, global: true, providers: [{ provide: ServiceMetrics, useFactory: () => new ServiceMetrics(service) }], exports: [ServiceMetrics] };
  }
}

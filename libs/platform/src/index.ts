export * from './clock.module';
export * from './health.controller';
export * from './metrics.controller';
export * from './service.module';
export * from './bootstrap';
export * from './sandbox-clock';
export * from './logger-options';
export * from './readiness';

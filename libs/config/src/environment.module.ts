import { Global, Module } from '@nestjs/common';
import { readEnvironment } from './read-environment';

export const ENVIRONMENT = Symbol('ENVIRONMENT');

/** The checked environment, read when the application is created (tests set it just before). */
@Global()
@Module({
  providers: [{ provide: ENVIRONMENT, useFactory: () => readEnvironment(process.env) }],
  exports: [ENVIRONMENT],
})
export class EnvironmentModule {}

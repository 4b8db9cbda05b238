import { Global, Module } from '@nestjs/common';
import { Environment, ENVIRONMENT } from '@mp/config';
import { systemClock } from '@mp/domain';
import { REDIS, RedisClient } from '@mp/redis';
import { SandboxClock } from './sandbox-clock';

/**
 * The injected clock (DESIGN §5): the system's in production; tests override `CLOCK` to move
 * time; a sandbox (`SANDBOX_CLOCK=true`, as `npm start` runs) shares an adjustable one.
 */
export const CLOCK = Symbol('CLOCK');

@Global()
@Module({
  providers: [
    {
      provide: CLOCK,
      inject: [REDIS, ENVIRONMENT],
      useFactory: (redis: RedisClient, env: Environment) => (env.SANDBOX_CLOCK ? new SandboxClock(redis) : systemClock),
    },
  ],
  exports: [CLOCK],
})
export class ClockModule {}

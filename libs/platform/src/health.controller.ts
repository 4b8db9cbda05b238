import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ApiExcludeController } from '@nestjs/swagger';
import { KafkaTransport } from '@mp/messaging';
import { REDIS } from '@mp/redis';
import type { Redis } from 'ioredis';

/**
 * `/health/live`: the process answers. `/health/ready`: its consumer is in its group (down while a
 * crashed consumer is re-created), Redis answers, and its state is built (down while it is built
 * from the topics, at start or after Redis was lost).
 */
@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly transport: KafkaTransport,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      async () => {
        const kafka = this.indicators.check('kafka');
        if (this.transport.handledTypes().length === 0 || this.transport.isJoined()) return kafka.up();
        const { state, restarts } = this.transport.consumerStatus();
        const message = state === 'restarting' ? 'consumer crashed and is being re-created' : `consumer has not joined its group (${state})`;
        return kafka.down({ message, restarts });
      },
      async () => {
        const state = this.indicators.check('state');
        return this.transport.stateBuilding() ? state.down({ message: 'the state is being built from the topics' }) : state.up();
      },
      async () => {
        const redis = this.indicators.check('redis');
        try {
          return (await this.redis.ping()) === 'PONG' ? redis.up() : redis.down();
        } catch (error) {
          return redis.down({ message: (error as Error).message });
        }
      },
    ]);
  }
}

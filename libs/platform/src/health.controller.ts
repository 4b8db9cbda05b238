import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ApiExcludeController } from '@nestjs/swagger';
import { KafkaTransport } from '@mp/messaging';
import { REDIS } from '@mp/redis';
import type { Redis } from 'ioredis';

/** `/health/live`: the process answers. `/health/ready`: its consumer is in its group and Redis answers. */
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
        const types = this.transport.handledTypes();
        return types.length === 0 || this.transport.isJoined() ? kafka.up() : kafka.down({ message: 'consumer has not joined its group' });
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

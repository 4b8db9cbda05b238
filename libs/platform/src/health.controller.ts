import { Controller, Get, Inject, Logger, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@mp/auth';
import { describeThrown } from '@mp/contracts';
import { BrokerPing, KafkaTransport } from '@mp/messaging';
import { REDIS, RedisClient, redisUnavailable } from '@mp/redis';
import { Readiness, ReadinessCheck, ReadinessResult } from './readiness';

/** How long one readiness condition may take before it counts as down: a probe must answer. */
export const READINESS_CHECK_TIMEOUT_MS = 2_000;

/**
 * `/health/live`: the process answers (also while it reaches Kafka, or Redis is gone).
 * `/health/ready`: 200 only when
 * - `kafka`: a broker answers now, and the consumer has joined its group (down while it joins at
 *   start, while Kafka cannot be reached, and while a crashed consumer is re-created);
 * - `redis`: Redis answers (a Redis Cluster: every master says `cluster_state:ok`);
 * - `state`: the service's state is built (down while it is built from the topics, at start or
 *   after Redis was lost: in the whole group, as commands wait for it);
 * - and what the service adds (`Readiness`): the directory's `readModels`, down while an
 *   operator's rebuild runs.
 * Otherwise 503, each failing condition under its name with why. Each has
 * `READINESS_CHECK_TIMEOUT_MS` to answer. A change of readiness is logged once.
 */
@ApiExcludeController()
@Public()
@Controller('health')
export class HealthController {
  private readonly log = new Logger('Health');
  /** The failing conditions at the last probe (`''` when ready), to log changes only. */
  private lastFailing?: string;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly transport: KafkaTransport,
    private readonly broker: BrokerPing,
    private readonly readiness: Readiness,
    @Inject(REDIS) private readonly redis: RedisClient,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  async ready(): Promise<HealthCheckResult> {
    const checks: Array<[string, ReadinessCheck]> = [['kafka', () => this.kafka()], ['redis', () => this.redisAnswers()], ['state', () => this.stateBuilt()], ...this.readiness.added()];
    try {
      const result = await this.health.check(checks.map(([name, check]) => () => this.indicate(name, check)));
      this.noteReadiness({});
      return result;
    } catch (error) {
      if (error instanceof ServiceUnavailableException) this.noteReadiness(((error.getResponse() as HealthCheckResult).error ?? {}) as Record<string, { message?: unknown }>);
      throw error;
    }
  }

  private async kafka(): Promise<ReadinessResult> {
    try {
      await this.broker.ping();
    } catch (error) {
      return { up: false, message: `no broker answers: ${describeThrown(error)}` };
    }
    if (this.transport.handledTypes().length === 0 || this.transport.isJoined()) return { up: true };
    const { state, restarts, lastError } = this.transport.consumerStatus();
    const message = state === 'restarting' ? `the consumer is being re-created after: ${lastError ?? 'a crash'}` : `the consumer has not joined its group yet (${state})`;
    return { up: false, message, restarts };
  }

  private async redisAnswers(): Promise<ReadinessResult> {
    const why = await redisUnavailable(this.redis);
    return why === undefined ? { up: true } : { up: false, message: why };
  }

  private stateBuilt(): ReadinessResult {
    return this.transport.stateBuilding() ? { up: false, message: 'the state is being built from the topics' } : { up: true };
  }

  /** One condition as a terminus indicator: bounded in time, and down (never thrown) with why. */
  private async indicate(name: string, check: ReadinessCheck) {
    const indicator = this.indicators.check(name);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<ReadinessResult>((resolve) => {
      timer = setTimeout(() => resolve({ up: false, message: `no answer within ${READINESS_CHECK_TIMEOUT_MS} ms` }), READINESS_CHECK_TIMEOUT_MS);
    });
    try {
      const result = await Promise.race([Promise.resolve().then(check), late]);
      if (result.up) return indicator.up();
      const { up: _up, ...details } = result;
      return indicator.down(details);
    } catch (error) {
      return indicator.down({ message: describeThrown(error) });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Logs when readiness changes: ready (info), or which conditions fail and why (warn). */
  private noteReadiness(failing: Record<string, { message?: unknown }>): void {
    const why = Object.entries(failing)
      .map(([name, detail]) => `${name}: ${String(detail?.message ?? 'down')}`)
      .join('; ');
    if (why === this.lastFailing) return;
    this.lastFailing = why;
    if (why) this.log.warn({ msg: `not ready: ${why}`, failing: Object.keys(failing) });
    else this.log.log('ready');
  }
}

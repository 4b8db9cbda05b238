import { Injectable } from '@nestjs/common';

/** What one readiness condition says: up, or down with why (and any details an operator needs). */
export type ReadinessResult = { up: true } | { up: false; message: string; [detail: string]: unknown };

export type ReadinessCheck = () => ReadinessResult | Promise<ReadinessResult>;

/**
 * Conditions a service adds to `/health/ready` besides those every service has (Kafka, Redis and
 * its state): the directory adds its read models' rebuild. Each is reported under its name.
 */
@Injectable()
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();

  add(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  added(): Array<[name: string, check: ReadinessCheck]> {
    return [...this.checks];
  }
}

/**
 * Times the running service's own steps in place, without touching its code: the methods of its
 * live instances (transport, stores, publisher, consumer) are wrapped for the duration of one
 * profiled round and restored afterwards. Wrapping costs two performance.now() calls per step.
 */
import { performance } from 'node:perf_hooks';

type AnyFn = (...args: any[]) => any;

export class Profiler {
  /** Only calls made while a phase is set are recorded, under that phase. */
  phase?: string;
  private readonly samples = new Map<string, number[]>();
  private readonly restores: Array<() => void> = [];
  /** End time of the last recorded call of each step (performance.now()). */
  readonly lastEnd = new Map<string, number>();

  /** Replaces `target[method]` on the instance by a timed version; `name` may depend on the arguments. */
  wrap(target: object, method: string, name: string | ((args: unknown[]) => string)): void {
    const record = this.record.bind(this);
    const currentPhase = () => this.phase;
    const owner = target as Record<string, AnyFn>;
    const original = owner[method];
    if (typeof original !== 'function') throw new Error(`profiler: no method ${method} to wrap`);
    const hadOwn = Object.prototype.hasOwnProperty.call(owner, method);
    owner[method] = async function (this: unknown, ...args: unknown[]) {
      const phase = currentPhase();
      if (phase === undefined) return original.apply(this, args);
      const start = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        record(phase, typeof name === 'function' ? name(args) : name, start, performance.now());
      }
    };
    this.restores.push(() => {
      if (hadOwn) owner[method] = original;
      else delete owner[method];
    });
  }

  /** Times one call that is not a method of the service (a step driven by the bench itself). */
  async time<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const phase = this.phase;
    const start = performance.now();
    try {
      return await fn();
    } finally {
      if (phase !== undefined) this.record(phase, name, start, performance.now());
    }
  }

  /** As `wrap`, for a method that a version of the code may not have; tells whether it did. */
  wrapIfPresent(target: object, method: string, name: string): boolean {
    if (typeof (target as Record<string, unknown>)[method] !== 'function') return false;
    this.wrap(target, method, name);
    return true;
  }

  private record(phase: string, name: string, start: number, end: number): void {
    const key = `${phase}/${name}`;
    let list = this.samples.get(key);
    if (!list) this.samples.set(key, (list = []));
    list.push(end - start);
    this.lastEnd.set(key, end);
  }

  of(phase: string, name: string): number[] {
    return this.samples.get(`${phase}/${name}`) ?? [];
  }

  total(phase: string, name: string): number {
    return this.of(phase, name).reduce((sum, ms) => sum + ms, 0);
  }

  restore(): void {
    this.restores.splice(0).reverse().forEach((undo) => undo());
  }
}

import { CanActivate, ExecutionContext, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { RebuildStatus } from './rebuild-status';

/** While the read models rebuild, a query answers 503 with `Retry-After` rather than stale or partial data. */
@Injectable()
export class ReadModelsReadyGuard implements CanActivate {
  constructor(private readonly status: RebuildStatus) {}

  canActivate(context: ExecutionContext): boolean {
    const retryAfter = this.status.retryAfterSeconds();
    if (retryAfter === undefined) return true;
    throw this.unavailable(context, retryAfter);
  }

  /** The 503 of a directory whose read models are not ready, with its `Retry-After`. */
  unavailable(context: ExecutionContext, retryAfterSeconds: number): ServiceUnavailableException {
    context.switchToHttp().getResponse<{ setHeader(name: string, value: string): void }>().setHeader('Retry-After', String(retryAfterSeconds));
    return new ServiceUnavailableException({ statusCode: 503, error: 'Service Unavailable', message: 'The directory is rebuilding its read models; retry later.' });
  }
}

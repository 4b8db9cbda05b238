import { CallHandler, ExecutionContext, Injectable, NestInterceptor, NotFoundException } from '@nestjs/common';
import { StateRebuild } from '@mp/state';
import { catchError, from, Observable, switchMap, throwError } from 'rxjs';
import { ReadModelsReadyGuard } from './read-models-ready.guard';

/**
 * A 404 is only true of read models that are there. Between the loss of Redis and the moment the
 * directory notices it (at most a second), and while it rebuilds, every customer may look unknown:
 * so before a 404 goes out, the directory checks that its state is still there and built, and
 * answers 503 with Retry-After when it is not (and starts the rebuild at once). At most one Redis
 * round trip, on 404s only.
 */
@Injectable()
export class LostReadModelsInterceptor implements NestInterceptor {
  constructor(
    private readonly state: StateRebuild,
    private readonly ready: ReadModelsReadyGuard,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (!(error instanceof NotFoundException)) return throwError(() => error);
        return from(this.readModelsGone()).pipe(
          switchMap((gone) => {
            if (!gone) return throwError(() => error);
            void this.state.check();
            return throwError(() => this.ready.unavailable(context, 1));
          }),
        );
      }),
    );
  }

  /**
   * Lost and not noticed yet (the generation marker is gone, or is a newer one than this instance
   * builds on), or noticed already and being rebuilt: the marker of the new generation is written at
   * once, so by the time a query that began before the rebuild finds nothing, the marker may be back.
   */
  private async readModelsGone(): Promise<boolean> {
    return this.state.building() || (await this.state.stale());
  }
}

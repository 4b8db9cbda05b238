import { CallHandler, ExecutionContext, Injectable, NestInterceptor, NotFoundException } from '@nestjs/common';
import { StateRebuild } from '@mp/state';
import { catchError, from, Observable, switchMap, throwError } from 'rxjs';
import { ReadModelsReadyGuard } from './read-models-ready.guard';

/**
 * A 404 is only true of read models that are there. Between the loss of Redis and the moment the
 * directory notices it (at most a second), every customer would look unknown: so before a 404
 * goes out, the directory checks that its state is still there, and answers 503 with
 * Retry-After when it is not (and starts the rebuild at once). One Redis round trip, on 404s only.
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
        return from(this.state.lost()).pipe(
          switchMap((lost) => {
            if (!lost) return throwError(() => error);
            void this.state.check();
            return throwError(() => this.ready.unavailable(context, 1));
          }),
        );
      }),
    );
  }
}

import { ArgumentsHost, Catch } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { Observable, throwError } from 'rxjs';

/**
 * Nest's default RPC filter turns any handler error into `{status: 'error', message: 'Internal
 * server error'}`. The Kafka transport retries and dead-letters on its own, and a dead letter
 * should name the real error class and message, so message handlers' errors pass through
 * untouched; HTTP errors get Nest's usual answers.
 *
 * It must be global on the app before the transport is connected: Nest creates the message
 * handlers while connecting, with the app's config when `inheritAppConfig` is set.
 */
@Catch()
export class RethrowHandlerErrorsFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() === 'rpc') return throwError(() => exception);
    return super.catch(exception, host);
  }
}

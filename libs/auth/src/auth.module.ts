import { Global, Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { authenticationProblem, ConfigurationError, Environment, ENVIRONMENT } from '@mp/config';
import { BearerAuthGuard, TOKEN_VERIFIER } from './bearer-auth.guard';
import { tokenVerifier, TokenVerifier } from './token-verifier';

/**
 * The service's token verifier from its environment (`AUTH_*`). With neither a secret nor a key
 * set the start is refused, as `runService` already did for a process; `AUTH_DISABLED=true`
 * turns the checks off, and says so.
 */
export function verifierOf(env: Environment): TokenVerifier | undefined {
  if (env.AUTH_DISABLED) {
    new Logger('Authentication').warn('AUTH_DISABLED=true: no token is checked on HTTP, every caller is ops. Never in production.');
    return undefined;
  }
  const problem = authenticationProblem(env);
  if (problem) throw new ConfigurationError([problem]);
  return tokenVerifier({ secret: env.AUTH_JWT_SECRET, jwksUrl: env.AUTH_JWKS_URL, issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE });
}

/**
 * Bearer tokens on every HTTP route of the service that imports it (DESIGN §10), `@Public()`
 * ones aside: a global guard. Import it once, in the service's root module.
 */
@Global()
@Module({
  providers: [
    { provide: TOKEN_VERIFIER, inject: [ENVIRONMENT], useFactory: verifierOf },
    { provide: APP_GUARD, useClass: BearerAuthGuard },
  ],
  exports: [TOKEN_VERIFIER],
})
export class AuthModule {}

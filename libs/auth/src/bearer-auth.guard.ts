import { CanActivate, ExecutionContext, ForbiddenException, HttpException, Inject, Injectable, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ALLOWED_ROLES, AuthenticatedRequest, PUBLIC_ROUTE } from './auth.decorators';
import { Principal, Role, UNCHECKED_PRINCIPAL } from './principal';
import { AuthenticationFailure, bearerTokenOf, TokenVerifier } from './token-verifier';

/** The verifier of the service's tokens; `undefined` when `AUTH_DISABLED=true`. */
export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');

const REALM = 'multipartner';

interface Response {
  setHeader(name: string, value: string): void;
}

/** An RFC 6750 challenge; a description holds no quote or backslash. */
export function bearerChallenge(error?: 'invalid_token' | 'insufficient_scope', description?: string): string {
  const parts = [`realm="${REALM}"`];
  if (error) parts.push(`error="${error}"`);
  if (description) parts.push(`error_description="${description.replace(/["\\]/g, "'")}"`);
  return `Bearer ${parts.join(', ')}`;
}

/**
 * Every HTTP route of the service needs a bearer token (DESIGN §10) unless marked `@Public()`:
 * none or a malformed `Authorization` 401 with `WWW-Authenticate: Bearer`, a token that does not
 * verify (signature, expiry, issuer, audience, claims) 401 with `error="invalid_token"` and the
 * reason, a role the route is not for (`@AllowedRoles`) 403. Messages of the Kafka transport are
 * not HTTP and pass. The verified caller is `request.principal` (`@CurrentPrincipal()`).
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verify: TokenVerifier | undefined,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    request.principal = await this.authenticate(request, response);
    const roles = this.reflector.getAllAndOverride<readonly Role[] | undefined>(ALLOWED_ROLES, targets);
    if (roles && !roles.includes(request.principal.role)) {
      const message = `A ${request.principal.role} token does not give access to this route (it is for ${roles.join(', ')}).`;
      response.setHeader('WWW-Authenticate', bearerChallenge('insufficient_scope', message));
      throw new ForbiddenException({ statusCode: 403, error: 'Forbidden', message });
    }
    return true;
  }

  private async authenticate(request: AuthenticatedRequest, response: Response): Promise<Principal> {
    if (!this.verify) return UNCHECKED_PRINCIPAL;
    try {
      return await this.verify(bearerTokenOf(request.headers.authorization));
    } catch (error) {
      if (!(error instanceof AuthenticationFailure)) throw error;
      throw refusal(error, response);
    }
  }
}

function refusal(failure: AuthenticationFailure, response: Response): HttpException {
  if (failure.kind === 'unavailable') {
    response.setHeader('Retry-After', '5');
    return new ServiceUnavailableException({ statusCode: 503, error: 'Service Unavailable', message: failure.message });
  }
  response.setHeader('WWW-Authenticate', failure.kind === 'missing' ? bearerChallenge() : bearerChallenge('invalid_token', failure.message));
  return new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: failure.message });
}

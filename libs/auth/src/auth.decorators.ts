import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Principal, Role } from './principal';

export const PUBLIC_ROUTE = 'mp:auth:public';
export const ALLOWED_ROLES = 'mp:auth:roles';

/** A route that needs no token (DESIGN §10: health, metrics, `/docs`, `/asyncapi`, the console's files). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/** Only these roles may use the route (on a handler or a controller); any other is a 403, decided from the token alone. */
export const AllowedRoles = (...roles: readonly Role[]): MethodDecorator & ClassDecorator => SetMetadata(ALLOWED_ROLES, roles);

/** The request's HTTP object once the guard has let it in. */
export interface AuthenticatedRequest {
  principal?: Principal;
  headers: Record<string, string | string[] | undefined>;
}

/** The verified caller of the request (`ops` for everyone when `AUTH_DISABLED=true`). */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('@CurrentPrincipal() on a route the bearer guard did not check (a @Public() one?)');
  return principal;
});

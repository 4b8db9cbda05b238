import type { DelegatedAdminAsk, DelegatedAdminSnapshot } from '@mp/contracts';
import { addDays } from '../clock';
import { NON_EXTENDABLE_ROLES } from '../request/request-policy';

export const NO_PRIVILEGES: DelegatedAdminSnapshot = { status: 'none', roles: [], services: [], autoExtend: false };

export function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

/**
 * Privileges granted by an approval: on top of those still active, the roles and services asked.
 * A new grant never shortens what is active: they run until the later of the two ends. They
 * auto-extend only if asked and if no role among all of them may never auto-extend
 * (GlobalAdministrator), however the roles came together.
 */
export function grantPrivileges(
  current: DelegatedAdminSnapshot,
  ask: DelegatedAdminAsk,
  services: readonly string[],
  now: Date,
): DelegatedAdminSnapshot {
  const kept = current.status === 'active' ? current : NO_PRIVILEGES;
  const roles = union(kept.roles, ask.roles);
  const asked = addDays(now, ask.durationDays).toISOString();
  const expiresAt = kept.expiresAt && kept.expiresAt > asked ? kept.expiresAt : asked;
  return {
    status: 'active',
    roles,
    services: union(kept.services, services),
    grantedAt: now.toISOString(),
    expiresAt,
    durationDays: ask.durationDays,
    autoExtend: ask.autoExtend && !roles.some((role) => NON_EXTENDABLE_ROLES.includes(role)),
  };
}

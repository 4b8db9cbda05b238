import type { DelegatedAdminAsk, DelegatedAdminSnapshot } from '@mp/contracts';
import { addDays } from '../clock';

export const NO_PRIVILEGES: DelegatedAdminSnapshot = { status: 'none', roles: [], services: [], autoExtend: false };

export function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

/**
 * Privileges granted by an approval: on top of those still active, the roles and services asked,
 * for the duration asked from now.
 */
export function grantPrivileges(
  current: DelegatedAdminSnapshot,
  ask: DelegatedAdminAsk,
  services: readonly string[],
  now: Date,
): DelegatedAdminSnapshot {
  const kept = current.status === 'active' ? current : NO_PRIVILEGES;
  return {
    status: 'active',
    roles: union(kept.roles, ask.roles),
    services: union(kept.services, services),
    grantedAt: now.toISOString(),
    expiresAt: addDays(now, ask.durationDays).toISOString(),
    durationDays: ask.durationDays,
    autoExtend: ask.autoExtend,
  };
}

import { NON_EXTENDABLE_ROLES } from '../request/request-policy';
import { Run } from './model';

/**
 * Property 8 — FAILS today (bug in decideApprove / grantPrivileges), so it is an `it.todo` in
 * `properties/lifecycle.properties.spec.ts`: DESIGN §5 "privileges that include the
 * GlobalAdministrator role cannot auto-extend". No state ever holds active privileges with a
 * non-extendable role and `autoExtend: true`, and no DelegatedAdminExtended carries such a role.
 * Throws on the first step that breaks it.
 */
export function globalAdministratorNeverAutoExtends({ trace }: Run): void {
  const nonExtendable = (roles: string[]) => roles.some((role) => NON_EXTENDABLE_ROLES.includes(role));
  for (const t of trace) {
    for (const m of t.emitted) {
      if (m.type === 'DelegatedAdminExtended' && nonExtendable(m.data.delegatedAdmin.roles)) {
        throw new Error(`step ${t.index}: DelegatedAdminExtended of ${m.data.resellerId} carries ${JSON.stringify(m.data.delegatedAdmin.roles)}`);
      }
    }
    for (const r of Object.values(t.after.relationships)) {
      if (r.delegatedAdmin.status === 'active' && nonExtendable(r.delegatedAdmin.roles) && r.delegatedAdmin.autoExtend) {
        throw new Error(`step ${t.index} (${t.step.kind}): ${r.resellerId} holds active ${JSON.stringify(r.delegatedAdmin.roles)} with autoExtend: true`);
      }
    }
  }
}

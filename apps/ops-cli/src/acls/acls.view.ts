import type { ServiceAcl } from '@mp/operations';
import { table } from '../output';

/** `ops acls`: one row a principal and resource, its operations together, and why. */
export function aclsView(acls: readonly ServiceAcl[]): string {
  const rows: Array<{ principal: string; resource: string; operations: string[]; why: string[] }> = [];
  for (const acl of acls) {
    const resource = `${acl.resourceType} ${acl.patternType === 'PREFIXED' ? `${acl.resourceName}*` : acl.resourceName}`;
    let row = rows.find((r) => r.principal === acl.principal && r.resource === resource);
    if (!row) rows.push((row = { principal: acl.principal, resource, operations: [], why: [] }));
    row.operations.push(acl.operation);
    if (!row.why.includes(acl.why)) row.why.push(acl.why);
  }
  return table(
    ['principal', 'resource (* = prefixed)', 'operations', 'why'],
    rows.map((r, i) => [i > 0 && rows[i - 1].principal === r.principal ? '' : r.principal, r.resource, r.operations.join(', '), r.why.join('; ')]),
  );
}

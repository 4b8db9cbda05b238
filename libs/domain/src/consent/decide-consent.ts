import type {
  ApproveRequest,
  ConsentRejected,
  ConsentRejectionReason,
  DeclineRequest,
  EndRelationship,
  RelationshipSnapshot,
  RevokeDelegatedAdmin,
  UserRef,
} from '@mp/contracts';
import { addDays } from '../clock';
import { activeRelationship, CustomerState, isAdmin, requestStatusOf } from '../customer-state';
import { message, Outgoing } from '../outgoing';
import { AUTO_EXTEND_DAYS, ConsentPolicy } from './consent-policy';
import { grantPrivileges, NO_PRIVILEGES, union } from './privileges';

export interface ConsentContext {
  customer: CustomerState;
  now: Date;
  policy: ConsentPolicy;
}

type Command = ConsentRejected['command'];

function rejected(
  command: Command,
  customerId: string,
  actor: UserRef,
  reason: ConsentRejectionReason,
  text: string,
  ids: { requestId?: string; resellerId?: string; holderResellerId?: string } = {},
): Outgoing[] {
  return [message('ConsentRejected', { customerId, ...ids, command, reason, message: text, actor })];
}

/** The checks every customer decision starts with: a known customer, a current admin. */
function customerAdminRefusal(ctx: ConsentContext, command: Command, customerId: string, actor: UserRef, ids = {}) {
  if (!ctx.customer.profile) return rejected(command, customerId, actor, 'CUSTOMER_UNKNOWN', `Customer ${customerId} is not registered.`, ids);
  if (!isAdmin(ctx.customer, actor.userId)) {
    return rejected(command, customerId, actor, 'NOT_CUSTOMER_ADMIN', `User ${actor.userId} is not an admin of customer ${customerId}.`, ids);
  }
  return undefined;
}

function pendingRequestRefusal(ctx: ConsentContext, command: Command, customerId: string, requestId: string, actor: UserRef) {
  const request = requestStatusOf(ctx.customer, requestId);
  if (!request) return rejected(command, customerId, actor, 'REQUEST_NOT_FOUND', `Request ${requestId} does not exist for this customer.`, { requestId });
  if (request.status !== 'pending') {
    return rejected(command, customerId, actor, 'REQUEST_NOT_PENDING', `Request ${requestId} is ${request.status}, no longer pending.`, {
      requestId,
      resellerId: request.resellerId,
    });
  }
  return undefined;
}

/** ApproveRequest -> RelationshipEstablished | RelationshipUpdated (+ DelegatedAdminGranted) | ConsentRejected. */
export function decideApprove(command: ApproveRequest, ctx: ConsentContext): Outgoing[] {
  const { customerId, requestId, approvedBy } = command;
  const refusal =
    customerAdminRefusal(ctx, 'ApproveRequest', customerId, approvedBy, { requestId }) ??
    pendingRequestRefusal(ctx, 'ApproveRequest', customerId, requestId, approvedBy);
  if (refusal) return refusal;

  const request = ctx.customer.requests[requestId];
  const ask = request.delegatedAdmin;
  const grant = ask !== undefined && command.grantDelegatedAdmin !== false;
  if (grant && ctx.policy.oneAdminPerService) {
    const holder = adminHolderFor(ctx.customer, request.resellerId, request.services);
    if (holder) {
      return rejected(
        'ApproveRequest',
        customerId,
        approvedBy,
        'SERVICE_ADMIN_TAKEN',
        `Reseller ${holder.resellerId} already holds delegated admin privileges for ${holder.service}; approve without privileges or revoke theirs first.`,
        { requestId, resellerId: request.resellerId, holderResellerId: holder.resellerId },
      );
    }
  }

  const existing = activeRelationship(ctx.customer, request.resellerId);
  const privileges = grant ? grantPrivileges(existing?.delegatedAdmin ?? NO_PRIVILEGES, ask, request.services, ctx.now) : undefined;
  const relationship: RelationshipSnapshot = {
    customerId,
    resellerId: request.resellerId,
    status: 'active',
    channel: existing?.channel ?? request.channel ?? 'direct',
    indirectProviderId: existing?.indirectProviderId ?? request.indirectProviderId,
    services: union(existing?.services ?? [], request.services),
    since: existing?.since ?? ctx.now.toISOString(),
    delegatedAdmin: privileges ?? existing?.delegatedAdmin ?? NO_PRIVILEGES,
  };

  const events: Outgoing[] = existing
    ? [
        message('RelationshipUpdated', {
          customerId,
          resellerId: request.resellerId,
          requestId,
          approvedBy,
          relationship,
          addedServices: request.services.filter((s) => !existing.services.includes(s)),
        }),
      ]
    : [message('RelationshipEstablished', { customerId, resellerId: request.resellerId, requestId, approvedBy, relationship })];
  if (privileges) {
    events.push(
      message('DelegatedAdminGranted', { customerId, resellerId: request.resellerId, requestId, grantedBy: approvedBy, delegatedAdmin: privileges }),
    );
  }
  return events;
}

/** Another reseller's active privileges over one of these services, if any. */
function adminHolderFor(customer: CustomerState, resellerId: string, services: string[]) {
  for (const relationship of Object.values(customer.relationships)) {
    if (relationship.resellerId === resellerId || relationship.status !== 'active') continue;
    const privileges = relationship.delegatedAdmin;
    if (privileges.status !== 'active') continue;
    const service = services.find((s) => privileges.services.includes(s));
    if (service) return { resellerId: relationship.resellerId, service };
  }
  return undefined;
}

/** DeclineRequest -> RequestDeclined | ConsentRejected. */
export function decideDecline(command: DeclineRequest, ctx: ConsentContext): Outgoing[] {
  const { customerId, requestId, declinedBy } = command;
  const refusal =
    customerAdminRefusal(ctx, 'DeclineRequest', customerId, declinedBy, { requestId }) ??
    pendingRequestRefusal(ctx, 'DeclineRequest', customerId, requestId, declinedBy);
  if (refusal) return refusal;
  const request = ctx.customer.requests[requestId];
  return [
    message('RequestDeclined', {
      customerId,
      resellerId: request.resellerId,
      requestId,
      declinedBy,
      reason: command.reason,
      ...(request.indirectProviderId ? { indirectProviderId: request.indirectProviderId } : {}),
      status: 'declined',
      declinedAt: ctx.now.toISOString(),
    }),
  ];
}

/**
 * EndRelationship -> RelationshipEnded (+ DelegatedAdminRevoked when privileges were active) | ConsentRejected.
 * The customer's admin may always end; a reseller may not while it is Partner of Record of an
 * active subscription; an indirect reseller may not end alone: its provider ends for it.
 */
export function decideEnd(command: EndRelationship, ctx: ConsentContext): Outgoing[] {
  const { customerId, resellerId, endedBy } = command;
  const actor = { userId: endedBy.userId };
  const ids = { resellerId };
  if (endedBy.party === 'customer') {
    const refusal = customerAdminRefusal(ctx, 'EndRelationship', customerId, actor, ids);
    if (refusal) return refusal;
  }
  const relationship = activeRelationship(ctx.customer, resellerId);
  if (!relationship) {
    return rejected('EndRelationship', customerId, actor, 'RELATIONSHIP_NOT_FOUND', `There is no active relationship between ${customerId} and ${resellerId}.`, ids);
  }
  if (endedBy.party === 'reseller' && relationship.channel === 'indirect') {
    return rejected(
      'EndRelationship',
      customerId,
      actor,
      'INDIRECT_RESELLER_CANNOT_END',
      `Indirect reseller ${resellerId} cannot end the relationship alone; its provider ${relationship.indirectProviderId} can.`,
      ids,
    );
  }
  if (endedBy.party === 'provider' && relationship.channel !== 'indirect') {
    return rejected('EndRelationship', customerId, actor, 'NOT_THE_PROVIDER', `Reseller ${resellerId} works directly: there is no provider to end for it.`, ids);
  }
  if (endedBy.party !== 'customer') {
    const held = Object.values(ctx.customer.subscriptions).find((s) => s.status === 'active' && s.partnerOfRecordId === resellerId);
    if (held) {
      return rejected(
        'EndRelationship',
        customerId,
        actor,
        'HAS_ACTIVE_SUBSCRIPTIONS',
        `Reseller ${resellerId} is Partner of Record of active subscription ${held.subscriptionId}.`,
        ids,
      );
    }
  }

  const now = ctx.now.toISOString();
  const hadPrivileges = relationship.delegatedAdmin.status === 'active';
  const delegatedAdmin = hadPrivileges ? { ...relationship.delegatedAdmin, status: 'revoked' as const } : relationship.delegatedAdmin;
  const ended: RelationshipSnapshot = { ...relationship, status: 'ended', endedAt: now, delegatedAdmin };
  const events: Outgoing[] = [message('RelationshipEnded', { customerId, resellerId, endedBy, reason: command.reason, relationship: ended })];
  if (hadPrivileges) {
    events.push(message('DelegatedAdminRevoked', { customerId, resellerId, revokedBy: endedBy, reason: 'relationship-ended', delegatedAdmin }));
  }
  return events;
}

/** RevokeDelegatedAdmin -> DelegatedAdminRevoked | ConsentRejected. */
export function decideRevoke(command: RevokeDelegatedAdmin, ctx: ConsentContext): Outgoing[] {
  const { customerId, resellerId, revokedBy } = command;
  const refusal = customerAdminRefusal(ctx, 'RevokeDelegatedAdmin', customerId, revokedBy, { resellerId });
  if (refusal) return refusal;
  const relationship = activeRelationship(ctx.customer, resellerId);
  if (!relationship || relationship.delegatedAdmin.status !== 'active') {
    return rejected('RevokeDelegatedAdmin', customerId, revokedBy, 'NO_ACTIVE_PRIVILEGES', `Reseller ${resellerId} holds no active privileges for ${customerId}.`, {
      resellerId,
    });
  }
  return [
    message('DelegatedAdminRevoked', {
      customerId,
      resellerId,
      revokedBy: { party: 'customer', userId: revokedBy.userId },
      reason: 'revoked-by-customer',
      delegatedAdmin: { ...relationship.delegatedAdmin, status: 'revoked' },
    }),
  ];
}

/** Privileges whose time is up: extended by 180 days when they auto-extend, else expired. */
export function decidePrivilegeExpiry(customer: CustomerState, now: Date): Outgoing[] {
  return Object.values(customer.relationships).flatMap((relationship) => {
    const privileges = relationship.delegatedAdmin;
    if (relationship.status !== 'active' || privileges.status !== 'active' || !privileges.expiresAt) return [];
    if (Date.parse(privileges.expiresAt) > now.getTime()) return [];
    const { customerId, resellerId } = relationship;
    if (privileges.autoExtend) {
      const expiresAt = addDays(new Date(privileges.expiresAt), AUTO_EXTEND_DAYS).toISOString();
      return [message('DelegatedAdminExtended', { customerId, resellerId, previousExpiresAt: privileges.expiresAt, delegatedAdmin: { ...privileges, expiresAt } })];
    }
    return [message('DelegatedAdminExpired', { customerId, resellerId, expiredAt: privileges.expiresAt, delegatedAdmin: { ...privileges, status: 'expired' } })];
  });
}

/** When the next active privileges of this customer's relationships reach their end, for the scheduler. */
export function nextPrivilegeExpiry(customer: CustomerState): number | undefined {
  const times = Object.values(customer.relationships)
    .filter((r) => r.status === 'active' && r.delegatedAdmin.status === 'active' && r.delegatedAdmin.expiresAt)
    .map((r) => Date.parse(r.delegatedAdmin.expiresAt!));
  return times.length ? Math.min(...times) : undefined;
}

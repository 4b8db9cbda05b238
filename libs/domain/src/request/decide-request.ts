import type { CancelRequest, RequestRejectionReason, RequestRelationship } from '@mp/contracts';
import { addDays } from '../clock';
import { activeRelationship, CustomerState, pendingRequestOf, requestStatusOf } from '../customer-state';
import { message, Outgoing } from '../outgoing';
import { PartnerState } from '../partner-state';
import { NON_EXTENDABLE_ROLES, RequestPolicy } from './request-policy';

/** What the request rules look at: the customer's state and the partners the command names. */
export interface RequestContext {
  customer: CustomerState;
  reseller?: PartnerState;
  provider?: PartnerState;
  now: Date;
  policy: RequestPolicy;
}

/** RequestRelationship -> RelationshipRequested | RequestRejected | nothing (same requestId again). */
export function decideRequestRelationship(command: RequestRelationship, ctx: RequestContext): Outgoing[] {
  const known = requestStatusOf(ctx.customer, command.requestId);
  if (known?.resellerId === command.resellerId) return [];

  const refusal: Refusal | undefined = known
    ? { reason: 'REQUEST_ID_TAKEN', message: `Request id ${command.requestId} is already used by another reseller's request; use a new one.` }
    : intakeRefusal(command, ctx);
  if (refusal) {
    return [
      message('RequestRejected', {
        requestId: command.requestId,
        customerId: command.customerId,
        resellerId: command.resellerId,
        reason: refusal.reason,
        message: refusal.message,
        command: 'RequestRelationship',
        actor: command.requestedBy,
      }),
    ];
  }

  const indirect = ctx.reseller?.profile?.kind === 'indirect-reseller';
  return [
    message('RelationshipRequested', {
      requestId: command.requestId,
      customerId: command.customerId,
      resellerId: command.resellerId,
      services: command.services,
      delegatedAdmin: command.delegatedAdmin,
      channel: indirect ? 'indirect' : 'direct',
      indirectProviderId: indirect ? command.indirectProviderId : undefined,
      message: command.message,
      requestedBy: command.requestedBy,
      status: 'pending',
      requestedAt: ctx.now.toISOString(),
      expiresAt: addDays(ctx.now, ctx.policy.requestTtlDays).toISOString(),
    }),
  ];
}

interface Refusal {
  reason: RequestRejectionReason;
  message: string;
}

/** The intake rules of DESIGN §5, in the order a caller can best act on them. */
function intakeRefusal(command: RequestRelationship, ctx: RequestContext): Refusal | undefined {
  const { customer, reseller, provider } = ctx;
  const profile = customer.profile;
  if (!profile) return { reason: 'CUSTOMER_UNKNOWN', message: `Customer ${command.customerId} is not registered.` };

  const partner = reseller?.profile;
  if (!reseller || !partner) return { reason: 'RESELLER_UNKNOWN', message: `Reseller ${command.resellerId} is not registered.` };
  if (reseller.suspended) {
    return { reason: 'RESELLER_SUSPENDED', message: `Reseller ${command.resellerId} is suspended and cannot start new requests.` };
  }

  if (partner.kind === 'indirect-reseller') {
    const linked = command.indirectProviderId && provider?.profile?.kind === 'indirect-provider' && reseller.providerIds.includes(command.indirectProviderId);
    if (!linked) {
      return {
        reason: 'PROVIDER_NOT_LINKED',
        message: `Indirect reseller ${command.resellerId} must name an indirect provider it is linked to.`,
      };
    }
  } else if (command.indirectProviderId) {
    return {
      reason: 'NOT_AN_INDIRECT_RESELLER',
      message: `Reseller ${command.resellerId} is a ${partner.kind}, so it cannot request through indirect provider ${command.indirectProviderId}.`,
    };
  }

  if (!partner.countries.includes(profile.country)) {
    return {
      reason: 'REGION_MISMATCH',
      message: `Reseller ${command.resellerId} does not sell in ${profile.country}, the customer's country.`,
    };
  }

  const roles = command.delegatedAdmin?.roles ?? [];
  if (command.delegatedAdmin?.autoExtend && roles.some((role) => NON_EXTENDABLE_ROLES.includes(role))) {
    return {
      reason: 'AUTO_EXTEND_NOT_ALLOWED',
      message: `Privileges with the ${NON_EXTENDABLE_ROLES.join('/')} role cannot auto-extend.`,
    };
  }

  const pending = pendingRequestOf(customer, command.resellerId);
  if (pending) {
    return {
      reason: 'DUPLICATE_PENDING',
      message: `Reseller ${command.resellerId} already has request ${pending.requestId} pending with this customer.`,
    };
  }

  const relationship = activeRelationship(customer, command.resellerId);
  if (relationship) {
    const servicesCovered = command.services.every((s) => relationship.services.includes(s));
    const privileges = relationship.delegatedAdmin;
    const privilegesCovered =
      !command.delegatedAdmin ||
      (privileges.status === 'active' &&
        command.delegatedAdmin.roles.every((r) => privileges.roles.includes(r)) &&
        command.services.every((s) => privileges.services.includes(s)));
    if (servicesCovered && privilegesCovered) {
      return {
        reason: 'NOTHING_NEW',
        message: `The active relationship with ${command.resellerId} already covers every service and privilege asked.`,
      };
    }
  }
  return undefined;
}

/** CancelRequest -> RequestCancelled, by the requesting reseller only, while the request is pending. */
export function decideCancelRequest(command: CancelRequest, ctx: Pick<RequestContext, 'customer' | 'now'>): Outgoing[] {
  const request = requestStatusOf(ctx.customer, command.requestId);
  const refuse = (reason: RequestRejectionReason, text: string) => [
    message('RequestRejected', {
      requestId: command.requestId,
      customerId: command.customerId,
      resellerId: command.resellerId,
      reason,
      message: text,
      command: 'CancelRequest',
      actor: command.cancelledBy,
    }),
  ];
  if (!request) return refuse('REQUEST_NOT_FOUND', `Request ${command.requestId} does not exist for this customer.`);
  if (request.resellerId !== command.resellerId) {
    return refuse('NOT_REQUESTING_RESELLER', `Only reseller ${request.resellerId}, which made request ${command.requestId}, may cancel it.`);
  }
  if (request.status !== 'pending') return refuse('REQUEST_NOT_PENDING', `Request ${command.requestId} is ${request.status}, no longer pending.`);
  return [
    message('RequestCancelled', {
      requestId: command.requestId,
      customerId: command.customerId,
      resellerId: command.resellerId,
      cancelledBy: command.cancelledBy,
      status: 'cancelled',
      cancelledAt: ctx.now.toISOString(),
    }),
  ];
}

/** The pending requests whose time is up -> RequestExpired, one each. */
export function decideRequestExpiry(customer: CustomerState, now: Date): Outgoing[] {
  return Object.values(customer.requests)
    .filter((r) => r.status === 'pending' && r.expiresAt !== undefined && Date.parse(r.expiresAt) <= now.getTime())
    .map((r) =>
      message('RequestExpired', {
        requestId: r.requestId,
        customerId: r.customerId,
        resellerId: r.resellerId,
        status: 'expired',
        // The moment it ran out, not the moment the scheduler noticed: a re-run emits the same event.
        expiredAt: r.expiresAt!,
      }),
    );
}

/** When the next pending request of this customer expires, for the scheduler. */
export function nextRequestExpiry(customer: CustomerState): number | undefined {
  const times = Object.values(customer.requests)
    .filter((r) => r.status === 'pending' && r.expiresAt)
    .map((r) => Date.parse(r.expiresAt!));
  return times.length ? Math.min(...times) : undefined;
}

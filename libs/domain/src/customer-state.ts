import type { WaitingCommand } from './waiting/waiting';
import type {
  Channel,
  DelegatedAdminAsk,
  RelationshipSnapshot,
  RequestRejectionReason,
  RequestStatus,
  UserRef,
} from '@mp/contracts';

export interface CustomerProfile {
  name: string;
  country: string;
  admins: string[];
  webhookUrl?: string;
  /** Its own Standard Webhooks secret(s), when it registered one (DESIGN §10): only the notification-service reads it. */
  webhookSecret?: string;
  email?: string;
}

/** One step in a request's life, as the directory shows it. */
export interface RequestStep {
  eventId: string;
  type: string;
  at: string;
  status: RequestStatus | 'rejected';
  by?: string;
  reason?: string;
}

export interface RequestView {
  requestId: string;
  customerId: string;
  resellerId: string;
  services: string[];
  delegatedAdmin?: DelegatedAdminAsk;
  channel?: Channel;
  indirectProviderId?: string;
  message?: string;
  requestedBy: UserRef;
  /** `rejected` marks a request refused at intake: its id stays taken (idempotency). */
  status: RequestStatus | 'rejected';
  rejection?: RequestRejectionReason;
  requestedAt: string;
  expiresAt?: string;
  updatedAt: string;
  history: RequestStep[];
}

/**
 * A request no longer pending, as the deciding services keep it (`keptForDecisions`): the reseller
 * that made it and how it ended, all that a decision reads of it (its id is taken, it is not pending).
 */
export interface ClosedRequest {
  resellerId: string;
  status: Exclude<RequestView['status'], 'pending'>;
}

export interface SubscriptionView {
  subscriptionId: string;
  customerId: string;
  partnerOfRecordId: string;
  service: string;
  quantity: number;
  status: 'active' | 'cancelled';
}

/**
 * Everything known about one customer, folded from its events (all keyed by customer id, so one
 * partition orders them). Request-, consent-, notification- and directory-service each keep a copy.
 */
export interface CustomerState {
  customerId: string;
  profile?: CustomerProfile;
  requests: Record<string, RequestView>;
  relationships: Record<string, RelationshipSnapshot>;
  subscriptions: Record<string, SubscriptionView>;
  /** Commands waiting for what they name to be folded (only the deciding services have any). */
  waiting?: Record<string, WaitingCommand>;
  /** The requests no longer pending, in the deciding services' copy: moved out of `requests` (`keptForDecisions`). */
  closed?: Record<string, ClosedRequest>;
}

export function emptyCustomerState(customerId: string): CustomerState {
  return { customerId, requests: {}, relationships: {}, subscriptions: {} };
}

export function isAdmin(state: CustomerState, userId: string): boolean {
  return state.profile?.admins.includes(userId) ?? false;
}

export function activeRelationship(state: CustomerState, resellerId: string): RelationshipSnapshot | undefined {
  const relationship = state.relationships[resellerId];
  return relationship?.status === 'active' ? relationship : undefined;
}

/** A request's reseller and status, whether the state keeps its whole view or only how it ended. */
export function requestStatusOf(state: CustomerState, requestId: string): Pick<RequestView, 'resellerId' | 'status'> | undefined {
  return state.requests[requestId] ?? state.closed?.[requestId];
}

export function pendingRequestOf(state: CustomerState, resellerId: string): RequestView | undefined {
  return Object.values(state.requests).find((r) => r.resellerId === resellerId && r.status === 'pending');
}

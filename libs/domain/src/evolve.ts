import type { DelegatedAdminSnapshot } from '@mp/contracts';
import { CustomerEvent } from './customer-events';
import { CustomerState, requestStatusOf, RequestStep, RequestView } from './customer-state';

/**
 * Folds one event into a customer's state. Pure and idempotent: events carry the resulting state
 * of what they changed, and a request's history is keyed by event id, so a replay changes nothing.
 */
export function evolve(state: CustomerState, event: CustomerEvent): CustomerState {
  switch (event.type) {
    case 'CustomerRegistered': {
      const { name, country, admins, webhookUrl, webhookSecret, email } = event.data;
      return { ...state, profile: { name, country, admins: [...admins], webhookUrl, webhookSecret, email } };
    }
    case 'CustomerAdminAdded': {
      if (!state.profile || state.profile.admins.includes(event.data.userId)) return state;
      return { ...state, profile: { ...state.profile, admins: [...state.profile.admins, event.data.userId] } };
    }
    case 'CustomerAdminRemoved': {
      if (!state.profile) return state;
      return { ...state, profile: { ...state.profile, admins: state.profile.admins.filter((id) => id !== event.data.userId) } };
    }
    case 'SubscriptionCreated': {
      const { subscriptionId, customerId, partnerOfRecordId, service, quantity } = event.data;
      const subscription = { subscriptionId, customerId, partnerOfRecordId, service, quantity, status: 'active' as const };
      return { ...state, subscriptions: { ...state.subscriptions, [subscriptionId]: subscription } };
    }
    case 'SubscriptionCancelled':
      return updateSubscription(state, event.data.subscriptionId, { status: 'cancelled' });
    case 'PartnerOfRecordChanged':
      return updateSubscription(state, event.data.subscriptionId, { partnerOfRecordId: event.data.partnerOfRecordId });

    case 'RelationshipRequested': {
      const d = event.data;
      // Closed in a deciding service's copy: it keeps no more of it than how it ended.
      if (state.closed?.[d.requestId]) return state;
      const request: RequestView = {
        requestId: d.requestId,
        customerId: d.customerId,
        resellerId: d.resellerId,
        services: [...d.services],
        delegatedAdmin: d.delegatedAdmin,
        channel: d.channel,
        indirectProviderId: d.indirectProviderId,
        message: d.message,
        requestedBy: d.requestedBy,
        status: 'pending',
        requestedAt: d.requestedAt,
        expiresAt: d.expiresAt,
        updatedAt: d.requestedAt,
        history: [],
      };
      // An outcome folded before its request (two topics, no order between them) keeps its status.
      const known = state.requests[d.requestId];
      const merged = known ? { ...request, status: known.status, updatedAt: known.updatedAt, history: known.history } : request;
      return putRequest(state, merged, step(event, 'pending', d.requestedBy.userId), known !== undefined);
    }
    case 'RequestRejected': {
      const d = event.data;
      if (d.command !== 'RequestRelationship' || requestStatusOf(state, d.requestId)) return state;
      const request: RequestView = {
        requestId: d.requestId,
        customerId: d.customerId,
        resellerId: d.resellerId,
        services: [],
        requestedBy: d.actor,
        status: 'rejected',
        rejection: d.reason,
        requestedAt: event.time,
        updatedAt: event.time,
        history: [],
      };
      return putRequest(state, request, step(event, 'rejected', d.actor.userId, d.reason), false);
    }
    case 'RequestCancelled':
      return changeRequest(state, event.data, step(event, 'cancelled', event.data.cancelledBy.userId));
    case 'RequestExpired':
      return changeRequest(state, event.data, step(event, 'expired'));
    case 'RequestDeclined':
      return changeRequest(state, event.data, step(event, 'declined', event.data.declinedBy.userId, event.data.reason));

    case 'RelationshipEstablished':
    case 'RelationshipUpdated': {
      const withRelationship = putRelationship(state, event.data.relationship);
      return changeRequest(withRelationship, event.data, step(event, 'approved', event.data.approvedBy.userId));
    }
    case 'RelationshipEnded':
      return putRelationship(state, event.data.relationship);
    case 'DelegatedAdminGranted':
    case 'DelegatedAdminRevoked':
    case 'DelegatedAdminExtended':
    case 'DelegatedAdminExpired':
      return putDelegatedAdmin(state, event.data.resellerId, event.data.delegatedAdmin);
  }
}

export function foldCustomer(state: CustomerState, events: CustomerEvent[]): CustomerState {
  return events.reduce(evolve, state);
}

function step(event: CustomerEvent, status: RequestStep['status'], by?: string, reason?: string): RequestStep {
  return { eventId: event.id, type: event.type, at: event.time, status, by, reason };
}

/**
 * Adds a step to a request (`known`: one already in the state), once per event id, keeping the
 * history in time order. Status and `updatedAt` follow from the request and the step alone, not
 * from the history: a copy kept without it (`withoutRequestHistory`) folds to the same request.
 */
function putRequest(state: CustomerState, request: RequestView, change: RequestStep, known: boolean): CustomerState {
  if (request.history.some((h) => h.eventId === change.eventId)) return state;
  const history = [...request.history, change].sort((a, b) => a.at.localeCompare(b.at));
  // `pending` is where a request starts, so its step never overrides an outcome already known.
  const status = change.status === 'pending' && known ? request.status : change.status;
  const updatedAt = known && request.updatedAt > change.at ? request.updatedAt : change.at;
  const updated: RequestView = { ...request, status, updatedAt, history };
  return { ...state, requests: { ...state.requests, [request.requestId]: updated } };
}

type RequestIds = { requestId: string; customerId: string; resellerId: string };

/**
 * A request's outcome. A terminal state is never left: a request no longer pending stays as it
 * is. An outcome may be folded before its request (a replay reads two topics with no order
 * between them): it is kept, and the request's details join it when they arrive.
 */
function changeRequest(state: CustomerState, ids: RequestIds, change: RequestStep): CustomerState {
  const known = requestStatusOf(state, ids.requestId);
  if (known && known.status !== 'pending') return state;
  const request = state.requests[ids.requestId];
  return putRequest(state, request ?? placeholderRequest(ids, change), change, request !== undefined);
}

function placeholderRequest({ requestId, customerId, resellerId }: RequestIds, change: RequestStep): RequestView {
  return { requestId, customerId, resellerId, services: [], requestedBy: { userId: 'unknown' }, status: change.status, requestedAt: change.at, updatedAt: change.at, history: [] };
}

function putRelationship(state: CustomerState, relationship: CustomerState['relationships'][string]): CustomerState {
  return { ...state, relationships: { ...state.relationships, [relationship.resellerId]: relationship } };
}

function putDelegatedAdmin(state: CustomerState, resellerId: string, delegatedAdmin: DelegatedAdminSnapshot): CustomerState {
  const relationship = state.relationships[resellerId];
  if (!relationship) return state;
  return putRelationship(state, { ...relationship, delegatedAdmin });
}

function updateSubscription(
  state: CustomerState,
  subscriptionId: string,
  change: Partial<CustomerState['subscriptions'][string]>,
): CustomerState {
  const subscription = state.subscriptions[subscriptionId];
  if (!subscription) return state;
  return { ...state, subscriptions: { ...state.subscriptions, [subscriptionId]: { ...subscription, ...change } } };
}

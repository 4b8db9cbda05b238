import type { CustomerState } from '@mp/domain';

/** One single-key write to a secondary index of the directory. */
export type IndexWrite =
  /** `directory:request:{requestId}` -> the customer whose state holds the request. */
  | { index: 'request-owner'; requestId: string; customerId: string }
  /** `directory:reseller-customers:{resellerId}`: add or remove the customer. */
  | { index: 'reseller-customers'; op: 'add' | 'remove'; resellerId: string; customerId: string };

/** Events after which a relationship's status may have changed. */
const RelationshipEventTypes = new Set([
  'RelationshipEstablished',
  'RelationshipUpdated',
  'RelationshipEnded',
  'DelegatedAdminGranted',
  'DelegatedAdminRevoked',
  'DelegatedAdminExtended',
  'DelegatedAdminExpired',
]);

interface LifecycleData {
  customerId: string;
  resellerId?: string;
  requestId?: string;
  command?: string;
}

/**
 * The index writes that follow a lifecycle event, derived from the customer's state AFTER the
 * event was folded rather than from the event alone. Every write is a set-like operation (SET NX,
 * ZADD, ZREM), so applying them twice changes nothing; and since they mirror the folded state, a
 * late or replayed event (an old `RelationshipEstablished` after the `RelationshipEnded`) cannot
 * bring back a relationship that has ended: the index always converges on the state.
 */
export function indexWritesFor(type: string, data: LifecycleData, state: CustomerState): IndexWrite[] {
  const writes: IndexWrite[] = [];
  const claimsRequestId = type === 'RelationshipRequested' || (type === 'RequestRejected' && data.command === 'RequestRelationship');
  if (claimsRequestId && data.requestId && state.requests[data.requestId]) {
    writes.push({ index: 'request-owner', requestId: data.requestId, customerId: state.customerId });
  }
  if (RelationshipEventTypes.has(type) && data.resellerId) {
    const relationship = state.relationships[data.resellerId];
    if (relationship) {
      const op = relationship.status === 'active' ? 'add' : 'remove';
      writes.push({ index: 'reseller-customers', op, resellerId: data.resellerId, customerId: state.customerId });
    }
  }
  return writes;
}

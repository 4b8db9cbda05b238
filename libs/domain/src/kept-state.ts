import type { ClosedRequest, CustomerState, RequestView } from './customer-state';

/**
 * What a service keeps of a customer's state: each service keeps its own copy, of what its own
 * work needs (DESIGN §7). Folding on a kept copy gives the kept copy of the whole fold (`evolve`
 * reads nothing a copy leaves out), and deciding on it gives the same decisions: the property
 * tests in `properties/kept-state.properties.spec.ts` hold them to both.
 */

/**
 * The notification-service's copy: its requests without their history of steps and their
 * free-text message, which only the directory shows (an e-mail takes the message from its event).
 */
export function withoutRequestHistory(state: CustomerState): CustomerState {
  let requests: Record<string, RequestView> | undefined;
  for (const [id, request] of Object.entries(state.requests)) {
    if (request.history.length === 0 && request.message === undefined) continue;
    const { message: _message, ...rest } = request;
    (requests ??= { ...state.requests })[id] = { ...rest, history: [] };
  }
  return requests ? { ...state, requests } : state;
}

/**
 * The request- and consent-service's copy: pending requests without their history and message,
 * and the others closed (`closed`): a decision reads no more of a request no longer pending than
 * its reseller and how it ended. So a customer's long history of requests does not make each of
 * its commands read, parse and write more than a few bytes per request.
 */
export function keptForDecisions(state: CustomerState): CustomerState {
  const trimmed = withoutRequestHistory(state);
  const ended = Object.values(trimmed.requests).filter((request) => request.status !== 'pending');
  if (ended.length === 0) return trimmed;
  const requests = { ...trimmed.requests };
  const closed: Record<string, ClosedRequest> = { ...trimmed.closed };
  for (const { requestId, resellerId, status } of ended) {
    delete requests[requestId];
    closed[requestId] = { resellerId, status: status as ClosedRequest['status'] };
  }
  return { ...trimmed, requests, closed };
}

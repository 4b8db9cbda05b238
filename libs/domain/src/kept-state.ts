import type { CustomerState, RequestView } from './customer-state';

/**
 * A customer's state as the request-, consent- and notification-service keep it: each service
 * keeps its own copy, of what its own decisions need (DESIGN §7). A request's history of steps
 * and its free-text message are what the directory shows; no decision, recipient or e-mail reads
 * them from the state (an e-mail takes the message from its event). Without them, a customer's
 * long history does not make each of these services' commands read, parse and write more.
 *
 * Folding on a kept copy gives the kept copy of the fold (`evolve` reads neither): the property
 * test in `properties/kept-state.properties.spec.ts` holds it to that.
 */
export function keptByDeciders(state: CustomerState): CustomerState {
  let requests: Record<string, RequestView> | undefined;
  for (const [id, request] of Object.entries(state.requests)) {
    if (request.history.length === 0 && request.message === undefined) continue;
    const { message: _message, ...rest } = request;
    (requests ??= { ...state.requests })[id] = { ...rest, history: [] };
  }
  return requests ? { ...state, requests } : state;
}

import type { CloudEvent } from '@mp/contracts';
import type { CustomerState } from '../customer-state';
import type { Outgoing } from '../outgoing';

/**
 * Refusals that may only mean "not folded yet": the customer, the reseller or the request a
 * command names, or the admin it acts as, arrives on another topic (reference data, another
 * service's events), and no order holds between two topics, least of all after a restart or
 * behind a backlog. A decision
 * must never depend on which topic happened to be read first, so a command refused for one of
 * these reasons waits (DESIGN §7) and is decided again as the state grows, for at most
 * `waitMs`; only then is the refusal final.
 */
export const WAITABLE_REASONS: ReadonlySet<string> = new Set(['CUSTOMER_UNKNOWN', 'RESELLER_UNKNOWN', 'REQUEST_NOT_FOUND', 'NOT_CUSTOMER_ADMIN']);

export interface WaitPolicy {
  /** How long a command waits for what it names before its refusal is final (`COMMAND_WAIT_SECONDS`). */
  waitMs: number;
}

/** A command put aside in the customer's state until what it names is known, or its wait is over. */
export interface WaitingCommand {
  /** The command as consumed: decided again later with the same id, so its events keep their ids. */
  command: Pick<CloudEvent, 'id' | 'type' | 'source' | 'time' | 'data'> & { correlationid?: string };
  /** When it first waited (ISO 8601, by the injected clock). */
  since: string;
  /**
   * Put aside because the state was lost a moment ago, not for what it names: the rebuild consumes
   * it again in its place on the topic, and it queues from there (`arrived`).
   */
  held?: true;
}

/** True when `decided` is a refusal that may only mean "not folded yet", and the command may still wait. */
export function shouldWait(decided: readonly Outgoing[], since: Date, now: Date, policy: WaitPolicy): boolean {
  if (decided.length !== 1) return false;
  const [only] = decided;
  if (only.type !== 'RequestRejected' && only.type !== 'ConsentRejected') return false;
  return WAITABLE_REASONS.has(only.data.reason) && now.getTime() < since.getTime() + policy.waitMs;
}

/**
 * True when another command of the customer waits ahead of this one: commands of one customer are
 * decided in the order they came, so a later command queues behind one that waits.
 */
export function waitsBehind(state: CustomerState, commandId: string): boolean {
  const queue = waitingOf(state);
  const own = queue.findIndex((w) => w.command.id === commandId);
  return own === -1 ? queue.length > 0 : own > 0;
}

export function waitingOf(state: CustomerState): WaitingCommand[] {
  return Object.values(state.waiting ?? {}).sort((a, b) => a.since.localeCompare(b.since) || a.command.id.localeCompare(b.command.id));
}

/** The state with `command` put aside since `now`; an entry already there keeps its first time. */
export function withWaiting(state: CustomerState, command: WaitingCommand['command'], now: Date, how: { held?: boolean } = {}): CustomerState {
  if (state.waiting?.[command.id]) return state;
  const { id, type, source, time, data, correlationid } = command;
  const entry: WaitingCommand = { command: { id, type, source, time, data, ...(correlationid ? { correlationid } : {}) }, since: now.toISOString(), ...(how.held ? { held: true as const } : {}) };
  return { ...state, waiting: { ...state.waiting, [id]: entry } };
}

/**
 * The state a command is judged on when it arrives: a command held while the state was lost is
 * consumed again by the rebuild in its place on the topic, after the commands before it, which
 * the rebuild puts back to wait first; it leaves the place it was held at and queues from here.
 * (Kept, it would sort before them by its earlier `since`, and be decided first.)
 */
export function arrived(state: CustomerState, commandId: string): CustomerState {
  return state.waiting?.[commandId]?.held ? withoutWaiting(state, commandId) : state;
}

/** The state without the waiting entry of `commandId`, the same object when there is none. */
export function withoutWaiting(state: CustomerState, commandId: string): CustomerState {
  if (!state.waiting?.[commandId]) return state;
  const { [commandId]: _done, ...rest } = state.waiting;
  const next: CustomerState = { ...state, waiting: rest };
  if (Object.keys(rest).length === 0) delete next.waiting;
  return next;
}

/** When the scheduler should next decide a waiting command again: at once, while any waits. */
export function nextWaitingRetry(state: CustomerState): number | undefined {
  const waiting = waitingOf(state);
  return waiting.length ? Math.min(...waiting.map((w) => Date.parse(w.since))) : undefined;
}

/** The earliest of several due times, ignoring the absent ones. */
export function earliest(...times: Array<number | undefined>): number | undefined {
  const known = times.filter((t): t is number => t !== undefined);
  return known.length ? Math.min(...known) : undefined;
}

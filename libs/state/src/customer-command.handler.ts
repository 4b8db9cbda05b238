import { Inject, Injectable, Logger } from '@nestjs/common';
import type { CloudEvent } from '@mp/contracts';
import { arrived, Clock, CustomerEvent, CustomerState, evolve, isCustomerEventType, Outgoing, shouldWait, WaitPolicy, waitsBehind, withoutWaiting, withWaiting } from '@mp/domain';
import { EventPublisher, Origin } from '@mp/messaging';
import { CLOCK } from '@mp/platform';
import { StateRebuild } from './state-rebuild';
import { CustomerStore } from './stores';

/** What a customer command is decided on: the customer's state and the one clock's now. */
export type CustomerDecider = (customer: CustomerState, now: Date) => Outgoing[];

/** A command as consumed (its envelope), or a timer's origin: an id derived from what fired it. */
export type CommandOrigin = Origin & Partial<Pick<CloudEvent, 'type' | 'source' | 'time' | 'data'>>;

export const WAIT_POLICY = Symbol('WAIT_POLICY');

/**
 * One command (or timer) on one customer, read top to bottom:
 * load → decide (pure) → fold → save (state, seen id and the events to publish, in one script;
 * then the due index) → publish → return (the transport then commits the offset).
 *
 * - A crash before the save has published nothing: the redelivery decides afresh.
 * - A redelivered command found seen completes what may be missing: it publishes its events
 *   again from the outbox, the very same envelopes (same ids, same time, same content), and
 *   files the due index again. Consumers de-duplicate by id.
 * - A refusal that may only mean "not folded yet" (an unknown customer, reseller or request)
 *   does not go out: the command waits in the state and the scheduler decides it again
 *   (`shouldWait`), until what it names is known or its wait is over; a later command of the
 *   same customer queues behind it (`waitsBehind`), so one customer's commands keep their order.
 *
 * Logs one line per decision: at info what a command (or timer) produced, a refusal with its
 * reason, a command that begins to wait; at debug a duplicate, a command held while the state is
 * rebuilt, and a decision that changes nothing. Consumed, each line also carries the message's
 * fields (topic, partition, offset, id, correlationid...), from the transport's logging context.
 */
@Injectable()
export class CustomerCommandHandler {
  private readonly log = new Logger(CustomerCommandHandler.name);

  constructor(
    private readonly customers: CustomerStore,
    private readonly publisher: EventPublisher,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(WAIT_POLICY) private readonly waitPolicy: WaitPolicy,
    private readonly state: StateRebuild,
  ) {}

  handle(command: CommandOrigin, customerId: string, decide: CustomerDecider): Promise<void> {
    return this.customers.exclusive(customerId, async () => {
      const [loaded, stale] = await Promise.all([this.customers.load(customerId, command.id), this.state.stale()]);
      const about = { customerId, commandId: command.id };
      if (loaded.seen) {
        this.log.debug({ ...about, outcome: 'duplicate', msg: `${nameOf(command)} already handled: ${loaded.outbox ? 'publishing its events again from the outbox' : 'nothing to do again'}` });
        return this.complete(customerId, command.id, loaded.state, loaded.outbox);
      }
      // Redis was lost a moment ago and this instance has not caught up with that yet: no decision
      // on an empty state. The command waits; the rebuild consumes the commands again and decides
      // it on the whole state.
      if (stale && command.type !== undefined) {
        this.log.debug({ ...about, outcome: 'held', msg: `${nameOf(command)} held: the state in Redis is being rebuilt` });
        if (!loaded.state.waiting?.[command.id]) await this.customers.save(customerId, loaded, withWaiting(loaded.state, command as CloudEvent, this.clock.now(), { held: true }), []);
        return;
      }

      const now = this.clock.now();
      const state = arrived(loaded.state, command.id);
      const decided = decide(state, now);

      const waiting = state.waiting?.[command.id];
      const waits = command.type !== undefined && (waitsBehind(state, command.id) || shouldWait(decided, waiting ? new Date(waiting.since) : now, now, this.waitPolicy));
      if (waits) {
        // Once, when it begins to wait: the scheduler decides it again at every pass.
        if (!waiting) this.log.log({ ...about, outcome: 'waiting', msg: `${nameOf(command)} waits for what it names (at most COMMAND_WAIT_SECONDS)` });
        if (!waiting) await this.customers.save(customerId, loaded, withWaiting(state, command as CloudEvent, now), []);
        return;
      }

      const events = this.publisher.envelopesFor(command, decided, now);
      const next = withoutWaiting(events.reduce(foldProduced, state), command.id);
      // Nothing decided and nothing changed (the same requestId again): nothing to remember either.
      if (events.length === 0 && next === loaded.state) {
        this.log.debug({ ...about, outcome: 'unchanged', msg: `${nameOf(command)}: nothing to decide` });
        return;
      }
      const outbox = events.length ? { messageId: command.id, payload: JSON.stringify(events) } : undefined;
      await this.customers.save(customerId, loaded, next, [command.id], outbox);
      await this.publish(customerId, command.id, events);
      this.logDecision(command, about, events);
    });
  }

  /** A decision, once published: a refusal (at info: the caller learns of it from the event) or what it produced. */
  private logDecision(command: CommandOrigin, about: { customerId: string; commandId: string }, events: CloudEvent[]): void {
    const produced = events.map((e) => ({ type: e.type, id: e.id }));
    const refusal = events.find((e) => e.type.endsWith('Rejected'));
    const reason = (refusal?.data as { reason?: unknown } | undefined)?.reason;
    if (refusal) this.log.log({ ...about, outcome: 'rejected', reason, produced, msg: `${nameOf(command)} rejected: ${String(reason)}` });
    else this.log.log({ ...about, outcome: events.length ? 'produced' : 'unchanged', produced, msg: `${nameOf(command)} decided: ${events.length ? events.map((e) => e.type).join(', ') : 'nothing to publish'}` });
  }

  /** A command whose effects were saved: what may be missing is its publication and the due index. */
  private async complete(customerId: string, commandId: string, state: CustomerState, outbox: string | null): Promise<void> {
    if (outbox) await this.publish(customerId, commandId, JSON.parse(outbox) as CloudEvent[]);
    await this.customers.repair(customerId, state);
  }

  private async publish(customerId: string, commandId: string, events: CloudEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.publisher.send(events);
    await this.customers.published(customerId, commandId);
  }
}

/** A command by its type; a timer by its origin id (`request-expiry/<customer>/<due time>`). */
function nameOf(command: CommandOrigin): string {
  return command.type ?? `timer ${command.id}`;
}

function foldProduced(state: CustomerState, event: CloudEvent): CustomerState {
  return isCustomerEventType(event.type) ? evolve(state, { id: event.id, time: event.time, type: event.type, data: event.data } as CustomerEvent) : state;
}

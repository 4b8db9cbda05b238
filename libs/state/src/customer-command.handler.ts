import { Inject, Injectable } from '@nestjs/common';
import type { CloudEvent } from '@mp/contracts';
import { Clock, CustomerEvent, CustomerState, evolve, isCustomerEventType, Outgoing, shouldWait, WaitPolicy, waitsBehind, withoutWaiting, withWaiting } from '@mp/domain';
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
 */
@Injectable()
export class CustomerCommandHandler {
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
      if (loaded.seen) return this.complete(customerId, command.id, loaded.state, loaded.outbox);
      // Redis was lost a moment ago and this instance has not caught up with that yet: no decision
      // on an empty state. The command waits; the rebuild consumes the commands again and decides
      // it on the whole state.
      if (stale && command.type !== undefined) {
        if (!loaded.state.waiting?.[command.id]) await this.customers.save(customerId, loaded, withWaiting(loaded.state, command as CloudEvent, this.clock.now()), []);
        return;
      }

      const now = this.clock.now();
      const decided = decide(loaded.state, now);

      const waiting = loaded.state.waiting?.[command.id];
      const waits = command.type !== undefined && (waitsBehind(loaded.state, command.id) || shouldWait(decided, waiting ? new Date(waiting.since) : now, now, this.waitPolicy));
      if (waits) {
        if (!waiting) await this.customers.save(customerId, loaded, withWaiting(loaded.state, command as CloudEvent, now), []);
        return;
      }

      const events = this.publisher.envelopesFor(command, decided, now);
      const next = withoutWaiting(events.reduce(foldProduced, loaded.state), command.id);
      // Nothing decided and nothing changed (the same requestId again): nothing to remember either.
      if (events.length === 0 && next === loaded.state) return;
      const outbox = events.length ? { messageId: command.id, payload: JSON.stringify(events) } : undefined;
      await this.customers.save(customerId, loaded, next, [command.id], outbox);
      await this.publish(customerId, command.id, events);
    });
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

function foldProduced(state: CustomerState, event: CloudEvent): CustomerState {
  return isCustomerEventType(event.type) ? evolve(state, { id: event.id, time: event.time, type: event.type, data: event.data } as CustomerEvent) : state;
}

import { Inject, Injectable } from '@nestjs/common';
import type { CloudEvent } from '@mp/contracts';
import { CustomerEvent, CustomerState, evolve, evolvePartner, PartnerMessage, partnerIdOf, PartnerState } from '@mp/domain';
import { KAFKA_SETTINGS, KafkaSettings } from '@mp/messaging';
import { CustomerStore, PartnerStore } from './stores';

/**
 * Folds consumed events into the service's own state, idempotently and once per message id.
 * An event the service produced itself also marks its cause (`causationid`) as seen: when the
 * state is rebuilt from the topics, the commands whose effects are already on Kafka are known
 * as handled again, so a redelivered one is not decided a second time.
 */
@Injectable()
export class StateProjector {
  constructor(
    readonly customers: CustomerStore,
    readonly partners: PartnerStore,
    @Inject(KAFKA_SETTINGS) private readonly kafka: KafkaSettings,
  ) {}

  /**
   * `replay`: consumed again to rebuild a lost state (`KafkaMessageContext.isReplay()`): folded
   * even if seen, since what was folded between the loss and its discovery must be folded again
   * in its place in the history (a snapshot folded early would be overwritten by older ones).
   */
  applyCustomerEvent(envelope: CloudEvent, replay = false): Promise<CustomerState> {
    const event = { id: envelope.id, time: envelope.time, type: envelope.type, data: envelope.data } as CustomerEvent;
    const alsoSeen = envelope.source === this.kafka.service && envelope.causationid ? [envelope.causationid] : [];
    return this.customers.update(event.data.customerId, envelope.id, (state) => evolve(state, event), { skipUnchanged: true, alsoSeen, replay });
  }

  /**
   * A lifecycle event folded by a service that does nothing else with it (the deciding services).
   * One the service produced itself, for a command its state has seen, is there already: the
   * command's write folded it (`CustomerCommandHandler`), so the state is not read for it again.
   * A replay, or a state that lost the command's mark (rebuilt, or its seen ids trimmed), folds it.
   */
  async foldEvent(envelope: CloudEvent, replay = false): Promise<void> {
    if (!replay && (await this.answersASeenCommand(envelope))) return;
    await this.applyCustomerEvent(envelope, replay);
  }

  /**
   * An event that changes no state but answers a command of this service (a `ConsentRejected`):
   * folded for the cause it marks as handled, so a rebuilt state does not decide that command again.
   */
  async applyAnswer(envelope: CloudEvent & { data: { customerId: string } }): Promise<void> {
    if (envelope.source !== this.kafka.service || !envelope.causationid) return;
    if (await this.answersASeenCommand(envelope)) return;
    await this.customers.update(envelope.data.customerId, envelope.id, (state) => state, { skipUnchanged: true, alsoSeen: [envelope.causationid] });
  }

  applyPartnerEvent(envelope: CloudEvent, replay = false): Promise<PartnerState> {
    const message = { type: envelope.type, data: envelope.data } as PartnerMessage;
    return this.partners.update(partnerIdOf(message), envelope.id, (state) => evolvePartner(state, message), { skipUnchanged: true, replay });
  }

  /** The event is this service's own, and the command it answers is among those the customer's state holds. */
  private async answersASeenCommand(envelope: CloudEvent): Promise<boolean> {
    const customerId = (envelope.data as { customerId?: unknown } | undefined)?.customerId;
    if (envelope.source !== this.kafka.service || !envelope.causationid || typeof customerId !== 'string') return false;
    return this.customers.hasSeen(customerId, envelope.causationid);
  }
}

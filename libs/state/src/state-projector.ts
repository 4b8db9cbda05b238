import { Injectable } from '@nestjs/common';
import type { CloudEvent } from '@mp/contracts';
import { CustomerEvent, CustomerState, evolve, evolvePartner, PartnerMessage, partnerIdOf, PartnerState } from '@mp/domain';
import { CustomerStore, PartnerStore } from './stores';

/** Folds consumed events into the service's own state, idempotently and once per message id. */
@Injectable()
export class StateProjector {
  constructor(
    readonly customers: CustomerStore,
    readonly partners: PartnerStore,
  ) {}

  applyCustomerEvent(envelope: CloudEvent): Promise<CustomerState> {
    const event = { id: envelope.id, time: envelope.time, type: envelope.type, data: envelope.data } as CustomerEvent;
    return this.customers.update(event.data.customerId, envelope.id, (state) => evolve(state, event), { skipUnchanged: true });
  }

  applyPartnerEvent(envelope: CloudEvent): Promise<PartnerState> {
    const message = { type: envelope.type, data: envelope.data } as PartnerMessage;
    return this.partners.update(partnerIdOf(message), envelope.id, (state) => evolvePartner(state, message), { skipUnchanged: true });
  }
}

import { Injectable } from '@nestjs/common';
import { emptyCustomerState, RecipientRef } from '@mp/domain';
import { CustomerStore, PartnerStore } from '@mp/state';
import type { NotificationContext } from '../channels/notification-channel';
import { involvedPartnerIdsOf, partnerIdsOf } from '../notification-plan';
import type { QueuedNotification } from './delivery-rules';

/** What the service knows of the parties it notifies, as folded from their registrations: read at each attempt. */
@Injectable()
export class NotificationParties {
  constructor(
    private readonly customers: CustomerStore,
    private readonly partners: PartnerStore,
  ) {}

  /**
   * The customer's state and the partners a notification names (its recipient, the reseller, its
   * provider), as they stand now: the recipient's current contact, and the names an e-mail uses.
   */
  async contextOf(item: Pick<QueuedNotification, 'customerId' | 'event' | 'recipient'>): Promise<NotificationContext> {
    const customer = (await this.customers.get(item.customerId)) ?? emptyCustomerState(item.customerId);
    const partners = await this.partners.getMany([...new Set([...partnerIdsOf([item.recipient]), ...involvedPartnerIdsOf(item.event.data, customer)])]);
    return { customer, partners };
  }

  /** Whether the recipient's registration has been folded here. */
  async isRegistered(recipient: RecipientRef): Promise<boolean> {
    const state = recipient.party === 'customer' ? await this.customers.get(recipient.partyId) : await this.partners.get(recipient.partyId);
    return state?.profile !== undefined;
  }
}

import type { MessageData } from '@mp/contracts';
import { EmailTemplate, privilegeFacts, when } from '../email-view';

/** Both sides: the privileges reached their end; the relationship stays. */
export const delegatedAdminExpiredEmail: EmailTemplate<MessageData<'DelegatedAdminExpired'>> = (d, view) => ({
  subject: `Delegated admin privileges of ${view.partnerName(d.resellerId)} at ${view.customerName(d.customerId)} expired`,
  paragraphs: [
    `The delegated admin privileges of ${view.partner(d.resellerId)} at ${view.customer(d.customerId)} expired on ${when(d.expiredAt)}. The relationship stays active; new privileges need a new request approved by the customer.`,
  ],
  facts: [
    ...privilegeFacts(d, view),
    ['Expired', when(d.expiredAt)],
  ],
});

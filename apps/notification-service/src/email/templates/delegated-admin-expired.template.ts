import type { MessageData } from '@mp/contracts';
import { EmailTemplate, list, when } from '../email-view';

/** Both sides: the privileges reached their end; the relationship stays. */
export const delegatedAdminExpiredEmail: EmailTemplate<MessageData<'DelegatedAdminExpired'>> = (d, view) => ({
  subject: `Delegated admin privileges of ${view.partnerName(d.resellerId)} at ${view.customerName(d.customerId)} expired`,
  paragraphs: [
    `The delegated admin privileges of ${view.partner(d.resellerId)} at ${view.customer(d.customerId)} expired on ${when(d.expiredAt)}. The relationship stays active; new privileges need a new request approved by the customer.`,
  ],
  facts: [
    ['Customer', view.customer(d.customerId)],
    ['Reseller', view.partner(d.resellerId)],
    ['Indirect provider', view.partner(view.providerOf(d.resellerId))],
    ['Roles', list(d.delegatedAdmin.roles)],
    ['Services', list(d.delegatedAdmin.services)],
    ['Expired', when(d.expiredAt)],
  ],
});

import type { MessageData } from '@mp/contracts';
import { byUser, EmailTemplate, list, when } from '../email-view';

/** Both sides: the customer's admin said no, maybe with a reason. */
export const requestDeclinedEmail: EmailTemplate<MessageData<'RequestDeclined'>> = (d, view) => ({
  subject: `${view.customerName(d.customerId)} declined the reseller request of ${view.partnerName(d.resellerId)}`,
  paragraphs: [`${view.customer(d.customerId)} declined the request of ${view.partner(d.resellerId)} to become its reseller.${d.reason ? ` Reason given: ${d.reason}` : ''}`],
  facts: [
    ['Customer', view.customer(d.customerId)],
    ['Reseller', view.partner(d.resellerId)],
    ['Indirect provider', view.partner(view.providerOf(d.resellerId, d.requestId))],
    ['Services', list(view.request(d.requestId)?.services)],
    ['Reason', d.reason],
    ['Declined by', byUser(d.declinedBy)],
    ['Declined', when(d.declinedAt)],
    ['Request', d.requestId],
  ],
});

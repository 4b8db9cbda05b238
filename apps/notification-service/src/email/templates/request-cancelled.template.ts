import type { MessageData } from '@mp/contracts';
import { byUser, EmailTemplate, list, when } from '../email-view';

/** Both sides: the reseller withdrew its pending request. */
export const requestCancelledEmail: EmailTemplate<MessageData<'RequestCancelled'>> = (d, view) => ({
  subject: `${view.partnerName(d.resellerId)} cancelled its reseller request to ${view.customerName(d.customerId)}`,
  paragraphs: [`${view.partner(d.resellerId)} cancelled its pending request to become a reseller of ${view.customer(d.customerId)}. Nothing was changed.`],
  facts: [
    ['Customer', view.customer(d.customerId)],
    ['Reseller', view.partner(d.resellerId)],
    ['Indirect provider', view.partner(view.providerOf(d.resellerId, d.requestId))],
    ['Services', list(view.request(d.requestId)?.services)],
    ['Cancelled by', byUser(d.cancelledBy)],
    ['Cancelled', when(d.cancelledAt)],
    ['Request', d.requestId],
  ],
});

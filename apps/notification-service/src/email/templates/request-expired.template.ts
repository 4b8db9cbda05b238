import type { MessageData } from '@mp/contracts';
import { EmailTemplate, list, when } from '../email-view';

/** Both sides: a request went unanswered for too long. */
export const requestExpiredEmail: EmailTemplate<MessageData<'RequestExpired'>> = (d, view) => ({
  subject: `The reseller request of ${view.partnerName(d.resellerId)} to ${view.customerName(d.customerId)} expired`,
  paragraphs: [
    `The request of ${view.partner(d.resellerId)} to become a reseller of ${view.customer(d.customerId)} expired without an answer. Nothing was changed; the reseller may ask again.`,
  ],
  facts: [
    ['Customer', view.customer(d.customerId)],
    ['Reseller', view.partner(d.resellerId)],
    ['Indirect provider', view.partner(view.providerOf(d.resellerId, d.requestId))],
    ['Services', list(view.request(d.requestId)?.services)],
    ['Expired', when(d.expiredAt)],
    ['Request', d.requestId],
  ],
});

import type { MessageData } from '@mp/contracts';
import { byParty, EmailTemplate, list, when } from '../email-view';

/** Both sides: one of them ended the relationship; its privileges went with it. */
export const relationshipEndedEmail: EmailTemplate<MessageData<'RelationshipEnded'>> = (d, view) => ({
  subject: `The reseller relationship between ${view.customerName(d.customerId)} and ${view.partnerName(d.resellerId)} ended`,
  paragraphs: [
    `${view.partner(d.resellerId)} is no longer a reseller of ${view.customer(d.customerId)}; any delegated admin privileges it held are revoked. Subscriptions and their Partner of Record are unchanged.`,
  ],
  facts: [
    ['Customer', view.customer(d.customerId)],
    ['Reseller', view.partner(d.resellerId)],
    ['Indirect provider', view.partner(d.relationship.indirectProviderId)],
    ['Services', list(d.relationship.services)],
    ['Ended by', byParty(d.endedBy)],
    ['Reason', d.reason],
    ['Ended', when(d.relationship.endedAt)],
  ],
});

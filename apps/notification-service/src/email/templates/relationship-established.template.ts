import type { MessageData } from '@mp/contracts';
import { byUser, EmailTemplate, list, privilegesHeld, when } from '../email-view';

/** Both sides: the request was approved, the reseller now serves the customer. */
export const relationshipEstablishedEmail: EmailTemplate<MessageData<'RelationshipEstablished'>> = (d, view) => ({
  subject: `${view.customerName(d.customerId)} approved ${view.partnerName(d.resellerId)} as a reseller`,
  paragraphs: [
    `${view.customer(d.customerId)} approved the request of ${view.partner(d.resellerId)}: it is now a reseller of the customer for ${list(d.relationship.services) ?? 'no service'}. The customer's other resellers and existing subscriptions are unchanged.`,
  ],
  facts: [
    ['Customer', view.customer(d.customerId)],
    ['Reseller', view.partner(d.resellerId)],
    ['Indirect provider', view.partner(d.relationship.indirectProviderId)],
    ['Services', list(d.relationship.services)],
    ['Delegated admin privileges', privilegesHeld(d.relationship.delegatedAdmin)],
    ['Approved by', byUser(d.approvedBy)],
    ['Since', when(d.relationship.since)],
    ['Request', d.requestId],
  ],
});

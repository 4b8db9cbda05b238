import type { MessageData } from '@mp/contracts';
import { byUser, EmailTemplate, list, privilegesHeld } from '../email-view';

/** Both sides: an approved request added services or privileges to an active relationship. */
export const relationshipUpdatedEmail: EmailTemplate<MessageData<'RelationshipUpdated'>> = (d, view) => ({
  subject: `${view.customerName(d.customerId)} extended its relationship with ${view.partnerName(d.resellerId)}`,
  paragraphs: [`${view.customer(d.customerId)} approved a further request of ${view.partner(d.resellerId)}, its reseller.`],
  facts: [
    ['Customer', view.customer(d.customerId)],
    ['Reseller', view.partner(d.resellerId)],
    ['Indirect provider', view.partner(d.relationship.indirectProviderId)],
    ['Services added', list(d.addedServices) ?? 'none'],
    ['Services', list(d.relationship.services)],
    ['Delegated admin privileges', privilegesHeld(d.relationship.delegatedAdmin)],
    ['Approved by', byUser(d.approvedBy)],
    ['Request', d.requestId],
  ],
});

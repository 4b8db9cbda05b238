import type { MessageData } from '@mp/contracts';
import { byUser, EmailTemplate, list, privilegesAsked, when } from '../email-view';

/** To the customer: a reseller asks for a relationship; nothing changes until an admin approves it. */
export const relationshipRequestedEmail: EmailTemplate<MessageData<'RelationshipRequested'>> = (d, view) => ({
  subject: `${view.partnerName(d.resellerId)} requests a reseller relationship with ${view.customerName(d.customerId)}`,
  paragraphs: [
    `${view.partner(d.resellerId)} asks to become a reseller of ${view.customer(d.customerId)}${d.delegatedAdmin ? ', with delegated admin privileges' : ''}.`,
    `Nothing changes until one of the customer's admins approves it; existing subscriptions, their terms and their Partner of Record stay as they are. Unanswered, the request expires on ${when(d.expiresAt)}.`,
  ],
  facts: [
    ['Customer', view.customer(d.customerId)],
    ['Reseller', view.partner(d.resellerId)],
    ['Indirect provider', view.partner(d.indirectProviderId)],
    ['Services', list(d.services)],
    ['Delegated admin privileges', privilegesAsked(d.delegatedAdmin)],
    ['Message', d.message],
    ['Requested by', byUser(d.requestedBy)],
    ['Request', d.requestId],
    ['Expires', when(d.expiresAt)],
  ],
});

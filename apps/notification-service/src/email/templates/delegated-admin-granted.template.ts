import type { MessageData } from '@mp/contracts';
import { autoExtension, byUser, EmailTemplate, list, when } from '../email-view';

/** Both sides: the customer granted the reseller admin roles, for a limited time. */
export const delegatedAdminGrantedEmail: EmailTemplate<MessageData<'DelegatedAdminGranted'>> = (d, view) => ({
  subject: `${view.customerName(d.customerId)} granted delegated admin privileges to ${view.partnerName(d.resellerId)}`,
  paragraphs: [
    `${view.customer(d.customerId)} granted ${view.partner(d.resellerId)} the delegated admin roles ${list(d.delegatedAdmin.roles)}, until ${when(d.delegatedAdmin.expiresAt)}.`,
  ],
  facts: [
    ['Customer', view.customer(d.customerId)],
    ['Reseller', view.partner(d.resellerId)],
    ['Indirect provider', view.partner(view.providerOf(d.resellerId, d.requestId))],
    ['Roles', list(d.delegatedAdmin.roles)],
    ['Services', list(d.delegatedAdmin.services)],
    ['Expires', when(d.delegatedAdmin.expiresAt)],
    ['Auto-extension', autoExtension(d.delegatedAdmin)],
    ['Granted by', byUser(d.grantedBy)],
    ['Request', d.requestId],
  ],
});

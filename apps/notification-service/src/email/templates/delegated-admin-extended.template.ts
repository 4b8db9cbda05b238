import type { MessageData } from '@mp/contracts';
import { EmailTemplate, list, when } from '../email-view';

/** Both sides: auto-extension moved the expiry on. */
export const delegatedAdminExtendedEmail: EmailTemplate<MessageData<'DelegatedAdminExtended'>> = (d, view) => ({
  subject: `Delegated admin privileges of ${view.partnerName(d.resellerId)} at ${view.customerName(d.customerId)} were extended`,
  paragraphs: [
    `The delegated admin privileges of ${view.partner(d.resellerId)} at ${view.customer(d.customerId)} were extended automatically, from ${when(d.previousExpiresAt)} to ${when(d.delegatedAdmin.expiresAt)}.`,
  ],
  facts: [
    ['Customer', view.customer(d.customerId)],
    ['Reseller', view.partner(d.resellerId)],
    ['Indirect provider', view.partner(view.providerOf(d.resellerId))],
    ['Roles', list(d.delegatedAdmin.roles)],
    ['Services', list(d.delegatedAdmin.services)],
    ['Previous expiry', when(d.previousExpiresAt)],
    ['Expires', when(d.delegatedAdmin.expiresAt)],
  ],
});

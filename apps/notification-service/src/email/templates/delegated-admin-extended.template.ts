import type { MessageData } from '@mp/contracts';
import { EmailTemplate, privilegeFacts, when } from '../email-view';

/** Both sides: auto-extension moved the expiry on. */
export const delegatedAdminExtendedEmail: EmailTemplate<MessageData<'DelegatedAdminExtended'>> = (d, view) => ({
  subject: `Delegated admin privileges of ${view.partnerName(d.resellerId)} at ${view.customerName(d.customerId)} were extended`,
  paragraphs: [
    `The delegated admin privileges of ${view.partner(d.resellerId)} at ${view.customer(d.customerId)} were extended automatically, from ${when(d.previousExpiresAt)} to ${when(d.delegatedAdmin.expiresAt)}.`,
  ],
  facts: [
    ...privilegeFacts(d, view),
    ['Previous expiry', when(d.previousExpiresAt)],
    ['Expires', when(d.delegatedAdmin.expiresAt)],
  ],
});

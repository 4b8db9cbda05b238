import type { DelegatedAdminExpiryReminder } from '@mp/domain';
import { autoExtension, EmailTemplate, privilegeFacts, when } from '../email-view';

const inDays = (days: number) => (days === 1 ? '1 day' : `${days} days`);

/** Both sides, 30, 7 and 1 days before: the privileges are about to expire. */
export const delegatedAdminExpiryReminderEmail: EmailTemplate<DelegatedAdminExpiryReminder> = (d, view) => ({
  subject: `Delegated admin privileges of ${view.partnerName(d.resellerId)} at ${view.customerName(d.customerId)} expire in ${inDays(d.daysBefore)}`,
  paragraphs: [
    `The delegated admin privileges of ${view.partner(d.resellerId)} at ${view.customer(d.customerId)} expire in ${inDays(d.daysBefore)}, on ${when(d.delegatedAdmin.expiresAt)}.`,
    d.delegatedAdmin.autoExtend
      ? 'They will be extended automatically at expiry; the customer can revoke them at any time.'
      : 'They will not be extended automatically: to keep them, the reseller asks the customer again and an admin approves it.',
  ],
  facts: [
    ...privilegeFacts(d, view),
    ['Expires', when(d.delegatedAdmin.expiresAt)],
    ['Auto-extension', autoExtension(d.delegatedAdmin)],
  ],
});

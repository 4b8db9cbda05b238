import type { MessageData } from '@mp/contracts';
import { byParty, EmailTemplate, privilegeFacts } from '../email-view';

const why = { 'revoked-by-customer': 'revoked by the customer', 'relationship-ended': 'the relationship ended' } as const;

/** Both sides: the privileges are gone, revoked by the customer or with the relationship. */
export const delegatedAdminRevokedEmail: EmailTemplate<MessageData<'DelegatedAdminRevoked'>> = (d, view) => ({
  subject: `Delegated admin privileges of ${view.partnerName(d.resellerId)} at ${view.customerName(d.customerId)} were revoked`,
  paragraphs: [
    `The delegated admin privileges of ${view.partner(d.resellerId)} at ${view.customer(d.customerId)} were revoked (${why[d.reason] ?? d.reason}). The relationship itself ${d.reason === 'relationship-ended' ? 'has ended' : 'stays active'}.`,
  ],
  facts: [
    ...privilegeFacts(d, view),
    ['Reason', why[d.reason] ?? d.reason],
    ['Revoked by', byParty(d.revokedBy)],
  ],
});

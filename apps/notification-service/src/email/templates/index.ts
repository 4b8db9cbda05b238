import { EXPIRY_REMINDER_TYPE } from '@mp/domain';
import type { EmailTemplate } from '../email-view';
import { delegatedAdminExpiredEmail } from './delegated-admin-expired.template';
import { delegatedAdminExpiryReminderEmail } from './delegated-admin-expiry-reminder.template';
import { delegatedAdminExtendedEmail } from './delegated-admin-extended.template';
import { delegatedAdminGrantedEmail } from './delegated-admin-granted.template';
import { delegatedAdminRevokedEmail } from './delegated-admin-revoked.template';
import { relationshipEndedEmail } from './relationship-ended.template';
import { relationshipEstablishedEmail } from './relationship-established.template';
import { relationshipRequestedEmail } from './relationship-requested.template';
import { relationshipUpdatedEmail } from './relationship-updated.template';
import { requestCancelledEmail } from './request-cancelled.template';
import { requestDeclinedEmail } from './request-declined.template';
import { requestExpiredEmail } from './request-expired.template';

/** One template per type of event the parties hear of (`recipientsOf`), and the expiry reminder. */
export const emailTemplates: Readonly<Record<string, EmailTemplate<never>>> = {
  RelationshipRequested: relationshipRequestedEmail,
  RequestCancelled: requestCancelledEmail,
  RequestExpired: requestExpiredEmail,
  RequestDeclined: requestDeclinedEmail,
  RelationshipEstablished: relationshipEstablishedEmail,
  RelationshipUpdated: relationshipUpdatedEmail,
  RelationshipEnded: relationshipEndedEmail,
  DelegatedAdminGranted: delegatedAdminGrantedEmail,
  DelegatedAdminRevoked: delegatedAdminRevokedEmail,
  DelegatedAdminExtended: delegatedAdminExtendedEmail,
  DelegatedAdminExpired: delegatedAdminExpiredEmail,
  [EXPIRY_REMINDER_TYPE]: delegatedAdminExpiryReminderEmail,
};

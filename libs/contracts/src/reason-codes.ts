/** Machine-readable reasons carried by `RequestRejected` (intake, request-service). */
export const RequestRejectionReasons = [
  'CUSTOMER_UNKNOWN',
  'RESELLER_UNKNOWN',
  'RESELLER_SUSPENDED',
  'NOT_AN_INDIRECT_RESELLER',
  'PROVIDER_NOT_LINKED',
  'REGION_MISMATCH',
  'DUPLICATE_PENDING',
  'NOTHING_NEW',
  'AUTO_EXTEND_NOT_ALLOWED',
  /** The requestId is another reseller's: idempotency keys are per request, never shared. */
  'REQUEST_ID_TAKEN',
  'REQUEST_NOT_FOUND',
  'REQUEST_NOT_PENDING',
  'NOT_REQUESTING_RESELLER',
] as const;
export type RequestRejectionReason = (typeof RequestRejectionReasons)[number];

/** Machine-readable reasons carried by `ConsentRejected` (consent-service). */
export const ConsentRejectionReasons = [
  'NOT_CUSTOMER_ADMIN',
  'CUSTOMER_UNKNOWN',
  'REQUEST_NOT_FOUND',
  'REQUEST_NOT_PENDING',
  'RELATIONSHIP_NOT_FOUND',
  'NO_ACTIVE_PRIVILEGES',
  'HAS_ACTIVE_SUBSCRIPTIONS',
  'INDIRECT_RESELLER_CANNOT_END',
  'NOT_THE_PROVIDER',
  'SERVICE_ADMIN_TAKEN',
] as const;
export type ConsentRejectionReason = (typeof ConsentRejectionReasons)[number];

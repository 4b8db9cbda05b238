import type { MessageData, PartnerKind } from '@mp/contracts';

export interface PartnerState {
  partnerId: string;
  /** Absent until `PartnerRegistered` arrives (a link may come first). */
  profile?: {
    name: string;
    kind: PartnerKind;
    specializations: string[];
    countries: string[];
    webhookUrl?: string;
    /** Its own Standard Webhooks secret(s), when it registered one (DESIGN §10): only the notification-service reads it. */
    webhookSecret?: string;
    email?: string;
  };
  suspended: boolean;
  /** For an indirect reseller: the indirect providers it is linked to. */
  providerIds: string[];
}

export const PartnerEventTypes = ['PartnerRegistered', 'PartnerSuspended', 'PartnerReinstated', 'PartnersLinked', 'PartnersUnlinked'] as const;

export type PartnerMessage =
  | { type: 'PartnerRegistered'; data: MessageData<'PartnerRegistered'> }
  | { type: 'PartnerSuspended'; data: MessageData<'PartnerSuspended'> }
  | { type: 'PartnerReinstated'; data: MessageData<'PartnerReinstated'> }
  | { type: 'PartnersLinked'; data: MessageData<'PartnersLinked'> }
  | { type: 'PartnersUnlinked'; data: MessageData<'PartnersUnlinked'> };

/** The id of the partner whose state a partner message changes (links change the reseller's). */
export function partnerIdOf(message: PartnerMessage): string {
  return 'partnerId' in message.data ? message.data.partnerId : message.data.indirectResellerId;
}

export function emptyPartnerState(partnerId: string): PartnerState {
  return { partnerId, suspended: false, providerIds: [] };
}

/** Folds one partner message into the partner's state. Idempotent: applying it twice changes nothing. */
export function evolvePartner(state: PartnerState, message: PartnerMessage): PartnerState {
  switch (message.type) {
    case 'PartnerRegistered': {
      const { name, kind, specializations, countries, webhookUrl, webhookSecret, email } = message.data;
      return { ...state, profile: { name, kind, specializations, countries, webhookUrl, webhookSecret, email } };
    }
    case 'PartnerSuspended':
      return { ...state, suspended: true };
    case 'PartnerReinstated':
      return { ...state, suspended: false };
    case 'PartnersLinked': {
      const providerId = message.data.indirectProviderId;
      return state.providerIds.includes(providerId) ? state : { ...state, providerIds: [...state.providerIds, providerId] };
    }
    case 'PartnersUnlinked':
      return { ...state, providerIds: state.providerIds.filter((id) => id !== message.data.indirectProviderId) };
  }
}

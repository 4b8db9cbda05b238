import type { MessageData } from '@mp/contracts';
import { CustomerEvent } from '../customer-events';
import { CustomerState, emptyCustomerState } from '../customer-state';
import { evolve } from '../evolve';
import { Outgoing } from '../outgoing';
import { emptyPartnerState, evolvePartner, PartnerMessage, PartnerState } from '../partner-state';

/** Fixtures for the decider specs: given(events) -> when(command) -> then(events). */
export const NOW = new Date('2026-01-10T12:00:00.000Z');
export const CUSTOMER = 'cust-1';
export const ADMIN = { userId: 'admin-1' };

let sequence = 0;
/** Turns decided messages into folded events, with ids and times as the envelope would give them. */
export function asEvents(messages: Outgoing[], at: Date = NOW): CustomerEvent[] {
  return messages.map((m) => ({ id: `evt-${++sequence}`, time: at.toISOString(), type: m.type, data: m.data }) as CustomerEvent);
}

export function customerState(...messages: Outgoing[]): CustomerState {
  return asEvents(messages).reduce(evolve, emptyCustomerState(CUSTOMER));
}

export function partnerState(partnerId: string, ...messages: PartnerMessage[]): PartnerState {
  return messages.reduce(evolvePartner, emptyPartnerState(partnerId));
}

export const customerRegistered = (overrides: Partial<MessageData<'CustomerRegistered'>> = {}): Outgoing => ({
  type: 'CustomerRegistered',
  data: { customerId: CUSTOMER, name: 'Contoso', country: 'DE', admins: [ADMIN.userId], ...overrides },
});

export const partnerRegistered = (partnerId: string, overrides: Partial<MessageData<'PartnerRegistered'>> = {}): PartnerMessage => ({
  type: 'PartnerRegistered',
  data: { partnerId, name: `Partner ${partnerId}`, kind: 'direct-reseller', specializations: ['Azure'], countries: ['DE', 'FR'], ...overrides },
});

export const subscriptionCreated = (subscriptionId: string, partnerOfRecordId: string, service = 'Azure'): Outgoing => ({
  type: 'SubscriptionCreated',
  data: { subscriptionId, customerId: CUSTOMER, partnerOfRecordId, service, quantity: 10 },
});

export const requestRelationship = (overrides: Partial<MessageData<'RequestRelationship'>> = {}): MessageData<'RequestRelationship'> => ({
  requestId: 'req-1',
  customerId: CUSTOMER,
  resellerId: 'reseller-1',
  services: ['Azure'],
  requestedBy: { userId: 'agent-1' },
  ...overrides,
});

/**
 * A customer's history built step by step: `given` reference messages, then the decisions of
 * each command on the state so far, as the services would have folded them.
 */
export class Scenario {
  private readonly messages: Outgoing[] = [];

  given(...messages: Outgoing[]): this {
    this.messages.push(...messages);
    return this;
  }

  /** Runs a decision on the current state and keeps what it emitted in the history. */
  step(decide: (state: CustomerState) => Outgoing[]): this {
    return this.given(...decide(this.state));
  }

  get state(): CustomerState {
    return customerState(...this.messages);
  }
}

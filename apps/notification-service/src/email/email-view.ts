import type { CloudEvent, DelegatedAdminAsk, DelegatedAdminSnapshot, PartyRef, UserRef } from '@mp/contracts';
import { AUTO_EXTEND_DAYS, CustomerState, PartnerState, RecipientRef, RequestView } from '@mp/domain';

/** What an e-mail may name besides the event itself: the parties' names, the request's details. */
export interface EmailContext {
  /** The customer's state, the event folded in: its name, and the requests' details an event leaves out. */
  customer: CustomerState;
  /** The partners the event involves, by id: their names. A partner not here is named by its id. */
  partners: ReadonlyMap<string, PartnerState>;
}

/** What a template writes: a subject, a few paragraphs, then the facts as label/value rows. */
export interface EmailContent {
  subject: string;
  paragraphs: string[];
  /** Rows without a value are left out. */
  facts: Array<[label: string, value: string | undefined]>;
}

/** One event type's e-mail. Pure: the same event, recipient and context always give the same e-mail. */
export type EmailTemplate<D> = (data: D, view: EmailView) => EmailContent;

/** The names and phrases the templates share, read from the context. */
export class EmailView {
  constructor(
    readonly event: CloudEvent,
    readonly recipient: RecipientRef,
    private readonly context: EmailContext,
  ) {}

  get toCustomer(): boolean {
    return this.recipient.party === 'customer';
  }

  customerName(customerId: string): string {
    return (customerId === this.context.customer.customerId ? this.context.customer.profile?.name : undefined) ?? customerId;
  }

  /** `Contoso (cust-1)`, or the id alone when the name is unknown. */
  customer(customerId: string): string {
    return labelled(this.customerName(customerId), customerId);
  }

  partnerName(partnerId: string): string {
    return this.context.partners.get(partnerId)?.profile?.name ?? partnerId;
  }

  partner(partnerId: string | undefined): string | undefined {
    return partnerId ? labelled(this.partnerName(partnerId), partnerId) : undefined;
  }

  /** The name the greeting uses. */
  recipientName(): string {
    return this.recipient.party === 'customer' ? this.customerName(this.recipient.partyId) : this.partnerName(this.recipient.partyId);
  }

  request(requestId: string | undefined): RequestView | undefined {
    return requestId ? this.context.customer.requests[requestId] : undefined;
  }

  /** The indirect provider a reseller works through for this customer, if any. */
  providerOf(resellerId: string, requestId?: string): string | undefined {
    return this.request(requestId)?.indirectProviderId ?? this.context.customer.relationships[resellerId]?.indirectProviderId;
  }
}

function labelled(name: string, id: string): string {
  return name === id ? id : `${name} (${id})`;
}

export function list(items: readonly string[] | undefined): string | undefined {
  return items?.length ? items.join(', ') : undefined;
}

/** `2026-03-01 09:00 UTC`: the same for every reader, whatever their time zone. */
export function when(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function byUser(user: UserRef | undefined): string | undefined {
  return user ? `user ${user.userId}` : undefined;
}

export function byParty(actor: PartyRef | undefined): string | undefined {
  return actor ? `the ${actor.party} (user ${actor.userId})` : undefined;
}

/** Privileges asked in a request: roles, duration, auto-extension. */
export function privilegesAsked(ask: DelegatedAdminAsk | undefined): string {
  if (!ask) return 'none asked';
  return `${ask.roles.join(', ')} for ${ask.durationDays} days, ${ask.autoExtend ? 'auto-extended' : 'not auto-extended'}`;
}

/** Privileges held: roles for services, and until when. */
export function privilegesHeld(privileges: DelegatedAdminSnapshot | undefined): string {
  if (!privileges || privileges.status === 'none' || privileges.roles.length === 0) return 'none';
  const services = privileges.services.length ? ` for ${privileges.services.join(', ')}` : '';
  const until = privileges.status === 'active' && privileges.expiresAt ? `, until ${when(privileges.expiresAt)}` : '';
  return `${privileges.roles.join(', ')}${services} (${privileges.status}${until})`;
}

export function autoExtension(privileges: DelegatedAdminSnapshot): string {
  return privileges.autoExtend ? `yes, by ${AUTO_EXTEND_DAYS} days at expiry` : 'no';
}

/** The rows every e-mail about a reseller's privileges starts with. */
export function privilegeFacts(
  d: { customerId: string; resellerId: string; delegatedAdmin: DelegatedAdminSnapshot },
  view: EmailView,
): EmailContent['facts'] {
  return [
    ['Customer', view.customer(d.customerId)],
    ['Reseller', view.partner(d.resellerId)],
    ['Indirect provider', view.partner(view.providerOf(d.resellerId))],
    ['Roles', list(d.delegatedAdmin.roles)],
    ['Services', list(d.delegatedAdmin.services)],
  ];
}

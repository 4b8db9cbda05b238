import type { MessageType, PartnerKind } from '@mp/contracts';
import { deriveId } from '@mp/messaging';
import type { ChaosConfig } from './config';
import { malformedMessage, MalformedMessage } from './malformed';
import { Random } from './random';

/**
 * What a message waits for before it is sent: an admin approves a request they have seen, and
 * ends a relationship that exists. The content of every message follows from the seed alone;
 * a gate only decides when it goes out (or its deadline does).
 */
export type Gate = { kind: 'request-answered'; requestId: string } | { kind: 'relationship-established'; customerId: string; resellerId: string };

export interface ValidMessage {
  kind: 'command' | 'reference';
  type: MessageType;
  /** The envelope id, derived from the seed and the message's position. */
  id: string;
  data: Record<string, unknown>;
  gate?: Gate;
  /** Sent without the CloudEvents content-type header, as a plain-JSON upstream system would. */
  plainJson: boolean;
}

export type Outgoing = ValidMessage | MalformedMessage;

export const COUNTRIES = ['DE', 'FR', 'NL', 'US'] as const;
export const SERVICES = ['Azure', 'Microsoft365', 'Dynamics365', 'PowerPlatform', 'Defender'] as const;
export const ROLES = ['GlobalAdministrator', 'UserAdministrator', 'HelpdeskAdministrator', 'BillingAdministrator'] as const;

interface Partner {
  id: string;
  kind: PartnerKind;
  countries: string[];
  webhook: boolean;
  /** For an indirect reseller: the providers it is linked to. */
  providers: string[];
  suspended: boolean;
}

interface OpenRequest {
  requestId: string;
  resellerId: string;
  askedAdmin: boolean;
}

interface Customer {
  id: string;
  country: string;
  admins: string[];
  adminsMade: number;
  hanging: boolean;
  open: OpenRequest[];
  /** Resellers whose request this generator approved: probably active relationships. */
  approved: Map<string, { askedAdmin: boolean; providerId?: string }>;
  subscriptions: Array<{ id: string; partnerOfRecordId: string; active: boolean }>;
}

export interface WebhookAddresses {
  urlFor(partyId: string): string;
  hangingUrlFor(partyId: string): string;
}

/** Relative weights of what the stream does next (malformed messages come on top, by share). */
const NEXT = {
  RequestRelationship: 34,
  ApproveRequest: 20,
  DeclineRequest: 5,
  CancelRequest: 5,
  EndRelationship: 6,
  RevokeDelegatedAdmin: 4,
  CustomerAdminAdded: 2,
  CustomerAdminRemoved: 1.5,
  SubscriptionCreated: 3,
  SubscriptionCancelled: 1.5,
  PartnerOfRecordChanged: 1.5,
  PartnerSuspended: 1,
  PartnerReinstated: 1,
  PartnersLinked: 0.8,
  PartnersUnlinked: 0.5,
  CustomerRegistered: 1.5,
  PartnerRegistered: 0.5,
} as const;
type Next = keyof typeof NEXT;

/**
 * The upstream systems of a cloud reseller program, as a seeded stream: partners (direct
 * resellers, indirect providers and their resellers, and their links), customers with admins and
 * webhook URLs, subscriptions, then commands mixed with reference-data changes and about 10 %
 * malformed messages. It keeps a rough model of what it asked for, so that most commands make
 * sense (approvals name requests that were made), while some deliberately break a rule.
 * It never looks at the system's answers: those only gate when a message is sent.
 */
export class Generator {
  readonly hangingCustomerId: string;
  private readonly rng: Random;
  private readonly partners = new Map<string, Partner>();
  private readonly customers = new Map<string, Customer>();
  private readonly calmResellers: string[] = [];
  private seq = 0;
  private counters = { request: 0, subscription: 0, customer: 0, partner: 0 };
  commandsMade = 0;

  constructor(
    private readonly config: ChaosConfig,
    rng: Random,
    private readonly addresses: WebhookAddresses,
  ) {
    this.rng = rng.fork('generator');
    const { world } = config;
    for (let i = 1; i <= world.indirectProviders; i++) this.addPartner(`ip-${pad(i)}`, 'indirect-provider');
    for (let i = 1; i <= world.directResellers; i++) this.addPartner(`dr-${pad(i)}`, 'direct-reseller');
    for (let i = 1; i <= world.indirectResellers; i++) this.addPartner(`ir-${pad(i)}`, 'indirect-reseller');
    for (let i = 1; i <= world.customers; i++) this.addCustomer();
    for (let i = 1; i <= config.calmRequests; i++) this.calmResellers.push(`calm-${pad(i)}`);
    this.hangingCustomerId = this.rng.pick([...this.customers.keys()]);
    this.customers.get(this.hangingCustomerId)!.hanging = true;
  }

  get partnerIds(): string[] {
    return [...this.partners.keys(), ...this.calmResellers];
  }

  /** The reference data the stream starts from: partners, links, customers, subscriptions. */
  setup(): ValidMessage[] {
    const out: ValidMessage[] = [];
    for (const partner of this.partners.values()) out.push(this.partnerRegistered(partner));
    for (const id of this.calmResellers) {
      out.push(this.reference('PartnerRegistered', { partnerId: id, name: `Calm ${id}`, kind: 'direct-reseller', specializations: [], countries: [...COUNTRIES], webhookUrl: this.addresses.urlFor(id) }));
    }
    for (const partner of this.partners.values()) {
      if (partner.kind !== 'indirect-reseller') continue;
      for (const providerId of this.rng.some(this.providersIds(), this.rng.int(1, 2))) {
        partner.providers.push(providerId);
        out.push(this.reference('PartnersLinked', { indirectProviderId: providerId, indirectResellerId: partner.id }));
      }
    }
    for (const customer of this.customers.values()) {
      out.push(this.customerRegistered(customer));
      for (let i = this.rng.int(0, 2); i > 0; i--) out.push(this.subscriptionCreated(customer));
    }
    return out;
  }

  /** The next message of the stream. */
  next(): Outgoing {
    if (this.rng.chance(this.config.malformedShare)) {
      const n = this.seq;
      return malformedMessage(this.rng, this.nextId(), n, this.pickCustomer().id);
    }
    for (;;) {
      const made = this.make(this.rng.weighted(NEXT));
      if (made) {
        if (made.kind === 'command') this.commandsMade++;
        return made;
      }
    }
  }

  /**
   * The calm measurement: new requests from resellers that have none pending, to the hanging
   * customer and to the others in turn; each is answered RelationshipRequested, which the
   * customer hears of.
   */
  calmRequests(): Array<{ message: ValidMessage; hanging: boolean }> {
    const others = [...this.customers.values()].filter((c) => !c.hanging);
    return this.calmResellers.map((resellerId, i) => {
      const hanging = i % 3 === 0;
      const customer = hanging ? this.customers.get(this.hangingCustomerId)! : this.rng.pick(others);
      const data = { requestId: this.requestId(), customerId: customer.id, resellerId, services: [this.rng.pick(SERVICES)], requestedBy: { userId: `${resellerId}-agent` } };
      return { message: this.command('RequestRelationship', data), hanging };
    });
  }

  // --- the stream's steps; each returns undefined when it has nothing sensible to do now ---

  private make(what: Next): ValidMessage | undefined {
    switch (what) {
      case 'RequestRelationship':
        return this.requestRelationship();
      case 'ApproveRequest':
        return this.decide('ApproveRequest');
      case 'DeclineRequest':
        return this.decide('DeclineRequest');
      case 'CancelRequest':
        return this.cancelRequest();
      case 'EndRelationship':
        return this.endRelationship();
      case 'RevokeDelegatedAdmin':
        return this.revokeDelegatedAdmin();
      case 'CustomerAdminAdded': {
        const customer = this.pickCustomer();
        const userId = `${customer.id}-adm-${++customer.adminsMade}`;
        customer.admins.push(userId);
        return this.reference('CustomerAdminAdded', { customerId: customer.id, userId });
      }
      case 'CustomerAdminRemoved': {
        const customer = this.pickCustomer();
        if (customer.admins.length < 2) return undefined;
        const userId = this.rng.pick(customer.admins);
        customer.admins = customer.admins.filter((a) => a !== userId);
        return this.reference('CustomerAdminRemoved', { customerId: customer.id, userId });
      }
      case 'SubscriptionCreated':
        return this.subscriptionCreated(this.pickCustomer());
      case 'SubscriptionCancelled': {
        const customer = this.pickCustomer();
        const subscription = this.rng.pick([undefined, ...customer.subscriptions.filter((s) => s.active)]);
        if (!subscription) return undefined;
        subscription.active = false;
        return this.reference('SubscriptionCancelled', { subscriptionId: subscription.id, customerId: customer.id });
      }
      case 'PartnerOfRecordChanged': {
        const customer = this.pickCustomer();
        const subscription = this.rng.pick([undefined, ...customer.subscriptions.filter((s) => s.active)]);
        if (!subscription) return undefined;
        const previous = subscription.partnerOfRecordId;
        subscription.partnerOfRecordId = this.rng.pick(this.resellerIds());
        return this.reference('PartnerOfRecordChanged', {
          subscriptionId: subscription.id,
          customerId: customer.id,
          partnerOfRecordId: subscription.partnerOfRecordId,
          previousPartnerOfRecordId: previous,
        });
      }
      case 'PartnerSuspended': {
        const active = [...this.partners.values()].filter((p) => p.kind === 'direct-reseller' && !p.suspended);
        if ([...this.partners.values()].filter((p) => p.suspended).length >= 2 || active.length === 0) return undefined;
        const partner = this.rng.pick(active);
        partner.suspended = true;
        return this.reference('PartnerSuspended', { partnerId: partner.id, reason: 'payment overdue' });
      }
      case 'PartnerReinstated': {
        const suspended = [...this.partners.values()].filter((p) => p.suspended);
        if (suspended.length === 0) return undefined;
        const partner = this.rng.pick(suspended);
        partner.suspended = false;
        return this.reference('PartnerReinstated', { partnerId: partner.id });
      }
      case 'PartnersLinked': {
        const reseller = this.rng.pick([...this.partners.values()].filter((p) => p.kind === 'indirect-reseller'));
        const unlinked = this.providersIds().filter((id) => !reseller.providers.includes(id));
        if (unlinked.length === 0) return undefined;
        const providerId = this.rng.pick(unlinked);
        reseller.providers.push(providerId);
        return this.reference('PartnersLinked', { indirectProviderId: providerId, indirectResellerId: reseller.id });
      }
      case 'PartnersUnlinked': {
        const linkedTwice = [...this.partners.values()].filter((p) => p.kind === 'indirect-reseller' && p.providers.length > 1);
        if (linkedTwice.length === 0) return undefined;
        const reseller = this.rng.pick(linkedTwice);
        const providerId = this.rng.pick(reseller.providers);
        reseller.providers = reseller.providers.filter((id) => id !== providerId);
        return this.reference('PartnersUnlinked', { indirectProviderId: providerId, indirectResellerId: reseller.id });
      }
      case 'CustomerRegistered':
        return this.customerRegistered(this.addCustomer());
      case 'PartnerRegistered': {
        const kind = this.rng.weighted<PartnerKind>({ 'direct-reseller': 3, 'indirect-reseller': 1, 'indirect-provider': 0 });
        const prefix = kind === 'direct-reseller' ? 'dr' : 'ir';
        // An indirect reseller registered now has no link until PartnersLinked picks it: its requests are refused till then.
        return this.partnerRegistered(this.addPartner(`${prefix}-n${pad(++this.counters.partner)}`, kind));
      }
    }
  }

  private requestRelationship(): ValidMessage {
    const unknownCustomer = this.rng.chance(0.01);
    const customer = this.pickCustomer();
    const customerId = unknownCustomer ? `cu-unknown-${pad(this.seq)}` : customer.id;
    const fitting = [...this.partners.values()].filter(
      (p) => p.kind !== 'indirect-provider' && !p.suspended && p.countries.includes(customer.country) && !customer.open.some((o) => o.resellerId === p.id),
    );
    let reseller: Partner | undefined = this.rng.chance(0.88) && fitting.length ? this.rng.pick(fitting) : this.rng.pick([...this.partners.values()]);
    const unknownReseller = this.rng.chance(0.01);
    if (unknownReseller) reseller = undefined;
    const resellerId = reseller?.id ?? `dr-unknown-${pad(this.seq)}`;

    const data: Record<string, unknown> = {
      requestId: this.requestId(),
      customerId,
      resellerId,
      services: this.rng.some(SERVICES, this.rng.int(1, 3)),
      requestedBy: { userId: `${resellerId}-agent` },
    };
    if (reseller?.kind === 'indirect-reseller') {
      const linked = reseller.providers.length ? this.rng.pick(reseller.providers) : undefined;
      data.indirectProviderId = this.rng.chance(0.92) && linked ? linked : this.rng.pick(this.providersIds());
    } else if (this.rng.chance(0.04)) {
      data.indirectProviderId = this.rng.pick(this.providersIds());
    }
    const askedAdmin = this.rng.chance(0.5);
    if (askedAdmin) {
      const roles = this.rng.some(ROLES, this.rng.int(1, 2));
      const global = roles.includes('GlobalAdministrator');
      data.delegatedAdmin = { roles, durationDays: this.rng.int(1, 730), autoExtend: global ? this.rng.chance(0.1) : this.rng.chance(0.5) };
    }
    if (this.rng.chance(0.3)) data.message = `Seeded request ${this.seq}: we would like to serve you.`;
    if (!unknownCustomer) customer.open.push({ requestId: data.requestId as string, resellerId, askedAdmin });
    return this.command('RequestRelationship', data);
  }

  /** Approve or decline one of the requests made, once it has been answered; sometimes by someone who is not an admin. */
  private decide(type: 'ApproveRequest' | 'DeclineRequest'): ValidMessage | undefined {
    const picked = this.takeOpenRequest();
    if (!picked) return undefined;
    const { customer, request } = picked;
    const actor = { userId: this.rng.chance(0.92) ? this.rng.pick(customer.admins) : `${customer.id}-intruder` };
    const gate: Gate = { kind: 'request-answered', requestId: request.requestId };
    if (type === 'DeclineRequest') {
      return this.command('DeclineRequest', { requestId: request.requestId, customerId: customer.id, declinedBy: actor, ...(this.rng.chance(0.5) ? { reason: 'not now' } : {}) }, gate);
    }
    const grant = this.rng.weighted({ default: 7, yes: 1, no: 2 });
    const reseller = this.partners.get(request.resellerId);
    customer.approved.set(request.resellerId, { askedAdmin: request.askedAdmin && grant !== 'no', providerId: reseller?.providers[0] });
    return this.command(
      'ApproveRequest',
      { requestId: request.requestId, customerId: customer.id, approvedBy: actor, ...(grant === 'default' ? {} : { grantDelegatedAdmin: grant === 'yes' }) },
      gate,
    );
  }

  private cancelRequest(): ValidMessage | undefined {
    const picked = this.takeOpenRequest();
    if (!picked) return undefined;
    const { customer, request } = picked;
    const resellerId = this.rng.chance(0.95) ? request.resellerId : this.rng.pick(this.resellerIds());
    return this.command('CancelRequest', { requestId: request.requestId, customerId: customer.id, resellerId, cancelledBy: { userId: `${resellerId}-agent` } }, { kind: 'request-answered', requestId: request.requestId });
  }

  private endRelationship(): ValidMessage | undefined {
    const customer = this.pickCustomerWhere((c) => c.approved.size > 0);
    if (!customer) return undefined;
    const resellerId = this.rng.pick([...customer.approved.keys()]);
    const relationship = customer.approved.get(resellerId)!;
    customer.approved.delete(resellerId);
    const party = this.rng.weighted({ customer: 6, reseller: 3, provider: relationship.providerId ? 2 : 0 });
    const userId = party === 'customer' ? this.rng.pick(customer.admins) : party === 'reseller' ? `${resellerId}-agent` : `${relationship.providerId}-ops`;
    return this.command(
      'EndRelationship',
      { customerId: customer.id, resellerId, endedBy: { party, userId }, ...(this.rng.chance(0.4) ? { reason: 'contract over' } : {}) },
      { kind: 'relationship-established', customerId: customer.id, resellerId },
    );
  }

  private revokeDelegatedAdmin(): ValidMessage | undefined {
    const customer = this.pickCustomerWhere((c) => [...c.approved.values()].some((r) => r.askedAdmin));
    if (!customer) return undefined;
    const resellerId = this.rng.pick([...customer.approved.entries()].filter(([, r]) => r.askedAdmin).map(([id]) => id));
    customer.approved.get(resellerId)!.askedAdmin = false;
    return this.command('RevokeDelegatedAdmin', { customerId: customer.id, resellerId, revokedBy: { userId: this.rng.pick(customer.admins) } }, { kind: 'relationship-established', customerId: customer.id, resellerId });
  }

  // --- the world ---

  private addPartner(id: string, kind: PartnerKind): Partner {
    const countries = this.rng.some(COUNTRIES, this.rng.int(2, COUNTRIES.length));
    const partner: Partner = { id, kind, countries, webhook: this.rng.chance(0.9), providers: [], suspended: false };
    this.partners.set(id, partner);
    return partner;
  }

  private addCustomer(): Customer {
    const id = `cu-${pad(++this.counters.customer, 3)}`;
    const admins = Array.from({ length: this.rng.int(1, 3) }, (_, i) => `${id}-adm-${i + 1}`);
    const customer: Customer = { id, country: this.rng.pick(COUNTRIES), admins, adminsMade: admins.length, hanging: false, open: [], approved: new Map(), subscriptions: [] };
    this.customers.set(id, customer);
    return customer;
  }

  private partnerRegistered(partner: Partner): ValidMessage {
    return this.reference('PartnerRegistered', {
      partnerId: partner.id,
      name: `Partner ${partner.id}`,
      kind: partner.kind,
      specializations: this.rng.some(SERVICES, this.rng.int(0, 2)),
      countries: partner.countries,
      ...(partner.webhook ? { webhookUrl: this.addresses.urlFor(partner.id) } : {}),
    });
  }

  private customerRegistered(customer: Customer): ValidMessage {
    const webhookUrl = customer.hanging ? this.addresses.hangingUrlFor(customer.id) : this.addresses.urlFor(customer.id);
    return this.reference('CustomerRegistered', { customerId: customer.id, name: `Customer ${customer.id}`, country: customer.country, admins: [...customer.admins], webhookUrl });
  }

  private subscriptionCreated(customer: Customer): ValidMessage {
    const id = `sub-${pad(++this.counters.subscription, 5)}`;
    const approved = [...customer.approved.keys()];
    const partnerOfRecordId = approved.length && this.rng.chance(0.5) ? this.rng.pick(approved) : this.rng.pick(this.resellerIds());
    customer.subscriptions.push({ id, partnerOfRecordId, active: true });
    return this.reference('SubscriptionCreated', { subscriptionId: id, customerId: customer.id, partnerOfRecordId, service: this.rng.pick(SERVICES), quantity: this.rng.int(1, 50) });
  }

  /** A customer, the hanging one seldom (each of its notifications costs the whole retry schedule). */
  private pickCustomer(): Customer {
    return this.pickCustomerWhere(() => true)!;
  }

  private pickCustomerWhere(where: (c: Customer) => boolean): Customer | undefined {
    const candidates = [...this.customers.values()].filter(where);
    if (candidates.length === 0) return undefined;
    const normal = candidates.filter((c) => !c.hanging);
    const hanging = candidates.find((c) => c.hanging);
    if (hanging && (normal.length === 0 || this.rng.chance(0.2 / candidates.length))) return hanging;
    return this.rng.pick(normal);
  }

  /** An open request, the older ones first: each is approved, declined or cancelled at most once. */
  private takeOpenRequest(): { customer: Customer; request: OpenRequest } | undefined {
    const customer = this.pickCustomerWhere((c) => c.open.length > 0);
    if (!customer) return undefined;
    const index = Math.min(this.rng.int(0, 2), customer.open.length - 1);
    const [request] = customer.open.splice(index, 1);
    return { customer, request };
  }

  private providersIds(): string[] {
    return [...this.partners.values()].filter((p) => p.kind === 'indirect-provider').map((p) => p.id);
  }

  private resellerIds(): string[] {
    return [...this.partners.values()].filter((p) => p.kind !== 'indirect-provider').map((p) => p.id);
  }

  private requestId(): string {
    return `rq-${pad(++this.counters.request, 5)}`;
  }

  private nextId(): string {
    return deriveId(`chaos/${this.config.seed}/${this.seq++}`);
  }

  private command(type: MessageType, data: Record<string, unknown>, gate?: Gate): ValidMessage {
    return { kind: 'command', type, id: this.nextId(), data, gate, plainJson: this.rng.chance(0.3) };
  }

  private reference(type: MessageType, data: Record<string, unknown>): ValidMessage {
    return { kind: 'reference', type, id: this.nextId(), data, plainJson: this.rng.chance(0.3) };
  }
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

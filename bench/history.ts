/**
 * Valid lifecycle histories, fast: one customer's history is decided once with the real deciders
 * (request intake, approval with delegated admin) and wrapped in the envelopes the services
 * produce, with placeholders for the customer's and resellers' ids; every other customer's is that
 * template with its own ids filled in (string joins, about a microsecond a message), so a million
 * events cost seconds to make, not minutes.
 */
import { MessageData, MessageType, specOf, TopicName } from '@mp/contracts';
import {
  CustomerEvent,
  CustomerState,
  decideApprove,
  decideRequestRelationship,
  defaultConsentPolicy,
  defaultRequestPolicy,
  emptyCustomerState,
  emptyPartnerState,
  evolve,
  evolvePartner,
  isCustomerEventType,
  Outgoing,
  PartnerState,
} from '@mp/domain';
import { envelopeFor, toKafkaMessage, upstreamEnvelope } from '@mp/messaging';

/** A customer's relationships: `active` approved with delegated admin, then `pending` requests left waiting. */
export interface HistoryShape {
  active: number;
  pending: number;
}

/** What a customer of the benchmarks has: 3 active relationships and 4 requests. */
export const BENCH_SHAPE: HistoryShape = { active: 3, pending: 1 };

export interface TopicMessage {
  topic: TopicName;
  key: string;
  value: string;
}

/** One service per reseller, so that each may hold delegated admin (one admin per service). */
const SERVICES = ['Azure', 'Microsoft365', 'Dynamics365', 'Intune', 'Defender', 'Fabric', 'Copilot', 'Sentinel'];

/** A string with `%%C%%` (the customer) and `%%R<i>%%` (its i-th reseller) in it, cut once at the placeholders. */
class Template {
  private readonly parts: string[];

  constructor(text: string) {
    this.parts = text.split(/%%(C|R\d+)%%/);
  }

  fill(customerId: string, resellerIds: readonly string[]): string {
    let out = this.parts[0];
    for (let i = 1; i < this.parts.length; i += 2) {
      const token = this.parts[i];
      out += (token === 'C' ? customerId : resellerIds[Number(token.slice(1))]) + this.parts[i + 1];
    }
    return out;
  }
}

const CUSTOMER = '%%C%%';
const reseller = (i: number) => `%%R${i}%%`;

/** A reseller's registration, as the upstream partner system publishes it. */
export function partnerRegistration(partnerId: string, i: number, now: Date, webhookUrl?: string): TopicMessage {
  const data: MessageData<'PartnerRegistered'> = {
    partnerId,
    name: `Reseller ${partnerId}`,
    kind: 'direct-reseller',
    specializations: [SERVICES[i % SERVICES.length]],
    countries: ['DE', 'FR', 'AT'],
    ...(webhookUrl ? { webhookUrl } : {}),
  };
  return asTopicMessage(upstreamEnvelope('bench-upstream', 'PartnerRegistered', data, now));
}

function asTopicMessage(envelope: { type: string }): TopicMessage {
  const message = toKafkaMessage(envelope as Parameters<typeof toKafkaMessage>[0]);
  return { topic: specOf(envelope.type as MessageType).topic, key: String(message.key), value: String(message.value) };
}

/**
 * A customer's history: registered, then per reseller a `RelationshipRequested` (the
 * request-service's answer to a `RequestRelationship`), and for the first `active` of them the
 * consent-service's `RelationshipEstablished` and `DelegatedAdminGranted` for an admin's approval.
 * Every event is decided by the real rules on the state so far; a refusal is a bug of the template.
 */
export class CustomerHistory {
  private readonly templates: Array<{ topic: TopicName; key: Template; value: Template }>;
  private readonly state: Template;
  /** The customer events of the history, in order (for the folded state). */
  readonly events: number;
  readonly resellers: number;

  constructor(
    readonly shape: HistoryShape = BENCH_SHAPE,
    now = new Date(),
    webhookUrl?: string,
  ) {
    this.resellers = shape.active + shape.pending;
    const partners = new Map<string, PartnerState>();
    for (let i = 0; i < this.resellers; i++) {
      const data = JSON.parse(partnerRegistration(reseller(i), i, now).value).data as MessageData<'PartnerRegistered'>;
      partners.set(reseller(i), evolvePartner(emptyPartnerState(reseller(i)), { type: 'PartnerRegistered', data }));
    }
    let state: CustomerState = emptyCustomerState(CUSTOMER);
    const messages: TopicMessage[] = [];
    let sequence = 0;
    const emit = (source: string, commandId: string, outgoing: Outgoing[]) => {
      outgoing.forEach((m, index) => {
        if (m.type === 'RequestRejected' || m.type === 'ConsentRejected') throw new Error(`history template refused: ${JSON.stringify(m.data)}`);
        const envelope = { ...envelopeFor(source, { id: commandId }, m, index, now), id: `${CUSTOMER}-e${++sequence}` };
        messages.push(asTopicMessage(envelope));
        if (isCustomerEventType(m.type)) state = evolve(state, { id: envelope.id, time: envelope.time, type: m.type, data: m.data } as CustomerEvent);
      });
    };
    const registration: MessageData<'CustomerRegistered'> = { customerId: CUSTOMER, name: `Customer ${CUSTOMER}`, country: 'DE', admins: ['admin-1'], ...(webhookUrl ? { webhookUrl } : {}) };
    emit('bench-upstream', `${CUSTOMER}-registration`, [{ type: 'CustomerRegistered', data: registration }]);
    for (let i = 0; i < this.resellers; i++) {
      const requestId = `${CUSTOMER}-req-${i}`;
      const command: MessageData<'RequestRelationship'> = {
        requestId,
        customerId: CUSTOMER,
        resellerId: reseller(i),
        services: [SERVICES[i % SERVICES.length]],
        delegatedAdmin: { roles: ['HelpdeskAgent'], durationDays: 90, autoExtend: true },
        message: 'We would like to manage your cloud services.',
        requestedBy: { userId: 'agent-1' },
      };
      emit('request-service', `${CUSTOMER}-cmd-${i}`, decideRequestRelationship(command, { customer: state, reseller: partners.get(reseller(i)), now, policy: defaultRequestPolicy }));
    }
    for (let i = 0; i < shape.active; i++) {
      const approve = { requestId: `${CUSTOMER}-req-${i}`, customerId: CUSTOMER, approvedBy: { userId: 'admin-1' } };
      emit('consent-service', `${CUSTOMER}-approve-${i}`, decideApprove(approve, { customer: state, now, policy: defaultConsentPolicy }));
    }
    this.templates = messages.map((m) => ({ topic: m.topic, key: new Template(m.key), value: new Template(m.value) }));
    this.events = messages.length;
    this.state = new Template(JSON.stringify(state));
  }

  /** The history of one customer, in the order its events were produced. */
  messages(customerId: string, resellerIds: readonly string[]): TopicMessage[] {
    return this.templates.map((t) => ({ topic: t.topic, key: t.key.fill(customerId, resellerIds), value: t.value.fill(customerId, resellerIds) }));
  }

  /** The ids of the customer's messages (the ids a service folding them remembers as seen). */
  eventIds(customerId: string): string[] {
    return Array.from({ length: this.events }, (_, i) => `${customerId}-e${i + 1}`);
  }

  /** The customer's state after the history (what each service folds), as the JSON the stores keep. */
  stateJson(customerId: string, resellerIds: readonly string[]): string {
    return this.state.fill(customerId, resellerIds);
  }
}

/** The resellers of customer `c`: `count` consecutive ones of the pool, starting where `c` falls in it. */
export function resellersOf(c: number, pool: readonly string[], count: number): string[] {
  return Array.from({ length: count }, (_, i) => pool[(c + i) % pool.length]);
}

export function customerIdOf(run: string, c: number): string {
  return `cust-${run}-${String(c).padStart(7, '0')}`;
}

import { CloudEvent, TopicName, Topics } from '@mp/contracts';
import {
  CustomerEvent,
  CustomerState,
  emptyCustomerState,
  emptyPartnerState,
  evolve,
  evolvePartner,
  isCustomerEventType,
  LifecycleEventTypes,
  PartnerEventTypes,
  PartnerMessage,
  partnerIdOf,
  PartnerState,
  recipientsOf,
  RecipientRef,
} from '@mp/domain';
import { decode } from '@mp/messaging';
import { activeRelationships, toCustomerResellers, toCustomerSubscriptions } from '../../apps/directory-service/src/customers/customer-views';
import { toCustomerRequests } from '../../apps/directory-service/src/requests/request-views';

/** One message as read from a topic. Position and timestamp are known when read by the oracle's reader. */
export interface Entry {
  topic: TopicName;
  partition: number;
  offset: string;
  /** The Kafka record's timestamp (ms). */
  timestamp: number;
  key: string | null;
  headers: Record<string, string>;
  value: Buffer | null;
}

/** A notification the history calls for: this party hears of this event, at its webhook. */
export interface ExpectedNotification {
  eventId: string;
  eventType: string;
  eventTime: string;
  customerId: string;
  recipient: RecipientRef;
}

/** What the directory would answer for one customer, rendered by its own pure views from the folded state. */
export interface ExpectedViews {
  resellers: { status: number; body?: unknown };
  subscriptions: { status: number; body?: unknown };
  requests: { status: number; body?: unknown };
}

const LIFECYCLE = new Set<string>(LifecycleEventTypes);
const PARTNER = new Set<string>(PartnerEventTypes);
const OUTCOMES = new Set(['NotificationDelivered', 'NotificationFailed']);

/**
 * Everything on the topics, folded with the domain's pure functions (`evolve`, `evolvePartner`)
 * exactly as the services fold it: decoded with the same `decode`, each event id once (the first
 * copy wins), customers and partners apart. Who hears of each lifecycle event is `recipientsOf`
 * on the customer's state right after the event, as the notification-service decides it.
 * Fed in order, one entry at a time, so a live copy can follow a probe.
 */
export class History {
  readonly customers = new Map<string, CustomerState>();
  readonly partners = new Map<string, PartnerState>();
  readonly expected: ExpectedNotification[] = [];
  /** NotificationDelivered / NotificationFailed, by `eventId/partyId/channel`. */
  readonly outcomes = new Map<string, CloudEvent<any>>();
  private readonly seenIds = new Set<string>();

  static of(entries: Iterable<Entry>): History {
    const history = new History();
    for (const entry of entries) history.add(entry);
    return history;
  }

  add(entry: Pick<Entry, 'topic' | 'value'>): void {
    if (entry.topic === Topics.deadLetters) return;
    const decoded = decode(entry.value);
    if (!decoded.ok) return;
    const envelope = decoded.envelope;
    if (this.seenIds.has(envelope.id)) return;
    this.seenIds.add(envelope.id);
    const type = envelope.type as string;

    if (isCustomerEventType(type)) {
      const event = { id: envelope.id, time: envelope.time, type, data: envelope.data } as CustomerEvent;
      const customerId = event.data.customerId;
      const state = evolve(this.customers.get(customerId) ?? emptyCustomerState(customerId), event);
      this.customers.set(customerId, state);
      if (LIFECYCLE.has(type)) {
        for (const recipient of recipientsOf(event, state)) this.expected.push({ eventId: event.id, eventType: type, eventTime: event.time, customerId, recipient });
      }
    } else if (PARTNER.has(type)) {
      const message = { type, data: envelope.data } as PartnerMessage;
      const partnerId = partnerIdOf(message);
      this.partners.set(partnerId, evolvePartner(this.partners.get(partnerId) ?? emptyPartnerState(partnerId), message));
    } else if (OUTCOMES.has(type)) {
      const d = envelope.data as { eventId: string; recipient: RecipientRef; channel: string };
      this.outcomes.set(outcomeKey(d.eventId, d.recipient.partyId, d.channel), envelope as CloudEvent<any>);
    }
  }

  /** A party's webhook URL, from its folded profile (a customer's or a partner's). */
  webhookOf(recipient: RecipientRef): string | undefined {
    const profile = recipient.party === 'customer' ? this.customers.get(recipient.partyId)?.profile : this.partners.get(recipient.partyId)?.profile;
    return profile?.webhookUrl || undefined;
  }

  /** The notifications that go to a webhook: those whose party has one. */
  expectedWebhooks(): Array<ExpectedNotification & { url: string }> {
    return this.expected.flatMap((n) => {
      const url = this.webhookOf(n.recipient);
      return url ? [{ ...n, url }] : [];
    });
  }

  /** What `GET /v1/customers/{id}/resellers`, `/subscriptions` and `/requests` should answer. */
  expectedViews(customerId: string): ExpectedViews {
    const state = this.customers.get(customerId);
    if (!state?.profile) return { resellers: { status: 404 }, subscriptions: { status: 404 }, requests: { status: 404 } };
    return {
      resellers: { status: 200, body: plain(toCustomerResellers(customerId, activeRelationships(state), this.partners)) },
      subscriptions: { status: 200, body: plain(toCustomerSubscriptions(state)) },
      requests: { status: 200, body: plain(toCustomerRequests(state)) },
    };
  }
}

export function outcomeKey(eventId: string, partyId: string, channel = 'webhook'): string {
  return `${eventId}/${partyId}/${channel}`;
}

/** As it would come over HTTP: what JSON drops (undefined fields), dropped. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

/**
 * All entries in one order a consumer could have read them in: every partition in offset order,
 * partitions interleaved by record timestamp. One customer's events sit on one partition per
 * topic, so this is the per-customer merge of its reference data, requests and relationships.
 */
export function mergeByTime(entries: Entry[]): Entry[] {
  const streams = new Map<string, Entry[]>();
  for (const entry of entries) {
    const key = `${entry.topic}/${entry.partition}`;
    const stream = streams.get(key) ?? [];
    stream.push(entry);
    streams.set(key, stream);
  }
  const queues = [...streams.values()].map((s) => s.sort((a, b) => compareOffsets(a.offset, b.offset)));
  const heads = queues.map(() => 0);
  const merged: Entry[] = [];
  for (;;) {
    let best = -1;
    for (let i = 0; i < queues.length; i++) {
      if (heads[i] >= queues[i].length) continue;
      if (best < 0 || queues[i][heads[i]].timestamp < queues[best][heads[best]].timestamp) best = i;
    }
    if (best < 0) return merged;
    merged.push(queues[best][heads[best]++]);
  }
}

function compareOffsets(a: string, b: string): number {
  const d = BigInt(a) - BigInt(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

import { EXPIRY_REMINDER_TYPE } from '@mp/domain';
import { add, finding, Finding, ofKinds, push } from './findings';
import type { Read } from './invariants';
import { History, outcomeKey } from './oracle';
import type { Hang, Receipt } from './webhook-receivers';

export interface NotificationFacts {
  /** Notifications to the hanging endpoint: called for, tried, failed. */
  hanging: { expected: number; attempts: number; failed: number };
  /** Delays (ms) from event time to receipt, for parties other than the hanging one. */
  delays: number[];
}

export function notifications(history: History, receipts: Receipt[], hangs: Hang[], hangingPartyId: string): { lost: Finding; doubled: Finding; facts: NotificationFacts } {
  const expected = history.expectedWebhooks();
  const expectedKeys = new Set(expected.map((n) => `${n.eventId}/${n.recipient.partyId}`));
  const byKey = new Map<string, Receipt[]>();
  const keysOfWebhookId = new Map<string, Set<string>>();
  const seenWebhookIds = new Set<string>();
  let redelivered = 0;
  let reminders = 0;
  const lost: string[] = [];
  const doubled: string[] = [];
  for (const r of receipts) {
    if (r.eventType === EXPIRY_REMINDER_TYPE) {
      reminders++;
      continue;
    }
    const key = `${r.eventId}/${r.partyId}`;
    push(byKey, key, r);
    add(keysOfWebhookId, r.webhookId, key);
    if (seenWebhookIds.has(r.webhookId)) redelivered++;
    seenWebhookIds.add(r.webhookId);
    if (!r.signatureOk) doubled.push(`badly signed: ${r.eventType} ${r.eventId} to ${r.partyId} (webhook-id ${r.webhookId})`);
  }
  const toHanging = expected.filter((n) => n.recipient.partyId === hangingPartyId);
  const lostKinds: string[] = [];
  const lostCustomers: string[] = [];
  for (const n of expected) {
    // Every notification is received (but at the hanging endpoint) and ends as an outcome on the topic.
    const outcome = history.outcomes.get(outcomeKey(n.eventId, n.recipient.partyId));
    const got = n.recipient.partyId === hangingPartyId ? undefined : (byKey.get(`${n.eventId}/${n.recipient.partyId}`) ?? []);
    const what = `${n.eventType} ${n.eventId} (${n.eventTime}) to ${n.recipient.party} ${n.recipient.partyId}`;
    let why: string | undefined;
    if (got?.length === 0) why = outcome ? `never received (${outcome.type} on the topic)` : 'never received, and no outcome on the topic';
    else if (!outcome) why = got ? 'received, but no NotificationDelivered on the topic' : 'no NotificationFailed on the topic';
    if (why) {
      lost.push(`${what}: ${why}`);
      lostCustomers.push(n.customerId);
      if (got?.length === 0) lostKinds.push(`${n.eventType} to ${n.recipient.party}`);
    }
    if (!got) continue;
    const ids = new Set(got.map((r) => r.webhookId));
    if (ids.size > 1) doubled.push(`${n.eventType} ${n.eventId} to ${n.recipient.partyId} came under ${ids.size} webhook-ids: ${[...ids].join(', ')}`);
  }
  for (const [webhookId, keys] of keysOfWebhookId) if (keys.size > 1) doubled.push(`webhook-id ${webhookId} carried two notifications: ${[...keys].join(' and ')}`);
  for (const [key, got] of byKey) if (!expectedKeys.has(key)) doubled.push(`${got[0].eventType} ${key}: sent, but the events call for no such notification`);
  for (const outcome of history.outcomes.values()) {
    const d = outcome.data;
    const key = `${d.eventId}/${d.recipient.partyId}`;
    if (outcome.type !== 'NotificationDelivered' || d.channel !== 'webhook' || expectedKeys.has(key)) continue;
    if (!byKey.has(key)) lost.push(`${d.eventType} ${d.eventId} to ${d.recipient.partyId}: reported NotificationDelivered, never received`);
  }
  const failedToHanging = [...history.outcomes.values()].filter((o) => o.type === 'NotificationFailed' && o.data.recipient.partyId === hangingPartyId).length;
  const delays = receipts.filter((r) => r.eventTime && r.eventType !== EXPIRY_REMINDER_TYPE && r.partyId !== hangingPartyId).map((r) => r.receivedAt - Date.parse(r.eventTime!));
  return {
    lost: finding('notifications lost', 'Every webhook notification the events call for reaches its party (except at the hanging endpoint) and ends as NotificationDelivered or NotificationFailed; none is reported delivered that was not.', lost, [
      `${expected.length} webhook notifications called for (${toHanging.length} to the hanging endpoint); ${receipts.length} received, ${redelivered} of them again under a key already received (allowed: at-least-once)`,
      `hanging endpoint: ${hangs.length} attempts, ${failedToHanging} NotificationFailed; ${reminders} expiry reminders received (none is due in a run this short)`,
      ...(lostKinds.length ? [`never received, by kind (of those called for): ${ofKinds(lostKinds, expected.map((n) => `${n.eventType} to ${n.recipient.party}`))}`] : []),
    ], lostCustomers),
    doubled: finding('notifications doubled or wrong', 'Each notification comes under one stable idempotency key (webhook-id), signed, and only those the events call for are sent.', doubled),
    facts: { hanging: { expected: toHanging.length, attempts: hangs.length, failed: failedToHanging }, delays },
  };
}

/**
 * The calm measurement: requests sent after the system settled, with no chaos, to the hanging
 * customer and to others in turn. A notification to another party later than the budget was held
 * up by the hanging endpoint, the only disturbance left.
 */
export function heldUp(reads: Read[], receipts: Receipt[], calmCommandIds: Set<string>, hangingPartyId: string, budgetMs: number): Finding {
  const calmEvents = new Map<string, string>(); // event id -> customer
  for (const { envelope } of reads) {
    if (envelope?.type === 'RelationshipRequested' && calmCommandIds.has(envelope.causationid ?? '')) calmEvents.set(envelope.id, envelope.data.customerId);
  }
  const measured: number[] = [];
  const violations: string[] = [];
  for (const r of receipts) {
    if (!r.eventId || !calmEvents.has(r.eventId) || r.partyId === hangingPartyId || !r.eventTime) continue;
    const delay = r.receivedAt - Date.parse(r.eventTime);
    measured.push(delay);
    if (delay > budgetMs) violations.push(`${r.eventType} ${r.eventId} to ${r.partyId} arrived ${delay} ms after the event (budget ${budgetMs} ms)`);
  }
  const others = [...calmEvents.values()].filter((c) => c !== hangingPartyId).length;
  return finding('held up by the hanging endpoint', `With no other disturbance, no other party's notification arrives more than ${budgetMs} ms after its event while one endpoint hangs.`, violations, [
    `calm measurement: ${calmEvents.size} requests answered (${others} to other customers), ${measured.length} of their notifications received; delays ${describeDelays(measured)}`,
  ]);
}

export function describeDelays(delays: number[]): string {
  if (delays.length === 0) return 'none measured';
  const sorted = [...delays].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${sorted[sorted.length - 1]} ms`;
}


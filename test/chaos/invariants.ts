import { CloudEvent, Topics } from '@mp/contracts';
import { decode, DeadLetterHeaders } from '@mp/messaging';
import { EXPIRY_REMINDER_TYPE } from '@mp/domain';
import { Flaws } from './malformed';
import type { Entry, History } from './oracle';
import type { Sent } from './sender';
import type { Hang, Receipt } from './webhook-receivers';

/** One invariant as checked: how many times it broke (0 = it holds), a few examples, and what else was measured. */
export interface Finding {
  name: string;
  /** What the invariant says, in one sentence. */
  says: string;
  count: number;
  examples: string[];
  info: string[];
}

const EXAMPLES = 5;
/** A fact counts as known before a command when it was on its topic this long before the command. */
const MARGIN_MS = 1_000;
/** The error classes of a message refused when read, before any handler ran (DESIGN §4). */
const INTAKE_CLASSES = new Set(Object.values(Flaws) as string[]);
const SERVICE_OUTPUTS = new Set<string>([Topics.requestEvents, Topics.relationshipEvents, Topics.notificationEvents]);

function finding(name: string, says: string, violations: string[], info: string[] = []): Finding {
  return { name, says, count: violations.length, examples: violations.slice(0, EXAMPLES), info };
}

/** Every entry decoded once, with its envelope when it is well-formed. */
export interface Read {
  entry: Entry;
  envelope?: CloudEvent<any>;
}

export function readEntries(entries: Entry[]): Read[] {
  return entries.map((entry) => {
    if (entry.topic === Topics.deadLetters) return { entry };
    const decoded = decode(entry.value);
    return decoded.ok ? { entry, envelope: decoded.envelope as CloudEvent<any> } : { entry };
  });
}

// --- no output event id twice with different content -----------------------------------------

export function conflictingDuplicates(reads: Read[]): Finding {
  const byId = new Map<string, Array<{ entry: Entry; content: string; time: string }>>();
  for (const { entry } of reads) {
    if (!SERVICE_OUTPUTS.has(entry.topic)) continue;
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(entry.value?.toString('utf8') ?? '');
    } catch {
      continue;
    }
    if (typeof parsed?.id !== 'string') continue;
    const { time, ...rest } = parsed;
    const copies = byId.get(parsed.id) ?? [];
    copies.push({ entry, content: stableJson(rest), time: String(time) });
    byId.set(parsed.id, copies);
  }
  const violations: string[] = [];
  let identical = 0;
  const restamped: string[] = [];
  for (const [id, copies] of byId) {
    if (copies.length < 2) continue;
    const contents = new Set(copies.map((c) => c.content));
    const where = copies.map((c) => `${c.entry.topic}[${c.entry.partition}]@${c.entry.offset}`).join(', ');
    if (contents.size > 1) {
      const [a, b] = [...contents].map((c) => JSON.parse(c));
      violations.push(`${id} (${String(a.type)}) at ${where}: ${firstDifference(a, b)}`);
    } else if (new Set(copies.map((c) => c.time)).size > 1) {
      restamped.push(`${id} (${JSON.parse(copies[0].content).type}) at ${where}: time ${copies.map((c) => c.time).join(' / ')}`);
    } else identical++;
  }
  return finding('conflicting duplicates', 'No output event id is emitted twice with different content (envelope `time` aside).', violations, [
    `${identical} ids emitted more than once with identical content (at-least-once, harmless)`,
    `${restamped.length} ids emitted again with the same content but another envelope time${restamped.length ? `, e.g. ${restamped.slice(0, 2).join('; ')}` : ''}`,
  ]);
}

// --- no request established twice, none with two outcomes ------------------------------------

export function requestsDecidedTwice(reads: Read[]): Finding {
  const established = new Map<string, Set<string>>();
  const outcomes = new Map<string, Set<string>>();
  const outcomeOf: Record<string, string> = {
    RelationshipEstablished: 'approved',
    RelationshipUpdated: 'approved',
    RequestDeclined: 'declined',
    RequestCancelled: 'cancelled',
    RequestExpired: 'expired',
  };
  for (const { envelope } of reads) {
    const outcome = envelope && outcomeOf[envelope.type];
    if (!outcome) continue;
    const requestId = envelope.data.requestId as string;
    if (outcome === 'approved') add(established, requestId, envelope.id);
    add(outcomes, requestId, outcome);
  }
  const violations = [
    ...[...established].filter(([, ids]) => ids.size > 1).map(([requestId, ids]) => `${requestId} established ${ids.size} times (event ids ${[...ids].join(', ')})`),
    ...[...outcomes].filter(([, kinds]) => kinds.size > 1).map(([requestId, kinds]) => `${requestId} has ${kinds.size} outcomes: ${[...kinds].join(' and ')}`),
  ];
  return finding('requests decided twice', 'No request is established twice (two RelationshipEstablished/Updated ids), and none has two outcomes.', violations, [
    `${established.size} requests approved, ${outcomes.size} with an outcome`,
  ]);
}

// --- every command answered, no valid message dead-lettered ----------------------------------

export function unanswered(reads: Read[], sent: Sent[]): Finding {
  const causes = new Set<string>();
  for (const { entry, envelope } of reads) if (envelope && (entry.topic === Topics.requestEvents || entry.topic === Topics.relationshipEvents)) causes.add(envelope.causationid ?? '');
  const violations = sent
    .filter((s) => s.kind === 'command' && !causes.has(s.id!))
    .map((s) => `${s.type} ${s.id} for ${s.customerId} (${s.topic}[${s.partition}]@${s.offset}, sent ${new Date(s.sentAt).toISOString()}) has no answer`);
  return finding('unanswered commands', 'Every valid command gets an answer (an event caused by it).', violations, [`${sent.filter((s) => s.kind === 'command').length} commands sent`]);
}

export function validDeadLettered(reads: Read[], sent: Sent[], namespace: string): Finding {
  const malformed = new Set(sent.filter((s) => s.kind === 'malformed').map((s) => `${s.topic}/${s.partition}/${s.offset}`));
  const violations: string[] = [];
  for (const { entry } of reads) {
    if (entry.topic !== Topics.deadLetters) continue;
    const decoded = decode(entry.value);
    const h = entry.headers;
    if (!decoded.ok || h[DeadLetterHeaders.errorClass] === 'WrongTopic') continue;
    if (malformed.has(`${stripNamespace(h[DeadLetterHeaders.originTopic], namespace)}/${h[DeadLetterHeaders.originPartition]}/${h[DeadLetterHeaders.originOffset]}`)) continue;
    violations.push(
      `${decoded.envelope.type} ${decoded.envelope.id} from ${stripNamespace(h[DeadLetterHeaders.originTopic], namespace)}[${h[DeadLetterHeaders.originPartition]}]@${h[DeadLetterHeaders.originOffset]}, ` +
        `group ${stripNamespace(h[DeadLetterHeaders.consumerGroup], namespace)}, after ${h[DeadLetterHeaders.attempts]} attempts: ${h[DeadLetterHeaders.errorClass]}: ${h[DeadLetterHeaders.errorMessage]}; data ${short(decoded.envelope.data)}`,
    );
  }
  return finding('valid messages dead-lettered', 'A well-formed message is handled, never dead-lettered (a handler that fails for good loses it).', violations);
}

// --- no decision on a stale view ----------------------------------------------------------------

/**
 * A refusal that names something missing (the request, the customer, the reseller, the admin, the
 * relationship) although it was on the topics well before the command was sent: the service
 * decided without what it had been told. DESIGN §7: a decision must never depend on which topic
 * happened to be read first.
 */
export function staleRefusals(reads: Read[]): Finding {
  const timestampOf = new Map<string, number>();
  const firstAt = new Map<string, number>();
  const adminChanges = new Map<string, Array<{ at: number; userId: string; admin: boolean }>>();
  const pairEvents = new Map<string, Array<{ at: number; active: boolean; cause: string }>>();
  const mark = (key: string, at: number) => firstAt.set(key, Math.min(at, firstAt.get(key) ?? Infinity));
  for (const { entry, envelope } of reads) {
    if (!envelope) continue;
    timestampOf.set(envelope.id, Math.min(entry.timestamp, timestampOf.get(envelope.id) ?? Infinity));
    const d = envelope.data;
    switch (envelope.type) {
      case 'RelationshipRequested':
        mark(`request/${d.requestId}`, entry.timestamp);
        break;
      case 'CustomerRegistered':
        mark(`customer/${d.customerId}`, entry.timestamp);
        for (const userId of d.admins as string[]) push(adminChanges, d.customerId, { at: entry.timestamp, userId, admin: true });
        break;
      case 'CustomerAdminAdded':
      case 'CustomerAdminRemoved':
        push(adminChanges, d.customerId, { at: entry.timestamp, userId: d.userId, admin: envelope.type === 'CustomerAdminAdded' });
        break;
      case 'PartnerRegistered':
        mark(`partner/${d.partnerId}`, entry.timestamp);
        break;
      case 'RelationshipEstablished':
      case 'RelationshipUpdated':
      case 'RelationshipEnded':
        push(pairEvents, `${d.customerId}/${d.resellerId}`, { at: entry.timestamp, active: envelope.type !== 'RelationshipEnded', cause: envelope.causationid ?? '' });
        break;
    }
  }
  const violations: string[] = [];
  const judged = new Set<string>();
  for (const { envelope } of reads) {
    if (!envelope || (envelope.type !== 'ConsentRejected' && envelope.type !== 'RequestRejected') || judged.has(envelope.id)) continue;
    judged.add(envelope.id);
    const d = envelope.data;
    const commandAt = timestampOf.get(envelope.causationid ?? '');
    if (commandAt === undefined) continue; // a timer's decision, or a command not on the topics
    const before = (at: number | undefined) => at !== undefined && at < commandAt - MARGIN_MS;
    const knew = (() => {
      switch (d.reason) {
        case 'REQUEST_NOT_FOUND':
          return before(firstAt.get(`request/${d.requestId}`)) && `its RelationshipRequested was on the topic ${commandAt - firstAt.get(`request/${d.requestId}`)!} ms before`;
        case 'CUSTOMER_UNKNOWN':
          return before(firstAt.get(`customer/${d.customerId}`)) && `CustomerRegistered was on the topic ${commandAt - firstAt.get(`customer/${d.customerId}`)!} ms before`;
        case 'RESELLER_UNKNOWN':
          return before(firstAt.get(`partner/${d.resellerId}`)) && `PartnerRegistered was on the topic ${commandAt - firstAt.get(`partner/${d.resellerId}`)!} ms before`;
        case 'NOT_CUSTOMER_ADMIN': {
          const changes = (adminChanges.get(d.customerId) ?? []).filter((c) => c.userId === d.actor?.userId);
          const settled = changes.filter((c) => c.at < commandAt - MARGIN_MS);
          const recent = changes.some((c) => c.at >= commandAt - MARGIN_MS && c.at <= commandAt + MARGIN_MS);
          return !recent && settled.length > 0 && settled[settled.length - 1].admin && `${d.actor.userId} was made an admin before and not removed`;
        }
        case 'RELATIONSHIP_NOT_FOUND': {
          const events = pairEvents.get(`${d.customerId}/${d.resellerId}`) ?? [];
          const known = events.filter((e) => e.at < commandAt - MARGIN_MS);
          const endedBefore = events.some((e) => !e.active && Math.min(e.at, timestampOf.get(e.cause) ?? Infinity) < commandAt);
          return !endedBefore && known.length > 0 && known[known.length - 1].active && 'the relationship was established before and not ended';
        }
        default:
          return false;
      }
    })();
    if (knew) violations.push(`${d.command} for ${d.customerId}${d.requestId ? ` request ${d.requestId}` : ''}${d.resellerId ? ` reseller ${d.resellerId}` : ''} refused ${d.reason}, but ${knew}`);
  }
  return finding('stale refusals', 'No command is refused for want of what was on the topics well before it was sent.', violations);
}

// --- every malformed message in the dead letters ------------------------------------------

export function malformedDeadLettered(reads: Read[], sent: Sent[], consumersOf: (topic: string) => string[], namespace: string): Finding {
  const groupsAt = new Map<string, Map<string, string>>(); // origin -> group -> error class
  for (const { entry } of reads) {
    if (entry.topic !== Topics.deadLetters) continue;
    const h = entry.headers;
    const origin = `${stripNamespace(h[DeadLetterHeaders.originTopic], namespace)}/${h[DeadLetterHeaders.originPartition]}/${h[DeadLetterHeaders.originOffset]}`;
    const groups = groupsAt.get(origin) ?? new Map<string, string>();
    groups.set(stripNamespace(h[DeadLetterHeaders.consumerGroup], namespace), h[DeadLetterHeaders.errorClass]);
    groupsAt.set(origin, groups);
  }
  const violations: string[] = [];
  const classes = new Map<string, number>();
  let otherClass = 0;
  const malformed = sent.filter((s) => s.kind === 'malformed');
  for (const s of malformed) {
    const groups = groupsAt.get(`${s.topic}/${s.partition}/${s.offset}`) ?? new Map<string, string>();
    const expected = consumersOf(s.topic);
    const missing = expected.length ? expected.filter((g) => !groups.has(g)) : groups.size ? [] : ['any consumer'];
    if (missing.length) violations.push(`${s.description} on ${s.topic}[${s.partition}]@${s.offset}: no dead letter from ${missing.join(', ')}`);
    for (const [group, errorClass] of groups) {
      classes.set(errorClass, (classes.get(errorClass) ?? 0) + 1);
      if (errorClass !== Flaws[s.flaw!]) otherClass++;
      if (!INTAKE_CLASSES.has(errorClass)) {
        violations.push(`${s.description} on ${s.topic}[${s.partition}]@${s.offset}: group ${group} dead-lettered it as ${errorClass}, after its handler failed: the contract's validation let it through`);
      }
    }
  }
  return finding('malformed messages not dead-lettered', 'Every malformed message ends in the dead letters as refused at intake (not JSON, not a CloudEvent, unknown type, invalid data), once per consumer group that reads its topic.', violations, [
    `${malformed.length} malformed messages sent; dead letters by error class: ${[...classes].map(([c, n]) => `${c} ${n}`).join(', ') || 'none'}`,
    `${otherClass} dead letters name another error class than the flaw sent`,
  ]);
}

// --- notifications ---------------------------------------------------------------------------

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
  for (const n of expected) {
    if (n.recipient.partyId === hangingPartyId) continue;
    const got = byKey.get(`${n.eventId}/${n.recipient.partyId}`) ?? [];
    if (got.length === 0) lost.push(`${n.eventType} ${n.eventId} (${n.eventTime}) to ${n.recipient.party} ${n.recipient.partyId}: never received`);
    const ids = new Set(got.map((r) => r.webhookId));
    if (ids.size > 1) doubled.push(`${n.eventType} ${n.eventId} to ${n.recipient.partyId} came under ${ids.size} webhook-ids: ${[...ids].join(', ')}`);
  }
  for (const [webhookId, keys] of keysOfWebhookId) if (keys.size > 1) doubled.push(`webhook-id ${webhookId} carried two notifications: ${[...keys].join(' and ')}`);
  for (const [key, got] of byKey) if (!expectedKeys.has(key)) doubled.push(`${got[0].eventType} ${key}: sent, but the events call for no such notification`);
  for (const outcome of history.outcomes.values()) {
    const d = outcome.data;
    if (outcome.type !== 'NotificationDelivered' || d.channel !== 'webhook') continue;
    if (!byKey.has(`${d.eventId}/${d.recipient.partyId}`)) lost.push(`${d.eventType} ${d.eventId} to ${d.recipient.partyId}: reported NotificationDelivered, never received`);
  }
  const failedToHanging = [...history.outcomes.values()].filter((o) => o.type === 'NotificationFailed' && o.data.recipient.partyId === hangingPartyId).length;
  const delays = receipts.filter((r) => r.eventTime && r.eventType !== EXPIRY_REMINDER_TYPE && r.partyId !== hangingPartyId).map((r) => r.receivedAt - Date.parse(r.eventTime!));
  return {
    lost: finding('notifications lost', 'Every webhook notification the events call for reaches its party, except at the hanging endpoint; none is reported delivered that was not.', lost, [
      `${expected.length} webhook notifications called for (${toHanging.length} to the hanging endpoint); ${receipts.length} received, ${redelivered} of them again under a key already received (allowed: at-least-once)`,
      `hanging endpoint: ${hangs.length} attempts, ${failedToHanging} NotificationFailed; ${reminders} expiry reminders received (none is due in a run this short)`,
    ]),
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

// --- helpers ---------------------------------------------------------------------------------

function stripNamespace(name: string | undefined, namespace = ''): string {
  if (!name) return '?';
  return namespace && name.startsWith(namespace) ? name.slice(namespace.length) : name;
}

function add<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key) ?? new Set<V>();
  set.add(value);
  map.set(key, set);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key) ?? [];
  list.push(value);
  map.set(key, list);
}

/** JSON with object keys sorted, so equal content gives equal text. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The first path where two JSON values differ, with both sides, shortened. */
export function firstDifference(a: unknown, b: unknown, path = ''): string {
  if (stableJson(a) === stableJson(b)) return 'equal';
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = Array.isArray(a) ? Array.from({ length: Math.max(a.length, (b as unknown[]).length) }, (_, i) => String(i)) : [...new Set([...Object.keys(a), ...Object.keys(b as object)])].sort();
    for (const key of keys) {
      const [x, y] = [(a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]];
      if (stableJson(x) !== stableJson(y)) return firstDifference(x, y, Array.isArray(a) ? `${path}[${key}]` : path ? `${path}.${key}` : key);
    }
  }
  return `${path || '(root)'}: ${short(a)} vs ${short(b)}`;
}

function short(value: unknown): string {
  const text = value === undefined ? 'absent' : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

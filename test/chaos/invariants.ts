import { CloudEvent, Topics } from '@mp/contracts';
import { decode, DeadLetterHeaders } from '@mp/messaging';
import { add, countsOf, finding, Finding, firstDifference, push, short, stableJson, stripNamespace } from './findings';
import { Flaws } from './malformed';
import type { Entry } from './oracle';
import type { Sent } from './sender';

/** A fact counts as known before a command when it was on its topic this long before the command. */
const MARGIN_MS = 1_000;
/** The error classes of a message refused when read, before any handler ran (DESIGN §4). */
const INTAKE_CLASSES = new Set(Object.values(Flaws) as string[]);
const SERVICE_OUTPUTS = new Set<string>([Topics.requestEvents, Topics.relationshipEvents, Topics.notificationEvents]);

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
  const customers: string[] = [];
  for (const [id, copies] of byId) {
    if (copies.length < 2) continue;
    const contents = new Set(copies.map((c) => c.content));
    const where = copies.map((c) => `${c.entry.topic}[${c.entry.partition}]@${c.entry.offset}`).join(', ');
    if (contents.size > 1) {
      const [a, b] = [...contents].map((c) => JSON.parse(c));
      violations.push(`${id} (${String(a.type)}) at ${where}: ${firstDifference(a, b)}`);
      customers.push(a.data?.customerId);
    } else if (new Set(copies.map((c) => c.time)).size > 1) {
      restamped.push(`${id} (${JSON.parse(copies[0].content).type}) at ${where}: time ${copies.map((c) => c.time).join(' / ')}`);
    } else identical++;
  }
  return finding('conflicting duplicates', 'No output event id is emitted twice with different content (envelope `time` aside).', violations, [
    `${identical} ids emitted more than once with identical content (at-least-once, harmless)`,
    `${restamped.length} ids emitted again with the same content but another envelope time${restamped.length ? `, e.g. ${restamped.slice(0, 2).join('; ')}` : ''}`,
  ], customers);
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
  const missing = sent.filter((s) => s.kind === 'command' && !causes.has(s.id!));
  const violations = missing.map((s) => `${s.type} ${s.id} for ${s.customerId} (${s.topic}[${s.partition}]@${s.offset}, sent ${new Date(s.sentAt).toISOString()}) has no answer`);
  const info = [`${sent.filter((s) => s.kind === 'command').length} commands sent`];
  if (missing.length) info.push(`unanswered by type: ${countsOf(missing.map((s) => s.type!))}; by customer: ${countsOf(missing.map((s) => s.customerId ?? '?'))}`);
  return finding('unanswered commands', 'Every valid command gets an answer (an event caused by it).', violations, info, missing.map((s) => s.customerId));
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
  const reasons: string[] = [];
  const customers: string[] = [];
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
          // A change about this user near or after the command could have been folded first: not judged.
          const recent = changes.some((c) => c.at >= commandAt - MARGIN_MS);
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
    if (knew) {
      reasons.push(d.reason);
      customers.push(d.customerId);
      violations.push(`${d.command} for ${d.customerId}${d.requestId ? ` request ${d.requestId}` : ''}${d.resellerId ? ` reseller ${d.resellerId}` : ''} refused ${d.reason}, but ${knew}`);
    }
  }
  return finding('stale refusals', 'No command is refused for want of what was on the topics well before it was sent.', violations, reasons.length ? [`by reason: ${countsOf(reasons)}`] : [], customers);
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


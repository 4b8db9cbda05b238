import { Topics } from '@mp/contracts';
import type { TopicProbe } from '../support/topic-probe';
import type { Gate } from './generator';
import { History, outcomeKey } from './oracle';

/**
 * What the upstream systems have seen so far, read from the probe as it goes: which requests
 * were answered and which relationships were established (for the gates), and a live History
 * (for how many notifications are still pending). Each probe entry is looked at once.
 */
export class Observed {
  readonly history = new History();
  private readonly answeredRequests = new Set<string>();
  private readonly established = new Set<string>();
  /** Ids of the commands some request or relationship event answered (its causation id). */
  private readonly causes = new Set<string>();
  private cursor = 0;

  constructor(private readonly probe: TopicProbe) {}

  refresh(): void {
    const seen = this.probe.seen;
    for (; this.cursor < seen.length; this.cursor++) {
      const { topic, raw, envelope } = seen[this.cursor];
      if (topic === Topics.deadLetters) continue;
      this.history.add({ topic, value: Buffer.from(raw, 'utf8') });
      if (envelope?.causationid && (topic === Topics.requestEvents || topic === Topics.relationshipEvents)) this.causes.add(envelope.causationid);
      const data = (envelope?.data ?? {}) as { requestId?: string; customerId?: string; resellerId?: string; command?: string };
      switch (envelope?.type) {
        case 'RelationshipRequested':
          this.answeredRequests.add(data.requestId!);
          break;
        case 'RequestRejected':
          if (data.command === 'RequestRelationship') this.answeredRequests.add(data.requestId!);
          break;
        case 'RelationshipEstablished':
        case 'RelationshipUpdated':
          this.established.add(`${data.customerId}/${data.resellerId}`);
          break;
      }
    }
  }

  satisfies(gate: Gate): boolean {
    return gate.kind === 'request-answered' ? this.answeredRequests.has(gate.requestId) : this.established.has(`${gate.customerId}/${gate.resellerId}`);
  }

  answered(commandId: string): boolean {
    return this.causes.has(commandId);
  }

  /** How much has been answered and settled so far: it grows while the system makes progress. */
  progressMark(): number {
    return this.causes.size + this.history.outcomes.size;
  }

  /** Webhook notifications the history calls for that have no NotificationDelivered / NotificationFailed yet. */
  pendingDeliveries(): number {
    return this.history.expectedWebhooks().filter((n) => !this.history.outcomes.has(outcomeKey(n.eventId, n.recipient.partyId))).length;
  }
}

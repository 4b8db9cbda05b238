import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { NotificationChannel as ChannelName } from '@mp/contracts';
import type { Clock } from '@mp/domain';
import { EventPublisher, KAFKA_SETTINGS, KafkaSettings } from '@mp/messaging';
import { ServiceMetrics } from '@mp/metrics';
import { CLOCK } from '@mp/platform';
import { AttemptResult, Contact, NOTIFICATION_CHANNELS, NotificationChannel, NotificationContext } from '../channels/notification-channel';
import { contactOf } from '../notification-plan';
import { outcomeEnvelopeOf, recordOfAttempt, recordOfMissingChannel, recordOfUnknownParty } from '../notification-outcome';
import { NOTIFICATION_SETTINGS, NotificationSettings } from '../notification-settings';
import { DeliveryLog, PUBLISHED, Settled } from './delivery-log';
import { DeliveryQueue, memberOf, QueueRef } from './delivery-queue';
import { AfterAttempt, afterAttempt, leaseMsOf, nextStep, QueuedNotification } from './delivery-rules';
import { NotificationParties } from './notification-parties';
import { PartyWaits } from './party-waits';

/** How long a stopping service lets the attempts in flight finish; what is left comes due again when its lease runs out. */
const SHUTDOWN_GRACE_MS = 5_000;

/**
 * Delivers what the consumer filed, off the consumer's path (DESIGN §7, §8). It takes the
 * notifications that are due from the delivery queue (leased, so no other instance takes the
 * same one meanwhile), at most `NOTIFICATION_CONCURRENCY` attempts in flight, so an endpoint
 * that hangs holds one slot and nothing else. Each notification makes one step per claim: one
 * attempt (then it is delivered, re-scheduled with exponential back-off, or failed for good),
 * a wait for its party's registration, or its end. The delivery log keeps it from ever going
 * out again once delivered; the outcome event is published from the log's record.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly log = new Logger(DeliveryWorker.name);
  private readonly channels: Map<ChannelName, NotificationChannel>;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly leaseMs: number;
  private running = false;
  private loop?: Promise<void>;
  private woken = false;
  private endPause?: () => void;

  constructor(
    private readonly queue: DeliveryQueue,
    private readonly deliveries: DeliveryLog,
    private readonly parties: NotificationParties,
    private readonly waits: PartyWaits,
    private readonly publisher: EventPublisher,
    @Inject(NOTIFICATION_CHANNELS) channels: NotificationChannel[],
    @Inject(NOTIFICATION_SETTINGS) private readonly settings: NotificationSettings,
    @Inject(KAFKA_SETTINGS) private readonly kafka: KafkaSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: ServiceMetrics,
  ) {
    this.channels = new Map(channels.map((channel) => [channel.name, channel]));
    this.leaseMs = leaseMsOf(settings);
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Something was filed or released: look at the queue now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    this.endPause?.();
  }

  /** Handles everything due by the clock now, and waits until it is done (tests move a manual clock, then drain). */
  async drain(): Promise<void> {
    for (;;) {
      const claimed = await this.fill();
      if (claimed === 0 && this.inFlight.size === 0) return;
      await Promise.race(this.inFlight.values());
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      const claimed = await this.fill().catch((error) => {
        this.log.error(`could not take due notifications; trying again: ${(error as Error).message}`);
        return 0;
      });
      if (claimed === 0 || this.inFlight.size >= this.settings.delivery.concurrency) await this.pause();
    }
  }

  /** Takes as many due notifications as there are free slots, and starts each. Returns how many it took. */
  private async fill(): Promise<number> {
    const free = this.settings.delivery.concurrency - this.inFlight.size;
    if (free <= 0) return 0;
    const now = this.clock.now().getTime();
    const claimed = await this.queue.claim(now, free, now + this.leaseMs);
    claimed.forEach((ref) => this.start(ref));
    return claimed.length;
  }

  private start(ref: QueueRef): void {
    const key = memberOf(ref);
    // Released by a registration while this instance works on it: the step under way re-schedules or removes it.
    if (this.inFlight.has(key)) return;
    const step = this.step(ref)
      .catch((error) => this.log.error({ msg: `notification step failed; due again when its lease runs out: ${(error as Error).message}`, ...ref }))
      .finally(() => {
        this.inFlight.delete(key);
        this.wake();
      });
    this.inFlight.set(key, step);
  }

  /** Until the next poll, or sooner when woken (something filed, a slot freed). */
  private pause(): Promise<void> {
    if (this.woken || !this.running) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.endPause?.(), this.settings.delivery.pollMs);
      this.endPause = () => {
        clearTimeout(timer);
        this.endPause = undefined;
        this.woken = false;
        resolve();
      };
    });
  }

  /** One claimed notification, one step: an attempt, a wait for its party, or its end. */
  private async step(ref: QueueRef): Promise<void> {
    const { item, settled } = await this.queue.read(ref);
    if (!item) return this.queue.forget(ref);
    if (settled) return this.settle(item, settled);

    const channel = this.channels.get(item.channel);
    // Filed while e-mail was on, and SMTP_URL is gone since: it can never go out.
    if (!channel) return this.settle(item, recordOfMissingChannel(item, this.clock.now()));
    const context = await this.parties.contextOf(item);
    const next = nextStep(item, contactOf(item.recipient, context.customer, context.partners), (contact) => channel.targetOf(contact), this.clock.now().getTime());
    switch (next.kind) {
      case 'attempt':
        return this.attempt(item, channel, next.target, next.contact, context);
      case 'await-party':
        return this.awaitParty(item, next.until);
      case 'party-unknown':
        this.log.warn({ ...fieldsOf(item), msg: `${item.recipient.party} ${item.recipient.partyId} never registered: NotificationFailed PARTY_UNKNOWN` });
        return this.settle(item, recordOfUnknownParty(item, this.clock.now()));
      case 'no-address':
        this.log.debug({ ...fieldsOf(item), msg: `no ${item.channel} address for ${item.recipient.party} ${item.recipient.partyId}: nothing to send` });
        return this.queue.remove(item);
    }
  }

  private async attempt(item: QueuedNotification, channel: NotificationChannel, target: string, contact: Contact, context: NotificationContext): Promise<void> {
    this.log.debug({ ...fieldsOf(item), target, attempt: item.attempts + 1, msg: `${item.channel} attempt ${item.attempts + 1} to ${target}` });
    const started = Date.now();
    const result = await channel.attempt({ notificationId: item.notificationId, event: item.event, recipient: item.recipient, target, contact, context });
    const attempts = item.attempts + 1;
    const now = this.clock.now();
    const after = afterAttempt(attempts, result, this.settings.retry, now.getTime());
    this.logAttempt(item, target, attempts, result, Date.now() - started, after);
    if (after.kind === 'retry') return this.queue.reschedule({ ...item, attempts, lastError: result.ok ? undefined : result.error }, after.at);
    return this.settle(item, recordOfAttempt(result, attempts, target, now));
  }

  private async awaitParty(item: QueuedNotification, until: number): Promise<void> {
    const waiting = { ...item, awaitsParty: true };
    await this.queue.reschedule(waiting, until);
    await this.waits.await([waiting]);
  }

  /** Records the end, publishes its outcome event (once), and takes the notification out of the queue. */
  private async settle(item: QueuedNotification, settled: Settled): Promise<void> {
    if (settled !== PUBLISHED) {
      await this.deliveries.record(item.customerId, item.notificationId, settled);
      await this.publisher.send([outcomeEnvelopeOf(this.kafka.service, item, settled)]);
      await this.deliveries.markPublished(item.customerId, [item.notificationId]);
      this.metrics.notifications.inc({ channel: item.channel, outcome: settled.status });
    }
    await this.queue.remove(item);
  }

  private logAttempt(item: QueuedNotification, target: string, attempt: number, result: AttemptResult, durationMs: number, after: AfterAttempt): void {
    const fields = { ...fieldsOf(item), target, attempt, durationMs, statusCode: result.statusCode };
    if (result.ok) this.log.log({ ...fields, msg: `${item.channel} attempt ${attempt} delivered` });
    else if (after.kind === 'retry') this.log.warn({ ...fields, error: result.error, retryInMs: after.inMs, msg: `${item.channel} attempt ${attempt} failed: ${result.error}; retrying in ${after.inMs} ms` });
    else if (result.reason) this.log.error({ ...fields, error: result.error, reason: result.reason, msg: `${item.channel} attempt ${attempt} failed: ${result.reason}: ${result.error}` });
    else this.log.error({ ...fields, error: result.error, msg: `${item.channel} attempt ${attempt} failed: ${result.error}; giving up` });
  }

  /** Stops taking work; the attempts in flight get a few seconds, then are left to their leases. */
  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    const grace = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), SHUTDOWN_GRACE_MS).unref());
    if ((await Promise.race([Promise.allSettled(this.inFlight.values()), grace])) === 'late') {
      this.log.warn(`${this.inFlight.size} notification(s) still in flight at shutdown: due again when their leases run out`);
    }
  }

  onApplicationShutdown(): void {
    for (const channel of this.channels.values()) channel.close?.();
  }
}

function fieldsOf(item: QueuedNotification) {
  return {
    notificationId: item.notificationId,
    eventId: item.event.id,
    eventType: item.event.type,
    correlationid: item.event.correlationid ?? item.event.id,
    // What caused the notification, as its outcome event (NotificationDelivered / Failed) will say.
    causationid: item.event.id,
    customerId: item.customerId,
    party: item.recipient.party,
    partyId: item.recipient.partyId,
    channel: item.channel,
  };
}

import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { CloudEvent } from '@mp/contracts';
import { Clock, CustomerEvent, CustomerState, RecipientRef, recipientsOf } from '@mp/domain';
import { EventPublisher } from '@mp/messaging';
import { CLOCK } from '@mp/platform';
import { PartnerStore } from '@mp/state';
import { NOTIFICATION_CHANNELS, NotificationChannel, NotificationContext } from './channels/notification-channel';
import { DeliveryLog, DeliveryRecord } from './delivery/delivery-log';
import { AttemptReport, withRetries } from './delivery/retries';
import { NOTIFICATION_SETTINGS, NotificationSettings } from './notification-settings';
import { outcomeOf, recordOf } from './notification-outcome';
import { contactOf, involvedPartnerIdsOf, partnerIdsOf, PlannedNotification, planNotifications } from './notification-plan';

interface Settled {
  notification: PlannedNotification;
  record: DeliveryRecord;
}

/**
 * Recipients -> channels -> outcome events. For one consumed event: who hears of it (the pure
 * `recipientsOf`), at which address, then for each notification not yet settled in the delivery
 * log, attempts with retries, records the result, and publishes NotificationDelivered /
 * NotificationFailed with ids derived from the event. A redelivered event re-sends nothing.
 */
@Injectable()
export class NotificationDispatcher implements OnApplicationShutdown {
  private readonly log = new Logger(NotificationDispatcher.name);
  private readonly channels: Map<string, NotificationChannel>;

  constructor(
    private readonly partners: PartnerStore,
    private readonly deliveries: DeliveryLog,
    private readonly publisher: EventPublisher,
    @Inject(NOTIFICATION_CHANNELS) channels: NotificationChannel[],
    @Inject(NOTIFICATION_SETTINGS) private readonly settings: NotificationSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.channels = new Map(channels.map((channel) => [channel.name, channel]));
  }

  /** Tells whoever must hear of a consumed lifecycle event (`recipientsOf`), the event folded into `customer`. */
  async dispatch(envelope: CloudEvent, customer: CustomerState): Promise<void> {
    const event = { id: envelope.id, time: envelope.time, type: envelope.type, data: envelope.data } as CustomerEvent;
    await this.deliver(envelope, customer, recipientsOf(event, customer));
  }

  /**
   * Tells `recipients` of `envelope` over every channel: a consumed event, or a notification of
   * the service's own making (an expiry reminder) whose id is just as deterministic.
   */
  async deliver(envelope: CloudEvent, customer: CustomerState, recipients: RecipientRef[]): Promise<void> {
    if (recipients.length === 0) return;
    const customerId = customer.customerId;

    const partners = await this.partners.getMany([...new Set([...partnerIdsOf(recipients), ...involvedPartnerIdsOf(envelope.data, customer)])]);
    const context: NotificationContext = { customer, partners };
    const planned = planNotifications(envelope.id, recipients, (r) => contactOf(r, customer, partners), [...this.channels.values()]);
    const known = await this.deliveries.read(customerId, planned.map((n) => n.notificationId));

    // Every notification settles before anything is thrown, so a retry of this handler never races an attempt still running.
    const results = await Promise.allSettled(planned.map((notification) => this.settle(envelope, context, notification, known.get(notification.notificationId))));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
    const settled = results.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
    if (settled.length === 0) return;

    const source = { id: envelope.id, type: envelope.type, customerId };
    await this.publisher.publish(envelope, settled.map(({ notification, record }) => outcomeOf(source, notification, record)));
    await this.deliveries.markPublished(customerId, settled.map(({ notification, record }) => [notification.notificationId, record]));
  }

  onApplicationShutdown(): void {
    for (const channel of this.channels.values()) channel.close?.();
  }

  /** One notification to its end: nothing (no address, or already done), the known record, or a fresh delivery. */
  private async settle(envelope: CloudEvent, context: NotificationContext, notification: PlannedNotification, known: DeliveryRecord | undefined): Promise<Settled | undefined> {
    const fields = this.logFieldsOf(envelope, notification);
    const { target } = notification;
    if (!target) {
      const who = `${notification.recipient.party} ${notification.recipient.partyId}`;
      if (notification.unknownRecipient) this.log.warn({ ...fields, msg: `${who} is not registered here (yet): nothing sent` });
      else this.log.debug({ ...fields, msg: `no ${notification.channel} address for ${who}: nothing sent` });
      return undefined;
    }
    if (known?.published) {
      this.log.debug({ ...fields, msg: `already ${known.status} (${known.attempts} attempts): not sent again` });
      return undefined;
    }
    if (known) {
      this.log.log({ ...fields, msg: `already ${known.status}, outcome not yet published: publishing it` });
      return { notification, record: known };
    }

    const channel = this.channels.get(notification.channel)!;
    const attempt = { notificationId: notification.notificationId, event: envelope, recipient: notification.recipient, target, context };
    const result = await withRetries(() => channel.attempt(attempt), this.settings.retry, {
      onAttempt: (report) => this.logAttempt({ ...fields, target }, report),
    });
    const record = recordOf(result, target, this.clock.now());
    await this.deliveries.record(context.customer.customerId, notification.notificationId, record);
    return { notification, record };
  }

  private logFieldsOf(envelope: CloudEvent, notification: PlannedNotification) {
    return {
      notificationId: notification.notificationId,
      eventId: envelope.id,
      eventType: envelope.type,
      correlationid: envelope.correlationid ?? envelope.id,
      party: notification.recipient.party,
      partyId: notification.recipient.partyId,
      channel: notification.channel,
    };
  }

  private logAttempt(context: ReturnType<NotificationDispatcher['logFieldsOf']> & { target: string }, report: AttemptReport): void {
    const { attempt, result, durationMs, retryInMs } = report;
    const fields = { ...context, attempt, durationMs, statusCode: result.statusCode };
    if (result.ok) {
      this.log.log({ ...fields, msg: `${context.channel} attempt ${attempt} delivered` });
    } else if (retryInMs !== undefined) {
      this.log.warn({ ...fields, error: result.error, retryInMs, msg: `${context.channel} attempt ${attempt} failed: ${result.error}; retrying in ${retryInMs} ms` });
    } else {
      this.log.error({ ...fields, error: result.error, msg: `${context.channel} attempt ${attempt} failed: ${result.error}; giving up` });
    }
  }
}

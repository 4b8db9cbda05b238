import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock, dueReminders, nextReminderAfter, nextReminderAt, reminderRecipientsOf } from '@mp/domain';
import { KAFKA_SETTINGS, KafkaSettings } from '@mp/messaging';
import { CLOCK } from '@mp/platform';
import { CustomerStore } from '@mp/state';
import { NotificationOutbox } from '../delivery/notification-outbox';
import { reminderEnvelopeOf } from './expiry-reminder.envelope';

/**
 * Reminders 30, 7 and 1 days before delegated admin privileges expire (DESIGN §8), fired by the
 * scheduler. The due index files each customer at `nextReminderAt` (its earliest reminder time,
 * past ones included: the state knows neither "now" nor what was sent). When it comes up, this
 * files in the outbox what is due by the injected clock, each reminder once (its notification ids
 * derive from the reminder, and the queue and the delivery log keep them), then files the
 * customer at its next future reminder time. A fold later files it at the earliest time again:
 * one pass that files nothing new.
 */
@Injectable()
export class ExpiryReminders {
  private readonly log = new Logger(ExpiryReminders.name);

  constructor(
    private readonly customers: CustomerStore,
    private readonly outbox: NotificationOutbox,
    @Inject(KAFKA_SETTINGS) private readonly kafka: KafkaSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async remind(customerId: string): Promise<void> {
    const now = this.clock.now();
    const { state, version } = await this.customers.load(customerId);

    const due = dueReminders(state, now);
    const sent = await Promise.allSettled(
      due.map((reminder) => {
        const envelope = reminderEnvelopeOf(reminder, this.kafka.service);
        this.log.log({ msg: `${reminder.daysBefore}-day expiry reminder for ${customerId} / ${reminder.resellerId}`, customerId, resellerId: reminder.resellerId, eventId: envelope.id, expiresAt: reminder.delegatedAdmin.expiresAt });
        return this.outbox.file(envelope, state, reminderRecipientsOf(reminder));
      }),
    );
    // Left where it is, the customer comes up again at the next pass, and what was filed is not filed twice.
    const failure = sent.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;

    const index = this.customers.dueIndex!;
    await index.set(customerId, nextReminderAfter(state, now));
    // A fold that landed meanwhile filed the customer by its new state, which the line above may have
    // overwritten: then file it again by the newest state (at worst one pass that sends nothing).
    const latest = await this.customers.load(customerId);
    if (latest.version !== version) await index.set(customerId, nextReminderAt(latest.state));
  }
}

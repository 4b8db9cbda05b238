import { Inject, Injectable } from '@nestjs/common';
import type { CloudEvent } from '@mp/contracts';
import { Clock, CustomerState, RecipientRef } from '@mp/domain';
import { CLOCK } from '@mp/platform';
import { PartnerStore, StateRebuild } from '@mp/state';
import { NOTIFICATION_CHANNELS, NotificationChannel } from '../channels/notification-channel';
import { contactOf, partnerIdsOf, PartyKey, planNotifications } from '../notification-plan';
import { NOTIFICATION_SETTINGS, NotificationSettings } from '../notification-settings';
import { DeliveryQueue } from './delivery-queue';
import { firstDueAt, queuedNotificationOf } from './delivery-rules';
import { DeliveryWorker } from './delivery-worker';
import { PartyWaits } from './party-waits';

/**
 * Where the consumer hands notifications over (DESIGN §7, §8): who hears of an event over which
 * channel, filed durably in the delivery queue, and nothing more. No attempt is made on the
 * consumer's path, so a slow endpoint never holds up a partition; the delivery worker takes it
 * from there. A notification whose party is not registered yet is filed all the same, and waits.
 */
@Injectable()
export class NotificationOutbox {
  constructor(
    private readonly partners: PartnerStore,
    private readonly queue: DeliveryQueue,
    private readonly waits: PartyWaits,
    private readonly worker: DeliveryWorker,
    @Inject(NOTIFICATION_CHANNELS) private readonly channels: NotificationChannel[],
    @Inject(NOTIFICATION_SETTINGS) private readonly settings: NotificationSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly state: StateRebuild,
  ) {}

  /**
   * Files the notifications telling `recipients` of `envelope` (a consumed event, or a reminder of
   * the service's own making, whose id is just as deterministic). Filing the same event again
   * files nothing new: notifications are keyed by ids derived from it, and settled ones stay settled.
   */
  async file(envelope: CloudEvent, customer: CustomerState, recipients: RecipientRef[]): Promise<void> {
    if (recipients.length === 0) return;
    // Redis was lost a moment ago and this instance has not begun the rebuild yet: the delivery
    // log may be gone, so filing now could send a settled notification again. The rebuild consumes
    // this event again (it was begun, so it is below the replay horizon) and files it then.
    if (await this.state.stale()) return;
    const partners = await this.partners.getMany(partnerIdsOf(recipients));
    const planned = planNotifications(envelope.id, recipients, (r) => contactOf(r, customer, partners), this.channels);
    const now = this.clock.now();
    const items = planned.map((notification) => queuedNotificationOf(notification, envelope, customer.customerId, now, this.settings.partyWaitMs));

    const queued = await this.queue.file(customer.customerId, items.map((item) => ({ item, dueAt: firstDueAt(item) })));
    await this.waits.await(queued.filter((item) => item.awaitsParty));
    this.worker.wake();
  }

  /** A party's registration is folded: what waited for it goes out now. */
  async registered(party: PartyKey): Promise<void> {
    if ((await this.waits.release(party)) > 0) this.worker.wake();
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Clock } from '@mp/domain';
import { CLOCK } from '@mp/platform';
import { PartyKey, partyKeyOf } from '../notification-plan';
import { DeliveryQueue } from './delivery-queue';
import type { QueuedNotification } from './delivery-rules';
import { NotificationParties } from './notification-parties';

/**
 * Notifications waiting for their party's registration (DESIGN §7). A waiting notification is
 * scheduled at the end of its wait and put on its party's waiting list; the registration, once
 * folded, makes everything on the list due now. Whoever puts a notification on the list looks at
 * the party again afterwards, and whoever folds a registration reads the list afterwards, so one
 * of the two always sees the other: a registration folded in between is never missed.
 */
@Injectable()
export class PartyWaits {
  constructor(
    private readonly queue: DeliveryQueue,
    private readonly parties: NotificationParties,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Puts queued notifications on their parties' waiting lists. Returns how many turned out to be due at once. */
  async await(items: QueuedNotification[]): Promise<number> {
    let released = 0;
    for (const [party, waiting] of byParty(items)) {
      await this.queue.awaitParty(party, waiting);
      if (await this.parties.isRegistered(waiting[0].recipient)) released += await this.release(party);
    }
    return released;
  }

  /** The party's registration is folded: what waited for it is due now. Returns how many. */
  release(party: PartyKey): Promise<number> {
    return this.queue.releaseParty(party, this.clock.now().getTime());
  }
}

function byParty(items: QueuedNotification[]): Map<PartyKey, QueuedNotification[]> {
  const grouped = new Map<PartyKey, QueuedNotification[]>();
  for (const item of items) {
    const party = partyKeyOf(item.recipient);
    grouped.set(party, [...(grouped.get(party) ?? []), item]);
  }
  return grouped;
}

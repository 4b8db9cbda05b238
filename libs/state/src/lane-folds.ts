import { Injectable, Logger } from '@nestjs/common';
import { describeThrown } from '@mp/contracts';
import { KafkaTransport } from '@mp/messaging';
import { FoldSession } from '@mp/redis';

/**
 * The scope of each key lane of a service that only folds (the directory, `StateModule`'s
 * `foldsPerLane`): the lane's folds run in a `FoldSession`, so one customer's consecutive events in
 * a batch read its state once and write it once. When that write fails (another writer came first), the lane runs again, event by event,
 * on what is in Redis now; its messages count as handled only once their folds are written.
 */
@Injectable()
export class LaneFolds {
  private readonly log = new Logger(LaneFolds.name);

  constructor(transport: KafkaTransport) {
    transport.useLaneScope((lane) => this.run(lane));
  }

  private async run(lane: () => Promise<void>): Promise<void> {
    try {
      await FoldSession.run(lane);
    } catch (error) {
      this.log.debug(`a lane's folds could not be written as one (${describeThrown(error)}): folding its events again one by one`);
      await lane();
    }
  }
}

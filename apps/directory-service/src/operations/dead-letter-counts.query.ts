import { Inject, Injectable } from '@nestjs/common';
import { Topics } from '@mp/contracts';
import { KAFKA_SETTINGS, KafkaSettings } from '@mp/messaging';
import { listDeadLetters, operationsKafka } from '@mp/operations';
import type { Kafka } from 'kafkajs';
import { countDeadLetters } from './dead-letter-counts';
import type { DeadLetterCountsDto } from './operations.dto';
import { askKafka } from './operations-unavailable';

/**
 * The dead letters on the topic now, counted, as `npm run ops -- dlq list` reads them: the whole
 * topic, by a throwaway consumer that commits nothing. A read costs a group join and the topic's
 * size, so callers asking at the same time share one read.
 */
@Injectable()
export class DeadLetterCountsQuery {
  private readonly kafka: Kafka;
  private pending?: Promise<DeadLetterCountsDto>;

  constructor(@Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings) {
    this.kafka = operationsKafka(settings, `${settings.service}-ops`);
  }

  run(): Promise<DeadLetterCountsDto> {
    this.pending ??= this.read().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async read(): Promise<DeadLetterCountsDto> {
    const letters = await askKafka(this.settings, () => listDeadLetters(this.kafka, this.settings));
    return {
      topic: Topics.deadLetters,
      at: new Date().toISOString(),
      total: letters.length,
      notReplayed: letters.filter((l) => l.replays.length === 0).length,
      counts: countDeadLetters(letters),
    };
  }
}

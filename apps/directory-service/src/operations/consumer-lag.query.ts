import { Inject, Injectable } from '@nestjs/common';
import { KAFKA_SETTINGS, KafkaSettings } from '@mp/messaging';
import { consumerLag, operationsKafka } from '@mp/operations';
import type { Kafka } from 'kafkajs';
import type { ConsumerLagDto } from './operations.dto';
import { askKafka } from './operations-unavailable';

/** The lag of the four services' consumer groups, as `npm run ops -- lag` reads it: admin requests only, nothing consumed. */
@Injectable()
export class ConsumerLagQuery {
  private readonly kafka: Kafka;

  constructor(@Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings) {
    this.kafka = operationsKafka(settings, `${settings.service}-ops`);
  }

  async run(): Promise<ConsumerLagDto> {
    const groups = await askKafka(this.settings, () => consumerLag(this.kafka, this.settings));
    return { at: new Date().toISOString(), groups };
  }
}

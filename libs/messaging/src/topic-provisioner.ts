import { Inject, Injectable, Logger } from '@nestjs/common';
import { ALL_TOPICS, Topics } from '@mp/contracts';
import { ITopicConfig, Kafka } from 'kafkajs';
import { KafkaSettings, physicalTopic } from './kafka-settings';
import { KAFKA_SETTINGS } from './tokens';

/** Retention per topic: event history is kept forever so read models can be rebuilt (DESIGN §7). */
function configFor(topic: string): ITopicConfig['configEntries'] {
  const forever = [{ name: 'retention.ms', value: '-1' }];
  if (topic === Topics.requestCommands || topic === Topics.consentCommands) {
    return [{ name: 'retention.ms', value: String(30 * 24 * 3600 * 1000) }];
  }
  // A dead letter is the original (up to KAFKA_MAX_MESSAGE_BYTES, 1 MiB) plus its failure headers.
  if (topic === Topics.deadLetters) return [...forever, { name: 'max.message.bytes', value: String(3 * 1024 * 1024) }];
  return forever;
}

/** Topics the broker's ACLs hid or refused: the error says so, and what the principal needs, not kafkajs' "Topic creation errors". */
function notAuthorizedToCreate(error: unknown): Error | undefined {
  const refused = ((error as { errors?: Array<{ type?: string; topic?: string }> }).errors ?? []).filter((e) => e.type === 'TOPIC_AUTHORIZATION_FAILED');
  if ((error as { type?: string }).type !== 'TOPIC_AUTHORIZATION_FAILED' && refused.length === 0) return undefined;
  const topics = refused.map((e) => e.topic).filter(Boolean);
  return new Error(
    `Kafka refused to create or describe the topics${topics.length ? ` ${topics.join(', ')}` : ''} (TOPIC_AUTHORIZATION_FAILED): ` +
      'this principal needs DESCRIBE and CREATE on the contract topics, or the topics must exist (npm run ops -- acls)',
  );
}

/**
 * Creates the contract's topics at start, idempotently: the broker never auto-creates them.
 * Every service does it, so whichever starts first leaves the cluster ready for the others.
 */
@Injectable()
export class TopicProvisioner {
  private readonly logger = new Logger(TopicProvisioner.name);

  constructor(
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    private readonly kafka: Kafka,
  ) {}

  async ensureTopics(topics: readonly string[] = ALL_TOPICS): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(physicalTopic(this.settings, t)));
      if (missing.length === 0) return;
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic: physicalTopic(this.settings, topic),
          numPartitions: this.settings.partitions,
          replicationFactor: this.settings.replicationFactor,
          configEntries: configFor(topic),
        })),
      });
      this.logger.log(`created topics: ${missing.join(', ')}`);
    } catch (error) {
      // Another service may have created them a moment ago: that is success too.
      if ((error as { type?: string }).type === 'TOPIC_ALREADY_EXISTS') return;
      throw notAuthorizedToCreate(error) ?? error;
    } finally {
      await admin.disconnect();
    }
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { BrokerPing } from './broker-ping';
import { EventPublisher } from './event-publisher';
import { Environment, ENVIRONMENT } from '@mp/config';
import { createKafka, kafkaSettingsOf, KafkaSettings } from './kafka-settings';
import { KafkaTransport } from './kafka-transport.server';
import { TopicProvisioner } from './topic-provisioner';
import { KAFKA_SETTINGS } from './tokens';

/** Kafka for one service: its settings, client, publisher, topic provisioning, transport, logging context and broker ping. */
@Module({})
export class MessagingModule {
  static forService(service: string): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: KAFKA_SETTINGS, useFactory: (env: Environment) => kafkaSettingsOf(service, env), inject: [ENVIRONMENT] },
        { provide: Kafka, useFactory: (settings: KafkaSettings) => createKafka(settings), inject: [KAFKA_SETTINGS] },
        EventPublisher,
        TopicProvisioner,
        KafkaTransport,
        BrokerPing,
      ],
      exports: [KAFKA_SETTINGS, Kafka, EventPublisher, TopicProvisioner, KafkaTransport, BrokerPing],
    };
  }
}

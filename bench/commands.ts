/**
 * The messages the intake and freshness benchmarks publish, as an upstream system would: reference
 * data (resellers selling in DE, customers in DE with one admin) and the commands of the happy
 * path, a request for a relationship without privileges and its approval by the customer's admin.
 */
import { MessageData, Topics } from '@mp/contracts';
import { createKafka, KafkaSettings, kafkaSettingsFromEnv, physicalTopic, toKafkaMessage, upstreamEnvelope } from '@mp/messaging';
import { Partitioners, Producer } from 'kafkajs';
import type { Batch } from './flow';

export const ADMIN = 'admin-1';
const SOURCE = 'bench-upstream';

/** The bench's Kafka client in the run's namespace: producers keyed as the contract says (Java's partitioning), and the physical topic of a name. */
export function benchKafka() {
  const settings = kafkaSettingsFromEnv('bench');
  const kafka = createKafka(settings);
  return {
    settings,
    kafka,
    admin: kafka.admin(),
    producer: () => kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false }),
    topic: (name: string) => physicalTopic(settings, name),
  };
}

/** Registers the resellers and customers; resolves once the broker has them (not once the services folded them). */
export async function publishReferenceData(producer: Producer, settings: KafkaSettings, resellers: readonly string[], customers: readonly string[]): Promise<void> {
  await producer.send({
    topic: physicalTopic(settings, Topics.partnerEvents),
    messages: resellers.map((partnerId) =>
      toKafkaMessage(upstreamEnvelope(SOURCE, 'PartnerRegistered', { partnerId, name: `Reseller ${partnerId}`, kind: 'direct-reseller', specializations: ['Azure'], countries: ['DE', 'AT'] })),
    ),
  });
  for (let i = 0; i < customers.length; i += 500) {
    await producer.send({
      topic: physicalTopic(settings, Topics.customerEvents),
      messages: customers
        .slice(i, i + 500)
        .map((customerId) => toKafkaMessage(upstreamEnvelope(SOURCE, 'CustomerRegistered', { customerId, name: `Customer ${customerId}`, country: 'DE', admins: [ADMIN] }))),
    });
  }
}

/** One asked relationship: the request id the caller chose, its customer and its reseller. */
export interface Ask {
  requestId: string;
  customerId: string;
  resellerId: string;
}

/** `RequestRelationship` for each ask: services without delegated admin privileges, so no approval ever conflicts with another reseller's. */
export function requestBatch(asks: readonly Ask[]): Batch {
  return {
    ids: asks.map((a) => a.requestId),
    messages: asks.map(({ requestId, customerId, resellerId }) => {
      const data: MessageData<'RequestRelationship'> = {
        requestId,
        customerId,
        resellerId,
        services: ['Azure', 'Microsoft365'],
        message: 'We would like to manage your cloud services.',
        requestedBy: { userId: 'agent-bench' },
      };
      return toKafkaMessage(upstreamEnvelope(SOURCE, 'RequestRelationship', data));
    }),
  };
}

/** `ApproveRequest` for each ask, by the customer's admin. */
export function approveBatch(asks: readonly Ask[]): Batch {
  return {
    ids: asks.map((a) => a.requestId),
    messages: asks.map(({ requestId, customerId }) => {
      const data: MessageData<'ApproveRequest'> = { requestId, customerId, approvedBy: { userId: ADMIN } };
      return toKafkaMessage(upstreamEnvelope(SOURCE, 'ApproveRequest', data));
    }),
  };
}

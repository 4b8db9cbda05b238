import { ServiceUnavailableException } from '@nestjs/common';
import type { KafkaSettings } from '@mp/messaging';
import { describeKafkaError, OperationError } from '@mp/operations';

/**
 * Runs an operations read; what Kafka or the topics make impossible (a broker that does not
 * answer, a topic not created yet) is a 503 saying so in one line. Anything else is a bug: a 500.
 */
export async function askKafka<T>(settings: KafkaSettings, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const known = error instanceof OperationError ? error.message : describeKafkaError(error, settings.brokers);
    if (known === undefined) throw error;
    throw new ServiceUnavailableException({ statusCode: 503, error: 'Service Unavailable', message: known });
  }
}

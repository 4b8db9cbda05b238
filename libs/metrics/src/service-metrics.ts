import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The Prometheus text exposition format. */
export const METRICS_CONTENT_TYPE: string = Registry.PROMETHEUS_CONTENT_TYPE;

/** A label value that is not a known, bounded one (an id, free text) becomes this. */
export const OTHER = 'other';

/**
 * The metrics of one service (DESIGN §9), on a registry of its own (several services may run in
 * one process in tests). Every label value is bounded: a message type, a contract topic, a reason
 * or outcome from the contract, a partition number; never an id.
 */
export class ServiceMetrics {
  readonly registry = new Registry();

  readonly consumed = new Counter({ name: 'mp_messages_consumed_total', help: 'Messages read from Kafka, by contract topic and CloudEvents type (`invalid` when it could not be decoded).', labelNames: ['topic', 'type'], registers: [this.registry] });
  readonly produced = new Counter({ name: 'mp_messages_produced_total', help: 'Messages written to Kafka, by contract topic and type.', labelNames: ['topic', 'type'], registers: [this.registry] });
  readonly rejected = new Counter({ name: 'mp_messages_rejected_total', help: 'Rejection events produced (RequestRejected, ConsentRejected), by type and reason code.', labelNames: ['type', 'reason'], registers: [this.registry] });
  readonly deadLetters = new Counter({ name: 'mp_dead_letters_total', help: 'Messages dead-lettered, by origin contract topic and error class.', labelNames: ['topic', 'error_class'], registers: [this.registry] });
  readonly handlerDuration = new Histogram({
    name: 'mp_handler_duration_seconds',
    help: 'Time to handle one message (retries included), by type.',
    labelNames: ['type'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly consumerLag = new Gauge({ name: 'mp_consumer_lag', help: 'Messages on the partition not yet handled by this instance, as of its last batch.', labelNames: ['topic', 'partition'], registers: [this.registry] });
  readonly notifications = new Counter({ name: 'mp_notifications_total', help: 'Notifications settled, by channel and outcome (delivered, failed).', labelNames: ['channel', 'outcome'], registers: [this.registry] });
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests served, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor(readonly service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
  }

  /** The Prometheus text exposition of everything above. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}

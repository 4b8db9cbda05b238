import { CloudEvent, MessageCatalog, MessageType, TopicName, Topics } from '@mp/contracts';
import { KafkaSettings, kafkaSettingsFromEnv, physicalTopic, upstreamEnvelope, createKafka, TopicProvisioner } from '@mp/messaging';
import { Consumer, IHeaders, Kafka, Producer } from 'kafkajs';

export interface Seen {
  topic: TopicName;
  key: string | null;
  headers: IHeaders;
  raw: string;
  envelope?: CloudEvent;
}

/**
 * The test's view of Kafka, as an upstream system and an ops team would have it: publish
 * upstream messages, raw bytes, and watch every contract topic.
 */
export class TopicProbe {
  readonly seen: Seen[] = [];
  private readonly settings: KafkaSettings;
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private consumer?: Consumer;
  private listeners: Array<() => void> = [];

  constructor() {
    this.settings = kafkaSettingsFromEnv('test-probe');
    this.kafka = createKafka(this.settings);
    this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
  }

  async start(): Promise<void> {
    await new TopicProvisioner(this.settings, this.kafka).ensureTopics();
    await this.producer.connect();
    const consumer = this.kafka.consumer({ groupId: `${this.settings.namespace}probe`, maxWaitTimeInMs: 100 });
    this.consumer = consumer;
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    const byPhysical = new Map(Object.values(Topics).map((t) => [physicalTopic(this.settings, t), t]));
    await consumer.subscribe({ topics: [...byPhysical.keys()], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const raw = message.value?.toString('utf8') ?? '';
        let envelope: CloudEvent | undefined;
        try {
          envelope = JSON.parse(raw) as CloudEvent;
        } catch {
          envelope = undefined;
        }
        this.seen.push({ topic: byPhysical.get(topic)!, key: message.key?.toString() ?? null, headers: message.headers ?? {}, raw, envelope });
        this.listeners.forEach((notify) => notify());
      },
    });
    await joined;
  }

  /** Publishes a message as an upstream system would: a fresh CloudEvent on the type's topic. */
  async publish<T extends MessageType>(type: T, data: unknown): Promise<CloudEvent> {
    const envelope = upstreamEnvelope('test-upstream', type, data);
    await this.sendEnvelope(envelope);
    return envelope;
  }

  async sendEnvelope(envelope: CloudEvent): Promise<void> {
    const topic = MessageCatalog[envelope.type as MessageType]?.topic ?? Topics.requestCommands;
    const key = (envelope.data as { customerId?: string; partnerId?: string } | undefined)?.customerId ?? null;
    await this.producer.send({ topic: physicalTopic(this.settings, topic), messages: [{ key, value: JSON.stringify(envelope) }] });
  }

  /** Sends bytes as they are, to show what bad input does. */
  async sendRaw(topic: TopicName, value: string, key: string | null = null): Promise<void> {
    await this.producer.send({ topic: physicalTopic(this.settings, topic), messages: [{ key, value }] });
  }

  events(type?: string, where: (e: CloudEvent) => boolean = () => true): CloudEvent[] {
    return this.seen.flatMap((s) => (s.envelope && (!type || s.envelope.type === type) && where(s.envelope) ? [s.envelope] : []));
  }

  /** Waits until `predicate` holds over what has been seen, or fails after `timeoutMs`. */
  async waitFor<T>(what: string, predicate: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = predicate();
      if (result) return result;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; saw: ${this.summary()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.listeners.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.listeners = [];
    }
  }

  /** Waits for the first event of `type` matching `where`. */
  waitForEvent(type: string, where: (e: CloudEvent) => boolean = () => true, timeoutMs?: number): Promise<CloudEvent> {
    return this.waitFor(`${type}`, () => this.events(type, where)[0], timeoutMs);
  }

  summary(): string {
    return this.seen.map((s) => s.envelope?.type ?? `<${s.topic}: ${s.raw.slice(0, 40)}>`).join(', ');
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer.disconnect();
  }
}



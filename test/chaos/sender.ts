import { CloudEvent, MessageCatalog, specOf, TopicName } from '@mp/contracts';
import { createKafka, KafkaSettings, physicalTopic, toKafkaMessage } from '@mp/messaging';
import { Message, Partitioners, Producer } from 'kafkajs';
import type { Outgoing } from './generator';
import type { Flaw } from './malformed';

export type Phase = 'setup' | 'stream' | 'calm';

/** One message as it went out: what it was and where it landed. */
export interface Sent {
  kind: 'command' | 'reference' | 'malformed';
  phase: Phase;
  type?: string;
  id?: string;
  customerId?: string;
  flaw?: Flaw;
  description?: string;
  topic: TopicName;
  partition: number;
  offset: string;
  sentAt: number;
  /** For a gated command: sent once what it waited for was seen, or at the gate's deadline. */
  released?: 'answered' | 'deadline';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The upstream systems' producer: each message is sent on its own (acks from all replicas) so
 * its partition and offset are known, keyed as the contract says (customer, or partner), with or
 * without the CloudEvents content-type header. A send that fails (the broker is restarting) is
 * tried again a few times; what still fails is recorded as unsent, and three of those in a row
 * end the run (the broker is gone: waiting on would only make the run hang).
 */
export class Sender {
  readonly sent: Sent[] = [];
  readonly unsent: Array<{ what: string; error: string }> = [];
  private readonly producer: Producer;
  private failuresInARow = 0;

  constructor(private readonly settings: KafkaSettings) {
    this.producer = createKafka(settings, '-upstream').producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  async send(out: Outgoing, phase: Phase, released?: Sent['released']): Promise<Sent | undefined> {
    const now = new Date();
    const { topic, message, record } = this.prepare(out, now);
    for (let attempt = 1; ; attempt++) {
      try {
        const [metadata] = await this.producer.send({ topic: physicalTopic(this.settings, topic), acks: -1, messages: [message] });
        const sent: Sent = { ...record, phase, topic, partition: metadata.partition, offset: String(metadata.baseOffset), sentAt: now.getTime(), ...(released ? { released } : {}) };
        this.sent.push(sent);
        this.failuresInARow = 0;
        return sent;
      } catch (error) {
        if (attempt >= 4) {
          this.unsent.push({ what: record.type ?? record.description ?? 'message', error: (error as Error).message });
          if (++this.failuresInARow >= 3) throw new Error(`the broker does not take messages any more (${this.failuresInARow} sends in a row failed): ${(error as Error).message}`);
          return undefined;
        }
        await sleep(2_000);
      }
    }
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  private prepare(out: Outgoing, now: Date): { topic: TopicName; message: Message; record: Pick<Sent, 'kind' | 'type' | 'id' | 'customerId' | 'flaw' | 'description'> } {
    if (out.kind === 'malformed') {
      return {
        topic: out.topic,
        message: { key: out.key, value: out.value(now) },
        record: { kind: 'malformed', flaw: out.flaw, description: out.description, customerId: out.key ?? undefined },
      };
    }
    const key = specOf(out.type).keyOf(out.data as never);
    const envelope: CloudEvent = { specversion: '1.0', id: out.id, type: out.type, source: 'chaos-upstream', time: now.toISOString(), subject: key, datacontenttype: 'application/json', data: out.data };
    const message = toKafkaMessage(envelope);
    if (out.plainJson) delete message.headers;
    const customerId = typeof out.data.customerId === 'string' ? out.data.customerId : undefined;
    return { topic: MessageCatalog[out.type].topic, message, record: { kind: out.kind, type: out.type, id: out.id, customerId } };
  }
}

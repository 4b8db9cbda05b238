import { BaseRpcContext } from '@nestjs/microservices';
import type { KafkaMessage } from 'kafkajs';

type Args = [topic: string, partition: number, message: KafkaMessage, attempt: number, replay: boolean];

/** What a handler may want besides the envelope: where the message came from, and which attempt this is. */
export class KafkaMessageContext extends BaseRpcContext<Args> {
  getTopic(): string {
    return this.args[0];
  }
  getPartition(): number {
    return this.args[1];
  }
  getMessage(): KafkaMessage {
    return this.args[2];
  }
  getAttempt(): number {
    return this.args[3];
  }
  /** Consumed again to rebuild a lost state: its effects (notifications) are out already. */
  isReplay(): boolean {
    return this.args[4];
  }
}

import { Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { describeThrown, MessageType } from '@mp/contracts';
import type { Clock } from '@mp/domain';
import { commandEnvelope, EventPublisher, KAFKA_SETTINGS, KafkaSettings } from '@mp/messaging';
import { CLOCK } from '../clock.module';
import { badRequest } from '../http-errors';
import type { CommandBody } from './command-body';

/** What a command route answers with 202: the id of the command it published. */
export interface CommandAccepted {
  commandId: string;
}

/**
 * The Kafka end of the HTTP command routes (DESIGN §10): the command is checked exactly as its
 * consumer will check it (`commandEnvelope`: the contract's rules, the input limits, the size),
 * then published on its topic under its customer's key as an upstream system would publish it,
 * with the HTTP request's id as its correlation. Refused data is a 400 naming each field, and
 * nothing is published; a broker that cannot take it is a 503.
 */
@Injectable()
export class HttpCommandPublisher {
  private readonly logger = new Logger(HttpCommandPublisher.name);

  constructor(
    private readonly publisher: EventPublisher,
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Checks and publishes the command; `request` is the HTTP request, whose id (`x-request-id`, or one made up) becomes the correlation. */
  async publish(type: MessageType, data: CommandBody, request: { id?: unknown } = {}): Promise<CommandAccepted> {
    const correlationid = typeof request.id === 'string' && request.id ? request.id : undefined;
    const origin = { source: `${this.settings.service}/http`, correlationid, now: this.clock.now() };
    const checked = commandEnvelope(type, data, origin, { maxMessageBytes: this.settings.maxMessageBytes });
    if (!checked.ok) {
      throw badRequest(
        checked.errors.map((e) => ({ field: e.path, constraints: e.constraints })),
        `${checked.message} ${checked.errors.flatMap((e) => e.constraints.map((c) => (e.path && !c.startsWith(e.path) ? `${e.path}: ${c}` : c))).join('; ')}`.trim(),
      );
    }
    try {
      await this.publisher.send([checked.envelope]);
    } catch (error) {
      this.logger.warn({ msg: `${type} from HTTP not published: ${describeThrown(error)}`, commandId: checked.envelope.id });
      throw new ServiceUnavailableException({ statusCode: 503, error: 'Service Unavailable', message: `The command could not be published to Kafka: ${describeThrown(error)}; send it again.` });
    }
    this.logger.log({ msg: `${type} accepted over HTTP`, commandId: checked.envelope.id, customerId: checked.envelope.subject });
    return { commandId: checked.envelope.id };
  }
}

import { CloudEvent, MessageType } from '@mp/contracts';
import { TopicProbe } from './topic-probe';

type Data = Record<string, unknown>;

/**
 * The upstream systems of an end-to-end test: publish reference data and commands as a portal
 * would, and wait for the answer each command gets.
 */
export class Upstream {
  constructor(private readonly probe: TopicProbe) {}

  /** Every party the tests register gets an address on the test's SMTP server. */
  static emailOf(partyId: string): string {
    return `${partyId}@parties.test`;
  }

  partner(partnerId: string, data: Data = {}): Promise<CloudEvent> {
    return this.probe.publish('PartnerRegistered', {
      partnerId,
      name: `Partner ${partnerId}`,
      kind: 'direct-reseller',
      specializations: [],
      countries: ['DE'],
      email: Upstream.emailOf(partnerId),
      ...data,
    });
  }

  customer(customerId: string, admins: string[], data: Data = {}): Promise<CloudEvent> {
    return this.probe.publish('CustomerRegistered', { customerId, name: `Customer ${customerId}`, country: 'DE', admins, email: Upstream.emailOf(customerId), ...data });
  }

  /** Publishes a command and returns the first event of `answers` it caused. */
  async command(type: MessageType, data: Data, answers: string[]): Promise<CloudEvent<any>> {
    const sent = await this.probe.publish(type, data);
    return this.probe.waitFor(`${answers.join(' or ')} for ${type}`, () => this.probe.events(undefined, (e) => e.causationid === sent.id && answers.includes(e.type))[0]);
  }

  /** All the events a command caused, once `count` of them have arrived. */
  async commandAll(type: MessageType, data: Data, count: number): Promise<CloudEvent<any>[]> {
    const sent = await this.probe.publish(type, data);
    return this.probe.waitFor(`${count} events for ${type}`, () => {
      const caused = this.probe.events(undefined, (e) => e.causationid === sent.id);
      return caused.length >= count && caused;
    });
  }

  request(data: Data): Promise<CloudEvent<any>> {
    return this.command('RequestRelationship', data, ['RelationshipRequested', 'RequestRejected']);
  }

  approve(data: Data): Promise<CloudEvent<any>> {
    return this.command('ApproveRequest', data, ['RelationshipEstablished', 'RelationshipUpdated', 'ConsentRejected']);
  }
}

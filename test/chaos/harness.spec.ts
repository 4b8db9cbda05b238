import { TopicName, Topics } from '@mp/contracts';
import { decode } from '@mp/messaging';
import { chaosConfigFromEnv } from './config';
import { firstDifference, stableJson } from './findings';
import { Generator, Outgoing } from './generator';
import { conflictingDuplicates, readEntries, staleRefusals } from './invariants';
import { Flaws, malformedMessage } from './malformed';
import { notifications } from './notification-invariants';
import { Entry, History, mergeByTime } from './oracle';
import { Random } from './random';

/** The chaos harness's own pure parts: what the oracle and the generator stand on. */
describe('chaos harness', () => {
  const addresses = { urlFor: (id: string) => `http://127.0.0.1:1/hooks/${id}`, hangingUrlFor: (id: string) => `http://127.0.0.1:2/hooks/${id}` };
  const streamOf = (seed: number, n: number): Outgoing[] => {
    const generator = new Generator({ ...chaosConfigFromEnv({}), seed }, new Random(seed), addresses);
    return [...generator.setup(), ...Array.from({ length: n }, () => generator.next())];
  };
  const comparable = (o: Outgoing) => (o.kind === 'malformed' ? `${o.topic} ${o.key} ${o.value(new Date(0))}` : `${o.type} ${o.id} ${JSON.stringify(o.data)}`);

  it('one seed gives one stream: the same messages, the same ids, in the same order', () => {
    expect(streamOf(7, 500).map(comparable)).toEqual(streamOf(7, 500).map(comparable));
    expect(streamOf(8, 50).map(comparable)).not.toEqual(streamOf(7, 50).map(comparable));
  });

  it('the stream is about a tenth malformed, the rest commands and reference data', () => {
    const stream = streamOf(11, 3000).slice(-3000);
    const share = stream.filter((o) => o.kind === 'malformed').length / stream.length;
    expect(share).toBeGreaterThan(0.07);
    expect(share).toBeLessThan(0.13);
    expect(stream.filter((o) => o.kind === 'command').length).toBeGreaterThan(2000);
  });

  it('every malformed message is refused by the contract, with the error class of its flaw', () => {
    const rng = new Random(3);
    const accepted = new Set<string>();
    for (let n = 0; n < 400; n++) {
      const message = malformedMessage(rng, `id-${n}`, n, 'cu-001');
      const decoded = decode(Buffer.from(message.value(new Date())));
      if (decoded.ok || decoded.errorClass !== Flaws[message.flaw]) accepted.add(`${message.description}: ${decoded.ok ? 'accepted' : decoded.errorClass}`);
    }
    expect([...accepted]).toEqual([]);
  });

  describe('the oracle', () => {
    let offset = 0;
    const entry = (topic: TopicName, partition: number, timestamp: number, type: string, data: Record<string, unknown>, id = `id-${offset}`): Entry => ({
      topic,
      partition,
      offset: String(offset++),
      timestamp,
      key: null,
      headers: {},
      value: Buffer.from(JSON.stringify({ specversion: '1.0', id, type, source: 'test', time: new Date(timestamp).toISOString(), causationid: `cause-${id}`, data })),
    });
    const requested = (t: number) =>
      entry(Topics.requestEvents, 0, t, 'RelationshipRequested', {
        requestId: 'rq-1',
        customerId: 'cu-1',
        resellerId: 'ir-1',
        services: ['Azure'],
        channel: 'indirect',
        indirectProviderId: 'ip-1',
        requestedBy: { userId: 'agent' },
        status: 'pending',
        requestedAt: new Date(t).toISOString(),
        expiresAt: new Date(t + 90 * 86_400_000).toISOString(),
      });

    it('merges partitions by time, each kept in its own offset order', () => {
      const a1 = entry(Topics.customerEvents, 0, 10, 'X', {});
      const a2 = entry(Topics.customerEvents, 0, 5, 'X', {}); // earlier time, later offset: stays after a1
      const b1 = entry(Topics.requestEvents, 0, 7, 'X', {});
      expect(mergeByTime([a2, b1, a1]).map((e) => e.offset)).toEqual([b1.offset, a1.offset, a2.offset]);
    });

    it('folds the topics and renders what the directory should answer; the customer and, through the request, the provider hear', () => {
      const history = History.of([
        entry(Topics.partnerEvents, 0, 1, 'PartnerRegistered', { partnerId: 'ip-1', name: 'P', kind: 'indirect-provider', specializations: [], countries: ['DE'], webhookUrl: addresses.urlFor('ip-1') }),
        entry(Topics.customerEvents, 0, 2, 'CustomerRegistered', { customerId: 'cu-1', name: 'C', country: 'DE', admins: ['adm'], webhookUrl: addresses.urlFor('cu-1') }),
        requested(3),
        entry(Topics.relationshipEvents, 0, 4, 'RequestDeclined', { requestId: 'rq-1', customerId: 'cu-1', resellerId: 'ir-1', declinedBy: { userId: 'adm' }, status: 'declined', declinedAt: new Date(4).toISOString() }),
      ]);
      expect(history.expectedViews('cu-1').requests).toMatchObject({ status: 200, body: { requests: [{ requestId: 'rq-1', status: 'declined', indirectProviderId: 'ip-1' }] } });
      expect(history.expectedViews('cu-2').resellers).toEqual({ status: 404 });
      expect(history.expectedWebhooks().map((n) => `${n.eventType}>${n.recipient.partyId}`)).toEqual(['RelationshipRequested>cu-1', 'RequestDeclined>cu-1', 'RequestDeclined>ip-1']);
    });

    it('counts a notification lost once, whether it was never received, has no outcome on the topic, or both', () => {
      const registered = entry(Topics.customerEvents, 0, 1, 'CustomerRegistered', { customerId: 'cu-1', name: 'C', country: 'DE', admins: ['adm'], webhookUrl: addresses.urlFor('cu-1') });
      const event = requested(2);
      const eventId = JSON.parse(event.value!.toString()).id;
      const delivered = entry(Topics.notificationEvents, 0, 3, 'NotificationDelivered', {
        notificationId: 'n-1',
        eventId,
        eventType: 'RelationshipRequested',
        customerId: 'cu-1',
        recipient: { party: 'customer', partyId: 'cu-1' },
        channel: 'webhook',
        target: addresses.urlFor('cu-1'),
        attempts: 1,
        deliveredAt: new Date(3).toISOString(),
      });
      const receipt = { partyId: 'cu-1', webhookId: 'n-1', eventId, eventType: 'RelationshipRequested', eventTime: new Date(2).toISOString(), receivedAt: 4, signatureOk: true };
      const lostWith = (entries: Entry[], receipts: (typeof receipt)[]) => notifications(History.of(entries), receipts, [], 'nobody').lost.examples;
      expect(lostWith([registered, event, delivered], [receipt])).toEqual([]);
      expect(lostWith([registered, event], [receipt])).toEqual([expect.stringContaining('received, but no NotificationDelivered on the topic')]);
      expect(lostWith([registered, event, delivered], [])).toEqual([expect.stringContaining('never received (NotificationDelivered on the topic)')]);
      expect(lostWith([registered, event], [])).toEqual([expect.stringContaining('never received, and no outcome on the topic')]);
    });

    it('finds an event id emitted twice with different content, and a refusal of a request that was on the topics before', () => {
      const first = entry(Topics.relationshipEvents, 0, 5, 'ConsentRejected', { customerId: 'cu-1', command: 'ApproveRequest', reason: 'REQUEST_NOT_FOUND', requestId: 'rq-1', message: 'a', actor: { userId: 'adm' } }, 'dup');
      const again = entry(Topics.relationshipEvents, 0, 6, 'ConsentRejected', { customerId: 'cu-1', command: 'ApproveRequest', reason: 'REQUEST_NOT_FOUND', requestId: 'rq-1', message: 'b', actor: { userId: 'adm' } }, 'dup');
      const approval = entry(Topics.consentCommands, 0, 5_000, 'ApproveRequest', { requestId: 'rq-1', customerId: 'cu-1', approvedBy: { userId: 'adm' } }, 'approval');
      const refusal = entry(Topics.relationshipEvents, 1, 5_001, 'ConsentRejected', { customerId: 'cu-1', command: 'ApproveRequest', reason: 'REQUEST_NOT_FOUND', requestId: 'rq-1', message: 'no', actor: { userId: 'adm' } }, 'refusal');
      const reads = readEntries([requested(1_000), first, again, approval, { ...refusal, value: Buffer.from(refusal.value!.toString().replace('cause-refusal', 'approval')) }]);
      expect(conflictingDuplicates(reads).examples).toEqual([expect.stringContaining('data.message: "a" vs "b"')]);
      expect(staleRefusals(reads).examples).toEqual([expect.stringContaining('refused REQUEST_NOT_FOUND, but its RelationshipRequested was on the topic 4000 ms before')]);
    });
  });

  it('names the first place where two JSON values differ', () => {
    expect(firstDifference({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] })).toBe('a[1].b: 2 vs 3');
    expect(stableJson({ b: 1, a: { d: 2, c: undefined } })).toBe('{"a":{"d":2},"b":1}');
  });
});

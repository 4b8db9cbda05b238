import { ALL_TOPICS, Topics } from '@mp/contracts';
import { createKafka, deadLetterFor, kafkaSettingsFromEnv, physicalTopic, TopicProvisioner } from '@mp/messaging';
import { consumerLag, listDeadLetters, operationsKafka, readDeadLetter, summarizeDeadLetters, topicOffsets } from '@mp/operations';
import { Kafka, KafkaMessage, Producer } from 'kafkajs';
import { isolateTestRun } from '../support/isolation';

/** `@mp/operations` against the real broker: offsets, a group's lag, and the dead letters as written by the transport's own function. */
describe('the operations library', () => {
  const world = isolateTestRun('operations');
  const settings = kafkaSettingsFromEnv('ops-test');
  const kafka: Kafka = operationsKafka(settings);
  let producer: Producer;

  beforeAll(async () => {
    await new TopicProvisioner(settings, createKafka(settings)).ensureTopics();
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await world.cleanup();
  });

  it('lists every contract topic with its partitions and end offsets', async () => {
    await producer.send({ topic: physicalTopic(settings, Topics.customerEvents), messages: [{ key: 'c1', value: '{}', partition: 1 }, { key: 'c1', value: '{}', partition: 1 }] });
    const topics = await topicOffsets(kafka, settings);
    expect(topics.map((t) => t.topic)).toEqual(ALL_TOPICS);
    const customers = topics.find((t) => t.topic === Topics.customerEvents)!;
    expect(customers).toMatchObject({ physical: `${world.namespace}mp.customer-events.v1`, exists: true, messages: 2 });
    expect(customers.partitions).toEqual([
      { partition: 0, low: 0, end: 0 },
      { partition: 1, low: 0, end: 2 },
      { partition: 2, low: 0, end: 0 },
    ]);
  });

  it("tells a service group's committed offset, end offset and lag per partition", async () => {
    const topic = physicalTopic(settings, Topics.partnerEvents);
    await producer.send({ topic, messages: [0, 1, 2, 3].map((i) => ({ key: `p${i}`, value: '{}', partition: 0 })) });
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId: `${world.namespace}consent-service`, topic, partitions: [{ partition: 0, offset: '1' }] });
    await admin.disconnect();

    const groups = await consumerLag(kafka, settings);
    expect(groups.map((g) => g.group)).toEqual(['request-service', 'consent-service', 'notification-service', 'directory-service']);
    const consent = groups.find((g) => g.group === 'consent-service')!;
    expect(consent).toMatchObject({ groupId: `${world.namespace}consent-service`, state: 'Empty', members: 0, lag: 3 });
    expect(consent.partitions).toEqual([{ topic: Topics.partnerEvents, partition: 0, committed: 1, end: 4, lag: 3 }]);
    expect(groups.find((g) => g.group === 'request-service')).toMatchObject({ state: 'Dead', partitions: [], lag: 0 });
  });

  it('lists the dead letters with their provenance and failure, reads one whole, and refuses an unknown id', async () => {
    const original = { key: Buffer.from('cust-dl'), value: Buffer.from('{not json'), headers: { trace: Buffer.from('t-1') }, timestamp: '0', attributes: 0, offset: '7' } as KafkaMessage;
    const now = new Date();
    const letter = deadLetterFor(original, { topic: physicalTopic(settings, Topics.requestCommands), partition: 2, offset: '7', groupId: `${world.namespace}request-service` }, { errorClass: 'NotJson', message: 'The value is not JSON.', errors: [], attempts: 1, firstFailureAt: now, lastFailureAt: now });
    const [written] = await producer.send({ topic: physicalTopic(settings, Topics.deadLetters), messages: [letter] });
    const id = `${written.partition}-${written.baseOffset}`;

    const letters = await listDeadLetters(kafka, settings);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ id, key: 'cust-dl', errorClass: 'NotJson', origin: { topic: Topics.requestCommands, partition: 2, offset: '7', group: `${world.namespace}request-service` }, replays: [] });
    expect(await summarizeDeadLetters(kafka, settings)).toMatchObject({ total: 1, notReplayed: 1, byErrorClass: { NotJson: 1 }, byOriginTopic: { [Topics.requestCommands]: 1 } });

    const detail = await readDeadLetter(kafka, settings, id);
    expect(detail.original).toEqual({ value: '{not json', encoding: 'utf8', bytes: 9, headers: { trace: 't-1' } });
    await expect(readDeadLetter(kafka, settings, `${written.partition}-99`)).rejects.toThrow(`no dead letter ${written.partition}-99: partition ${written.partition} holds offsets 0 to 0`);
    await expect(readDeadLetter(kafka, settings, '9-0')).rejects.toThrow('no dead letter 9-0: the dead-letters topic has partitions 0 to 2');
  });
});

import { DeadLetterHeaders, deadLetterFor } from '@mp/messaging';
import type { KafkaMessage } from 'kafkajs';
import type { TopicMessage } from '../reading/topic-reader';
import { deadLetterId, deadLetterSummary, originalHeaders, parseDeadLetterId, readDeadLettersRecord, ReplayHeaders } from './dead-letter';

const settings = { namespace: 'ns.' };

function recordOf(message: { key: Buffer | null; value: Buffer | null; headers?: any }, partition = 2, offset = '17'): TopicMessage {
  return { topic: 'ns.mp.dead-letters.v1', partition, offset, timestamp: '2026-03-01T09:00:00.000Z', key: message.key, value: message.value, headers: message.headers ?? {} };
}

describe('dead-letter ids', () => {
  it('are <partition>-<offset> and read back', () => {
    expect(deadLetterId(2, '17')).toBe('2-17');
    expect(parseDeadLetterId(' 2-17 ')).toEqual({ partition: 2, offset: 17 });
  });

  it.each(['', '2', '2:17', '-1-3', 'a-b', '2-17x'])('refuse %j with what an id looks like', (id) => {
    expect(() => parseDeadLetterId(id)).toThrow(/is not a dead-letter id: it is <partition>-<offset>/);
  });
});

describe('reading a record of the dead-letters topic', () => {
  const original = {
    key: Buffer.from('cust-1'),
    value: Buffer.from(JSON.stringify({ specversion: '1.0', id: 'evt-1', type: 'RequestRelationship', data: { customerId: 'cust-1' } })),
    headers: { 'content-type': Buffer.from('application/cloudevents+json'), [DeadLetterHeaders.errorClass]: Buffer.from('forged') },
    timestamp: '0',
    attributes: 0,
    offset: '41',
  } as KafkaMessage;
  const letter = deadLetterFor(
    original,
    { topic: 'ns.mp.request-commands.v1', partition: 1, offset: '41', groupId: 'ns.request-service' },
    { errorClass: 'ValidationFailed', message: 'The data of RequestRelationship breaks its rules.', errors: [{ path: 'data.services', constraints: ['services should not be empty'] }], attempts: 1, firstFailureAt: new Date('2026-03-01T08:00:00Z'), lastFailureAt: new Date('2026-03-01T08:00:01Z') },
  );

  it('reads a dead letter: provenance (as a contract topic), failure, and what the original says it is', () => {
    const record = readDeadLettersRecord(recordOf(letter as any), settings);
    expect(record).toEqual({
      kind: 'dead-letter',
      letter: {
        id: '2-17',
        partition: 2,
        offset: '17',
        writtenAt: '2026-03-01T09:00:00.000Z',
        key: 'cust-1',
        origin: { topic: 'mp.request-commands.v1', partition: 1, offset: '41', group: 'ns.request-service' },
        errorClass: 'ValidationFailed',
        errorMessage: 'The data of RequestRelationship breaks its rules.',
        validationErrors: [{ path: 'data.services', constraints: ['services should not be empty'] }],
        attempts: 1,
        firstFailureAt: '2026-03-01T08:00:00.000Z',
        lastFailureAt: '2026-03-01T08:00:01.000Z',
        type: 'RequestRelationship',
        messageId: 'evt-1',
        customerId: 'cust-1',
        replays: [],
      },
    });
  });

  it('gives back the original headers without the failure ones (a forged failure header of the original was overwritten, so it is gone too)', () => {
    expect(Object.keys(originalHeaders(letter.headers as any))).toEqual(['content-type']);
  });

  it('reads a value that is not JSON, or none, without failing', () => {
    const record = readDeadLettersRecord(recordOf({ key: null, value: Buffer.from([0xff, 0xfe]), headers: { [DeadLetterHeaders.errorClass]: Buffer.from('NotJson') } }), settings);
    expect(record.kind === 'dead-letter' && record.letter).toMatchObject({ errorClass: 'NotJson', key: null, origin: { topic: '?', partition: null } });
    const empty = readDeadLettersRecord(recordOf({ key: null, value: null }), settings);
    expect(empty.kind === 'dead-letter' && empty.letter.errorClass).toBe('?');
  });

  it('tells a dead letter of a message that was itself replayed', () => {
    const replayed = { ...letter, headers: { ...letter.headers, [ReplayHeaders.replayedFrom]: 'ns.mp.dead-letters.v1/0/3', [ReplayHeaders.replayCount]: '2' } };
    const record = readDeadLettersRecord(recordOf(replayed as any), settings);
    expect(record.kind === 'dead-letter' && record.letter.replayOf).toEqual({ from: 'ns.mp.dead-letters.v1/0/3', count: 2 });
  });

  it('reads the audit record of a replay', () => {
    const audit = { replayOf: '0-3', replayedAt: '2026-03-02T10:00:00.000Z', to: { topic: 'mp.request-commands.v1', partition: 1, offset: '50' }, forced: true, by: 'ops@host' };
    const record = readDeadLettersRecord(recordOf({ key: Buffer.from('0-3'), value: Buffer.from(JSON.stringify(audit)), headers: { [ReplayHeaders.replayOf]: Buffer.from('0-3') } }, 4, '9'), settings);
    expect(record).toEqual({ kind: 'replay', replay: { recordId: '4-9', deadLetter: '0-3', replayedAt: audit.replayedAt, to: audit.to, forced: true, by: 'ops@host' } });
  });
});

describe('the dead-letter summary', () => {
  it('counts by error class and origin topic, and those not replayed', () => {
    const base = { partition: 0, offset: '0', key: null, errorMessage: '', validationErrors: [], attempts: 1, firstFailureAt: null, lastFailureAt: null };
    const letters = [
      { ...base, id: '0-0', writtenAt: '2026-03-01T00:00:00Z', origin: { topic: 'mp.request-commands.v1', partition: 0, offset: '1', group: 'g' }, errorClass: 'NotJson', replays: [] },
      { ...base, id: '0-1', writtenAt: '2026-03-03T00:00:00Z', origin: { topic: 'mp.request-commands.v1', partition: 0, offset: '2', group: 'g' }, errorClass: 'ValidationFailed', replays: [{} as any] },
      { ...base, id: '0-2', writtenAt: '2026-03-02T00:00:00Z', origin: { topic: 'mp.customer-events.v1', partition: 0, offset: '3', group: 'g' }, errorClass: 'NotJson', replays: [] },
    ];
    expect(deadLetterSummary(letters)).toEqual({
      total: 3,
      notReplayed: 2,
      byErrorClass: { NotJson: 2, ValidationFailed: 1 },
      byOriginTopic: { 'mp.request-commands.v1': 2, 'mp.customer-events.v1': 1 },
      oldest: '2026-03-01T00:00:00Z',
      newest: '2026-03-03T00:00:00Z',
    });
    expect(deadLetterSummary([])).toEqual({ total: 0, notReplayed: 0, byErrorClass: {}, byOriginTopic: {}, oldest: null, newest: null });
  });
});

import type { DeadLetter } from '@mp/operations';
import { countDeadLetters } from './dead-letter-counts';

let offset = 0;
function letter(topic: string, errorClass: string, writtenAt: string, replayed = false): DeadLetter {
  offset++;
  return {
    id: `0-${offset}`,
    partition: 0,
    offset: String(offset),
    writtenAt,
    key: null,
    origin: { topic, partition: 0, offset: '0', group: 'request-service' },
    errorClass,
    errorMessage: 'bad',
    validationErrors: [],
    attempts: 1,
    firstFailureAt: writtenAt,
    lastFailureAt: writtenAt,
    replays: replayed ? [{ recordId: `0-${offset + 1000}`, deadLetter: `0-${offset}`, replayedAt: writtenAt, to: { topic, partition: 0, offset: '9' }, forced: false, by: 'ops@host' }] : [],
  };
}

describe('dead letters counted by origin topic and error class', () => {
  it('counts each pair once, with those never replayed and the latest, most first', () => {
    const counts = countDeadLetters([
      letter('mp.request-commands.v1', 'NotJson', '2026-03-01T09:00:00.000Z'),
      letter('mp.consent-commands.v1', 'ValidationFailed', '2026-03-01T10:00:00.000Z', true),
      letter('mp.request-commands.v1', 'NotJson', '2026-03-02T09:00:00.000Z', true),
      letter('mp.request-commands.v1', 'ValidationFailed', '2026-03-01T08:00:00.000Z'),
      letter('mp.request-commands.v1', 'NotJson', '2026-03-01T12:00:00.000Z'),
    ]);
    expect(counts).toEqual([
      { originTopic: 'mp.request-commands.v1', errorClass: 'NotJson', count: 3, notReplayed: 2, newest: '2026-03-02T09:00:00.000Z' },
      { originTopic: 'mp.consent-commands.v1', errorClass: 'ValidationFailed', count: 1, notReplayed: 0, newest: '2026-03-01T10:00:00.000Z' },
      { originTopic: 'mp.request-commands.v1', errorClass: 'ValidationFailed', count: 1, notReplayed: 1, newest: '2026-03-01T08:00:00.000Z' },
    ]);
  });

  it('keeps names apart that would run together if joined', () => {
    const counts = countDeadLetters([letter('a:b', 'c', '2026-03-01T09:00:00.000Z'), letter('a', 'b:c', '2026-03-01T09:00:00.000Z')]);
    expect(counts.map((c) => [c.originTopic, c.errorClass])).toEqual([['a', 'b:c'], ['a:b', 'c']]);
  });

  it('is empty without dead letters', () => {
    expect(countDeadLetters([])).toEqual([]);
  });
});

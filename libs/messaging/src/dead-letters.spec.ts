import type { KafkaMessage, Message } from 'kafkajs';
import { boundedErrorsJson, DeadLetterHeaders, handlerFailure, headerText, MAX_VALIDATION_ERRORS_CHARS, writeDeadLetter } from './dead-letters';

const original = {
  key: Buffer.from('c-1'),
  value: Buffer.from('{"not json'),
  headers: { 'content-type': 'application/json', [DeadLetterHeaders.errorClass]: 'Forged', [DeadLetterHeaders.originTopic]: 'elsewhere' },
  offset: '41',
  timestamp: '0',
  attributes: 0,
} as KafkaMessage;
const from = { topic: 'mp.request-commands.v1', partition: 2, offset: '41', groupId: 'request-service' };
const at = new Date('2026-03-01T09:00:00.000Z');
const failure = { errorClass: 'NotJson', message: 'The value is not JSON.', errors: [], attempts: 1, firstFailureAt: at, lastFailureAt: at };

/** A stand-in for the dead-letter producer that refuses letters over `maxBytes`, as the broker does. */
function topicTaking(maxBytes: number) {
  const written: Message[] = [];
  const send = async (letter: Message) => {
    const size = JSON.stringify(letter.headers).length + (letter.value?.length ?? 0);
    if (size > maxBytes) throw Object.assign(new Error('The request included a message larger than the max message size the server will accept'), { type: 'MESSAGE_TOO_LARGE' });
    written.push(letter);
  };
  return { written, send };
}

describe('dead letters', () => {
  it('keep the original whole and overwrite forged dead-letter headers with the real provenance', async () => {
    const topic = topicTaking(1_000_000);
    expect(await writeDeadLetter(topic.send, original, from, failure)).toBe('whole');
    const [letter] = topic.written;
    expect(letter.value).toEqual(original.value);
    expect(letter.key).toEqual(original.key);
    expect(headerText(letter.headers, 'content-type')).toBe('application/json');
    expect(headerText(letter.headers, DeadLetterHeaders.errorClass)).toBe('NotJson');
    expect(headerText(letter.headers, DeadLetterHeaders.originTopic)).toBe('mp.request-commands.v1');
  });

  it('are written without the original when the topic refuses it for its size, saying so', async () => {
    const bulky = { ...original, value: Buffer.alloc(50_000, 'x') };
    const topic = topicTaking(5_000);
    expect(await writeDeadLetter(topic.send, bulky, from, failure)).toBe('stripped');
    const [letter] = topic.written;
    expect(letter.value).toBeNull();
    expect(headerText(letter.headers, DeadLetterHeaders.originOffset)).toBe('41');
    expect(headerText(letter.headers, DeadLetterHeaders.originalDropped)).toContain('50003 bytes');
    expect(headerText(letter.headers, 'content-type')).toBeUndefined();
  });

  it('are not written when the topic refuses even the stripped letter: the error reaches the consumer, which must not commit', async () => {
    await expect(writeDeadLetter(topicTaking(10).send, original, from, failure)).rejects.toThrow('max message size');
  });

  it('pass any other produce error on at once (the broker unreachable is not cured by dropping the original)', async () => {
    const send = async () => {
      throw Object.assign(new Error('Connection closed'), { type: 'NETWORK_EXCEPTION' });
    };
    await expect(writeDeadLetter(send, original, from, failure)).rejects.toThrow('Connection closed');
  });

  it('bound what they say about the failure, however many fields a hostile message breaks', () => {
    const errors = Array.from({ length: 50_000 }, (_, i) => ({ path: `data.${'k'.repeat(100)}${i}`, constraints: ['property should not exist'] }));
    const json = boundedErrorsJson(errors);
    expect(json.length).toBeLessThanOrEqual(MAX_VALIDATION_ERRORS_CHARS);
    const parsed = JSON.parse(json) as Array<{ constraints: string[] }>;
    expect(parsed.at(-1)!.constraints[0]).toMatch(/^\.\.\. and \d+ more errors$/);
  });
});

describe('handlerFailure: whatever a handler throws becomes a failure with a class and a message', () => {
  it.each([
    ['an Error', new Error('boom'), 'HandlerFailed', 'boom'],
    ['a subclass of Error', new RangeError('out of range'), 'RangeError', 'out of range'],
    ['a string', 'plain text', 'HandlerFailed', 'plain text'],
    ['a number', 42, 'HandlerFailed', 'threw a non-Error: 42'],
    ['an object without a prototype', Object.create(null), 'HandlerFailed', 'threw a value that cannot be printed'],
    ['an object whose toString throws', { toString: () => { throw new Error('no'); } }, 'HandlerFailed', 'threw a value that cannot be printed'],
  ])('%s', (_what, thrown, errorClass, message) => {
    expect(handlerFailure(thrown, 3, at, at)).toEqual({ errorClass, message, errors: [], attempts: 3, firstFailureAt: at, lastFailureAt: at });
  });
});

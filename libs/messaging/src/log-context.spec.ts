import type { CloudEvent } from '@mp/contracts';
import { messageLogFields } from './log-context';

const envelope = { specversion: '1.0', id: 'cmd-1', type: 'RequestRelationship', source: 'partner-portal', time: '2026-03-01T09:00:00.000Z', subject: 'cust-1', datacontenttype: 'application/json', correlationid: 'corr-1', causationid: 'cause-1', data: {} } as CloudEvent;

describe('the fields every log line of a consumed message carries', () => {
  it('are where it was read, and its id, type, correlation, cause and subject', () => {
    expect(messageLogFields('ns.mp.request-commands.v1', 2, { offset: '41', key: Buffer.from('cust-1') }, envelope)).toEqual({
      topic: 'ns.mp.request-commands.v1',
      partition: 2,
      offset: '41',
      messageId: 'cmd-1',
      type: 'RequestRelationship',
      correlationid: 'corr-1',
      causationid: 'cause-1',
      subject: 'cust-1',
    });
  });

  it('take the message id as correlation when upstream left it out (DESIGN §4), and say a replay', () => {
    const upstream = { ...envelope, correlationid: undefined, causationid: undefined };
    expect(messageLogFields('t', 0, { offset: '0', key: null }, upstream, true)).toEqual({ topic: 't', partition: 0, offset: '0', messageId: 'cmd-1', type: 'RequestRelationship', correlationid: 'cmd-1', subject: 'cust-1', replay: true });
  });

  it('are where it was read and its key, bounded, when it could not be decoded', () => {
    expect(messageLogFields('t', 1, { offset: '7', key: Buffer.from('k'.repeat(1_000)) })).toEqual({ topic: 't', partition: 1, offset: '7', key: `${'k'.repeat(128)}…` });
    expect(messageLogFields('t', 1, { offset: '7', key: null })).toEqual({ topic: 't', partition: 1, offset: '7' });
  });
});

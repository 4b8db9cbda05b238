import 'reflect-metadata';
import { CloudEvent, validateData } from '@mp/contracts';
import { deriveId } from '@mp/messaging';
import { outcomeEnvelopeOf, outcomeOf, plainErrorText, recordOfAttempt, recordOfMissingChannel, recordOfUnknownParty } from './notification-outcome';

const event = { id: 'evt-1', type: 'RequestDeclined', customerId: 'cust-1' };
const notification = { notificationId: 'notif-1', recipient: { party: 'reseller' as const, partyId: 'res-1' }, channel: 'webhook' as const };
const at = new Date('2025-03-01T10:00:00.000Z');
/** What every outcome of this notification says of it. */
const about = {
  notificationId: 'notif-1',
  eventId: 'evt-1',
  eventType: 'RequestDeclined',
  customerId: 'cust-1',
  recipient: { party: 'reseller', partyId: 'res-1' },
  channel: 'webhook',
};

describe('notification outcomes', () => {
  it('records and reports a delivery', () => {
    const record = recordOfAttempt({ ok: true, statusCode: 202 }, 3, 'https://r.test/h', at);
    expect(record).toEqual({ status: 'delivered', attempts: 3, at: '2025-03-01T10:00:00.000Z', target: 'https://r.test/h', statusCode: 202 });
    const outcome = outcomeOf(event, notification, record);
    expect(outcome).toEqual({
      type: 'NotificationDelivered',
      data: {
        ...about,
        target: 'https://r.test/h',
        attempts: 3,
        deliveredAt: '2025-03-01T10:00:00.000Z',
        statusCode: 202,
      },
    });
    expect(validateData('NotificationDelivered', outcome.data).ok).toBe(true);
  });

  it('records and reports the last attempt failing as ATTEMPTS_EXHAUSTED, with its error', () => {
    const record = recordOfAttempt({ ok: false, error: 'timed out after 5000 ms' }, 4, 'https://r.test/h', at);
    expect(record).toEqual({ status: 'failed', attempts: 4, at: '2025-03-01T10:00:00.000Z', target: 'https://r.test/h', reason: 'ATTEMPTS_EXHAUSTED', error: 'timed out after 5000 ms' });
    const outcome = outcomeOf(event, notification, record);
    expect(outcome.type).toBe('NotificationFailed');
    expect(outcome.data).toMatchObject({ notificationId: 'notif-1', attempts: 4, target: 'https://r.test/h', failedAt: '2025-03-01T10:00:00.000Z', reason: 'ATTEMPTS_EXHAUSTED', error: 'timed out after 5000 ms' });
    expect(outcome.data).not.toHaveProperty('statusCode');
    expect(validateData('NotificationFailed', outcome.data).ok).toBe(true);
  });

  it('records and reports a failure no retry mends with its own reason, after the one attempt', () => {
    const error = 'webhook target refused, nothing sent: 127.0.0.1 is a loopback address (127.0.0.0/8)';
    const record = recordOfAttempt({ ok: false, reason: 'TARGET_REFUSED', error }, 1, 'http://127.0.0.1:9/h', at);
    expect(record).toEqual({ status: 'failed', attempts: 1, at: '2025-03-01T10:00:00.000Z', target: 'http://127.0.0.1:9/h', reason: 'TARGET_REFUSED', error });
    const outcome = outcomeOf(event, notification, record);
    expect(outcome.data).toMatchObject({ attempts: 1, reason: 'TARGET_REFUSED', error });
    expect(validateData('NotificationFailed', outcome.data).ok).toBe(true);
  });

  it('reports a party that never registered as PARTY_UNKNOWN: no attempt, no address', () => {
    const record = recordOfUnknownParty({ recipient: notification.recipient, filedAt: '2025-02-28T10:00:00.000Z' }, at);
    const outcome = outcomeOf(event, notification, record);
    expect(outcome).toEqual({
      type: 'NotificationFailed',
      data: {
        ...about,
        attempts: 0,
        failedAt: '2025-03-01T10:00:00.000Z',
        reason: 'PARTY_UNKNOWN',
        error: 'reseller res-1 is not registered: no registration arrived since 2025-02-28T10:00:00.000Z',
      },
    });
    expect(validateData('NotificationFailed', outcome.data).ok).toBe(true);
  });

  it('fails a notification filed for a channel turned off since, after the attempts it had made', () => {
    const record = recordOfMissingChannel({ channel: 'email', attempts: 1 }, at);
    expect(outcomeOf(event, { ...notification, channel: 'email' }, record).data).toMatchObject({ attempts: 1, reason: 'ATTEMPTS_EXHAUSTED', error: 'the email channel is not configured' });
    expect(validateData('NotificationFailed', outcomeOf(event, notification, record).data).ok).toBe(true);
  });

  it('reads a record of an older version, without a reason, as ATTEMPTS_EXHAUSTED', () => {
    const old = { status: 'failed' as const, attempts: 4, at: at.toISOString(), target: 'https://r.test/h', error: 'HTTP 500' };
    expect(outcomeOf(event, notification, old).data).toMatchObject({ reason: 'ATTEMPTS_EXHAUSTED', error: 'HTTP 500' });
  });

  it('rebuilds the same outcome from the same record (re-emission after a crash)', () => {
    const record = recordOfAttempt({ ok: false, statusCode: 500, error: 'HTTP 500' }, 4, 'https://r.test/h', at);
    expect(outcomeOf(event, notification, record)).toEqual(outcomeOf(event, notification, JSON.parse(JSON.stringify(record))));
  });

  it('wraps the outcome in a CloudEvent whose id derives from the notification, caused by the event told', () => {
    const told: CloudEvent = { specversion: '1.0', id: 'evt-1', type: 'RequestDeclined', source: 'consent-service', time: at.toISOString(), correlationid: 'corr-1', data: {} };
    const item = { ...notification, customerId: 'cust-1', event: told };
    const record = recordOfAttempt({ ok: true, statusCode: 204 }, 1, 'https://r.test/h', at);
    const envelope = outcomeEnvelopeOf('notification-service', item, record);
    expect(envelope).toEqual({
      specversion: '1.0',
      id: deriveId('notif-1/NotificationDelivered'),
      type: 'NotificationDelivered',
      source: 'notification-service',
      time: '2025-03-01T10:00:00.000Z',
      subject: 'cust-1',
      datacontenttype: 'application/json',
      correlationid: 'corr-1',
      causationid: 'evt-1',
      data: outcomeOf(event, notification, record).data,
    });
    expect(outcomeEnvelopeOf('notification-service', item, record)).toEqual(envelope);
    expect(outcomeEnvelopeOf('notification-service', { ...item, notificationId: 'notif-2' }, record).id).not.toBe(envelope.id);
    expect(outcomeEnvelopeOf('notification-service', { ...item, event: { ...told, correlationid: undefined } as CloudEvent }, record).correlationid).toBe('evt-1');
  });
});

describe('plainErrorText', () => {
  it('turns what a remote server said into plain, bounded text', () => {
    expect(plainErrorText('550 mailbox\r\nunavailable\u0000\u001b[31m')).toBe('550 mailbox unavailable [31m');
    expect(plainErrorText('\u0007')).toBe('delivery failed');
    expect(plainErrorText('x'.repeat(2000))).toHaveLength(500);
  });
});

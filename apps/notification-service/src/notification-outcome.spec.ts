import 'reflect-metadata';
import { validateData } from '@mp/contracts';
import { outcomeOf, recordOf } from './notification-outcome';
import type { PlannedNotification } from './notification-plan';

const event = { id: 'evt-1', type: 'RequestDeclined', customerId: 'cust-1' };
const notification: Pick<PlannedNotification, 'notificationId' | 'recipient' | 'channel'> = { notificationId: 'notif-1', recipient: { party: 'reseller', partyId: 'res-1' }, channel: 'webhook' };
const at = new Date('2025-03-01T10:00:00.000Z');

describe('notification outcomes', () => {
  it('records and reports a delivery', () => {
    const record = recordOf({ ok: true, attempts: 3, statusCode: 202 }, 'https://r.test/h', at);
    expect(record).toEqual({ status: 'delivered', attempts: 3, at: '2025-03-01T10:00:00.000Z', target: 'https://r.test/h', statusCode: 202 });
    const outcome = outcomeOf(event, notification, record);
    expect(outcome).toEqual({
      type: 'NotificationDelivered',
      data: {
        notificationId: 'notif-1',
        eventId: 'evt-1',
        eventType: 'RequestDeclined',
        customerId: 'cust-1',
        recipient: { party: 'reseller', partyId: 'res-1' },
        channel: 'webhook',
        target: 'https://r.test/h',
        attempts: 3,
        deliveredAt: '2025-03-01T10:00:00.000Z',
        statusCode: 202,
      },
    });
    expect(validateData('NotificationDelivered', outcome.data).ok).toBe(true);
  });

  it('records and reports a failure with its last error', () => {
    const record = recordOf({ ok: false, attempts: 4, error: 'timed out after 5000 ms' }, 'https://r.test/h', at);
    expect(record).toEqual({ status: 'failed', attempts: 4, at: '2025-03-01T10:00:00.000Z', target: 'https://r.test/h', error: 'timed out after 5000 ms' });
    const outcome = outcomeOf(event, notification, record);
    expect(outcome.type).toBe('NotificationFailed');
    expect(outcome.data).toMatchObject({ notificationId: 'notif-1', attempts: 4, failedAt: '2025-03-01T10:00:00.000Z', error: 'timed out after 5000 ms' });
    expect(outcome.data).not.toHaveProperty('statusCode');
    expect(validateData('NotificationFailed', outcome.data).ok).toBe(true);
  });

  it('rebuilds the same outcome from the same record (re-emission after a crash)', () => {
    const record = { ...recordOf({ ok: false, attempts: 4, statusCode: 500, error: 'HTTP 500' }, 'https://r.test/h', at), published: true };
    expect(outcomeOf(event, notification, record)).toEqual(outcomeOf(event, notification, JSON.parse(JSON.stringify(record))));
    expect(outcomeOf(event, notification, record).data).not.toHaveProperty('published');
  });
});

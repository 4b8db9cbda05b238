import type { CloudEvent } from '@mp/contracts';
import type { AttemptResult, Contact } from '../channels/notification-channel';
import { afterAttempt, backoffAfter, firstDueAt, leaseMsOf, nextStep, QueuedNotification, queuedNotificationOf } from './delivery-rules';

const HOUR = 3_600_000;
const T0 = new Date('2026-03-01T09:00:00.000Z');
const event: CloudEvent = { specversion: '1.0', id: 'evt-1', type: 'RelationshipRequested', source: 'request-service', time: T0.toISOString(), data: {} };
const policy = { maxAttempts: 4, backoffMs: 500 };
const webhookOf = (contact: Contact) => contact.webhookUrl;

function filed(awaitsParty: boolean): QueuedNotification {
  const planned = { notificationId: 'n-1', recipient: { party: 'reseller' as const, partyId: 'res-1' }, channel: 'webhook' as const, awaitsParty };
  return queuedNotificationOf(planned, event, 'cust-1', T0, 24 * HOUR);
}

describe('delivery rules', () => {
  describe('filing', () => {
    it('files a notification to a registered party due at once, with no attempt made', () => {
      const item = filed(false);
      expect(item).toEqual({
        notificationId: 'n-1',
        customerId: 'cust-1',
        event,
        recipient: { party: 'reseller', partyId: 'res-1' },
        channel: 'webhook',
        filedAt: T0.toISOString(),
        awaitsParty: false,
        partyDeadline: new Date(T0.getTime() + 24 * HOUR).toISOString(),
        attempts: 0,
      });
      expect(firstDueAt(item)).toBe(T0.getTime());
    });

    it('files a notification to a party not registered yet due at the end of its wait (its registration brings it forward)', () => {
      expect(firstDueAt(filed(true))).toBe(T0.getTime() + 24 * HOUR);
    });
  });

  describe('the next step of a notification that has come due', () => {
    const registered: Contact = { webhookUrl: 'https://res.test/hooks' };

    it('attempts it at the party’s current address', () => {
      expect(nextStep(filed(false), registered, webhookOf, T0.getTime())).toEqual({ kind: 'attempt', target: 'https://res.test/hooks', contact: registered });
      // A party that registered while it waited is attempted like any other.
      expect(nextStep(filed(true), registered, webhookOf, T0.getTime() + HOUR)).toEqual({ kind: 'attempt', target: 'https://res.test/hooks', contact: registered });
    });

    it('sends nothing to a registered party without an address on the channel: that is not a loss', () => {
      expect(nextStep(filed(true), { email: 'ops@res.test' }, webhookOf, T0.getTime())).toEqual({ kind: 'no-address' });
    });

    it('waits for an unregistered party until the end of its wait, then fails it as PARTY_UNKNOWN', () => {
      const deadline = T0.getTime() + 24 * HOUR;
      expect(nextStep(filed(true), undefined, webhookOf, deadline - 1)).toEqual({ kind: 'await-party', until: deadline });
      expect(nextStep(filed(true), undefined, webhookOf, deadline)).toEqual({ kind: 'party-unknown' });
      expect(nextStep(filed(true), undefined, webhookOf, deadline + HOUR)).toEqual({ kind: 'party-unknown' });
    });
  });

  describe('after an attempt', () => {
    const failed: AttemptResult = { ok: false, statusCode: 503, error: 'HTTP 503' };
    const now = T0.getTime();

    it('waits 500, 1000, 2000 ms between four attempts by default', () => {
      expect([1, 2, 3].map((n) => backoffAfter(policy, n))).toEqual([500, 1000, 2000]);
      expect([1, 2, 3].map((n) => afterAttempt(n, failed, policy, now))).toEqual([
        { kind: 'retry', at: now + 500, inMs: 500 },
        { kind: 'retry', at: now + 1000, inMs: 1000 },
        { kind: 'retry', at: now + 2000, inMs: 2000 },
      ]);
    });

    it('is settled by a success, whichever attempt it was', () => {
      expect(afterAttempt(1, { ok: true, statusCode: 204 }, policy, now)).toEqual({ kind: 'settled' });
      expect(afterAttempt(3, { ok: true, statusCode: 204 }, policy, now)).toEqual({ kind: 'settled' });
    });

    it('is settled at once by a failure no retry mends (a refused address, a redirect)', () => {
      expect(afterAttempt(1, { ok: false, reason: 'TARGET_REFUSED', error: 'webhook target refused' }, policy, now)).toEqual({ kind: 'settled' });
      expect(afterAttempt(1, { ok: false, statusCode: 302, reason: 'REDIRECT_REFUSED', error: 'HTTP 302' }, policy, now)).toEqual({ kind: 'settled' });
    });

    it('is settled, failed, by the last attempt failing', () => {
      expect(afterAttempt(4, failed, policy, now)).toEqual({ kind: 'settled' });
      expect(afterAttempt(1, failed, { maxAttempts: 1, backoffMs: 500 }, now)).toEqual({ kind: 'settled' });
    });
  });

  it('leases a claimed notification for well over the slowest attempt a channel allows', () => {
    expect(leaseMsOf({ webhookTimeoutMs: 5000 })).toBe(25_000);
    expect(leaseMsOf({ webhookTimeoutMs: 5000, email: { smtpUrl: 'smtp://127.0.0.1:2525', from: 'a@b.c', timeoutMs: 10_000 } })).toBe(40_000);
  });
});

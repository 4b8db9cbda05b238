import 'reflect-metadata';
import { CloudEvent as CloudEventClass, isMessageType } from '@mp/contracts';
import { addDays, dueReminders, emptyCustomerState, EXPIRY_REMINDER_TYPE } from '@mp/domain';
import { deriveId } from '@mp/messaging';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { reminderEnvelopeOf } from './expiry-reminder.envelope';

const T0 = new Date('2026-01-01T00:00:00.000Z');
const delegatedAdmin = { status: 'active' as const, roles: ['HelpdeskAdministrator'], services: ['Azure'], grantedAt: T0.toISOString(), expiresAt: addDays(T0, 40).toISOString(), durationDays: 40, autoExtend: false };
const customer = {
  ...emptyCustomerState('cust-1'),
  relationships: { 'res-1': { customerId: 'cust-1', resellerId: 'res-1', status: 'active' as const, channel: 'direct' as const, services: ['Azure'], since: T0.toISOString(), delegatedAdmin } },
};

describe('expiry reminder envelope', () => {
  const [reminder] = dueReminders(customer, addDays(T0, 10));
  const envelope = reminderEnvelopeOf(reminder, 'notification-service');

  it('is a CloudEvent of type DelegatedAdminExpiryReminder with the reminder as data', () => {
    expect(envelope).toEqual({
      specversion: '1.0',
      id: deriveId(`DelegatedAdminExpiryReminder/cust-1/res-1/${delegatedAdmin.expiresAt}/30`),
      type: 'DelegatedAdminExpiryReminder',
      source: 'notification-service',
      time: addDays(T0, 10).toISOString(),
      subject: 'cust-1',
      datacontenttype: 'application/json',
      data: { customerId: 'cust-1', resellerId: 'res-1', daysBefore: 30, delegatedAdmin },
    });
    expect(validateSync(plainToInstance(CloudEventClass, envelope))).toEqual([]);
  });

  it('is the very same at every pass that finds the reminder due', () => {
    const [later] = dueReminders(customer, addDays(T0, 20));
    expect(reminderEnvelopeOf(later, 'notification-service')).toEqual(envelope);
  });

  it('is no Kafka message type', () => {
    expect(isMessageType(EXPIRY_REMINDER_TYPE)).toBe(false);
  });
});

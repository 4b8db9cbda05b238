import 'reflect-metadata';
import { CloudEvent, MessageType, validateData } from '@mp/contracts';
import { deriveId } from '@mp/messaging';
import { CustomerStore, PartnerStore } from '@mp/state';
import { eventually } from './support/eventually';
import { isolateTestRun } from './support/isolation';
import { RunningService, startService } from './support/service-harness';
import { TopicProbe } from './support/topic-probe';
import { SmtpSink } from './support/smtp-sink';

jest.setTimeout(120_000);

// Isolation first: the service reads its Kafka namespace, Redis prefix and delivery settings when it is created.
const world = isolateTestRun('notification-email');
process.env.WEBHOOK_BACKOFF_MS = '50';



const emailNotificationIdOf = (event: CloudEvent, party: string, partyId: string) => deriveId(`${event.id}/${party}/${partyId}/email`);
const messageIdOf = (notificationId: string) => `<${notificationId}@multipartner.local>`;
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describe('notification-service e-mail (real Kafka, Redis and SMTP)', () => {
  const smtp = new SmtpSink();
  const probe = new TopicProbe();
  let service: RunningService;

  const customer = world.id('cust');
  const refusingCustomer = world.id('cust-refused');
  const reseller = world.id('res');
  const otherReseller = world.id('res');
  const customerEmail = `it@${customer}.test`;
  const refusedEmail = `nobody@${refusingCustomer}.test`;
  const resellerEmail = `ops@${reseller}.test`;
  const otherResellerEmail = `ops@${otherReseller}.test`;

  const publish = (type: MessageType, data: unknown) => probe.publish(type, data);
  const outcomeFor = (type: 'NotificationDelivered' | 'NotificationFailed', event: CloudEvent, partyId: string) =>
    probe.waitForEvent(type, (e) => {
      const d = e.data as { eventId: string; channel: string; recipient: { partyId: string } };
      return d.eventId === event.id && d.channel === 'email' && d.recipient.partyId === partyId;
    });

  const requestedData = (customerId: string, resellerId: string, requestId: string) => ({
    requestId,
    customerId,
    resellerId,
    services: ['Azure', 'Microsoft 365'],
    delegatedAdmin: { roles: ['HelpdeskAdministrator'], durationDays: 60, autoExtend: false },
    channel: 'direct',
    message: 'We manage your Azure estate.',
    requestedBy: { userId: 'agent-7' },
    status: 'pending',
    requestedAt: new Date().toISOString(),
    expiresAt: inDays(90),
  });

  beforeAll(async () => {
    smtp.refused.add(refusedEmail);
    process.env.SMTP_URL = await smtp.start();
    delete process.env.MAIL_FROM;
    await probe.start();
    // Imported here, after the isolation above, as the module reads LOG_LEVEL when it is loaded.
    const { NotificationServiceModule } = await import('../apps/notification-service/src/notification-service.module');
    const { notificationServiceOptions } = await import('../apps/notification-service/src/notification-service.options');
    service = await startService(NotificationServiceModule, notificationServiceOptions);

    await publish('PartnerRegistered', { partnerId: reseller, name: 'Fabrikam', kind: 'direct-reseller', specializations: ['Azure'], countries: ['FR'], email: resellerEmail });
    await publish('PartnerRegistered', { partnerId: otherReseller, name: 'Litware', kind: 'direct-reseller', specializations: ['Azure'], countries: ['FR'], email: otherResellerEmail });
    await publish('CustomerRegistered', { customerId: customer, name: 'Contoso', country: 'FR', admins: ['admin-1'], email: customerEmail });
    await publish('CustomerRegistered', { customerId: refusingCustomer, name: 'Refusing Ltd', country: 'FR', admins: ['admin-1'], email: refusedEmail });
    const customers = service.app.get(CustomerStore);
    const partners = service.app.get(PartnerStore);
    await eventually('the reference data to be folded', async () => {
      const known = await Promise.all([customer, refusingCustomer].map((id) => customers.get(id)));
      const partnersKnown = await partners.getMany([reseller, otherReseller]);
      return known.every((c) => c?.profile?.email) && [...partnersKnown.values()].filter((p) => p.profile).length === 2;
    });
  });

  afterAll(async () => {
    await service?.close();
    await probe.stop();
    await smtp.stop();
    delete process.env.SMTP_URL;
    await world.cleanup();
  });

  it('e-mails the customer of a new request with its details, and reports the delivery', async () => {
    const requested = await publish('RelationshipRequested', requestedData(customer, reseller, world.id('req')));
    const delivered = await outcomeFor('NotificationDelivered', requested, customer);

    const notificationId = emailNotificationIdOf(requested, 'customer', customer);
    const [mail, ...more] = smtp.withMessageId(messageIdOf(notificationId));
    expect(more).toHaveLength(0);
    expect(mail.rcptTo).toEqual([customerEmail]);
    expect(mail.mailFrom).toBe('no-reply@multipartner.local');
    expect(mail.headers.get('from')).toBe('multipartner <no-reply@multipartner.local>');
    expect(mail.headers.get('to')).toBe(customerEmail);
    expect(mail.headers.get('x-multipartner-notification-id')).toBe(notificationId);
    expect(mail.headers.get('x-multipartner-event-type')).toBe('RelationshipRequested');
    expect(mail.headers.get('subject')).toBe('Fabrikam requests a reseller relationship with Contoso');
    expect(mail.text).toMatch(/^Hello Contoso,/);
    expect(mail.text).toMatch(new RegExp(`Reseller: +Fabrikam \\(${reseller}\\)`));
    expect(mail.text).toMatch(/Services: +Azure, Microsoft 365/);
    expect(mail.text).toMatch(/Delegated admin privileges: +HelpdeskAdministrator for 60 days, not auto-extended/);
    expect(mail.text).toMatch(/Message: +We manage your Azure estate\./);
    expect(mail.html).toContain('<td>Azure, Microsoft 365</td>');
    // The reseller made the request: it is not told of it.
    expect(smtp.to(resellerEmail).filter((m) => m.headers.get('x-multipartner-event-id') === requested.id)).toHaveLength(0);

    expect(validateData('NotificationDelivered', delivered.data).ok).toBe(true);
    expect(delivered.data).toEqual({
      notificationId,
      eventId: requested.id,
      eventType: 'RelationshipRequested',
      customerId: customer,
      recipient: { party: 'customer', partyId: customer },
      channel: 'email',
      target: customerEmail,
      attempts: 1,
      deliveredAt: expect.any(String),
      statusCode: 250,
    });
  });

  it('e-mails the reseller of an approval, and another of a decline with its reason', async () => {
    const requestId = world.id('req');
    const established = await publish('RelationshipEstablished', {
      customerId: customer,
      resellerId: reseller,
      requestId,
      approvedBy: { userId: 'admin-1' },
      relationship: {
        customerId: customer,
        resellerId: reseller,
        status: 'active',
        channel: 'direct',
        services: ['Azure'],
        since: new Date().toISOString(),
        delegatedAdmin: { status: 'active', roles: ['HelpdeskAdministrator'], services: ['Azure'], grantedAt: new Date().toISOString(), expiresAt: inDays(60), durationDays: 60, autoExtend: false },
      },
    });
    const declined = await publish('RequestDeclined', {
      customerId: customer,
      resellerId: otherReseller,
      requestId: world.id('req'),
      declinedBy: { userId: 'admin-1' },
      reason: 'We already have an Azure partner.',
      status: 'declined',
      declinedAt: new Date().toISOString(),
    });

    const approval = await outcomeFor('NotificationDelivered', established, reseller);
    const decline = await outcomeFor('NotificationDelivered', declined, otherReseller);
    await outcomeFor('NotificationDelivered', established, customer);
    await outcomeFor('NotificationDelivered', declined, customer);
    expect(approval.data).toMatchObject({ channel: 'email', target: resellerEmail, eventType: 'RelationshipEstablished', recipient: { party: 'reseller', partyId: reseller } });
    expect(decline.data).toMatchObject({ channel: 'email', target: otherResellerEmail, eventType: 'RequestDeclined', recipient: { party: 'reseller', partyId: otherReseller } });

    const [approvalMail] = smtp.withMessageId(messageIdOf(emailNotificationIdOf(established, 'reseller', reseller)));
    expect(approvalMail.rcptTo).toEqual([resellerEmail]);
    expect(approvalMail.headers.get('subject')).toBe('Contoso approved Fabrikam as a reseller');
    expect(approvalMail.text).toMatch(/^Hello Fabrikam,/);
    expect(approvalMail.text).toMatch(/Delegated admin privileges: +HelpdeskAdministrator for Azure \(active, until /);

    const [declineMail] = smtp.withMessageId(messageIdOf(emailNotificationIdOf(declined, 'reseller', otherReseller)));
    expect(declineMail.rcptTo).toEqual([otherResellerEmail]);
    expect(declineMail.headers.get('subject')).toBe('Contoso declined the reseller request of Litware');
    expect(declineMail.text).toMatch(/Reason: +We already have an Azure partner\./);
    // The reseller that was not declined hears nothing of it.
    expect(smtp.to(resellerEmail).filter((m) => m.headers.get('x-multipartner-event-id') === declined.id)).toHaveLength(0);
  });

  it('reports NotificationFailed when the SMTP server refuses the recipient, after every attempt', async () => {
    const requested = await publish('RelationshipRequested', requestedData(refusingCustomer, reseller, world.id('req')));
    const failed = await outcomeFor('NotificationFailed', requested, refusingCustomer);

    expect(validateData('NotificationFailed', failed.data).ok).toBe(true);
    expect(failed.data).toEqual({
      notificationId: emailNotificationIdOf(requested, 'customer', refusingCustomer),
      eventId: requested.id,
      eventType: 'RelationshipRequested',
      customerId: refusingCustomer,
      recipient: { party: 'customer', partyId: refusingCustomer },
      channel: 'email',
      target: refusedEmail,
      attempts: 4,
      failedAt: expect.any(String),
      reason: 'ATTEMPTS_EXHAUSTED',
      error: expect.stringMatching(/550 5\.1\.1 mailbox unavailable/),
    });
    expect(smtp.to(refusedEmail)).toHaveLength(0);
    expect(probe.events('NotificationDelivered', (e) => (e.data as { eventId: string }).eventId === requested.id)).toHaveLength(0);
  });

  it('sends no second e-mail when the same event is delivered again', async () => {
    const requested = await publish('RelationshipRequested', requestedData(customer, otherReseller, world.id('req')));
    const first = await outcomeFor('NotificationDelivered', requested, customer);

    await probe.sendEnvelope(requested);
    // Same customer, so same partition: once this one is told, the redelivered one has been handled.
    const barrier = await publish('RelationshipRequested', requestedData(customer, reseller, world.id('req')));
    await outcomeFor('NotificationDelivered', barrier, customer);

    expect(smtp.withMessageId(messageIdOf(emailNotificationIdOf(requested, 'customer', customer)))).toHaveLength(1);
    expect(probe.events('NotificationDelivered', (e) => (e.data as { eventId: string }).eventId === requested.id).map((e) => e.id)).toEqual([first.id]);
  });
});

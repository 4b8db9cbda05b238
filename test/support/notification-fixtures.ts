import type { CloudEvent } from '@mp/contracts';
import { ManualClock } from '@mp/domain';
import { deriveId, KAFKA_SETTINGS, KafkaSettings, KafkaTransport } from '@mp/messaging';
import { consumerLag } from './consumer-lag';
import { eventually } from './eventually';
import { RunningService, startService } from './service-harness';

/** What the notification tests publish as the request- and consent-service would. */
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

export const requestedData = (customerId: string, resellerId: string, requestId: string) => ({
  requestId,
  customerId,
  resellerId,
  services: ['Azure'],
  channel: 'direct',
  requestedBy: { userId: `${resellerId}-agent` },
  status: 'pending',
  requestedAt: new Date().toISOString(),
  expiresAt: inDays(90),
});

export const establishedData = (customerId: string, resellerId: string, requestId: string) => ({
  customerId,
  resellerId,
  requestId,
  approvedBy: { userId: 'admin-1' },
  relationship: {
    customerId,
    resellerId,
    status: 'active',
    channel: 'direct',
    services: ['Azure'],
    since: new Date().toISOString(),
    delegatedAdmin: { status: 'active', roles: ['HelpdeskAdministrator'], services: ['Azure'], grantedAt: new Date().toISOString(), expiresAt: inDays(30), durationDays: 30, autoExtend: false },
  },
});

export const declinedData = (customerId: string, resellerId: string, requestId: string) => ({
  customerId,
  resellerId,
  requestId,
  declinedBy: { userId: 'admin-1' },
  reason: 'We already have an Azure partner.',
  status: 'declined',
  declinedAt: new Date().toISOString(),
});

export const partnerData = (partnerId: string, contact: { webhookUrl?: string; email?: string }) => ({
  partnerId,
  name: `Reseller ${partnerId}`,
  kind: 'direct-reseller',
  specializations: ['Azure'],
  countries: ['FR'],
  ...contact,
});

export const customerData = (customerId: string, contact: { webhookUrl?: string; email?: string }) => ({
  customerId,
  name: `Customer ${customerId}`,
  country: 'FR',
  admins: ['admin-1'],
  ...contact,
});

/** The webhook notification of `event` to a party: its id is the receiver's `webhook-id`. */
export const webhookIdOf = (event: Pick<CloudEvent, 'id'>, party: string, partyId: string) => deriveId(`${event.id}/${party}/${partyId}/webhook`);

type Outcome = 'NotificationDelivered' | 'NotificationFailed';
export interface OutcomeData {
  notificationId: string;
  eventId: string;
  recipient: { party: string; partyId: string };
  attempts: number;
  reason?: string;
  error?: string;
  target?: string;
}

/** The outcome events about `event` seen so far (to one party when named). */
export function outcomesOf(probe: { events(type?: string, where?: (e: CloudEvent) => boolean): CloudEvent[] }, type: Outcome, event: Pick<CloudEvent, 'id'>, partyId?: string): Array<CloudEvent<OutcomeData>> {
  return probe.events(type, (e) => {
    const data = e.data as OutcomeData;
    return data.eventId === event.id && (partyId === undefined || data.recipient.partyId === partyId);
  }) as Array<CloudEvent<OutcomeData>>;
}

/**
 * Starts the notification-service as `main.ts` does. Imported late, after the test's isolation,
 * as the module reads LOG_LEVEL when it is loaded; `env` applies to this instance only (its
 * settings are read while it starts).
 */
export async function startNotificationService(clock?: ManualClock, env: Record<string, string> = {}): Promise<RunningService> {
  const { NotificationServiceModule } = await import('../../apps/notification-service/src/notification-service.module');
  const { notificationServiceOptions } = await import('../../apps/notification-service/src/notification-service.options');
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    return await startService(NotificationServiceModule, notificationServiceOptions, clock);
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** Resolves once the service's consumer group has handled everything published so far. */
export async function consumed(service: RunningService, timeoutMs = 60_000): Promise<void> {
  const group = { groupId: service.app.get<KafkaSettings>(KAFKA_SETTINGS).groupId, topics: service.app.get(KafkaTransport).subscribedTopics() };
  await eventually(`${group.groupId} to have no lag`, async () => (await consumerLag(group)) === 0, timeoutMs);
}

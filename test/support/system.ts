import { ConsentServiceModule } from '../../apps/consent-service/src/consent-service.module';
import { consentServiceOptions } from '../../apps/consent-service/src/consent-service.options';
import { DirectoryServiceModule } from '../../apps/directory-service/src/directory-service.module';
import { directoryServiceOptions } from '../../apps/directory-service/src/directory-service.options';
import { NotificationServiceModule } from '../../apps/notification-service/src/notification-service.module';
import { notificationServiceOptions } from '../../apps/notification-service/src/notification-service.options';
import { RequestServiceModule } from '../../apps/request-service/src/request-service.module';
import { requestServiceOptions } from '../../apps/request-service/src/request-service.options';
import { ManualClock } from '@mp/domain';
import { KafkaSettings, KAFKA_SETTINGS, KafkaTransport } from '@mp/messaging';
import { consumerLag } from './consumer-lag';
import { eventually } from './eventually';
import { SmtpSink } from './smtp-sink';
import { RunningService, startService } from './service-harness';
import { opsHeaders } from './tokens';

export interface RunningSystem {
  request: RunningService;
  consent: RunningService;
  notification: RunningService;
  directory: RunningService;
  clock: ManualClock;
  /** The real SMTP server every e-mail of the system goes to. */
  mail: SmtpSink;
  /** Resolves with the e-mails to `address` about `eventType`, once `count` have arrived. */
  mailsTo(address: string, eventType: string, count?: number): Promise<unknown[]>;
  /** Resolves once every service has handled everything published so far. */
  settled(timeoutMs?: number): Promise<void>;
  /** GET on the directory with an ops token (or `token`'s), parsed. */
  directory$(path: string, token?: string): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

/** The four services, in this process, against the real Kafka and Redis, sharing one clock. */
export async function startSystem(clock = new ManualClock(new Date('2026-03-01T09:00:00.000Z'))): Promise<RunningSystem> {
  const mail = new SmtpSink();
  process.env.SMTP_URL = await mail.start();
  const [request, consent, notification, directory] = await Promise.all([
    startService(RequestServiceModule, requestServiceOptions, clock),
    startService(ConsentServiceModule, consentServiceOptions, clock),
    startService(NotificationServiceModule, notificationServiceOptions, clock),
    startService(DirectoryServiceModule, directoryServiceOptions, clock),
  ]);
  const services = [request, consent, notification, directory];
  return {
    request,
    consent,
    notification,
    directory,
    clock,
    mail,
    mailsTo(address: string, eventType: string, count = 1) {
      return eventually(`${count} ${eventType} e-mail(s) to ${address}`, () => {
        const found = mail.to(address).filter((m) => m.headers.get('x-multipartner-event-type') === eventType);
        return found.length >= count && found;
      });
    },
    async settled(timeoutMs = 60_000) {
      const groups = services.map((service) => ({
        groupId: service.app.get<KafkaSettings>(KAFKA_SETTINGS).groupId,
        topics: service.app.get(KafkaTransport).subscribedTopics(),
      }));
      const deadline = Date.now() + timeoutMs;
      // One service's output is another's input: settled means one whole pass with no lag at all.
      for (;;) {
        const lags = await Promise.all(groups.map(consumerLag));
        if (lags.every((lag) => lag === 0)) return;
        if (Date.now() > deadline) throw new Error(`not settled within ${timeoutMs} ms: lag ${lags.join('/')}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async directory$(path: string, token?: string) {
      const response = await fetch(`${directory.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : await opsHeaders() });
      return { status: response.status, body: await response.json() };
    },
    async stop() {
      await Promise.all(services.map((s) => s.close()));
      await mail.stop();
    },
  };
}

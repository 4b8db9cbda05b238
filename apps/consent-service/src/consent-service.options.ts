import type { ServiceOptions } from '@mp/platform';
import { CONSENT_SERVICE } from './consent-service.module';

/** How the consent-service is run: by `main.ts`, and by the tests exactly the same way. */
export const consentServiceOptions: ServiceOptions = {
  service: CONSENT_SERVICE,
  portEnv: 'CONSENT_PORT',
  defaultPort: 3002,
  authenticates: true,
  openApi: {
    title: 'multipartner consent-service',
    description:
      'The customer\'s decisions over HTTP (DESIGN §10): approve or decline a request, end a relationship, revoke delegated ' +
      'admin privileges. Each is checked as its Kafka consumer checks it, published on mp.consent-commands.v1 and answered ' +
      '202 with its id; the decision comes as events on mp.relationship-events.v1. The acting party and user are the bearer token\'s.',
  },
};

import type { ServiceOptions } from '@mp/platform';
import { REQUEST_SERVICE } from './request-service.module';

/** How the request-service is run: by `main.ts`, and by the tests exactly the same way. */
export const requestServiceOptions: ServiceOptions = {
  service: REQUEST_SERVICE,
  portEnv: 'REQUEST_PORT',
  defaultPort: 3001,
  authenticates: true,
  openApi: {
    title: 'multipartner request-service',
    description:
      'A reseller\'s commands over HTTP (DESIGN §10): request a relationship, cancel a request. Each is checked as its ' +
      'Kafka consumer checks it, published on mp.request-commands.v1 and answered 202 with its id; the decision comes as ' +
      'events on mp.request-events.v1. The reseller and the acting user are the bearer token\'s.',
  },
};

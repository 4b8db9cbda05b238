import type { ServiceOptions } from '@mp/platform';
import { DIRECTORY_SERVICE } from './directory-service.module';

/** How the directory is run: by `main.ts`, and by the tests exactly the same way. */
export const directoryServiceOptions: ServiceOptions = {
  service: DIRECTORY_SERVICE,
  portEnv: 'DIRECTORY_PORT',
  defaultPort: 3000,
  authenticates: true,
  openApi: {
    title: 'multipartner directory',
    description:
      'The read side of multipartner (DESIGN §6): which resellers serve a customer, the customers of a reseller, ' +
      'relationship requests with their history, and subscriptions with their Partner of Record. Read models are ' +
      'projected from Kafka into Redis; each answer costs at most a couple of Redis round trips.',
  },
};

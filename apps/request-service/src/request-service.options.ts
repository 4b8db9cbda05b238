import type { ServiceOptions } from '@mp/platform';
import { REQUEST_SERVICE } from './request-service.module';

/** How the request-service is run: by `main.ts`, and by the tests exactly the same way. */
export const requestServiceOptions: ServiceOptions = { service: REQUEST_SERVICE, portEnv: 'REQUEST_PORT', defaultPort: 3001 };

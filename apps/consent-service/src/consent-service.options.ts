import type { ServiceOptions } from '@mp/platform';
import { CONSENT_SERVICE } from './consent-service.module';

/** How the consent-service is run: by `main.ts`, and by the tests exactly the same way. */
export const consentServiceOptions: ServiceOptions = { service: CONSENT_SERVICE, portEnv: 'CONSENT_PORT', defaultPort: 3002 };

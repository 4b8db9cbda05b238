import 'reflect-metadata';
import { runService } from '@mp/platform';
import { CONSENT_SERVICE, ConsentServiceModule } from './consent-service.module';

void runService(ConsentServiceModule, { service: CONSENT_SERVICE, portEnv: 'CONSENT_PORT', defaultPort: 3002 });

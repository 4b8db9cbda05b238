import 'reflect-metadata';
import { runService } from '@mp/platform';
import { REQUEST_SERVICE, RequestServiceModule } from './request-service.module';

void runService(RequestServiceModule, { service: REQUEST_SERVICE, portEnv: 'REQUEST_PORT', defaultPort: 3001 });

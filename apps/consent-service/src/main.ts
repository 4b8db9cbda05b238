import 'reflect-metadata';
import { runService } from '@mp/platform';
import { ConsentServiceModule } from './consent-service.module';
import { consentServiceOptions } from './consent-service.options';

void runService(ConsentServiceModule, consentServiceOptions);

import 'reflect-metadata';
import { runService } from '@mp/platform';
import { RequestServiceModule } from './request-service.module';
import { requestServiceOptions } from './request-service.options';

void runService(RequestServiceModule, requestServiceOptions);

import 'reflect-metadata';
import { runService } from '@mp/platform';
import { directoryServiceOptions } from './directory-service.options';
import { DirectoryServiceModule } from './directory-service.module';

void runService(DirectoryServiceModule, directoryServiceOptions);

import { DynamicModule, Module } from '@nestjs/common';
import { REDIS } from '@mp/redis';
import type { Redis } from 'ioredis';
import { CommandRunner } from './command-runner';
import { LifecycleEventsMessageController } from './lifecycle-events.message.controller';
import { ReferenceDataMessageController } from './reference-data.message.controller';
import { StateProjector } from './state-projector';
import { CustomerStore, DueAt, PartnerStore } from './stores';

/** A service's own folded state of customers and partners, fed by the reference-data topics. */
@Module({})
export class StateModule {
  /**
   * `foldLifecycleEvents`: also fold request and relationship events with the shared controller;
   * a service that acts on them besides folding (notifications) folds them in its own handler.
   */
  /**
   * `dueAt`: when a customer next needs a timed decision; the service then provides `DUE_ACTION`
   * and `DueScheduler`, which runs the action when the time comes.
   */
  static forService(service: string, { foldLifecycleEvents = true, dueAt }: { foldLifecycleEvents?: boolean; dueAt?: DueAt } = {}): DynamicModule {
    return {
      module: StateModule,
      controllers: foldLifecycleEvents ? [ReferenceDataMessageController, LifecycleEventsMessageController] : [ReferenceDataMessageController],
      providers: [
        { provide: CustomerStore, useFactory: (redis: Redis) => new CustomerStore(redis, service, dueAt), inject: [REDIS] },
        { provide: PartnerStore, useFactory: (redis: Redis) => new PartnerStore(redis, service), inject: [REDIS] },
        StateProjector,
        CommandRunner,
      ],
      exports: [CustomerStore, PartnerStore, StateProjector, CommandRunner],
    };
  }
}

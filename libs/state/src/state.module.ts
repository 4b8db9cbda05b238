import { DynamicModule, Module } from '@nestjs/common';
import { Environment, ENVIRONMENT } from '@mp/config';
import { CustomerState, WaitPolicy } from '@mp/domain';
import { REDIS, RedisClient } from '@mp/redis';
import { CustomerCommandHandler, WAIT_POLICY } from './customer-command.handler';
import { LifecycleEventsMessageController } from './lifecycle-events.message.controller';
import { ReferenceDataMessageController } from './reference-data.message.controller';
import { StateProjector } from './state-projector';
import { COMMAND_TOPICS, HELD_WHILE_REBUILDING, StateRebuild } from './state-rebuild';
import type { TopicName } from '@mp/contracts';
import { LaneFolds } from './lane-folds';
import { CustomerStore, DueAt, PartnerStore } from './stores';

/** `COMMAND_WAIT_SECONDS`: how long a command waits for what it names before its refusal is final. */
export function waitPolicyOf(env: Environment): WaitPolicy {
  return { waitMs: Math.round(env.COMMAND_WAIT_SECONDS * 1000) };
}

/** A service's own folded state of customers and partners, fed by the reference-data topics. */
@Module({})
export class StateModule {
  /**
   * `foldLifecycleEvents`: also fold request and relationship events with the shared controller;
   * a service that acts on them besides folding (notifications) folds them in its own handler.
   * `foldReferenceData`: fold reference data (partners, customers, subscriptions) with the shared
   * controller; a service that acts on it besides folding registers its own handlers instead.
   * `dueAt`: when a customer next needs a timed decision; the service then provides `DUE_WORK`
   * and `DueScheduler`, which runs that work when the time comes.
   * `heldWhileRebuilding`: the topics held back while a lost state is rebuilt (default: the commands).
   * `kept`: what of a customer's state the service keeps in Redis (default: all of it).
   * `foldsPerLane`: the folds of a key lane (one customer's consecutive events in a batch) read the
   * state once and write it once (`LaneFolds`): for a service that only folds (the directory).
   * `seenKept`: how many handled message ids each customer's and partner's state remembers
   * (default `SEEN_KEPT`, 5,000: a deciding service must know a redelivered command however late).
   */
  static forService(
    service: string,
    {
      foldLifecycleEvents = true,
      foldReferenceData = true,
      dueAt,
      heldWhileRebuilding = COMMAND_TOPICS,
      kept,
      foldsPerLane = false,
      seenKept,
    }: {
      foldLifecycleEvents?: boolean;
      foldReferenceData?: boolean;
      dueAt?: DueAt;
      heldWhileRebuilding?: readonly TopicName[];
      kept?: (state: CustomerState) => CustomerState;
      foldsPerLane?: boolean;
      seenKept?: number;
    } = {},
  ): DynamicModule {
    return {
      module: StateModule,
      controllers: [...(foldReferenceData ? [ReferenceDataMessageController] : []), ...(foldLifecycleEvents ? [LifecycleEventsMessageController] : [])],
      providers: [
        { provide: CustomerStore, useFactory: (redis: RedisClient) => new CustomerStore(redis, service, dueAt, kept, seenKept), inject: [REDIS] },
        { provide: PartnerStore, useFactory: (redis: RedisClient) => new PartnerStore(redis, service, seenKept), inject: [REDIS] },
        { provide: WAIT_POLICY, useFactory: waitPolicyOf, inject: [ENVIRONMENT] },
        { provide: HELD_WHILE_REBUILDING, useValue: heldWhileRebuilding },
        ...(foldsPerLane ? [LaneFolds] : []),
        StateProjector,
        CustomerCommandHandler,
        StateRebuild,
      ],
      exports: [CustomerStore, PartnerStore, StateProjector, CustomerCommandHandler, StateRebuild],
    };
  }
}

import { Global, Module } from '@nestjs/common';
import { systemClock } from '@mp/domain';

/** The injected clock (DESIGN §5): the system's in production; tests override `CLOCK` to move time. */
export const CLOCK = Symbol('CLOCK');

@Global()
@Module({ providers: [{ provide: CLOCK, useValue: systemClock }], exports: [CLOCK] })
export class ClockModule {}

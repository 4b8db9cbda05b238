import { Clock, decideRequestExpiry } from '@mp/domain';
import { CLOCK } from '@mp/platform';
import { CommandRunner, DUE_ACTION, DueAction } from '@mp/state';

/** Pending requests past `REQUEST_TTL_DAYS` -> RequestExpired, fired by the scheduler. */
export const expireRequestsAction = {
  provide: DUE_ACTION,
  inject: [CommandRunner, CLOCK],
  useFactory:
    (runner: CommandRunner, clock: Clock): DueAction =>
    (customerId, dueAt) =>
      // The origin names the customer and the due time, so a re-run after a crash emits the same ids.
      runner.run({ id: `request-expiry/${customerId}/${dueAt}` }, customerId, (customer) => decideRequestExpiry(customer, clock.now())),
};

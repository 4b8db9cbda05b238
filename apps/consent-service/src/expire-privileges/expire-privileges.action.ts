import { Clock, decidePrivilegeExpiry } from '@mp/domain';
import { CLOCK } from '@mp/platform';
import { CommandRunner, DUE_ACTION, DueAction } from '@mp/state';

/** Privileges at their end -> DelegatedAdminExpired, or DelegatedAdminExtended when they auto-extend. */
export const expirePrivilegesAction = {
  provide: DUE_ACTION,
  inject: [CommandRunner, CLOCK],
  useFactory:
    (runner: CommandRunner, clock: Clock): DueAction =>
    (customerId, dueAt) =>
      runner.run({ id: `privilege-expiry/${customerId}/${dueAt}` }, customerId, (customer) => decidePrivilegeExpiry(customer, clock.now())),
};

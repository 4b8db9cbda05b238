import { NotFoundException } from '@nestjs/common';
import { customerVisibility, mayBeCustomer, type PartiesOf, type Principal } from '@mp/auth';
import type { CustomerState } from '@mp/domain';

/** A customer the directory knows: its `CustomerRegistered` has been folded. */
export type KnownCustomer = CustomerState & { profile: NonNullable<CustomerState['profile']> };

const notFound = (customerId: string) => new NotFoundException(`Customer "${customerId}" is not known to the directory.`);

export function knownCustomerOr404(customerId: string, state: CustomerState | undefined): KnownCustomer {
  if (!state?.profile) throw notFound(customerId);
  return state as KnownCustomer;
}

/**
 * The customer as the caller may see it, read by `load` only when its token could be for it:
 * a customer that is not the caller's (DESIGN §10) is the very 404 of an unknown one, so its
 * existence is not revealed. `visible` keeps the relationships and requests the caller sees.
 */
export async function visibleCustomerOr404(
  principal: Principal,
  customerId: string,
  load: (customerId: string) => Promise<CustomerState | undefined>,
): Promise<{ customer: KnownCustomer; visible: (item: PartiesOf) => boolean }> {
  if (!mayBeCustomer(principal, customerId)) throw notFound(customerId);
  const customer = knownCustomerOr404(customerId, await load(customerId));
  const visible = customerVisibility(principal, customer);
  if (!visible) throw notFound(customerId);
  return { customer, visible };
}

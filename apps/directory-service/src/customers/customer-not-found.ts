import { NotFoundException } from '@nestjs/common';
import type { CustomerState } from '@mp/domain';

/** A customer the directory knows: its `CustomerRegistered` has been folded. */
export type KnownCustomer = CustomerState & { profile: NonNullable<CustomerState['profile']> };

export function knownCustomerOr404(customerId: string, state: CustomerState | undefined): KnownCustomer {
  if (!state?.profile) throw new NotFoundException(`Customer "${customerId}" is not known to the directory.`);
  return state as KnownCustomer;
}

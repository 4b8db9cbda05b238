import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { resellerCustomersVisibility, type Principal } from '@mp/auth';
import { CustomerStore, PartnerStore } from '@mp/state';
import { DirectoryIndexes } from '../indexes/directory-indexes';
import { decodeCursor, pageOf } from './pagination';
import type { ResellerCustomersDto } from './reseller-customers.dto';
import { toResellerCustomers } from './reseller-customer-views';

/**
 * A page of a reseller's customers. Round trip 1: the reseller's state and the page of its index
 * (`ZRANGEBYLEX`, limit+1 members), sent together (the client pipelines concurrent commands);
 * round trip 2: the page's customers' states, pipelined. Its indirect provider sees the
 * customers served through it (a page may then show fewer than `limit`); anybody else but ops
 * and the reseller itself gets the 404 of an unknown reseller (DESIGN §10).
 */
@Injectable()
export class ResellerCustomersQuery {
  constructor(
    private readonly indexes: DirectoryIndexes,
    private readonly partners: PartnerStore,
    private readonly customers: CustomerStore,
  ) {}

  async run(principal: Principal, resellerId: string, limit: number, cursor?: string): Promise<ResellerCustomersDto> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && after === undefined) throw new BadRequestException('cursor must be a nextCursor returned by a previous page');
    const [partner, fetched] = await Promise.all([this.partners.get(resellerId), this.indexes.customersOfReseller(resellerId, after, limit + 1)]);
    const visible = resellerCustomersVisibility(principal, resellerId, partner);
    if (!partner?.profile || !visible) throw new NotFoundException(`Reseller "${resellerId}" is not known to the directory.`);
    const page = pageOf(fetched, limit);
    const customers = await this.customers.getMany(page.members);
    return toResellerCustomers(resellerId, page.members, customers, page.nextCursor, visible);
  }
}

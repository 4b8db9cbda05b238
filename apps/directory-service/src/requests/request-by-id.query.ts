import { Injectable, NotFoundException } from '@nestjs/common';
import { mayReadRequest, type Principal } from '@mp/auth';
import { CustomerStore } from '@mp/state';
import { DirectoryIndexes } from '../indexes/directory-indexes';
import type { RequestDetailDto } from './request.dto';
import { toRequestDetail } from './request-views';

/**
 * One request with its status and history: a GET of the request index for its customer, then
 * one HGET of that customer's state. A request refused at intake for an unknown customer is
 * found too (its customer has a state, without a profile). A request the caller may not see
 * (DESIGN §10) is the very 404 of an unknown one.
 */
@Injectable()
export class RequestByIdQuery {
  constructor(
    private readonly indexes: DirectoryIndexes,
    private readonly customers: CustomerStore,
  ) {}

  async run(principal: Principal, requestId: string): Promise<RequestDetailDto> {
    const customerId = await this.indexes.customerOfRequest(requestId);
    const request = customerId ? (await this.customers.get(customerId))?.requests[requestId] : undefined;
    if (!request || !mayReadRequest(principal, request)) throw new NotFoundException(`Request "${requestId}" is not known to the directory.`);
    return toRequestDetail(request);
  }
}

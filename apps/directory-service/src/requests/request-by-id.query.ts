import { Injectable, NotFoundException } from '@nestjs/common';
import { CustomerStore } from '@mp/state';
import { DirectoryIndexes } from '../indexes/directory-indexes';
import type { RequestDetailDto } from './request.dto';
import { toRequestDetail } from './request-views';

/**
 * One request with its status and history: a GET of the request index for its customer, then
 * one HGET of that customer's state. A request refused at intake for an unknown customer is
 * found too (its customer has a state, without a profile).
 */
@Injectable()
export class RequestByIdQuery {
  constructor(
    private readonly indexes: DirectoryIndexes,
    private readonly customers: CustomerStore,
  ) {}

  async run(requestId: string): Promise<RequestDetailDto> {
    const customerId = await this.indexes.customerOfRequest(requestId);
    const request = customerId ? (await this.customers.get(customerId))?.requests[requestId] : undefined;
    if (!request) throw new NotFoundException(`Request "${requestId}" is not known to the directory.`);
    return toRequestDetail(request);
  }
}

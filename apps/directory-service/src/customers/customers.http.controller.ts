import { Controller, Get, Param, Query, UseGuards, UseInterceptors, UsePipes } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiServiceUnavailableResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../http/error-response.dto';
import { LostReadModelsInterceptor } from '../rebuild/lost-read-models.interceptor';
import { ReadModelsReadyGuard } from '../rebuild/read-models-ready.guard';
import { directoryValidationPipe } from '../http/validation';
import { CustomerRequestsDto } from '../requests/request.dto';
import { CustomerResellersDto, CustomerSubscriptionsDto } from './customer.dto';
import { CustomerParams, RequestFilter, ResellerFilter } from './customer.params';
import { CustomerRequestsQuery } from './customer-requests.query';
import { CustomerResellersQuery } from './customer-resellers.query';
import { CustomerSubscriptionsQuery } from './customer-subscriptions.query';

@ApiTags('customers')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A path or query parameter is invalid.' })
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'The customer is not known to the directory.' })
@UseGuards(ReadModelsReadyGuard)
@UseInterceptors(LostReadModelsInterceptor)
@ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The read models are rebuilding; see Retry-After.' })
@UsePipes(directoryValidationPipe())
@Controller('v1/customers/:customerId')
export class CustomersHttpController {
  constructor(
    private readonly resellersQuery: CustomerResellersQuery,
    private readonly subscriptionsQuery: CustomerSubscriptionsQuery,
    private readonly requestsQuery: CustomerRequestsQuery,
  ) {}

  @Get('resellers')
  @ApiOperation({ summary: 'Which resellers serve this customer', description: 'Active relationships only; `service` keeps the resellers serving it.' })
  @ApiOkResponse({ type: CustomerResellersDto })
  resellers(@Param() { customerId }: CustomerParams, @Query() { service }: ResellerFilter): Promise<CustomerResellersDto> {
    return this.resellersQuery.run(customerId, service);
  }

  @Get('subscriptions')
  @ApiOperation({ summary: 'The customer\'s subscriptions, with their Partner of Record' })
  @ApiOkResponse({ type: CustomerSubscriptionsDto })
  subscriptions(@Param() { customerId }: CustomerParams): Promise<CustomerSubscriptionsDto> {
    return this.subscriptionsQuery.run(customerId);
  }

  @Get('requests')
  @ApiOperation({ summary: 'The customer\'s relationship requests, newest first' })
  @ApiOkResponse({ type: CustomerRequestsDto })
  requests(@Param() { customerId }: CustomerParams, @Query() { status }: RequestFilter): Promise<CustomerRequestsDto> {
    return this.requestsQuery.run(customerId, status);
  }
}

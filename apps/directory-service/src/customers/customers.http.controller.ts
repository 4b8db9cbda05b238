import { ApiTokenAnswers, ErrorResponseDto } from '@mp/platform';
import { Controller, Get, Param, Query, UseGuards, UseInterceptors, UsePipes } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiServiceUnavailableResponse } from '@nestjs/swagger';
import { AllowedRoles, CurrentPrincipal, type Principal, ROUTE_ROLES } from '@mp/auth';
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
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'The customer is not known to the directory, or is not the caller\'s (the same answer).' })
@ApiTokenAnswers()
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
  @AllowedRoles(...ROUTE_ROLES['customer-resellers'])
  @ApiOperation({ summary: 'Which resellers serve this customer', description: 'Active relationships only; `service` keeps the resellers serving it. A reseller sees its own entry only (an indirect provider also its indirect resellers\').' })
  @ApiOkResponse({ type: CustomerResellersDto })
  resellers(@CurrentPrincipal() principal: Principal, @Param() { customerId }: CustomerParams, @Query() { service }: ResellerFilter): Promise<CustomerResellersDto> {
    return this.resellersQuery.run(principal, customerId, service);
  }

  @Get('subscriptions')
  @AllowedRoles(...ROUTE_ROLES['customer-subscriptions'])
  @ApiOperation({ summary: 'The customer\'s subscriptions, with their Partner of Record', description: 'For ops and the customer\'s admins.' })
  @ApiOkResponse({ type: CustomerSubscriptionsDto })
  subscriptions(@CurrentPrincipal() principal: Principal, @Param() { customerId }: CustomerParams): Promise<CustomerSubscriptionsDto> {
    return this.subscriptionsQuery.run(principal, customerId);
  }

  @Get('requests')
  @AllowedRoles(...ROUTE_ROLES['customer-requests'])
  @ApiOperation({ summary: 'The customer\'s relationship requests, newest first', description: 'A reseller sees its own requests only (an indirect provider also its indirect resellers\').' })
  @ApiOkResponse({ type: CustomerRequestsDto })
  requests(@CurrentPrincipal() principal: Principal, @Param() { customerId }: CustomerParams, @Query() { status }: RequestFilter): Promise<CustomerRequestsDto> {
    return this.requestsQuery.run(principal, customerId, status);
  }
}

import { ApiTokenAnswers, ErrorResponseDto } from '@mp/platform';
import { Controller, Get, Param, Query, UseGuards, UseInterceptors, UsePipes } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiServiceUnavailableResponse } from '@nestjs/swagger';
import { AllowedRoles, CurrentPrincipal, type Principal, ROUTE_ROLES } from '@mp/auth';
import { LostReadModelsInterceptor } from '../rebuild/lost-read-models.interceptor';
import { ReadModelsReadyGuard } from '../rebuild/read-models-ready.guard';
import { directoryValidationPipe } from '../http/validation';
import { ResellerCustomersDto } from './reseller-customers.dto';
import { PageParams, ResellerParams } from './reseller.params';
import { ResellerCustomersQuery } from './reseller-customers.query';

@ApiTags('resellers')
@ApiTokenAnswers()
@UseGuards(ReadModelsReadyGuard)
@UseInterceptors(LostReadModelsInterceptor)
@ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The read models are rebuilding; see Retry-After.' })
@UsePipes(directoryValidationPipe())
@Controller('v1/resellers/:resellerId')
export class ResellersHttpController {
  constructor(private readonly customersQuery: ResellerCustomersQuery) {}

  @Get('customers')
  @AllowedRoles(...ROUTE_ROLES['reseller-customers'])
  @ApiOperation({
    summary: 'The customers a reseller serves, a page at a time',
    description: 'Customers with an active relationship, ordered by customer id. Pages resume after the last customer of the previous page, so they have no duplicates or gaps while relationships change. For ops and the reseller itself; its indirect provider sees the customers served through it.',
  })
  @ApiOkResponse({ type: ResellerCustomersDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A bad `limit` or `cursor`.' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'The reseller is not a registered partner, or is not the caller (the same answer).' })
  customers(@CurrentPrincipal() principal: Principal, @Param() { resellerId }: ResellerParams, @Query() { cursor, limit }: PageParams): Promise<ResellerCustomersDto> {
    return this.customersQuery.run(principal, resellerId, limit, cursor);
  }
}

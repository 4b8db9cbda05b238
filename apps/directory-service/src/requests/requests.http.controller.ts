import { ApiTokenAnswers, ErrorResponseDto } from '@mp/platform';
import { Controller, Get, Param, UseGuards, UseInterceptors, UsePipes } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiServiceUnavailableResponse } from '@nestjs/swagger';
import { AllowedRoles, CurrentPrincipal, type Principal, ROUTE_ROLES } from '@mp/auth';
import { LostReadModelsInterceptor } from '../rebuild/lost-read-models.interceptor';
import { ReadModelsReadyGuard } from '../rebuild/read-models-ready.guard';
import { directoryValidationPipe } from '../http/validation';
import { RequestDetailDto } from './request.dto';
import { RequestParams } from './request.params';
import { RequestByIdQuery } from './request-by-id.query';

@ApiTags('requests')
@ApiTokenAnswers()
@UseGuards(ReadModelsReadyGuard)
@UseInterceptors(LostReadModelsInterceptor)
@ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The read models are rebuilding; see Retry-After.' })
@UsePipes(directoryValidationPipe())
@Controller('v1/requests')
export class RequestsHttpController {
  constructor(private readonly requestQuery: RequestByIdQuery) {}

  @Get(':requestId')
  @AllowedRoles(...ROUTE_ROLES.request)
  @ApiOperation({ summary: 'A relationship request: its status and history', description: 'For ops, the customer\'s admins, the requesting reseller and its indirect provider.' })
  @ApiOkResponse({ type: RequestDetailDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'The request id is invalid.' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'The request is not known to the directory, or is not the caller\'s (the same answer).' })
  request(@CurrentPrincipal() principal: Principal, @Param() { requestId }: RequestParams): Promise<RequestDetailDto> {
    return this.requestQuery.run(principal, requestId);
  }
}

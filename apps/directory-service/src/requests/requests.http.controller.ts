import { Controller, Get, Param, UseGuards, UseInterceptors, UsePipes } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiServiceUnavailableResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../http/error-response.dto';
import { LostReadModelsInterceptor } from '../rebuild/lost-read-models.interceptor';
import { ReadModelsReadyGuard } from '../rebuild/read-models-ready.guard';
import { directoryValidationPipe } from '../http/validation';
import { RequestDetailDto } from './request.dto';
import { RequestParams } from './request.params';
import { RequestByIdQuery } from './request-by-id.query';

@ApiTags('requests')
@UseGuards(ReadModelsReadyGuard)
@UseInterceptors(LostReadModelsInterceptor)
@ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The read models are rebuilding; see Retry-After.' })
@UsePipes(directoryValidationPipe())
@Controller('v1/requests')
export class RequestsHttpController {
  constructor(private readonly requestQuery: RequestByIdQuery) {}

  @Get(':requestId')
  @ApiOperation({ summary: 'A relationship request: its status and history' })
  @ApiOkResponse({ type: RequestDetailDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'The request id is invalid.' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'The request is not known to the directory.' })
  request(@Param() { requestId }: RequestParams): Promise<RequestDetailDto> {
    return this.requestQuery.run(requestId);
  }
}

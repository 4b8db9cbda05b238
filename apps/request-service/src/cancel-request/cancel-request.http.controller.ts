import { Body, Controller, HttpCode, HttpStatus, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AllowedRoles, CurrentPrincipal, Principal } from '@mp/auth';
import { ApiCommandAnswers, CommandAccepted, HttpCommandPublisher } from '@mp/platform';
import { CancelRequestBody, cancelRequestOf } from './cancel-request.body';

@ApiTags('commands')
@Controller('v1/requests')
export class CancelRequestHttpController {
  constructor(private readonly commands: HttpCommandPublisher) {}

  @Post(':requestId/cancel')
  @HttpCode(HttpStatus.ACCEPTED)
  @AllowedRoles('reseller')
  @ApiOperation({ summary: 'The requesting reseller cancels its pending request (CancelRequest on mp.request-commands.v1)' })
  @ApiParam({ name: 'requestId' })
  @ApiBody({ type: CancelRequestBody })
  @ApiCommandAnswers('only a reseller, as itself; another reseller\'s request is refused by the rule (RequestRejected NOT_REQUESTING_RESELLER)')
  cancel(@CurrentPrincipal() principal: Principal, @Param('requestId') requestId: string, @Body() body: unknown, @Req() request: { id?: unknown }): Promise<CommandAccepted> {
    return this.commands.publish('CancelRequest', cancelRequestOf(principal, requestId, body), request);
  }
}

import { Body, Controller, HttpCode, HttpStatus, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AllowedRoles, CurrentPrincipal, Principal } from '@mp/auth';
import { ApiCommandAnswers, CommandAccepted, HttpCommandPublisher } from '@mp/platform';
import { DeclineRequestBody, declineRequestOf } from './decline-request.body';

@ApiTags('commands')
@Controller('v1/requests')
export class DeclineRequestHttpController {
  constructor(private readonly commands: HttpCommandPublisher) {}

  @Post(':requestId/decline')
  @HttpCode(HttpStatus.ACCEPTED)
  @AllowedRoles('customer-admin')
  @ApiOperation({ summary: 'The customer\'s admin declines a pending request (DeclineRequest on mp.consent-commands.v1)' })
  @ApiParam({ name: 'requestId' })
  @ApiBody({ type: DeclineRequestBody, required: false })
  @ApiCommandAnswers('only an admin of the customer, for its own customer')
  decline(@CurrentPrincipal() principal: Principal, @Param('requestId') requestId: string, @Body() body: unknown, @Req() request: { id?: unknown }): Promise<CommandAccepted> {
    return this.commands.publish('DeclineRequest', declineRequestOf(principal, requestId, body), request);
  }
}

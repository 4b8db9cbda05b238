import { Body, Controller, HttpCode, HttpStatus, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AllowedRoles, CurrentPrincipal, Principal } from '@mp/auth';
import { ApiCommandAnswers, CommandAccepted, HttpCommandPublisher } from '@mp/platform';
import { ApproveRequestBody, approveRequestOf } from './approve-request.body';

@ApiTags('commands')
@Controller('v1/requests')
export class ApproveRequestHttpController {
  constructor(private readonly commands: HttpCommandPublisher) {}

  @Post(':requestId/approve')
  @HttpCode(HttpStatus.ACCEPTED)
  @AllowedRoles('customer-admin')
  @ApiOperation({ summary: 'The customer\'s admin approves a pending request (ApproveRequest on mp.consent-commands.v1)' })
  @ApiParam({ name: 'requestId' })
  @ApiBody({ type: ApproveRequestBody, required: false })
  @ApiCommandAnswers('only an admin of the customer, for its own customer')
  approve(@CurrentPrincipal() principal: Principal, @Param('requestId') requestId: string, @Body() body: unknown, @Req() request: { id?: unknown }): Promise<CommandAccepted> {
    return this.commands.publish('ApproveRequest', approveRequestOf(principal, requestId, body), request);
  }
}

import { Body, Controller, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowedRoles, CurrentPrincipal, Principal } from '@mp/auth';
import { ApiCommandAnswers, CommandAccepted, HttpCommandPublisher } from '@mp/platform';
import { RequestRelationshipBody, requestRelationshipOf } from './request-relationship.body';

@ApiTags('commands')
@Controller('v1/requests')
export class RequestRelationshipHttpController {
  constructor(private readonly commands: HttpCommandPublisher) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @AllowedRoles('reseller')
  @ApiOperation({ summary: 'A reseller requests a relationship with a customer (RequestRelationship on mp.request-commands.v1)' })
  @ApiBody({ type: RequestRelationshipBody })
  @ApiCommandAnswers('only a reseller, for itself (resellerId is its partnerId)')
  request(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Req() request: { id?: unknown }): Promise<CommandAccepted> {
    return this.commands.publish('RequestRelationship', requestRelationshipOf(principal, body), request);
  }
}

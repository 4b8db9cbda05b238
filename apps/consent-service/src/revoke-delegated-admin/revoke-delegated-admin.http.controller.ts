import { Body, Controller, HttpCode, HttpStatus, Param, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowedRoles, CurrentPrincipal, Principal } from '@mp/auth';
import { ApiCommandAnswers, CommandAccepted, HttpCommandPublisher } from '@mp/platform';
import { RelationshipIds } from '../end-relationship/end-relationship.body';
import { revokeDelegatedAdminOf } from './revoke-delegated-admin.body';

@ApiTags('commands')
@Controller('v1/customers/:customerId/resellers/:resellerId')
export class RevokeDelegatedAdminHttpController {
  constructor(private readonly commands: HttpCommandPublisher) {}

  @Post('revoke-admin')
  @HttpCode(HttpStatus.ACCEPTED)
  @AllowedRoles('customer-admin')
  @ApiOperation({ summary: 'The customer\'s admin revokes the reseller\'s delegated admin privileges (RevokeDelegatedAdmin on mp.consent-commands.v1); no body' })
  @ApiCommandAnswers('only an admin of that customer')
  revoke(@CurrentPrincipal() principal: Principal, @Param() ids: RelationshipIds, @Body() body: unknown, @Req() request: { id?: unknown }): Promise<CommandAccepted> {
    return this.commands.publish('RevokeDelegatedAdmin', revokeDelegatedAdminOf(principal, ids, body), request);
  }
}

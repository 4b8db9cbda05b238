import { Body, Controller, HttpCode, HttpStatus, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowedRoles, CurrentPrincipal, Principal } from '@mp/auth';
import { ApiCommandAnswers, CommandAccepted, HttpCommandPublisher } from '@mp/platform';
import { CustomerStore } from '@mp/state';
import { EndRelationshipBody, endRelationshipOf, RelationshipIds } from './end-relationship.body';

@ApiTags('commands')
@Controller('v1/customers/:customerId/resellers/:resellerId')
export class EndRelationshipHttpController {
  constructor(
    private readonly commands: HttpCommandPublisher,
    private readonly customers: CustomerStore,
  ) {}

  @Post('end')
  @HttpCode(HttpStatus.ACCEPTED)
  @AllowedRoles('customer-admin', 'reseller')
  @ApiOperation({ summary: 'The customer\'s admin, the reseller or its indirect provider ends the relationship (EndRelationship on mp.consent-commands.v1)' })
  @ApiBody({ type: EndRelationshipBody, required: false })
  @ApiCommandAnswers('the customer\'s admin (as customer), the reseller itself (as reseller) or the indirect provider its relationship came through (as provider)')
  async end(@CurrentPrincipal() principal: Principal, @Param() ids: RelationshipIds, @Body() body: unknown, @Req() request: { id?: unknown }): Promise<CommandAccepted> {
    return this.commands.publish('EndRelationship', endRelationshipOf(principal, ids, body, await this.indirectProviderOf(principal, ids)), request);
  }

  /** Only for a partner that is not the reseller: the indirect provider of the relationship, as this service decided it. */
  private async indirectProviderOf(principal: Principal, { customerId, resellerId }: RelationshipIds): Promise<string | undefined> {
    if (principal.role !== 'reseller' || principal.partnerId === resellerId) return undefined;
    return (await this.customers.get(customerId))?.relationships[resellerId]?.indirectProviderId;
  }
}

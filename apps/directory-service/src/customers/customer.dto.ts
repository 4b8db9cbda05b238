import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Channels, DelegatedAdminStatuses } from '@mp/contracts';
import type { Channel, DelegatedAdminStatus } from '@mp/contracts';

export class DelegatedAdminDto {
  @ApiProperty({ enum: DelegatedAdminStatuses })
  status!: DelegatedAdminStatus;

  @ApiProperty({ type: [String], example: ['HelpdeskAdministrator'] })
  roles!: string[];

  @ApiPropertyOptional({ format: 'date-time' })
  expiresAt?: string;

  @ApiProperty()
  autoExtend!: boolean;
}

/** What both sides of an active relationship see of it: its services, since when, its privileges. */
export class RelationshipTermsDto {
  @ApiProperty({ type: [String], example: ['Azure'] })
  services!: string[];

  @ApiProperty({ format: 'date-time' })
  since!: string;

  @ApiProperty({ type: DelegatedAdminDto })
  delegatedAdmin!: DelegatedAdminDto;
}

export class CustomerResellerDto extends RelationshipTermsDto {
  @ApiProperty()
  resellerId!: string;

  @ApiProperty({ type: String, nullable: true, description: 'The partner\'s name; null until its registration is known.' })
  name!: string | null;

  @ApiProperty({ enum: Channels })
  channel!: Channel;

  @ApiPropertyOptional({ description: 'With an indirect reseller: the indirect provider it works through.' })
  indirectProviderId?: string;
}

export class CustomerResellersDto {
  @ApiProperty()
  customerId!: string;

  @ApiProperty({ type: [CustomerResellerDto], description: 'Active relationships only.' })
  resellers!: CustomerResellerDto[];
}

export class SubscriptionDto {
  @ApiProperty()
  subscriptionId!: string;

  @ApiProperty({ example: 'Azure' })
  service!: string;

  @ApiProperty({ minimum: 1 })
  quantity!: number;

  @ApiProperty({ description: 'Never changed by multi-partner.' })
  partnerOfRecordId!: string;

  @ApiProperty({ enum: ['active', 'cancelled'] })
  status!: 'active' | 'cancelled';
}

export class CustomerSubscriptionsDto {
  @ApiProperty()
  customerId!: string;

  @ApiProperty({ type: [SubscriptionDto] })
  subscriptions!: SubscriptionDto[];
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Channels, RequestRejectionReasons, RequestStatuses } from '@mp/contracts';
import type { Channel, RequestRejectionReason } from '@mp/contracts';

/** A request's status as the directory shows it: `rejected` is a request refused at intake. */
export const DirectoryRequestStatuses = [...RequestStatuses, 'rejected'] as const;
export type DirectoryRequestStatus = (typeof DirectoryRequestStatuses)[number];

export class UserRefDto {
  @ApiProperty({ example: 'user-17' })
  userId!: string;
}

export class RequestedPrivilegesDto {
  @ApiProperty({ type: [String], example: ['HelpdeskAdministrator'] })
  roles!: string[];

  @ApiProperty({ minimum: 1, maximum: 730, example: 90 })
  durationDays!: number;

  @ApiProperty()
  autoExtend!: boolean;
}

export class RequestStepDto {
  @ApiProperty({ description: 'The id of the event that made this step.' })
  eventId!: string;

  @ApiProperty({ example: 'RelationshipRequested' })
  type!: string;

  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({ enum: DirectoryRequestStatuses })
  status!: DirectoryRequestStatus;

  @ApiPropertyOptional({ description: 'The user who acted, when there is one.' })
  by?: string;

  @ApiPropertyOptional()
  reason?: string;
}

export class RequestSummaryDto {
  @ApiProperty()
  requestId!: string;

  @ApiProperty()
  customerId!: string;

  @ApiProperty()
  resellerId!: string;

  @ApiProperty({ type: [String], example: ['Azure'] })
  services!: string[];

  @ApiPropertyOptional({ type: RequestedPrivilegesDto, description: 'The delegated admin privileges asked for.' })
  delegatedAdmin?: RequestedPrivilegesDto;

  @ApiPropertyOptional({ enum: Channels })
  channel?: Channel;

  @ApiPropertyOptional()
  indirectProviderId?: string;

  @ApiPropertyOptional()
  message?: string;

  @ApiProperty({ type: UserRefDto })
  requestedBy!: UserRefDto;

  @ApiProperty({ enum: DirectoryRequestStatuses })
  status!: DirectoryRequestStatus;

  @ApiPropertyOptional({ enum: RequestRejectionReasons, description: 'Why intake refused it (status `rejected`).' })
  rejection?: RequestRejectionReason;

  @ApiProperty({ format: 'date-time' })
  requestedAt!: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'When a pending request expires.' })
  expiresAt?: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class RequestDetailDto extends RequestSummaryDto {
  @ApiProperty({ type: [RequestStepDto], description: 'Every step of the request, oldest first.' })
  history!: RequestStepDto[];
}

export class CustomerRequestsDto {
  @ApiProperty()
  customerId!: string;

  @ApiProperty({ type: [RequestSummaryDto], description: 'Newest first (by requestedAt).' })
  requests!: RequestSummaryDto[];
}

import { Type } from 'class-transformer';
import { Equals, IsArray, IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, ValidateNested, IsDefined, IsObject } from 'class-validator';
import { RequestRejectionReason, RequestRejectionReasons } from '../reason-codes';
import { Channel, Channels, DelegatedAdminAsk, UserRef } from './common';

class RequestEventBase {
  @IsString() @IsNotEmpty()
  requestId!: string;

  @IsString() @IsNotEmpty()
  customerId!: string;

  @IsString() @IsNotEmpty()
  resellerId!: string;
}

/** A request accepted at intake: it now waits for the customer's admin. */
export class RelationshipRequested extends RequestEventBase {
  @IsArray() @IsString({ each: true })
  services!: string[];

  @IsOptional() @IsObject() @ValidateNested() @Type(() => DelegatedAdminAsk)
  delegatedAdmin?: DelegatedAdminAsk;

  @IsIn(Channels)
  channel!: Channel;

  @IsOptional() @IsString() @IsNotEmpty()
  indirectProviderId?: string;

  @IsOptional() @IsString()
  message?: string;

  @IsDefined() @IsObject() @ValidateNested() @Type(() => UserRef)
  requestedBy!: UserRef;

  @Equals('pending')
  status!: 'pending';

  @IsISO8601()
  requestedAt!: string;

  @IsISO8601()
  expiresAt!: string;
}

export class RequestRejected extends RequestEventBase {
  @IsIn(RequestRejectionReasons)
  reason!: RequestRejectionReason;

  /** A sentence for humans; `reason` is for machines. */
  @IsString() @IsNotEmpty()
  message!: string;

  /** The command that was refused. */
  @IsIn(['RequestRelationship', 'CancelRequest'])
  command!: 'RequestRelationship' | 'CancelRequest';

  @IsDefined() @IsObject() @ValidateNested() @Type(() => UserRef)
  actor!: UserRef;
}

export class RequestCancelled extends RequestEventBase {
  @IsDefined() @IsObject() @ValidateNested() @Type(() => UserRef)
  cancelledBy!: UserRef;

  @Equals('cancelled')
  status!: 'cancelled';

  @IsISO8601()
  cancelledAt!: string;
}

export class RequestExpired extends RequestEventBase {
  @Equals('expired')
  status!: 'expired';

  @IsISO8601()
  expiredAt!: string;
}

import { Type } from 'class-transformer';
import { Equals, IsArray, IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, ValidateNested, IsDefined, IsObject } from 'class-validator';
import { ConsentRejectionReason, ConsentRejectionReasons } from '../reason-codes';
import { DelegatedAdminSnapshot, PartyRef, RelationshipSnapshot, UserRef } from './common';

class RelationshipEventBase {
  @IsString() @IsNotEmpty()
  customerId!: string;

  @IsString() @IsNotEmpty()
  resellerId!: string;
}

export class RelationshipEstablished extends RelationshipEventBase {
  @IsString() @IsNotEmpty()
  requestId!: string;

  @IsDefined() @IsObject() @ValidateNested() @Type(() => UserRef)
  approvedBy!: UserRef;

  @IsDefined() @IsObject() @ValidateNested() @Type(() => RelationshipSnapshot)
  relationship!: RelationshipSnapshot;
}

/** An approved request added services or privileges to an already active relationship. */
export class RelationshipUpdated extends RelationshipEstablished {
  @IsArray() @IsString({ each: true })
  addedServices!: string[];
}

export class RequestDeclined extends RelationshipEventBase {
  @IsString() @IsNotEmpty()
  requestId!: string;

  @IsDefined() @IsObject() @ValidateNested() @Type(() => UserRef)
  declinedBy!: UserRef;

  @IsOptional() @IsString()
  reason?: string;

  /**
   * The indirect provider the request came through, when indirect: the event is complete, so who
   * hears of it never depends on the request's own event having been read first (another topic).
   */
  @IsOptional() @IsString() @IsNotEmpty()
  indirectProviderId?: string;

  @Equals('declined')
  status!: 'declined';

  @IsISO8601()
  declinedAt!: string;
}

export class ConsentRejected {
  @IsString() @IsNotEmpty()
  customerId!: string;

  @IsOptional() @IsString() @IsNotEmpty()
  resellerId?: string;

  @IsOptional() @IsString() @IsNotEmpty()
  requestId?: string;

  @IsIn(['ApproveRequest', 'DeclineRequest', 'EndRelationship', 'RevokeDelegatedAdmin'])
  command!: 'ApproveRequest' | 'DeclineRequest' | 'EndRelationship' | 'RevokeDelegatedAdmin';

  @IsIn(ConsentRejectionReasons)
  reason!: ConsentRejectionReason;

  @IsString() @IsNotEmpty()
  message!: string;

  @IsDefined() @IsObject() @ValidateNested() @Type(() => UserRef)
  actor!: UserRef;

  /** With SERVICE_ADMIN_TAKEN: the reseller that already holds privileges for the service. */
  @IsOptional() @IsString() @IsNotEmpty()
  holderResellerId?: string;
}

export class RelationshipEnded extends RelationshipEventBase {
  @IsDefined() @IsObject() @ValidateNested() @Type(() => PartyRef)
  endedBy!: PartyRef;

  @IsOptional() @IsString()
  reason?: string;

  @IsDefined() @IsObject() @ValidateNested() @Type(() => RelationshipSnapshot)
  relationship!: RelationshipSnapshot;
}

class DelegatedAdminEventBase extends RelationshipEventBase {
  @IsDefined() @IsObject() @ValidateNested() @Type(() => DelegatedAdminSnapshot)
  delegatedAdmin!: DelegatedAdminSnapshot;
}

export class DelegatedAdminGranted extends DelegatedAdminEventBase {
  @IsString() @IsNotEmpty()
  requestId!: string;

  @IsDefined() @IsObject() @ValidateNested() @Type(() => UserRef)
  grantedBy!: UserRef;
}

export class DelegatedAdminRevoked extends DelegatedAdminEventBase {
  @IsDefined() @IsObject() @ValidateNested() @Type(() => PartyRef)
  revokedBy!: PartyRef;

  @IsIn(['revoked-by-customer', 'relationship-ended'])
  reason!: 'revoked-by-customer' | 'relationship-ended';
}

export class DelegatedAdminExtended extends DelegatedAdminEventBase {
  @IsISO8601()
  previousExpiresAt!: string;
}

export class DelegatedAdminExpired extends DelegatedAdminEventBase {
  @IsISO8601()
  expiredAt!: string;
}

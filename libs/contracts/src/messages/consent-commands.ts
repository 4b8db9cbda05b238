import { Type } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested, IsDefined, IsObject } from 'class-validator';
import { ID_MAX, PartyRef, UserRef } from './common';

export class ApproveRequest {
  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  requestId!: string;

  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  customerId!: string;

  @IsDefined() @IsObject() @ValidateNested() @Type(() => UserRef)
  approvedBy!: UserRef;

  /** Defaults to true when privileges were asked: the customer may approve yet withhold them. */
  @IsOptional() @IsBoolean()
  grantDelegatedAdmin?: boolean;
}

export class DeclineRequest {
  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  requestId!: string;

  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  customerId!: string;

  @IsDefined() @IsObject() @ValidateNested() @Type(() => UserRef)
  declinedBy!: UserRef;

  @IsOptional() @IsString() @MaxLength(500)
  reason?: string;
}

export class EndRelationship {
  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  customerId!: string;

  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  resellerId!: string;

  @IsDefined() @IsObject() @ValidateNested() @Type(() => PartyRef)
  endedBy!: PartyRef;

  @IsOptional() @IsString() @MaxLength(500)
  reason?: string;
}

export class RevokeDelegatedAdmin {
  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  customerId!: string;

  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  resellerId!: string;

  @IsDefined() @IsObject() @ValidateNested() @Type(() => UserRef)
  revokedBy!: UserRef;
}

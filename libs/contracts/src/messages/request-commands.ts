import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
  IsDefined,
  IsObject,
} from 'class-validator';
import { DelegatedAdminAsk, ID_MAX, UserRef } from './common';

export class RequestRelationship {
  /** The caller's idempotency key: the same requestId twice yields no second event. */
  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  requestId!: string;

  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  customerId!: string;

  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  resellerId!: string;

  @IsArray() @ArrayNotEmpty() @ArrayMaxSize(50) @ArrayUnique() @IsString({ each: true }) @IsNotEmpty({ each: true })
  services!: string[];

  @IsOptional() @IsObject() @ValidateNested() @Type(() => DelegatedAdminAsk)
  delegatedAdmin?: DelegatedAdminAsk;

  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  indirectProviderId?: string;

  @IsOptional() @IsString() @MaxLength(500)
  message?: string;

  @IsDefined() @IsObject() @ValidateNested() @Type(() => UserRef)
  requestedBy!: UserRef;
}

export class CancelRequest {
  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  requestId!: string;

  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  customerId!: string;

  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  resellerId!: string;

  @IsDefined() @IsObject() @ValidateNested() @Type(() => UserRef)
  cancelledBy!: UserRef;
}

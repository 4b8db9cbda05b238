import { IsInt, IsNotEmpty, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { ID_MAX } from './common';

export class SubscriptionCreated {
  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  subscriptionId!: string;

  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  customerId!: string;

  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  partnerOfRecordId!: string;

  @IsString() @IsNotEmpty()
  service!: string;

  @IsInt() @Min(1)
  quantity!: number;
}

export class SubscriptionCancelled {
  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  subscriptionId!: string;

  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  customerId!: string;
}

export class PartnerOfRecordChanged {
  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  subscriptionId!: string;

  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  customerId!: string;

  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  partnerOfRecordId!: string;

  @IsOptional() @IsString() @IsNotEmpty()
  previousPartnerOfRecordId?: string;
}

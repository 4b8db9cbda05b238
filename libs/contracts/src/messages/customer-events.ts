import { ArrayUnique, IsArray, IsEmail, IsNotEmpty, IsOptional, IsString, IsUrl, Length, MaxLength } from 'class-validator';
import { ID_MAX, URL_OPTIONS } from './common';

export class CustomerRegistered {
  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  customerId!: string;

  @IsString() @IsNotEmpty() @MaxLength(200)
  name!: string;

  /** ISO 3166-1 alpha-2. */
  @IsString() @Length(2, 2)
  country!: string;

  /** User ids of the customer's admins: the only people who may consent. */
  @IsArray() @ArrayUnique() @IsString({ each: true }) @IsNotEmpty({ each: true })
  admins!: string[];

  @IsOptional() @IsUrl(URL_OPTIONS)
  webhookUrl?: string;

  @IsOptional() @IsEmail()
  email?: string;
}

export class CustomerAdminAdded {
  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  customerId!: string;

  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  userId!: string;
}

export class CustomerAdminRemoved extends CustomerAdminAdded {}

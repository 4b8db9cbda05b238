import { ArrayUnique, IsArray, IsEmail, IsNotEmpty, IsOptional, IsString, IsUrl, Length, Matches, MaxLength } from 'class-validator';
import { ID_MAX, URL_OPTIONS, WEBHOOK_SECRETS, WEBHOOK_SECRETS_MAX, WEBHOOK_SECRETS_RULE } from './common';

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

  /**
   * The party's own Standard Webhooks secret: its webhooks are signed with it rather than with the
   * service's `WEBHOOK_SECRET`. Two, space-separated, during a rotation (both sign). Optional.
   */
  @IsOptional() @IsString() @MaxLength(WEBHOOK_SECRETS_MAX) @Matches(WEBHOOK_SECRETS, { message: WEBHOOK_SECRETS_RULE })
  webhookSecret?: string;

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

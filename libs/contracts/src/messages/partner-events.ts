import {
  ArrayUnique,
  IsArray,
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { ID_MAX, PartnerKind, PartnerKinds, URL_OPTIONS, WEBHOOK_SECRETS, WEBHOOK_SECRETS_MAX, WEBHOOK_SECRETS_RULE } from './common';

export class PartnerRegistered {
  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  partnerId!: string;

  @IsString() @IsNotEmpty() @MaxLength(200)
  name!: string;

  @IsIn(PartnerKinds)
  kind!: PartnerKind;

  @IsArray() @ArrayUnique() @IsString({ each: true }) @IsNotEmpty({ each: true })
  specializations!: string[];

  /** ISO 3166-1 alpha-2 codes of the countries the partner sells in. */
  @IsArray() @ArrayUnique() @IsString({ each: true }) @Length(2, 2, { each: true })
  countries!: string[];

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

export class PartnerSuspended {
  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  partnerId!: string;

  @IsOptional() @IsString() @MaxLength(500)
  reason?: string;
}

export class PartnerReinstated extends PartnerSuspended {}

export class PartnersLinked {
  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  indirectProviderId!: string;

  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  indirectResellerId!: string;
}

export class PartnersUnlinked extends PartnersLinked {}

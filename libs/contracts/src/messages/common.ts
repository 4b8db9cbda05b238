import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  IsDefined,
  IsObject,
} from 'class-validator';

/** Identifiers are opaque strings of a sane length. */
export const ID_MAX = 128;

/** Webhook targets: http(s) with a host; loopback and intranet hosts are allowed (no TLD needed). */
export const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/**
 * A party's own Standard Webhooks secret (`webhookSecret` of a registration): `whsec_` and the
 * standard base64 of at least 24 bytes; during a rotation two of them, space-separated, the
 * current one first (webhooks are then signed with both).
 */
const ONE_WEBHOOK_SECRET = String.raw`whsec_(?:[A-Za-z0-9+/]{4}){8,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?`;
export const WEBHOOK_SECRETS = new RegExp(`^${ONE_WEBHOOK_SECRET}(?: ${ONE_WEBHOOK_SECRET})?$`);
export const WEBHOOK_SECRETS_MAX = 400;
export const WEBHOOK_SECRETS_RULE = 'webhookSecret must be whsec_ followed by standard base64 of at least 24 bytes, or two of those separated by one space';

export const PartnerKinds = ['direct-reseller', 'indirect-provider', 'indirect-reseller'] as const;
export type PartnerKind = (typeof PartnerKinds)[number];

export const Channels = ['direct', 'indirect'] as const;
export type Channel = (typeof Channels)[number];

export const Parties = ['customer', 'reseller', 'provider'] as const;
export type Party = (typeof Parties)[number];

export const RequestStatuses = ['pending', 'approved', 'declined', 'cancelled', 'expired'] as const;
export type RequestStatus = (typeof RequestStatuses)[number];

export const RelationshipStatuses = ['active', 'ended'] as const;
export type RelationshipStatus = (typeof RelationshipStatuses)[number];

export const DelegatedAdminStatuses = ['none', 'active', 'revoked', 'expired'] as const;
export type DelegatedAdminStatus = (typeof DelegatedAdminStatuses)[number];

export class UserRef {
  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  userId!: string;
}

export class PartyRef {
  @IsIn(Parties)
  party!: Party;

  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  userId!: string;
}

/** What a reseller asks for in `RequestRelationship.delegatedAdmin`. */
export class DelegatedAdminAsk {
  @IsArray() @ArrayNotEmpty() @ArrayUnique() @IsString({ each: true }) @IsNotEmpty({ each: true })
  roles!: string[];

  @IsInt() @Min(1) @Max(730)
  durationDays!: number;

  @IsBoolean()
  autoExtend!: boolean;
}

/** The state of a relationship's delegated admin privileges, as carried by events. */
export class DelegatedAdminSnapshot {
  @IsIn(DelegatedAdminStatuses)
  status!: DelegatedAdminStatus;

  @IsArray() @IsString({ each: true })
  roles!: string[];

  /** The services the privileges are held for (ONE_ADMIN_PER_SERVICE is checked on these). */
  @IsArray() @IsString({ each: true })
  services!: string[];

  @IsOptional() @IsISO8601()
  grantedAt?: string;

  @IsOptional() @IsISO8601()
  expiresAt?: string;

  @IsOptional() @IsInt() @Min(1) @Max(730)
  durationDays?: number;

  @IsBoolean()
  autoExtend!: boolean;
}

/** The resulting state of a relationship, carried by every relationship event. */
export class RelationshipSnapshot {
  @IsString() @IsNotEmpty()
  customerId!: string;

  @IsString() @IsNotEmpty()
  resellerId!: string;

  @IsIn(RelationshipStatuses)
  status!: RelationshipStatus;

  @IsIn(Channels)
  channel!: Channel;

  @IsOptional() @IsString() @IsNotEmpty()
  indirectProviderId?: string;

  @IsArray() @IsString({ each: true })
  services!: string[];

  @IsISO8601()
  since!: string;

  @IsOptional() @IsISO8601()
  endedAt?: string;

  @IsDefined() @IsObject() @ValidateNested() @Type(() => DelegatedAdminSnapshot)
  delegatedAdmin!: DelegatedAdminSnapshot;
}

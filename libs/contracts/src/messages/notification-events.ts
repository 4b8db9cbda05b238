import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString, Min, ValidateNested, IsDefined, IsObject } from 'class-validator';
import { Parties, Party } from './common';

export const NotificationChannels = ['webhook', 'email'] as const;
export type NotificationChannel = (typeof NotificationChannels)[number];

export class Recipient {
  @IsIn(Parties)
  party!: Party;

  @IsString() @IsNotEmpty()
  partyId!: string;
}

class NotificationOutcome {
  /** Stable idempotency key: the same event to the same recipient and channel always has it. */
  @IsString() @IsNotEmpty()
  notificationId!: string;

  @IsString() @IsNotEmpty()
  eventId!: string;

  @IsString() @IsNotEmpty()
  eventType!: string;

  @IsString() @IsNotEmpty()
  customerId!: string;

  @IsDefined() @IsObject() @ValidateNested() @Type(() => Recipient)
  recipient!: Recipient;

  @IsIn(NotificationChannels)
  channel!: NotificationChannel;

  /** Attempts made; 0 when none could be (a NotificationFailed with reason PARTY_UNKNOWN). */
  @IsInt() @Min(0)
  attempts!: number;
}

export class NotificationDelivered extends NotificationOutcome {
  /** The webhook URL or e-mail address the notification went to. */
  @IsString() @IsNotEmpty()
  target!: string;

  @IsISO8601()
  deliveredAt!: string;

  @IsOptional() @IsInt()
  statusCode?: number;
}

/**
 * Why a notification failed, for machines (`error` is the human text). Read tolerantly: a
 * consumer meets codes added later, so it treats an unknown one as a failure like any other.
 */
export const NotificationFailureReasons = ['ATTEMPTS_EXHAUSTED', 'PARTY_UNKNOWN', 'TARGET_REFUSED', 'REDIRECT_REFUSED'] as const;
export type NotificationFailureReason = (typeof NotificationFailureReasons)[number];

export class NotificationFailed extends NotificationOutcome {
  /** The address of the last attempt; absent when no attempt could be made (PARTY_UNKNOWN). */
  @IsOptional() @IsString() @IsNotEmpty()
  target?: string;

  @IsISO8601()
  failedAt!: string;

  /**
   * Every attempt failed (`ATTEMPTS_EXHAUSTED`), the party never registered in time (`PARTY_UNKNOWN`),
   * the webhook's address is not one the service sends to (`TARGET_REFUSED`: not https:, or a
   * loopback, private, link-local... address, before any connection), or the endpoint answered
   * with a redirect, which is never followed (`REDIRECT_REFUSED`). `error` says which and why.
   */
  @IsOptional() @IsString() @IsNotEmpty()
  reason?: NotificationFailureReason;

  @IsString() @IsNotEmpty()
  error!: string;
}

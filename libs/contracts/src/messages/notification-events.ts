import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
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

  @ValidateNested() @Type(() => Recipient)
  recipient!: Recipient;

  @IsIn(NotificationChannels)
  channel!: NotificationChannel;

  /** The webhook URL or e-mail address the notification went to. */
  @IsString() @IsNotEmpty()
  target!: string;

  @IsInt() @Min(1)
  attempts!: number;
}

export class NotificationDelivered extends NotificationOutcome {
  @IsISO8601()
  deliveredAt!: string;

  @IsOptional() @IsInt()
  statusCode?: number;
}

export class NotificationFailed extends NotificationOutcome {
  @IsISO8601()
  failedAt!: string;

  @IsString() @IsNotEmpty()
  error!: string;
}

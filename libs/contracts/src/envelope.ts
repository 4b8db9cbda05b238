import { Equals, IsIn, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString } from 'class-validator';

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';

/**
 * A CloudEvents 1.0 structured-mode envelope (DESIGN §4). Extension attributes other than
 * `correlationid` / `causationid` are allowed by the CloudEvents spec, so unknown envelope
 * attributes are tolerated; the `data` is validated separately against its message type.
 */
export class CloudEvent<TData = unknown> {
  @Equals('1.0')
  specversion!: '1.0';

  @IsString() @IsNotEmpty()
  id!: string;

  @IsString() @IsNotEmpty()
  type!: string;

  @IsString() @IsNotEmpty()
  source!: string;

  @IsISO8601({ strict: true })
  time!: string;

  @IsOptional() @IsString() @IsNotEmpty()
  subject?: string;

  @IsOptional() @IsIn(['application/json'])
  datacontenttype?: 'application/json';

  @IsOptional() @IsString() @IsNotEmpty()
  correlationid?: string;

  @IsOptional() @IsString() @IsNotEmpty()
  causationid?: string;

  @IsObject()
  data!: TData;
}

/** What every service produces: correlation and causation are always filled in. */
export type ProducedEvent<TData = unknown> = CloudEvent<TData> & {
  correlationid: string;
  causationid: string;
  datacontenttype: 'application/json';
};

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ID_MAX } from '@mp/contracts';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, ValidateBy } from 'class-validator';
import { decodeCursor, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './pagination';

export class ResellerParams {
  @ApiProperty({ description: 'The reseller\'s partner id.', maxLength: ID_MAX })
  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  resellerId!: string;
}

/** A cursor this service handed out (`nextCursor`), unchanged. */
function IsPageCursor(): PropertyDecorator {
  return ValidateBy({
    name: 'isPageCursor',
    validator: {
      validate: (value) => typeof value === 'string' && decodeCursor(value) !== undefined,
      defaultMessage: () => 'cursor must be a nextCursor returned by a previous page',
    },
  });
}

export class PageParams {
  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page; omit for the first page.' })
  @IsOptional() @IsPageCursor()
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE_LIMIT)
  limit: number = DEFAULT_PAGE_LIMIT;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'limit', description: 'The path or query parameter that was refused.' })
  field!: string;

  @ApiProperty({ type: [String], example: ['limit must not be greater than 100'] })
  constraints!: string[];
}

/** Every error the directory answers with: Nest's usual shape, with a sentence for humans. */
export class ErrorResponseDto {
  @ApiProperty({ example: 404 })
  statusCode!: number;

  @ApiProperty({ example: 'Not Found' })
  error!: string;

  @ApiProperty({ example: 'Customer "cust-42" is not known to the directory.' })
  message!: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'With 400: each parameter that was refused, and why.' })
  details?: FieldErrorDto[];
}

import { BadRequestException } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A parameter or body field that was refused, and why: the `details` of a 400. */
export class FieldErrorDto {
  @ApiProperty({ example: 'services', description: 'The path or query parameter or body field that was refused; empty for the whole body.' })
  field!: string;

  @ApiProperty({ type: [String], example: ['services should not be empty'] })
  constraints!: string[];
}

/** Every error the services answer with over HTTP: Nest's usual shape, with a sentence for humans. */
export class ErrorResponseDto {
  @ApiProperty({ example: 404 })
  statusCode!: number;

  @ApiProperty({ example: 'Not Found' })
  error!: string;

  @ApiProperty({ example: 'Customer "cust-42" is not known to the directory.' })
  message!: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'With 400: each parameter or field that was refused, and why.' })
  details?: FieldErrorDto[];
}

/** A 400 in that shape: a sentence (by default each refusal, `field: why`), and every field refused. */
export function badRequest(details: FieldErrorDto[], message = details.flatMap((d) => d.constraints.map((c) => (d.field ? `${d.field}: ${c}` : c))).join('; ')): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message, details });
}

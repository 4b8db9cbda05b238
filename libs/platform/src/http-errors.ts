import { applyDecorators, BadRequestException } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiProperty, ApiPropertyOptional, ApiUnauthorizedResponse } from '@nestjs/swagger';

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

/** What every route behind a bearer token documents: the scheme, its 401 and its 403. */
export function ApiTokenAnswers(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'No bearer token, or one that does not verify (`WWW-Authenticate` says why).' }),
    ApiForbiddenResponse({ type: ErrorResponseDto, description: 'The token\'s role cannot use this route.' }),
  );
}

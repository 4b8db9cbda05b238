import { applyDecorators } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiServiceUnavailableResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';

export class CommandAcceptedDto {
  @ApiProperty({ example: '0b6f3c52-9f0e-4a43-a2a4-6c1f6f0d2f7e', description: 'The id of the command published (its CloudEvent id): the events it causes carry it as `causationid`.' })
  commandId!: string;
}

export class CommandFieldErrorDto {
  @ApiProperty({ example: 'services', description: 'The body field (or path parameter) that was refused; empty for the whole body.' })
  field!: string;

  @ApiProperty({ type: [String], example: ['services should not be empty'] })
  constraints!: string[];
}

/** Every error a command route answers with: Nest's usual shape, with a sentence for humans. */
export class CommandErrorDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request' })
  error!: string;

  @ApiProperty({ example: 'The data of RequestRelationship breaks its rules. services should not be empty' })
  message!: string;

  @ApiPropertyOptional({ type: [CommandFieldErrorDto], description: 'With 400: each field that was refused, and why.' })
  details?: CommandFieldErrorDto[];
}

/** The answers every command route documents: 202 with the command's id, 400, 401, 403, 503. */
export function ApiCommandAnswers(who: string): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiBearerAuth(),
    ApiAcceptedResponse({ type: CommandAcceptedDto, description: 'Checked and published on its topic; the decision comes as events (see /asyncapi on the directory).' }),
    ApiBadRequestResponse({ type: CommandErrorDto, description: 'The body breaks the command\'s rules, names the acting user or an id the path names: nothing is published.' }),
    ApiUnauthorizedResponse({ type: CommandErrorDto, description: 'No bearer token, or one that is malformed, badly signed or expired (WWW-Authenticate: Bearer).' }),
    ApiForbiddenResponse({ type: CommandErrorDto, description: `The token may not make this command: ${who}.` }),
    ApiServiceUnavailableResponse({ type: CommandErrorDto, description: 'Kafka could not take the command: nothing is published, try again.' }),
  );
}

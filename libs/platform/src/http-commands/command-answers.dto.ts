import { applyDecorators } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../http-errors';

export class CommandAcceptedDto {
  @ApiProperty({ example: '0b6f3c52-9f0e-4a43-a2a4-6c1f6f0d2f7e', description: 'The id of the command published (its CloudEvent id): the events it causes carry it as `causationid`.' })
  commandId!: string;
}

/** The answers every command route documents: 202 with the command's id, 400, 401, 403, 503. */
export function ApiCommandAnswers(who: string): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiBearerAuth(),
    ApiAcceptedResponse({ type: CommandAcceptedDto, description: 'Checked and published on its topic; the decision comes as events (see /asyncapi on the directory).' }),
    ApiBadRequestResponse({ type: ErrorResponseDto, description: 'The body breaks the command\'s rules, names the acting user or an id the path names: nothing is published.' }),
    ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'No bearer token, or one that is malformed, badly signed or expired (WWW-Authenticate: Bearer).' }),
    ApiForbiddenResponse({ type: ErrorResponseDto, description: `The token may not make this command: ${who}.` }),
    ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Kafka could not take the command: nothing is published, try again.' }),
  );
}

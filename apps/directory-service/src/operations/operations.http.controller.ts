import { ApiTokenAnswers, ErrorResponseDto } from '@mp/platform';
import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { AllowedRoles, ROUTE_ROLES } from '@mp/auth';
import { ConsumerLagQuery } from './consumer-lag.query';
import { DeadLetterCountsQuery } from './dead-letter-counts.query';
import { ConsumerLagDto, DeadLetterCountsDto } from './operations.dto';

/**
 * What ops watch (DESIGN §9), read-only over HTTP for the console: the same reads as `npm run ops
 * -- lag` and `dlq list` (`@mp/operations`), asked of Kafka at each call. They do not depend on
 * the read models, so they answer while those rebuild. For ops tokens only.
 */
@ApiTags('operations')
@ApiTokenAnswers()
@AllowedRoles(...ROUTE_ROLES.ops)
@ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Kafka does not answer, or the topics do not exist yet.' })
@Controller('v1/ops')
export class OperationsHttpController {
  constructor(
    private readonly lagQuery: ConsumerLagQuery,
    private readonly deadLettersQuery: DeadLetterCountsQuery,
  ) {}

  @Get('lag')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Consumer lag of the four services',
    description: 'Per consumer group, per topic and partition: the committed offset, the end offset and the lag (messages written and not handled yet). Offsets are committed only after a message was handled.',
  })
  @ApiOkResponse({ type: ConsumerLagDto })
  lag(): Promise<ConsumerLagDto> {
    return this.lagQuery.run();
  }

  @Get('dead-letters')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Dead letters, counted by origin topic and error class',
    description: 'Reads the whole dead-letters topic as it stands (calls at the same time share one read). `npm run ops -- dlq list|show|replay` lists, shows and replays them one by one.',
  })
  @ApiOkResponse({ type: DeadLetterCountsDto })
  deadLetters(): Promise<DeadLetterCountsDto> {
    return this.deadLettersQuery.run();
  }
}

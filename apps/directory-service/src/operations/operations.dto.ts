import { ApiProperty } from '@nestjs/swagger';

export class PartitionLagDto {
  @ApiProperty({ example: 'mp.request-commands.v1', description: 'The contract name of the topic.' })
  topic!: string;

  @ApiProperty({ example: 0 })
  partition!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'The next offset the group will read, as committed; null when it has committed nothing there yet.' })
  committed!: number | null;

  @ApiProperty({ description: 'The end offset of the partition.' })
  end!: number;

  @ApiProperty({ description: 'Messages written and not handled yet by the group.' })
  lag!: number;
}

export class GroupLagDto {
  @ApiProperty({ example: 'request-service', description: 'The group as the services name it, without the namespace.' })
  group!: string;

  @ApiProperty({ description: 'The group id on the broker.' })
  groupId!: string;

  @ApiProperty({ example: 'Stable', description: 'The broker\'s state of the group: `Stable` while its members consume, `Empty` with none, `Dead` when it does not exist.' })
  state!: string;

  @ApiProperty({ description: 'Instances in the group now.' })
  members!: number;

  @ApiProperty({ description: 'The sum of the partitions\' lag.' })
  lag!: number;

  @ApiProperty({ type: [PartitionLagDto], description: 'Every partition the group has committed on or is assigned, by topic then partition.' })
  partitions!: PartitionLagDto[];
}

export class ConsumerLagDto {
  @ApiProperty({ format: 'date-time', description: 'When the offsets were read.' })
  at!: string;

  @ApiProperty({ type: [GroupLagDto], description: 'The consumer groups of the four services.' })
  groups!: GroupLagDto[];
}

export class DeadLetterCountDto {
  @ApiProperty({ example: 'mp.request-commands.v1', description: 'Where the original was read (the contract name of the topic when it is one).' })
  originTopic!: string;

  @ApiProperty({ example: 'ValidationFailed', description: 'Why it was dead-lettered (DESIGN §4).' })
  errorClass!: string;

  @ApiProperty()
  count!: number;

  @ApiProperty({ description: 'Of these, those never replayed (`npm run ops -- dlq replay`).' })
  notReplayed!: number;

  @ApiProperty({ format: 'date-time', description: 'When the latest of these was written.' })
  newest!: string;
}

export class DeadLetterCountsDto {
  @ApiProperty({ example: 'mp.dead-letters.v1' })
  topic!: string;

  @ApiProperty({ format: 'date-time', description: 'When the topic was read.' })
  at!: string;

  @ApiProperty({ description: 'Dead letters on the topic now (replay audit records are not counted).' })
  total!: number;

  @ApiProperty()
  notReplayed!: number;

  @ApiProperty({ type: [DeadLetterCountDto], description: 'By origin topic and error class, most first.' })
  counts!: DeadLetterCountDto[];
}

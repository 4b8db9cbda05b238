import { ApiProperty } from '@nestjs/swagger';
import { ID_MAX } from '@mp/contracts';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class RequestParams {
  @ApiProperty({ description: 'The request id (the requesting system\'s idempotency key).', maxLength: ID_MAX })
  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  requestId!: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ID_MAX } from '@mp/contracts';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { DirectoryRequestStatus, DirectoryRequestStatuses } from '../requests/request.dto';

export class CustomerParams {
  @ApiProperty({ description: 'The customer (tenant) id.', maxLength: ID_MAX })
  @IsString() @IsNotEmpty() @MaxLength(ID_MAX)
  customerId!: string;
}

export class ResellerFilter {
  @ApiPropertyOptional({ description: 'Only the resellers serving this service.', example: 'Azure' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200)
  service?: string;
}

export class RequestFilter {
  @ApiPropertyOptional({ enum: DirectoryRequestStatuses, description: 'Only the requests in this status.' })
  @IsOptional() @IsIn(DirectoryRequestStatuses)
  status?: DirectoryRequestStatus;
}

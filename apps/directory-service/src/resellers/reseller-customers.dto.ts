import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DelegatedAdminDto } from '../customers/customer.dto';

export class ResellerCustomerDto {
  @ApiProperty()
  customerId!: string;

  @ApiProperty({ type: String, nullable: true, description: 'The customer\'s name; null until its registration is known.' })
  name!: string | null;

  @ApiProperty({ type: [String], example: ['Azure'] })
  services!: string[];

  @ApiProperty({ format: 'date-time' })
  since!: string;

  @ApiProperty({ type: DelegatedAdminDto })
  delegatedAdmin!: DelegatedAdminDto;
}

export class ResellerCustomersDto {
  @ApiProperty()
  resellerId!: string;

  @ApiProperty({ type: [ResellerCustomerDto], description: 'Customers with an active relationship, by customer id.' })
  customers!: ResellerCustomerDto[];

  @ApiPropertyOptional({ description: 'Pass as `cursor` for the next page; absent on the last page.' })
  nextCursor?: string;
}

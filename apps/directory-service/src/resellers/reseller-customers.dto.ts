import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RelationshipTermsDto } from '../customers/customer.dto';

export class ResellerCustomerDto extends RelationshipTermsDto {
  @ApiProperty()
  customerId!: string;

  @ApiProperty({ type: String, nullable: true, description: 'The customer\'s name; null until its registration is known.' })
  name!: string | null;
}

export class ResellerCustomersDto {
  @ApiProperty()
  resellerId!: string;

  @ApiProperty({ type: [ResellerCustomerDto], description: 'Customers with an active relationship, by customer id.' })
  customers!: ResellerCustomerDto[];

  @ApiPropertyOptional({ description: 'Pass as `cursor` for the next page; absent on the last page.' })
  nextCursor?: string;
}

import { IsOptional, IsUrl, IsUUID, Length, ValidateNested } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { ContactPointKind } from './vendor.entity';

@InputType()
export class ContactPointInput {
  @Field(() => ContactPointKind)
  kind!: ContactPointKind;

  @Field()
  @Length(1, 500)
  value!: string;

  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 500)
  note?: string;
}

@InputType()
export class ProductInput {
  @Field()
  @Length(1, 200)
  name!: string;

  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 500)
  versions?: string;
}

@InputType({ description: 'Creates the vendor and its VENDOR organization.' })
export class CreateVendorInput {
  @Field()
  @Length(1, 200)
  name!: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsUrl()
  website?: string;

  @Field(() => [ContactPointInput], { defaultValue: [] })
  @ValidateNested({ each: true })
  contactPoints!: ContactPointInput[];

  @Field(() => [ProductInput], { defaultValue: [] })
  @ValidateNested({ each: true })
  products!: ProductInput[];
}

@InputType()
export class AddProductInput extends ProductInput {
  @Field(() => ID)
  @IsUUID()
  vendorId!: string;
}

@InputType()
export class AddContactPointInput extends ContactPointInput {
  @Field(() => ID)
  @IsUUID()
  vendorId!: string;
}

@InputType()
export class VendorFilter {
  @Field({ nullable: true, description: 'Matches the vendor name.' })
  @IsOptional()
  @Length(1, 200)
  search?: string;
}

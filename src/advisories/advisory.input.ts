import { ArrayMaxSize, ArrayUnique, IsBoolean, IsIn, IsOptional, IsUUID, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { AdvisorySeverity, AdvisoryStatus } from './advisory.entity';
import { CreditType } from './advisory-publication.entity';

const CVE_ID = /^CVE-\d{4}-\d{4,19}$/;

@InputType({ description: 'An affected product; its vendor must take part in the advisory\'s case.' })
export class AdvisoryProductInput {
  @Field(() => ID)
  @IsUUID()
  vendorId!: string;

  @Field()
  @Length(1, 200)
  name!: string;

  @Field(() => String, { nullable: true, description: 'Affected versions, free text such as "2.3 and earlier".' })
  @IsOptional()
  @Length(1, 500)
  versions?: string | null;
}

@InputType()
export class AdvisoryContentInput {
  @Field({ nullable: true })
  @IsOptional()
  @Length(3, 300)
  title?: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(20000)
  overview?: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(20000)
  affectedProducts?: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(20000)
  impact?: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(20000)
  solution?: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(20000)
  workarounds?: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(20000)
  vendorStatements?: string;

  @Field({ nullable: true, description: 'For an unable-to-coordinate advisory: how the coordinator verified the vulnerability without the vendor.' })
  @IsOptional()
  @MaxLength(20000)
  coordinatorVerification?: string;

  @Field(() => [AdvisoryProductInput], { nullable: true, description: 'Replaces the whole list of affected products.' })
  @IsOptional()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  products?: AdvisoryProductInput[];

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(200)
  cvssV3Vector?: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(300)
  cvssV4Vector?: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(20)
  cweId?: string;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @Matches(CVE_ID, { each: true, message: 'each of cveIds must look like CVE-2026-12345' })
  cveIds?: string[];

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(20000)
  internalNotes?: string;
}

@InputType()
export class CreateAdvisoryInput extends AdvisoryContentInput {
  @Field(() => ID)
  @IsUUID()
  caseId!: string;
}

@InputType()
export class UpdateAdvisoryInput extends AdvisoryContentInput {
  @Field(() => ID)
  @IsUUID()
  advisoryId!: string;
}

@InputType()
export class PublishAdvisoryInput {
  @Field(() => ID)
  @IsUUID()
  advisoryId!: string;

  @Field({ nullable: true, description: 'When it becomes public; defaults to now. A future time schedules the publication.' })
  @IsOptional()
  publishAt?: Date;
}

@InputType()
export class AdvisoryFilter {
  @Field(() => AdvisoryStatus, { nullable: true })
  @IsOptional()
  status?: AdvisoryStatus;

  @Field({ nullable: true, description: 'Matches the title.' })
  @IsOptional()
  @Length(1, 200)
  search?: string;
}

@InputType()
export class PublishAdvisoryRevisionInput {
  @Field(() => ID)
  @IsUUID()
  advisoryId!: string;

  @Field({ description: 'What changed, as shown in the public revision history.' })
  @Length(3, 1000)
  summary!: string;

  @Field({ defaultValue: false, description: "Also republish every vendor's current verification result, response status and statement." })
  @IsBoolean()
  refreshVendorStatuses: boolean = false;
}

@InputType({ description: 'Public search. Matches only what published advisories show to everyone; all criteria must hold.' })
export class AdvisorySearchFilter {
  @Field({ nullable: true, description: 'Every word must occur in the title, text, identifier, products or vendor names.' })
  @IsOptional()
  @Length(1, 200)
  text?: string;

  @Field({ nullable: true, description: 'Part of a vendor name.' })
  @IsOptional()
  @Length(1, 200)
  vendor?: string;

  @Field({ nullable: true, description: 'Part of a product name.' })
  @IsOptional()
  @Length(1, 200)
  product?: string;

  @Field({ nullable: true })
  @IsOptional()
  @Matches(CVE_ID, { message: 'cveId must look like CVE-2026-12345' })
  cveId?: string;

  @Field({ nullable: true })
  @IsOptional()
  @Matches(/^CWE-[1-9]\d{0,5}$/, { message: 'cweId must look like CWE-79' })
  cweId?: string;

  @Field(() => [AdvisorySeverity], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(5)
  @IsIn(Object.values(AdvisorySeverity), { each: true })
  severities?: AdvisorySeverity[];

  @Field({ nullable: true, description: 'Published at or after this instant.' })
  @IsOptional()
  publishedFrom?: Date;

  @Field({ nullable: true, description: 'Published before this instant.' })
  @IsOptional()
  publishedBefore?: Date;

  @Field({ nullable: true })
  @IsOptional()
  @IsBoolean()
  unableToCoordinate?: boolean;
}

@InputType()
export class AddAdvisoryCreditInput {
  @Field(() => ID)
  @IsUUID()
  advisoryId!: string;

  @Field(() => CreditType)
  @IsIn(Object.values(CreditType))
  type!: CreditType;

  @Field({ description: 'The name as it will be printed.' })
  @Length(1, 200)
  name!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  organizationName?: string | null;

  @Field(() => ID, { nullable: true, description: 'The account of the credited person, who then accepts or declines. Without one, the coordinator records consent obtained elsewhere.' })
  @IsOptional()
  @IsUUID()
  userId?: string | null;
}

@InputType()
export class RespondToAdvisoryCreditInput {
  @Field(() => ID)
  @IsUUID()
  creditId!: string;

  @Field({ description: 'True to be named publicly, false to stay unnamed. Can be changed later.' })
  @IsBoolean()
  accept!: boolean;
}

import { ArrayMaxSize, IsOptional, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { AdvisoryStatus } from './advisory.entity';

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
  vendorStatements?: string;

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
  @Matches(/^CVE-\d{4}-\d{4,19}$/, { each: true, message: 'each of cveIds must look like CVE-2026-12345' })
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

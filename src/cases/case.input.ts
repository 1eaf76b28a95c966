import { IsOptional, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { CaseState, CaseVendorStatus } from './case.entity';

@InputType()
export class SubmitReportInput {
  @Field()
  @Length(3, 300)
  title!: string;

  @Field()
  @Length(10, 20000)
  description!: string;

  @Field({ description: 'Products and versions the finder believes are affected.' })
  @Length(1, 5000)
  affectedProducts!: string;

  @Field({ description: 'Whether the finder agrees to be named to vendors and in the advisory.' })
  finderConsentToName!: boolean;

  @Field({ nullable: true, description: 'Defaults to the reporting user. Required when a receiving organization registers a report.' })
  @IsOptional()
  @Length(1, 200)
  finderName?: string;

  @Field(() => ID, { nullable: true, description: 'The receiving organization; defaults to the partnership receiver.' })
  @IsOptional()
  @IsUUID()
  receiverOrganizationId?: string;
}

@InputType()
export class TransitionCaseInput {
  @Field(() => ID)
  @IsUUID()
  caseId!: string;

  @Field(() => CaseState)
  to!: CaseState;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(5000)
  reason?: string;
}

@InputType({ description: 'Only the fields given change; each needs the viewer to be allowed to update it.' })
export class UpdateCaseInput {
  @Field(() => ID)
  @IsUUID()
  caseId!: string;

  @Field({ nullable: true })
  @IsOptional()
  @Length(3, 300)
  title?: string;

  @Field({ nullable: true })
  @IsOptional()
  @Length(10, 20000)
  description?: string;

  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 5000)
  affectedProducts?: string;

  @Field({ nullable: true })
  @IsOptional()
  overseasCoordination?: boolean;

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

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(20000)
  analysisNotes?: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(20000)
  coordinatorNotes?: string;
}

export enum CaseOrderField {
  RECEIVED_AT = 'receivedAt',
  UPDATED_AT = 'updatedAt',
}
registerEnumType(CaseOrderField, { name: 'CaseOrderField' });

export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(OrderDirection, { name: 'OrderDirection' });

@InputType({ description: 'Filters apply only to fields the viewer may read on every case it sees; others are refused.' })
export class CaseFilter {
  @Field(() => [CaseState], { nullable: true })
  @IsOptional()
  states?: CaseState[];

  @Field(() => ID, { nullable: true, description: 'Cases on which this vendor takes part, as far as the viewer may see that vendor row.' })
  @IsOptional()
  @IsUUID()
  vendorId?: string;

  @Field({ nullable: true, description: 'Matches the title.' })
  @IsOptional()
  @Length(1, 200)
  search?: string;

  @Field({ nullable: true, description: 'Refused for viewers who may not read the CWE of every case they see.' })
  @IsOptional()
  @Matches(/^CWE-[1-9]\d{0,5}$/, { message: 'cweId must look like CWE-79' })
  cweId?: string;

  @Field({ nullable: true })
  @IsOptional()
  receivedAfter?: Date;

  @Field({ nullable: true })
  @IsOptional()
  receivedBefore?: Date;
}

@InputType()
export class CaseOrder {
  @Field(() => CaseOrderField, { defaultValue: CaseOrderField.RECEIVED_AT })
  field: CaseOrderField = CaseOrderField.RECEIVED_AT;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.DESC })
  direction: OrderDirection = OrderDirection.DESC;
}

@InputType()
export class AddVendorToCaseInput {
  @Field(() => ID)
  @IsUUID()
  caseId!: string;

  @Field(() => ID)
  @IsUUID()
  vendorId!: string;
}

@InputType()
export class UpdateVendorStatusInput {
  @Field(() => ID)
  @IsUUID()
  caseVendorId!: string;

  @Field(() => CaseVendorStatus, { nullable: true })
  @IsOptional()
  status?: CaseVendorStatus;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(20000)
  statement?: string;
}

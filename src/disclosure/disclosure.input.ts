import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsOptional, IsUUID, Length } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { DisclosureFeedbackStatus, DisclosureSection, TlpLabel } from './disclosure-section';

@InputType({ description: 'Shares an unpublished advisory early with an OPERATOR organization.' })
export class GrantDisclosureInput {
  @Field(() => ID)
  @IsUUID()
  advisoryId!: string;

  @Field(() => ID, { description: 'An organization of kind OPERATOR.' })
  @IsUUID()
  organizationId!: string;

  @Field(() => [DisclosureSection])
  @ArrayMinSize(1)
  @ArrayUnique()
  sections!: DisclosureSection[];

  @Field(() => TlpLabel)
  tlp!: TlpLabel;

  @Field(() => [ID], { nullable: true, description: 'Required for RED, refused otherwise: active users of the recipient organization.' })
  @IsOptional()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  recipientUserIds?: string[];

  @Field({ nullable: true, description: 'Defaults to now; not in the past.' })
  @IsOptional()
  startsAt?: Date;

  @Field({ nullable: true, description: 'Defaults to the publication of the advisory. Publication ends the grant in any case.' })
  @IsOptional()
  endsAt?: Date;

  @Field()
  @Length(3, 2000)
  reason!: string;
}

@InputType({ description: 'Only the fields given change. Every change is recorded with its reason.' })
export class ChangeDisclosureGrantInput {
  @Field(() => ID)
  @IsUUID()
  grantId!: string;

  @Field(() => [DisclosureSection], { nullable: true })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayUnique()
  sections?: DisclosureSection[];

  @Field(() => TlpLabel, { nullable: true })
  @IsOptional()
  tlp?: TlpLabel;

  @Field(() => [ID], { nullable: true, description: 'Replaces the named recipients (RED only).' })
  @IsOptional()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  recipientUserIds?: string[];

  @Field({ nullable: true, description: 'Not in the past.' })
  @IsOptional()
  startsAt?: Date;

  @Field({ nullable: true })
  @IsOptional()
  endsAt?: Date;

  @Field({ nullable: true, description: 'True: the grant runs until the publication again (clears endsAt).' })
  @IsOptional()
  untilPublication?: boolean;

  @Field()
  @Length(3, 2000)
  reason!: string;
}

@InputType()
export class RevokeDisclosureGrantInput {
  @Field(() => ID)
  @IsUUID()
  grantId!: string;

  @Field()
  @Length(3, 2000)
  reason!: string;
}

@InputType({ description: 'Feedback from the recipient organization, readable by the coordinator only.' })
export class SendDisclosureFeedbackInput {
  @Field(() => ID)
  @IsUUID()
  grantId!: string;

  @Field(() => DisclosureFeedbackStatus, { nullable: true })
  @IsOptional()
  status?: DisclosureFeedbackStatus;

  @Field()
  @Length(1, 10000)
  message!: string;
}

@InputType()
export class DisclosureGrantFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  advisoryId?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  organizationId?: string;
}

@InputType({ description: 'Moves the planned publication of a scheduled advisory. Recorded in the audit log.' })
export class ReschedulePublicationInput {
  @Field(() => ID)
  @IsUUID()
  advisoryId!: string;

  @Field({ description: 'The new publication time; not in the past.' })
  publishAt!: Date;

  @Field()
  @Length(3, 2000)
  reason!: string;
}

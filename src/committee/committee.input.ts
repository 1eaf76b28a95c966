import { IsOptional, IsUUID, Length } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { ReferralStatus, VoteChoice } from './committee.entity';
import { Exploitation, PublicValueAdded, SupplierInvolvement } from './ssvc';

const REASONING_MAX = 20000;

@InputType({ description: 'The case file the committee decides on. Every decision point carries its reasoning.' })
export class ReferCaseInput {
  @Field(() => ID)
  @IsUUID()
  caseId!: string;

  @Field(() => SupplierInvolvement)
  supplierInvolvement!: SupplierInvolvement;

  @Field({ description: 'Whether the vendor and other affected parties were given a chance to state their views.' })
  @Length(10, REASONING_MAX)
  supplierInvolvementReasoning!: string;

  @Field(() => Exploitation)
  exploitation!: Exploitation;

  @Field()
  @Length(10, REASONING_MAX)
  exploitationReasoning!: string;

  @Field(() => PublicValueAdded)
  publicValueAdded!: PublicValueAdded;

  @Field()
  @Length(10, REASONING_MAX)
  publicValueAddedReasoning!: string;

  @Field({ description: 'The impact on society.' })
  @Length(10, REASONING_MAX)
  societalImpact!: string;

  @Field({ description: 'The harm to users from not publishing, weighed against the harm from publishing.' })
  @Length(10, REASONING_MAX)
  harmBalance!: string;

  @Field({ description: "The coordinator's own verification; it is published with an approved advisory." })
  @Length(10, REASONING_MAX)
  coordinatorVerification!: string;
}

@InputType()
export class DeclareConflictInput {
  @Field(() => ID)
  @IsUUID()
  referralId!: string;

  @Field()
  @Length(3, 5000)
  reason!: string;
}

@InputType()
export class CastVoteInput {
  @Field(() => ID)
  @IsUUID()
  referralId!: string;

  @Field(() => VoteChoice)
  choice!: VoteChoice;

  @Field({ description: 'Every vote, abstentions included, states its reasons.' })
  @Length(3, REASONING_MAX)
  reasons!: string;
}

@InputType()
export class DecideReferralInput {
  @Field(() => ID)
  @IsUUID()
  referralId!: string;

  @Field({ description: "The committee's reasons, recorded with the decision." })
  @Length(3, REASONING_MAX)
  reasons!: string;
}

@InputType()
export class PublishUnableToCoordinateInput {
  @Field(() => ID)
  @IsUUID()
  advisoryId!: string;

  @Field({ nullable: true, description: 'When it becomes public; defaults to now.' })
  @IsOptional()
  publishAt?: Date;
}

@InputType()
export class CommitteeReferralFilter {
  @Field(() => ReferralStatus, { nullable: true })
  @IsOptional()
  status?: ReferralStatus;
}

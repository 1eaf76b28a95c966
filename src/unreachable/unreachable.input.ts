import { IsOptional, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { UnreachableStatus } from './unreachable.entity';

/** Printable text only: tips arrive from anyone, and control characters have no business in them. */
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/;

@InputType()
export class DeclareUnreachableInput {
  @Field(() => ID, { description: 'The vendor on the case.' })
  @IsUUID()
  caseVendorId!: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(5000)
  reason?: string;
}

@InputType()
export class ListingStageOneInput {
  @Field(() => ID)
  @IsUUID()
  declarationId!: string;

  @Field({ nullable: true, description: 'When the vendor name becomes public; defaults to now. A future time schedules it.' })
  @IsOptional()
  publishAt?: Date;
}

@InputType()
export class ListingStageTwoInput {
  @Field(() => ID)
  @IsUUID()
  declarationId!: string;

  @Field()
  @Length(1, 200)
  productName!: string;

  @Field()
  @Length(1, 500)
  productVersions!: string;

  @Field({ nullable: true, description: 'When the product information becomes public; defaults to now.' })
  @IsOptional()
  publishAt?: Date;
}

export const TIP_MESSAGE_MAX = 2000;

@InputType({ description: 'A tip on how to reach a listed vendor. No account needed.' })
export class SubmitTipInput {
  @Field(() => ID, { description: 'The id of an entry on the public list.' })
  @IsUUID()
  entryId!: string;

  @Field({ description: `How the vendor may be reached: ${TIP_MESSAGE_MAX} characters at most.` })
  @Length(10, TIP_MESSAGE_MAX)
  @Matches(NO_CONTROL_CHARACTERS, { message: 'message must not contain control characters' })
  message!: string;

  @Field({ nullable: true, description: 'How coordinator staff may reach you, if you wish.' })
  @IsOptional()
  @Length(3, 300)
  @Matches(NO_CONTROL_CHARACTERS, { message: 'senderContact must not contain control characters' })
  senderContact?: string;
}

@InputType()
export class UnreachableDeclarationFilter {
  @Field(() => UnreachableStatus, { nullable: true })
  @IsOptional()
  status?: UnreachableStatus;
}

import { IsOptional, IsUUID, Length, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { ContactChannel, ContactOutcome } from './contact-attempt.entity';

@InputType()
export class RecordContactAttemptInput {
  @Field(() => ID)
  @IsUUID()
  caseVendorId!: string;

  @Field(() => ContactChannel)
  channel!: ContactChannel;

  @Field({ description: 'The e-mail address, form URL, phone number or postal address used.' })
  @Length(1, 500)
  address!: string;

  @Field({ description: 'When the attempt was made; not in the future.' })
  attemptedAt!: Date;

  @Field(() => ContactOutcome)
  outcome!: ContactOutcome;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(20000)
  notes?: string;

  @Field(() => ID, { nullable: true, description: 'The attempt this record corrects. The original stays as it was.' })
  @IsOptional()
  @IsUUID()
  correctsAttemptId?: string;
}

import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, JoinColumn, ManyToOne } from 'typeorm';
import { DateTimeColumn, EnumColumn, IdColumn, ReferenceColumn } from '../common/columns';
import { CaseVendor } from '../cases/case.entity';

export enum ContactChannel {
  EMAIL = 'EMAIL',
  WEB_FORM = 'WEB_FORM',
  PHONE = 'PHONE',
  POSTAL_MAIL = 'POSTAL_MAIL',
  FAX = 'FAX',
  THIRD_PARTY_INTRODUCTION = 'THIRD_PARTY_INTRODUCTION',
}
registerEnumType(ContactChannel, { name: 'ContactChannel' });

export enum ContactOutcome {
  NO_RESPONSE = 'NO_RESPONSE',
  BOUNCED = 'BOUNCED',
  DELIVERED_NO_REPLY = 'DELIVERED_NO_REPLY',
  REPLIED = 'REPLIED',
}
registerEnumType(ContactOutcome, { name: 'ContactOutcome' });

/** Append-only: an attempt is never edited; a correction is a new record pointing at the one it corrects. */
@ObjectType({ description: 'One attempt to reach a vendor on a case.' })
@Entity('contact_attempt')
export class ContactAttempt {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @ReferenceColumn()
  caseVendorId!: string;

  @ManyToOne(() => CaseVendor)
  @JoinColumn({ name: 'caseVendorId' })
  caseVendor?: CaseVendor;

  @ReferenceColumn()
  caseId!: string;

  @Field(() => ContactChannel)
  @EnumColumn()
  channel!: ContactChannel;

  @Field(() => String, { nullable: true, description: 'Role-dependent: the address, number or form used.' })
  @Column({ type: 'varchar', length: 500 })
  address!: string;

  @Field()
  @DateTimeColumn()
  attemptedAt!: Date;

  @ReferenceColumn({ nullable: true })
  recordedByUserId!: string | null;

  @Field(() => ContactOutcome)
  @EnumColumn()
  outcome!: ContactOutcome;

  @Field(() => String, { nullable: true, description: 'Role-dependent: internal to coordinator staff.' })
  @Column({ type: 'text', nullable: true })
  notes!: string | null;

  @Field(() => ID, { nullable: true, description: 'The attempt this record corrects, if any.' })
  @ReferenceColumn({ nullable: true })
  correctsAttemptId!: string | null;

  @Field()
  @DateTimeColumn()
  createdAt!: Date;
}

import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, JoinColumn, ManyToOne, OneToMany, Relation } from 'typeorm';
import { Advisory } from '../advisories/advisory.entity';
import { DateTimeColumn, EnumColumn, IdColumn, ReferenceColumn } from '../common/columns';
import { Organization } from '../organizations/organization.entity';
import { User } from '../organizations/user.entity';
import { DisclosureFeedbackStatus, TlpLabel } from './disclosure-section';

const ROLE_DEPENDENT = 'Role-dependent: null when the viewer may not read it.';

/**
 * An unpublished advisory shared early with an OPERATOR organization. Live while not revoked, started, not ended and
 * the advisory not yet public; every visibility rule compares these columns with the request's clock.
 */
@ObjectType({ description: 'Early disclosure of an unpublished advisory to an operator organization.' })
@Entity('disclosure_grant')
export class DisclosureGrant {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @ReferenceColumn()
  advisoryId!: string;

  @ManyToOne(() => Advisory, (advisory) => advisory.grants)
  @JoinColumn({ name: 'advisoryId' })
  advisory?: Relation<Advisory>;

  @ReferenceColumn()
  organizationId!: string;

  @ManyToOne(() => Organization)
  @JoinColumn({ name: 'organizationId' })
  organization?: Relation<Organization>;

  @Field(() => TlpLabel)
  @EnumColumn()
  tlp!: TlpLabel;

  @Column({ type: 'boolean', default: false })
  shareOverview!: boolean;

  @Column({ type: 'boolean', default: false })
  shareAffectedProducts!: boolean;

  @Column({ type: 'boolean', default: false })
  shareImpact!: boolean;

  @Column({ type: 'boolean', default: false })
  shareMitigations!: boolean;

  @Column({ type: 'boolean', default: false })
  shareTechnicalDetails!: boolean;

  @Column({ type: 'boolean', default: false })
  shareCvss!: boolean;

  @Field({ description: 'The advisory exists for the recipients from this instant.' })
  @DateTimeColumn()
  startsAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Null: until the advisory is published. Publication ends every grant in any case.' })
  @DateTimeColumn({ nullable: true })
  endsAt!: Date | null;

  @Field(() => String, { nullable: true, description: `${ROLE_DEPENDENT} Why the coordinator shares it early (coordinator only).` })
  @Column({ type: 'text' })
  reason!: string;

  @ReferenceColumn({ nullable: true })
  createdByUserId!: string | null;

  @Field()
  @DateTimeColumn()
  createdAt!: Date;

  @Field()
  @DateTimeColumn()
  updatedAt!: Date;

  @Field(() => Date, { nullable: true, description: `${ROLE_DEPENDENT} Recipients never see a revoked grant.` })
  @DateTimeColumn({ nullable: true })
  revokedAt!: Date | null;

  @ReferenceColumn({ nullable: true })
  revokedByUserId!: string | null;

  @Field(() => Date, { nullable: true, description: 'When the recipient organization first acknowledged receipt.' })
  @DateTimeColumn({ nullable: true })
  acknowledgedAt!: Date | null;

  @ReferenceColumn({ nullable: true })
  acknowledgedByUserId!: string | null;

  @ReferenceColumn({ nullable: true })
  acknowledgedByApiKeyId!: string | null;

  @OneToMany(() => DisclosureGrantRecipient, (recipient) => recipient.grant)
  recipients?: Relation<DisclosureGrantRecipient>[];
}

/** A named person of the recipient organization; a TLP:RED grant is live only for its named recipients. */
@Entity('disclosure_grant_recipient')
export class DisclosureGrantRecipient {
  @IdColumn()
  id!: string;

  @ReferenceColumn()
  grantId!: string;

  @ManyToOne(() => DisclosureGrant, (grant) => grant.recipients)
  @JoinColumn({ name: 'grantId' })
  grant?: Relation<DisclosureGrant>;

  @ReferenceColumn()
  userId!: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: 'userId' })
  user?: Relation<User>;
}

/** What an operator tells the coordinator about a grant. Only the coordinator reads it; the sender gets a receipt. */
@ObjectType({ description: "An operator's feedback on an early disclosure. Readable by the coordinator only." })
@Entity('disclosure_feedback')
export class DisclosureFeedback {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @ReferenceColumn()
  grantId!: string;

  @ReferenceColumn()
  advisoryId!: string;

  @ReferenceColumn()
  organizationId!: string;

  @ReferenceColumn({ nullable: true })
  authorUserId!: string | null;

  @ReferenceColumn({ nullable: true })
  authorApiKeyId!: string | null;

  @Field(() => DisclosureFeedbackStatus, { nullable: true })
  @EnumColumn({ nullable: true })
  status!: DisclosureFeedbackStatus | null;

  @Field()
  @Column({ type: 'text' })
  message!: string;

  @Field()
  @DateTimeColumn()
  createdAt!: Date;
}

@ObjectType({ description: 'Proof that feedback was stored. The feedback itself is readable by the coordinator only.' })
export class DisclosureFeedbackReceipt {
  @Field(() => ID)
  id!: string;

  @Field()
  sentAt!: Date;
}

import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, JoinColumn, ManyToOne, Relation } from 'typeorm';
import { Case } from '../cases/case.entity';
import { DateTimeColumn, EnumColumn, IdColumn, ReferenceColumn } from '../common/columns';
import { Exploitation, PublicValueAdded, SupplierInvolvement } from './ssvc';

export enum ReferralStatus {
  OPEN = 'OPEN',
  DECIDED = 'DECIDED',
  /** The vendor was reached while the committee deliberated: there is nothing left to decide. */
  WITHDRAWN = 'WITHDRAWN',
}
registerEnumType(ReferralStatus, { name: 'ReferralStatus' });

export enum CommitteeDecision {
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
}
registerEnumType(CommitteeDecision, { name: 'CommitteeDecision' });

export enum VoteChoice {
  APPROVE = 'APPROVE',
  REJECT = 'REJECT',
  ABSTAIN = 'ABSTAIN',
}
registerEnumType(VoteChoice, { name: 'VoteChoice' });

/**
 * A case referred to the publication decision committee, with the case file the guideline asks for: the SSVC
 * coordinator publication decision points, each with its reasoning, the impact on society, the balance of harms,
 * and the coordinator's own verification of the vulnerability.
 */
@ObjectType({ description: 'A case referred to the publication decision committee: the case file, and the decision once reached.' })
@Entity('committee_referral')
export class CommitteeReferral {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @ReferenceColumn()
  caseId!: string;

  // Relation<> keeps the decorator metadata from touching Case while the two modules load each other.
  @ManyToOne(() => Case, (owner) => owner.committeeReferrals)
  @JoinColumn({ name: 'caseId' })
  case?: Relation<Case>;

  @Field(() => ReferralStatus)
  @EnumColumn()
  status!: ReferralStatus;

  @Field()
  @DateTimeColumn()
  referredAt!: Date;

  @ReferenceColumn({ nullable: true })
  referredByUserId!: string | null;

  @Field(() => SupplierInvolvement)
  @EnumColumn()
  supplierInvolvement!: SupplierInvolvement;

  @Field({ description: 'Whether the vendor and other affected parties were given a chance to state their views.' })
  @Column({ type: 'text' })
  supplierInvolvementReasoning!: string;

  @Field(() => Exploitation)
  @EnumColumn()
  exploitation!: Exploitation;

  @Field()
  @Column({ type: 'text' })
  exploitationReasoning!: string;

  @Field(() => PublicValueAdded)
  @EnumColumn()
  publicValueAdded!: PublicValueAdded;

  @Field()
  @Column({ type: 'text' })
  publicValueAddedReasoning!: string;

  @Field({ description: 'The impact on society.' })
  @Column({ type: 'text' })
  societalImpact!: string;

  @Field({ description: 'The harm to users from not publishing, weighed against the harm from publishing.' })
  @Column({ type: 'text' })
  harmBalance!: string;

  @Field({ description: "The coordinator's own verification of the vulnerability; published with an approved advisory." })
  @Column({ type: 'text' })
  coordinatorVerification!: string;

  @Field(() => CommitteeDecision, { nullable: true })
  @EnumColumn({ nullable: true })
  decision!: CommitteeDecision | null;

  @Field(() => Date, { nullable: true })
  @DateTimeColumn({ nullable: true })
  decidedAt!: Date | null;

  @ReferenceColumn({ nullable: true })
  decidedByUserId!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  decisionReasons!: string | null;

  @Field(() => Int, { nullable: true, description: 'The tally the decision was reached on.' })
  @Column({ type: 'int', nullable: true })
  approveVotes!: number | null;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'int', nullable: true })
  rejectVotes!: number | null;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'int', nullable: true })
  abstainVotes!: number | null;

  @Field()
  @DateTimeColumn()
  updatedAt!: Date;
}

@ObjectType({ description: "A committee member's vote on a referral, with reasons. Coordinator staff and the committee only." })
@Entity('committee_vote')
export class CommitteeVote {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @ReferenceColumn()
  referralId!: string;

  @ManyToOne(() => CommitteeReferral)
  @JoinColumn({ name: 'referralId' })
  referral?: CommitteeReferral;

  @Field(() => ID)
  @ReferenceColumn()
  memberUserId!: string;

  @Field()
  @Column({ type: 'varchar', length: 200 })
  memberName!: string;

  @Field(() => VoteChoice)
  @EnumColumn()
  choice!: VoteChoice;

  @Field()
  @Column({ type: 'text' })
  reasons!: string;

  @Field()
  @DateTimeColumn()
  castAt!: Date;
}

@ObjectType({ description: 'A member declared a conflict of interest on a referral and may not vote on it.' })
@Entity('committee_conflict')
export class CommitteeConflict {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @ReferenceColumn()
  referralId!: string;

  @ManyToOne(() => CommitteeReferral)
  @JoinColumn({ name: 'referralId' })
  referral?: CommitteeReferral;

  @Field(() => ID)
  @ReferenceColumn()
  memberUserId!: string;

  @Field()
  @Column({ type: 'varchar', length: 200 })
  memberName!: string;

  @Field()
  @Column({ type: 'text' })
  reason!: string;

  @Field()
  @DateTimeColumn()
  declaredAt!: Date;
}

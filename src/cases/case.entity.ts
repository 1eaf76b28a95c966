import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, JoinColumn, ManyToOne, OneToMany, Relation } from 'typeorm';
import { DateTimeColumn, EnumColumn, IdColumn, ReferenceColumn } from '../common/columns';
import { CommitteeReferral } from '../committee/committee.entity';
import { Vendor } from '../vendors/vendor.entity';

export enum CaseState {
  RECEIVED = 'RECEIVED',
  UNDER_ANALYSIS = 'UNDER_ANALYSIS',
  HANDED_OVER = 'HANDED_OVER',
  VENDOR_CONTACT = 'VENDOR_CONTACT',
  COORDINATING = 'COORDINATING',
  PUBLICATION_SCHEDULED = 'PUBLICATION_SCHEDULED',
  PUBLISHED = 'PUBLISHED',
  CLOSED = 'CLOSED',
  REJECTED = 'REJECTED',
  WITHDRAWN = 'WITHDRAWN',
}
registerEnumType(CaseState, {
  name: 'CaseState',
  valuesConfig: {
    PUBLICATION_SCHEDULED: {
      description: 'The advisory is scheduled. Only coordinator staff and the notified vendors read this state; everyone else reads the state before it until the publication time, then PUBLISHED.',
    },
  },
});

export enum CaseVendorStatus {
  UNNOTIFIED = 'UNNOTIFIED',
  NOTIFIED = 'NOTIFIED',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  INVESTIGATING = 'INVESTIGATING',
  AFFECTED = 'AFFECTED',
  NOT_AFFECTED = 'NOT_AFFECTED',
  FIX_AVAILABLE = 'FIX_AVAILABLE',
}
registerEnumType(CaseVendorStatus, { name: 'CaseVendorStatus' });

const ROLE_DEPENDENT = 'Role-dependent: null when the viewer may not read it.';

@ObjectType({ description: 'A vulnerability report and its coordination.' })
@Entity('case_file')
export class Case {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @Field({ description: 'The public reference given to the finder. Random, so it reveals nothing about other cases.' })
  @Column({ type: 'varchar', length: 20, unique: true })
  reference!: string;

  @Field()
  @Column({ type: 'varchar', length: 300 })
  title!: string;

  @Field({ nullable: true, description: ROLE_DEPENDENT })
  @Column({ type: 'text' })
  description!: string;

  @Field({ nullable: true, description: ROLE_DEPENDENT })
  @Column({ type: 'text' })
  affectedProducts!: string;

  @ReferenceColumn({ nullable: true })
  finderUserId!: string | null;

  @Field(() => String, { nullable: true, description: `${ROLE_DEPENDENT} Vendors see it only when the finder consented.` })
  @Column({ type: 'varchar', length: 200, nullable: true })
  finderName!: string | null;

  @Field({ nullable: true, description: ROLE_DEPENDENT })
  @Column({ type: 'boolean', default: false })
  finderConsentToName!: boolean;

  @Field()
  @DateTimeColumn()
  receivedAt!: Date;

  /** The receiving organization that registered the report. */
  @ReferenceColumn()
  registeredByOrgId!: string;

  /**
   * The stored state: what services and policies decide on. Viewers read `shownState`, derived from it in SQL at the
   * request's clock (src/cases/shown-state.ts).
   */
  @EnumColumn()
  state!: CaseState;

  /** When a scheduled publication takes effect (the advisory's publishedAt); set with PUBLICATION_SCHEDULED. */
  @DateTimeColumn({ nullable: true })
  publicationDueAt!: Date | null;

  /** The state the case was in when its publication was scheduled: what a viewer who may not know of the schedule reads until it is due. */
  @EnumColumn({ nullable: true })
  stateBeforePublication!: CaseState | null;

  /** Set by loadAccessible for the viewer; null when the viewer may not read `state` on this case. */
  @Field(() => CaseState, {
    name: 'state',
    description: 'PUBLISHED from the publication time (to the millisecond, by the request clock). A scheduled publication reads PUBLICATION_SCHEDULED only to those who may read the schedule.',
  })
  shownState?: CaseState | null;

  @Field({ nullable: true, description: 'Coordinated with an overseas coordinator (JVNVU identifiers).' })
  @Column({ type: 'boolean', default: false })
  overseasCoordination!: boolean;

  @Field(() => String, { nullable: true, description: ROLE_DEPENDENT })
  @Column({ type: 'varchar', length: 200, nullable: true })
  cvssV3Vector!: string | null;

  @Field(() => String, { nullable: true, description: ROLE_DEPENDENT })
  @Column({ type: 'varchar', length: 300, nullable: true })
  cvssV4Vector!: string | null;

  @Field(() => String, { nullable: true, description: `${ROLE_DEPENDENT} For example CWE-79.` })
  @Column({ type: 'varchar', length: 20, nullable: true })
  cweId!: string | null;

  @Field(() => String, { nullable: true, description: `${ROLE_DEPENDENT} The receiving organization's analysis.` })
  @Column({ type: 'text', nullable: true })
  analysisNotes!: string | null;

  @Field(() => String, { nullable: true, description: `${ROLE_DEPENDENT} Internal to coordinator staff.` })
  @Column({ type: 'text', nullable: true })
  coordinatorNotes!: string | null;

  @Field()
  @DateTimeColumn()
  updatedAt!: Date;

  @OneToMany(() => CaseVendor, (caseVendor) => caseVendor.case)
  caseVendors?: CaseVendor[];

  /** For policies: "cases referred to the committee" is an EXISTS over this relation. */
  @OneToMany(() => CommitteeReferral, (referral) => referral.case)
  committeeReferrals?: Relation<CommitteeReferral>[];
}

@ObjectType({ description: 'A vendor taking part in a case, with its own status and statement.' })
@Entity('case_vendor')
export class CaseVendor {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @ReferenceColumn()
  caseId!: string;

  @ManyToOne(() => Case, (owner) => owner.caseVendors)
  @JoinColumn({ name: 'caseId' })
  case?: Case;

  @ReferenceColumn()
  vendorId!: string;

  @ManyToOne(() => Vendor)
  @JoinColumn({ name: 'vendorId' })
  vendor?: Vendor;

  @Field(() => CaseVendorStatus)
  @EnumColumn()
  status!: CaseVendorStatus;

  @Field(() => String, { nullable: true, description: ROLE_DEPENDENT })
  @Column({ type: 'text', nullable: true })
  statement!: string | null;

  @Field(() => Date, { nullable: true })
  @DateTimeColumn({ nullable: true })
  notifiedAt!: Date | null;

  @Field()
  @DateTimeColumn()
  updatedAt!: Date;
}

@ObjectType({ description: 'One recorded state change of a case.' })
@Entity('case_transition')
export class CaseTransition {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @ReferenceColumn()
  caseId!: string;

  @ManyToOne(() => Case)
  @JoinColumn({ name: 'caseId' })
  case?: Case;

  @Field(() => CaseState, { nullable: true, description: 'Null for the first record, when the report arrived.' })
  @EnumColumn({ nullable: true })
  fromState!: CaseState | null;

  @Field(() => CaseState)
  @EnumColumn()
  toState!: CaseState;

  @ReferenceColumn({ nullable: true })
  actorUserId!: string | null;

  @Field(() => String, { nullable: true, description: ROLE_DEPENDENT })
  @Column({ type: 'varchar', length: 200, nullable: true })
  actorName!: string | null;

  @Field(() => String, { nullable: true, description: ROLE_DEPENDENT })
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Field()
  @DateTimeColumn()
  at!: Date;
}

import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, JoinColumn, OneToOne } from 'typeorm';
import { DateTimeColumn, EnumColumn, IdColumn, ReferenceColumn } from '../common/columns';
import { Case } from '../cases/case.entity';
import { OneToMany } from 'typeorm';
import { DisclosureGrant } from '../disclosure/disclosure-grant.entity';

export enum AdvisoryStatus {
  DRAFT = 'DRAFT',
  PUBLISHED = 'PUBLISHED',
}
registerEnumType(AdvisoryStatus, { name: 'AdvisoryStatus' });

export enum AdvisorySeverity {
  NONE = 'NONE',
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
  CRITICAL = 'CRITICAL',
}
registerEnumType(AdvisorySeverity, { name: 'AdvisorySeverity', description: 'The qualitative CVSS rating of the advisory.' });

/** A product row as staged in a pending revision. */
@ObjectType()
export class AdvisoryProductDraft {
  @Field(() => ID)
  vendorId!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  versions!: string | null;
}

/**
 * Edits to a published advisory wait here until `publishAdvisoryRevision` makes them public as a numbered revision.
 * Null means unchanged. The published columns (and so every public read and search) never contain staged text.
 */
@ObjectType()
export class AdvisoryPendingRevision {
  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => String, { nullable: true })
  overview?: string | null;

  @Field(() => String, { nullable: true })
  affectedProducts?: string | null;

  @Field(() => String, { nullable: true })
  impact?: string | null;

  @Field(() => String, { nullable: true })
  solution?: string | null;

  @Field(() => String, { nullable: true })
  workarounds?: string | null;

  @Field(() => String, { nullable: true })
  vendorStatements?: string | null;

  @Field(() => String, { nullable: true })
  cvssV3Vector?: string | null;

  @Field(() => String, { nullable: true })
  cvssV4Vector?: string | null;

  @Field(() => String, { nullable: true })
  cweId?: string | null;

  @Field(() => [String], { nullable: true })
  cveIds?: string[] | null;

  @Field(() => String, { nullable: true })
  coordinatorVerification?: string | null;

  @Field(() => [AdvisoryProductDraft], { nullable: true })
  products?: AdvisoryProductDraft[] | null;
}

const ROLE_DEPENDENT = 'Role-dependent: null when the viewer may not read it.';

/**
 * The publication for a case. PUBLISHED with a publishedAt in the future is a scheduled publication:
 * every visibility rule compares publishedAt with the request's clock, so no job has to run.
 */
@ObjectType()
@Entity('advisory')
export class Advisory {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @ReferenceColumn({ unique: true })
  caseId!: string;

  @OneToOne(() => Case)
  @JoinColumn({ name: 'caseId' })
  case?: Case;

  /** Early disclosures to operators (src/disclosure); declared here so policies can test them in SQL. */
  @OneToMany(() => DisclosureGrant, (grant) => grant.advisory)
  grants?: DisclosureGrant[];

  @Field(() => String, { nullable: true, description: 'JVN#NNNNNNNN or JVNVU#NNNNNNNN, assigned at publication.' })
  @Column({ type: 'varchar', length: 32, nullable: true, unique: true })
  identifier!: string | null;

  @Field()
  @Column({ type: 'varchar', length: 300 })
  title!: string;

  @Field(() => String, { nullable: true, description: ROLE_DEPENDENT })
  @Column({ type: 'text', nullable: true })
  overview!: string | null;

  @Field(() => String, { nullable: true, description: ROLE_DEPENDENT })
  @Column({ type: 'text', nullable: true })
  affectedProducts!: string | null;

  @Field(() => String, { nullable: true, description: ROLE_DEPENDENT })
  @Column({ type: 'text', nullable: true })
  impact!: string | null;

  @Field(() => String, { nullable: true, description: `${ROLE_DEPENDENT} The solution: fixed versions or other remedies.` })
  @Column({ type: 'text', nullable: true })
  solution!: string | null;

  @Field(() => String, { nullable: true, description: `${ROLE_DEPENDENT} Workarounds and mitigations for those who cannot apply the solution yet.` })
  @Column({ type: 'text', nullable: true })
  workarounds!: string | null;

  @Field(() => String, { nullable: true, description: `${ROLE_DEPENDENT} Hidden from vendors on drafts: it quotes every vendor.` })
  @Column({ type: 'text', nullable: true })
  vendorStatements!: string | null;

  @Field(() => String, { nullable: true, description: ROLE_DEPENDENT })
  @Column({ type: 'varchar', length: 200, nullable: true })
  cvssV3Vector!: string | null;

  @Field(() => String, { nullable: true, description: ROLE_DEPENDENT })
  @Column({ type: 'varchar', length: 300, nullable: true })
  cvssV4Vector!: string | null;

  @Field(() => String, { nullable: true, description: ROLE_DEPENDENT })
  @Column({ type: 'varchar', length: 20, nullable: true })
  cweId!: string | null;

  @Field(() => [String], { nullable: true, description: ROLE_DEPENDENT })
  @Column({ type: 'simple-json' })
  cveIds!: string[];

  /**
   * The stored status: what services and policies decide on. Viewers read `shownStatus`, derived from it in SQL at the
   * request's clock (src/advisories/shown-status.ts).
   */
  @EnumColumn()
  status!: AdvisoryStatus;

  /** Set by loadAccessible for the viewer; null when the viewer may not read `status` on this advisory. */
  @Field(() => AdvisoryStatus, {
    name: 'status',
    description: 'PUBLISHED from publishedAt (to the millisecond, by the request clock). A publication scheduled for later reads PUBLISHED before then only to those who may read its publishedAt; to others it is a DRAFT until then.',
  })
  shownStatus?: AdvisoryStatus | null;

  @Field(() => Date, { nullable: true, description: 'When it becomes (or became) public.' })
  @DateTimeColumn({ nullable: true })
  publishedAt!: Date | null;

  @Field({ nullable: true, description: `${ROLE_DEPENDENT} Published without the vendor after a committee decision.` })
  @Column({ type: 'boolean', default: false })
  unableToCoordinate!: boolean;

  @Field(() => String, { nullable: true, description: `${ROLE_DEPENDENT} The coordinator's own verification, for unable-to-coordinate advisories.` })
  @Column({ type: 'text', nullable: true })
  coordinatorVerification!: string | null;

  @Field(() => String, { nullable: true, description: `${ROLE_DEPENDENT} Internal to coordinator staff.` })
  @Column({ type: 'text', nullable: true })
  internalNotes!: string | null;

  @Field(() => AdvisorySeverity, { nullable: true, description: `${ROLE_DEPENDENT} From the CVSS v4.0 score when there is a v4.0 vector, else from the CVSS v3.1 base score.` })
  @EnumColumn({ nullable: true })
  severity!: AdvisorySeverity | null;

  @Field(() => Int, { nullable: true, description: `${ROLE_DEPENDENT} Number of the current public revision: 0 until published, 1 for the initial release.` })
  @Column({ type: 'int', default: 0 })
  revision!: number;

  @Field(() => Date, { nullable: true, description: `${ROLE_DEPENDENT} When the latest revision after the initial release was released; null until then (the initial release is publishedAt).` })
  @DateTimeColumn({ nullable: true })
  revisedAt!: Date | null;

  @Field(() => AdvisoryPendingRevision, { nullable: true, description: `${ROLE_DEPENDENT} Staged edits to a published advisory, not public until released as a revision.` })
  @Column({ type: 'simple-json', nullable: true })
  pendingRevision!: AdvisoryPendingRevision | null;

  @Field()
  @DateTimeColumn()
  createdAt!: Date;

  // Null for an operator, whose grant shows some sections only: the time would move when hidden text is edited.
  @Field(() => Date, { nullable: true, description: ROLE_DEPENDENT })
  @DateTimeColumn()
  updatedAt!: Date;
}

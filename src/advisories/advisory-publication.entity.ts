import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, JoinColumn, ManyToOne } from 'typeorm';
import { CaseVendorStatus } from '../cases/case.entity';
import { DateTimeColumn, EnumColumn, IdColumn, ReferenceColumn } from '../common/columns';
import { Advisory } from './advisory.entity';

const ROLE_DEPENDENT = 'Role-dependent: null when the viewer may not read it.';

/** The credit types of CVE JSON 5 (`credits[].type`), which CSAF acknowledgments and JVN's credits map onto. */
export enum CreditType {
  FINDER = 'FINDER',
  REPORTER = 'REPORTER',
  ANALYST = 'ANALYST',
  COORDINATOR = 'COORDINATOR',
  REMEDIATION_DEVELOPER = 'REMEDIATION_DEVELOPER',
  REMEDIATION_REVIEWER = 'REMEDIATION_REVIEWER',
  REMEDIATION_VERIFIER = 'REMEDIATION_VERIFIER',
  TOOL = 'TOOL',
  SPONSOR = 'SPONSOR',
  OTHER = 'OTHER',
}
registerEnumType(CreditType, { name: 'CreditType' });

export enum CreditStatus {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  DECLINED = 'DECLINED',
}
registerEnumType(CreditStatus, { name: 'CreditStatus', description: 'Only ACCEPTED credits are ever shown publicly.' });

/** What a vendor's response says about its products, as shown on the published advisory. */
export enum VendorVerificationResult {
  VULNERABLE = 'VULNERABLE',
  NOT_VULNERABLE = 'NOT_VULNERABLE',
  UNDER_INVESTIGATION = 'UNDER_INVESTIGATION',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(VendorVerificationResult, { name: 'VendorVerificationResult' });

@ObjectType({ description: 'One public revision of a published advisory: 1 is the initial release.' })
@Entity('advisory_revision')
export class AdvisoryRevision {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @ReferenceColumn()
  advisoryId!: string;

  @ManyToOne(() => Advisory)
  @JoinColumn({ name: 'advisoryId' })
  advisory?: Advisory;

  @Field(() => Int)
  @Column({ type: 'int' })
  number!: number;

  @Field({ description: 'When this revision became (or becomes) public.' })
  @DateTimeColumn()
  releasedAt!: Date;

  @Field()
  @Column({ type: 'varchar', length: 1000 })
  summary!: string;

  @ReferenceColumn({ nullable: true })
  actorUserId!: string | null;
}

@ObjectType({ description: 'A typed credit on an advisory. Public only once the credited person accepted it.' })
@Entity('advisory_credit')
export class AdvisoryCredit {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @ReferenceColumn()
  advisoryId!: string;

  @ManyToOne(() => Advisory)
  @JoinColumn({ name: 'advisoryId' })
  advisory?: Advisory;

  @Field(() => CreditType)
  @EnumColumn()
  type!: CreditType;

  @Field({ description: 'The name as it will be printed.' })
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 200, nullable: true })
  organizationName!: string | null;

  /** The account that must accept; null when the coordinator recorded consent obtained outside renraku. */
  @ReferenceColumn({ nullable: true })
  userId!: string | null;

  @Field(() => CreditStatus, { nullable: true, description: ROLE_DEPENDENT })
  @EnumColumn()
  status!: CreditStatus;

  @Field(() => Date, { nullable: true, description: ROLE_DEPENDENT })
  @DateTimeColumn({ nullable: true })
  respondedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: ROLE_DEPENDENT })
  @DateTimeColumn()
  createdAt!: Date;
}

/**
 * A vendor's verification result and response status as published: copied from the case's vendor row when the
 * advisory (or a revision that refreshes vendors) is released, so later changes to the case never show through.
 */
@ObjectType({ description: 'A vendor as listed on a published advisory.' })
@Entity('advisory_vendor_status')
export class AdvisoryVendorStatus {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @ReferenceColumn()
  advisoryId!: string;

  @ManyToOne(() => Advisory)
  @JoinColumn({ name: 'advisoryId' })
  advisory?: Advisory;

  @ReferenceColumn()
  vendorId!: string;

  @Field()
  @Column({ type: 'varchar', length: 200 })
  vendorName!: string;

  @Field(() => CaseVendorStatus, { description: 'The vendor\'s response status when the revision was released.' })
  @EnumColumn()
  responseStatus!: CaseVendorStatus;

  @Field(() => VendorVerificationResult)
  @EnumColumn()
  verificationResult!: VendorVerificationResult;

  @Field(() => String, { nullable: true, description: 'The vendor\'s statement, published with the advisory.' })
  @Column({ type: 'text', nullable: true })
  statement!: string | null;

  @Field()
  @DateTimeColumn()
  recordedAt!: Date;
}

/** An affected product named on the advisory. For a published advisory these rows are public content. */
@ObjectType()
@Entity('advisory_product')
export class AdvisoryProduct {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @ReferenceColumn()
  advisoryId!: string;

  @ManyToOne(() => Advisory)
  @JoinColumn({ name: 'advisoryId' })
  advisory?: Advisory;

  @ReferenceColumn()
  vendorId!: string;

  @Field({ description: 'The vendor\'s name when the product was listed.' })
  @Column({ type: 'varchar', length: 200 })
  vendorName!: string;

  @Field()
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Affected versions, free text such as "2.3 and earlier".' })
  @Column({ type: 'varchar', length: 500, nullable: true })
  versions!: string | null;

  @Column({ type: 'int' })
  position!: number;
}

import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, JoinColumn, OneToOne } from 'typeorm';
import { DateTimeColumn, EnumColumn, IdColumn, ReferenceColumn } from '../common/columns';
import { Case } from '../cases/case.entity';

export enum AdvisoryStatus {
  DRAFT = 'DRAFT',
  PUBLISHED = 'PUBLISHED',
}
registerEnumType(AdvisoryStatus, { name: 'AdvisoryStatus' });

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

  @Field(() => String, { nullable: true, description: `${ROLE_DEPENDENT} Solutions and workarounds.` })
  @Column({ type: 'text', nullable: true })
  solution!: string | null;

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

  @Field(() => AdvisoryStatus)
  @EnumColumn()
  status!: AdvisoryStatus;

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

  @Field()
  @DateTimeColumn()
  createdAt!: Date;

  @Field()
  @DateTimeColumn()
  updatedAt!: Date;
}

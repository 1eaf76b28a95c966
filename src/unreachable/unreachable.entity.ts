import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, JoinColumn, ManyToOne, OneToOne } from 'typeorm';
import { Case } from '../cases/case.entity';
import { DateTimeColumn, EnumColumn, IdColumn, ReferenceColumn } from '../common/columns';

export enum UnreachableStatus {
  /** The vendor could not be reached; the declaration is in force. */
  UNREACHABLE = 'UNREACHABLE',
  /** The vendor replied later; the case is back in normal coordination. The record stays as history. */
  CONTACT_ESTABLISHED = 'CONTACT_ESTABLISHED',
}
registerEnumType(UnreachableStatus, { name: 'UnreachableStatus' });

export enum UnreachableEventKind {
  DECLARED = 'DECLARED',
  LISTED_STAGE_ONE = 'LISTED_STAGE_ONE',
  LISTED_STAGE_TWO = 'LISTED_STAGE_TWO',
  CONTACT_ESTABLISHED = 'CONTACT_ESTABLISHED',
  /** Contact came before a scheduled stage became public: that stage never will. */
  STAGE_ONE_WITHDRAWN = 'STAGE_ONE_WITHDRAWN',
  STAGE_TWO_WITHDRAWN = 'STAGE_TWO_WITHDRAWN',
}
registerEnumType(UnreachableEventKind, { name: 'UnreachableEventKind' });

/**
 * A coordinator's declaration that a vendor on a case cannot be reached, with the evidence the rule was checked
 * against. Internal: coordinator staff, and the committee for cases referred to it.
 */
@ObjectType({ description: 'A vendor on a case declared unreachable, with the evidence the rule was checked against.' })
@Entity('unreachable_declaration')
export class UnreachableDeclaration {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @ReferenceColumn()
  caseId!: string;

  @ManyToOne(() => Case)
  @JoinColumn({ name: 'caseId' })
  case?: Case;

  /** Exposed through UnreachableDeclarationResolver.caseVendorId, under the vendor row's own read rule. */
  @ReferenceColumn()
  caseVendorId!: string;

  @ReferenceColumn()
  vendorId!: string;

  @Field({ description: 'The vendor name when it was declared.' })
  @Column({ type: 'varchar', length: 200 })
  vendorName!: string;

  @Field(() => UnreachableStatus)
  @EnumColumn()
  status!: UnreachableStatus;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Field(() => Int, { description: 'Attempts counted by the rule (corrected attempts count as corrected).' })
  @Column({ type: 'int' })
  attemptCount!: number;

  @Field(() => Int)
  @Column({ type: 'int' })
  channelCount!: number;

  @Field(() => Date, { nullable: true, description: 'Null only when the configured rule asks for no attempt at all.' })
  @DateTimeColumn({ nullable: true })
  firstAttemptAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @DateTimeColumn({ nullable: true })
  lastAttemptAt!: Date | null;

  @Field()
  @DateTimeColumn()
  declaredAt!: Date;

  @ReferenceColumn({ nullable: true })
  declaredByUserId!: string | null;

  @Field(() => Date, { nullable: true, description: 'When the vendor replied, once it has.' })
  @DateTimeColumn({ nullable: true })
  contactEstablishedAt!: Date | null;

  @Field(() => ID, { nullable: true, description: 'The REPLIED attempt that ended the declaration.' })
  @ReferenceColumn({ nullable: true })
  contactAttemptId!: string | null;

  /** Events recorded so far; numbers the next one. */
  @Column({ type: 'int', default: 0 })
  eventCount!: number;

  @Field()
  @DateTimeColumn()
  updatedAt!: Date;
}

/**
 * The entry on the public list of unreachable developers (連絡不能開発者一覧). It holds copies of exactly what the
 * list publishes, so the public view never reaches into the case or vendor tables. Each stage has its own
 * publication time; the public policy compares those times with the request clock.
 */
@ObjectType({ description: 'A list entry as coordinator staff and the committee see it, scheduled stages included.' })
@Entity('unreachable_listing')
export class UnreachableListing {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @ReferenceColumn({ unique: true })
  declarationId!: string;

  @OneToOne(() => UnreachableDeclaration)
  @JoinColumn({ name: 'declarationId' })
  declaration?: UnreachableDeclaration;

  @ReferenceColumn()
  caseId!: string;

  @ManyToOne(() => Case)
  @JoinColumn({ name: 'caseId' })
  case?: Case;

  @Field({ nullable: true, description: 'The public reference of the case.' })
  @Column({ type: 'varchar', length: 20 })
  caseReference!: string;

  @Field({ nullable: true })
  @Column({ type: 'varchar', length: 200 })
  vendorName!: string;

  @Field({ nullable: true, description: 'Stage 1: the vendor name is public from this time.' })
  @DateTimeColumn()
  stageOnePublishedAt!: Date;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 200, nullable: true })
  productName!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 500, nullable: true })
  productVersions!: string | null;

  @Field(() => Date, { nullable: true, description: 'Stage 2: the product name and versions are public from this time.' })
  @DateTimeColumn({ nullable: true })
  stageTwoPublishedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @DateTimeColumn({ nullable: true })
  contactEstablishedAt!: Date | null;

  @Field({ nullable: true, description: 'Contact came before stage 1 was due: the entry never becomes public.' })
  @Column({ type: 'boolean', default: false })
  withdrawn!: boolean;

  @Field({ nullable: true })
  @DateTimeColumn()
  createdAt!: Date;

  @Field({ nullable: true })
  @DateTimeColumn()
  updatedAt!: Date;
}

/** Append-only history of a declaration and its list entry. */
@ObjectType({ description: 'One step in the history of an unreachable declaration and its list entry.' })
@Entity('unreachable_event')
export class UnreachableEvent {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @ReferenceColumn()
  declarationId!: string;

  @ReferenceColumn()
  caseId!: string;

  @ManyToOne(() => Case)
  @JoinColumn({ name: 'caseId' })
  case?: Case;

  @Field(() => Int, { description: 'Order within the declaration: 1, 2, 3, ...' })
  @Column({ type: 'int' })
  sequence!: number;

  @Field(() => UnreachableEventKind)
  @EnumColumn()
  kind!: UnreachableEventKind;

  @Field({ description: 'When it takes effect: for a listing stage, its publication time.' })
  @DateTimeColumn()
  at!: Date;

  @Field()
  @DateTimeColumn()
  recordedAt!: Date;

  @ReferenceColumn({ nullable: true })
  actorUserId!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 200, nullable: true })
  actorName!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  note!: string | null;
}

/** A third party's hint on how to reach a listed vendor. Coordinator staff only; stores nothing about the sender's connection. */
@ObjectType({ description: 'A tip on how to reach a listed vendor. Coordinator staff only.' })
@Entity('listing_tip')
export class ListingTip {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @ReferenceColumn()
  listingId!: string;

  @ManyToOne(() => UnreachableListing)
  @JoinColumn({ name: 'listingId' })
  listing?: UnreachableListing;

  @Field()
  @Column({ type: 'text' })
  message!: string;

  @Field(() => String, { nullable: true, description: 'How the sender may be reached, if it said.' })
  @Column({ type: 'varchar', length: 500, nullable: true })
  senderContact!: string | null;

  @Field()
  @Column({ type: 'varchar', length: 32 })
  receiptCode!: string;

  @Field()
  @DateTimeColumn()
  submittedAt!: Date;
}

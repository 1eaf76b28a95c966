import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DateTimeColumn, EnumColumn, IdColumn, ReferenceColumn } from '../common/columns';

export enum AuditAction {
  EMBARGOED_READ = 'EMBARGOED_READ',
  GRANT_CREATED = 'GRANT_CREATED',
  GRANT_CHANGED = 'GRANT_CHANGED',
  GRANT_REVOKED = 'GRANT_REVOKED',
  GRANT_ACKNOWLEDGED = 'GRANT_ACKNOWLEDGED',
  PUBLICATION_RESCHEDULED = 'PUBLICATION_RESCHEDULED',
}
registerEnumType(AuditAction, {
  name: 'AuditAction',
  valuesConfig: {
    EMBARGOED_READ: { description: 'Someone other than coordinator staff was given the content of an advisory that was not public yet.' },
    PUBLICATION_RESCHEDULED: { description: 'The planned publication time of a scheduled advisory moved.' },
  },
});

/**
 * One entry of the append-only, hash-chained audit log. `hash` is SHA-256 over the entry's other columns and
 * `previousHash`, so removing or altering an entry breaks the chain (`npm run audit:verify`).
 * Nothing updates or deletes these rows; there are deliberately no foreign keys, so the log outlives anything.
 */
@ObjectType({ description: 'An entry of the tamper-evident audit log (coordinator only).' })
@Entity('audit_entry')
export class AuditEntry {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @Field(() => Int, { description: 'Position in the chain, from 1, without gaps.' })
  @Column({ type: 'int', unique: true })
  sequence!: number;

  @Field()
  @DateTimeColumn()
  at!: Date;

  @Field()
  @Column({ type: 'varchar', length: 100 })
  requestId!: string;

  @Field(() => AuditAction)
  @EnumColumn()
  action!: AuditAction;

  @ReferenceColumn({ nullable: true })
  actorUserId!: string | null;

  @Field(() => ID, { nullable: true, description: 'When the actor was an organization API key.' })
  @ReferenceColumn({ nullable: true })
  actorApiKeyId!: string | null;

  @Field(() => String, { nullable: true, description: 'The display name at the time, kept even if the user is renamed.' })
  @Column({ type: 'varchar', length: 200, nullable: true })
  actorName!: string | null;

  @ReferenceColumn({ nullable: true })
  organizationId!: string | null;

  @ReferenceColumn({ nullable: true })
  advisoryId!: string | null;

  @ReferenceColumn({ nullable: true })
  grantId!: string | null;

  /** DisclosureSection names, comma-separated in canonical order; exposed as a list. */
  @Column({ type: 'varchar', length: 200 })
  sections!: string;

  @Field(() => String, { nullable: true, description: 'For reads: SHA-256 of the text the reader was given, to tell whether it changed since.' })
  @Column({ type: 'varchar', length: 64, nullable: true })
  contentFingerprint!: string | null;

  /** JSON: before/after of a grant change, the reason, or the publication times. */
  @Column({ type: 'text', nullable: true })
  detail!: string | null;

  @Field()
  @Column({ type: 'varchar', length: 64 })
  previousHash!: string;

  @Field()
  @Column({ type: 'varchar', length: 64 })
  hash!: string;
}

/** The single row holding the end of the chain. Appends lock it, so concurrent writers take turns. */
@Entity('audit_chain_head')
export class AuditChainHead {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  id!: string;

  @Column({ type: 'int' })
  lastSequence!: number;

  @Column({ type: 'varchar', length: 64 })
  lastHash!: string;
}

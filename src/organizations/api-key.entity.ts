import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, JoinColumn, ManyToOne } from 'typeorm';
import { DateTimeColumn, EnumColumn, IdColumn, ReferenceColumn } from '../common/columns';
import { Organization } from './organization.entity';
import { UserRole } from './user.entity';

/** A machine credential for a portal. Only the SHA-256 of the secret is stored; the secret is shown once. */
@ObjectType()
@Entity('api_key')
export class ApiKey {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @ReferenceColumn()
  organizationId!: string;

  @ManyToOne(() => Organization)
  @JoinColumn({ name: 'organizationId' })
  organization?: Organization;

  @Field()
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Field({ description: 'The public prefix of the key, to recognise it in logs.' })
  @Column({ type: 'varchar', length: 32, unique: true })
  prefix!: string;

  @Column({ type: 'varchar', length: 64 })
  secretHash!: string;

  @Field(() => UserRole)
  @EnumColumn()
  role!: UserRole;

  @ReferenceColumn({ nullable: true })
  createdByUserId!: string | null;

  @Field()
  @DateTimeColumn()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  @DateTimeColumn({ nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @DateTimeColumn({ nullable: true })
  revokedAt!: Date | null;
}

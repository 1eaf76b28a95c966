import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, JoinColumn, ManyToOne } from 'typeorm';
import { DateTimeColumn, EnumColumn, IdColumn, ReferenceColumn } from '../common/columns';
import { Organization } from './organization.entity';

/** A role inside the user's organization. Ordered: an admin may grant up to its own rank, never above. */
export enum UserRole {
  MEMBER = 'MEMBER',
  ADMIN = 'ADMIN',
}
registerEnumType(UserRole, { name: 'UserRole' });

export const ROLE_RANK: Record<UserRole, number> = { [UserRole.MEMBER]: 1, [UserRole.ADMIN]: 2 };
export const rolesUpTo = (role: UserRole): UserRole[] =>
  Object.values(UserRole).filter((candidate) => ROLE_RANK[candidate] <= ROLE_RANK[role]);

@ObjectType()
@Entity('user')
export class User {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @Field({ nullable: true, description: 'Role-dependent: visible to the user, its organization and coordinators.' })
  @Column({ type: 'varchar', length: 254, unique: true })
  email!: string;

  @Field()
  @Column({ type: 'varchar', length: 200 })
  displayName!: string;

  /** Null for an independent finder. */
  @ReferenceColumn({ nullable: true })
  organizationId!: string | null;

  @ManyToOne(() => Organization)
  @JoinColumn({ name: 'organizationId' })
  organization?: Organization;

  @Field(() => UserRole)
  @EnumColumn()
  role!: UserRole;

  @Field()
  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Field()
  @DateTimeColumn()
  createdAt!: Date;
}

import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity } from 'typeorm';
import { DateTimeColumn, EnumColumn, IdColumn } from '../common/columns';

export enum OrganizationKind {
  COORDINATOR = 'COORDINATOR',
  RECEIVER = 'RECEIVER',
  VENDOR = 'VENDOR',
  OPERATOR = 'OPERATOR',
  COMMITTEE = 'COMMITTEE',
}
registerEnumType(OrganizationKind, { name: 'OrganizationKind' });

@ObjectType({ description: 'A participant in the partnership: coordinator, receiving organization, vendor, operator or committee.' })
@Entity('organization')
export class Organization {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @Field()
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Field(() => OrganizationKind)
  @EnumColumn()
  kind!: OrganizationKind;

  @Field()
  @DateTimeColumn()
  createdAt!: Date;
}

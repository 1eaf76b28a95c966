import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, JoinColumn, ManyToOne, OneToMany, OneToOne } from 'typeorm';
import { DateTimeColumn, EnumColumn, IdColumn, ReferenceColumn } from '../common/columns';
import { Organization } from '../organizations/organization.entity';

export enum ContactPointKind {
  EMAIL = 'EMAIL',
  WEB_FORM = 'WEB_FORM',
  PHONE = 'PHONE',
  POSTAL_ADDRESS = 'POSTAL_ADDRESS',
  FAX = 'FAX',
}
registerEnumType(ContactPointKind, { name: 'ContactPointKind' });

@ObjectType({ description: 'A product developer. Its tenant is a VENDOR organization.' })
@Entity('vendor')
export class Vendor {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @ReferenceColumn({ unique: true })
  organizationId!: string;

  @OneToOne(() => Organization)
  @JoinColumn({ name: 'organizationId' })
  organization?: Organization;

  @Field()
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 500, nullable: true })
  website!: string | null;

  @Field()
  @DateTimeColumn()
  createdAt!: Date;

  @OneToMany(() => Product, (product) => product.vendor)
  products?: Product[];
}

@ObjectType()
@Entity('product')
export class Product {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @ReferenceColumn()
  vendorId!: string;

  @ManyToOne(() => Vendor, (vendor) => vendor.products)
  @JoinColumn({ name: 'vendorId' })
  vendor?: Vendor;

  @Field()
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Free text: the versions known to exist.' })
  @Column({ type: 'varchar', length: 500, nullable: true })
  versions!: string | null;
}

@ObjectType({ description: 'A way to reach a vendor. Coordinator staff and the vendor itself only.' })
@Entity('vendor_contact_point')
export class ContactPoint {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @ReferenceColumn()
  vendorId!: string;

  @ManyToOne(() => Vendor)
  @JoinColumn({ name: 'vendorId' })
  vendor?: Vendor;

  @Field(() => ContactPointKind)
  @EnumColumn()
  kind!: ContactPointKind;

  @Field()
  @Column({ type: 'varchar', length: 500 })
  value!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 500, nullable: true })
  note!: string | null;
}

import { IsEmail, IsOptional, IsUUID, Length } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { OrganizationKind } from './organization.entity';
import { UserRole } from './user.entity';

@InputType()
export class CreateOrganizationInput {
  @Field()
  @Length(1, 200)
  name!: string;

  @Field(() => OrganizationKind, { description: 'Vendors are created with createVendor, which also makes their profile.' })
  kind!: OrganizationKind;
}

@InputType()
export class CreateUserInput {
  @Field()
  @IsEmail()
  email!: string;

  @Field()
  @Length(1, 200)
  displayName!: string;

  @Field(() => ID, { nullable: true, description: 'Defaults to the caller’s organization. Null only for coordinator admins creating a finder.' })
  @IsOptional()
  @IsUUID()
  organizationId?: string;

  @Field(() => UserRole, { defaultValue: UserRole.MEMBER })
  role: UserRole = UserRole.MEMBER;
}

@InputType()
export class UpdateUserInput {
  @Field(() => ID)
  @IsUUID()
  userId!: string;

  @Field(() => UserRole, { nullable: true })
  @IsOptional()
  role?: UserRole;

  @Field({ nullable: true })
  @IsOptional()
  active?: boolean;
}

@InputType()
export class CreateApiKeyInput {
  @Field()
  @Length(1, 100)
  name!: string;

  @Field(() => ID, { nullable: true, description: 'Defaults to the caller’s organization.' })
  @IsOptional()
  @IsUUID()
  organizationId?: string;

  @Field(() => UserRole, { defaultValue: UserRole.MEMBER })
  role: UserRole = UserRole.MEMBER;
}

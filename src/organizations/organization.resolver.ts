import { GraphQLJSON } from 'graphql-scalars';
import { Arg, Ctx, Field, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { findAccessibleByIdOrNull } from '../authorization/accessible';
import { Access } from '../authorization/access';
import type { RequestContext } from '../context/request-context';
import { ApiKey } from './api-key.entity';
import { Organization } from './organization.entity';
import { CreateApiKeyInput, CreateOrganizationInput, CreateUserInput, UpdateUserInput } from './organization.input';
import * as organizations from './organization.service';
import { User, UserRole } from './user.entity';

@ObjectType({ description: 'Who the caller is and what it may do.' })
export class ViewerInfo {
  @Field({ description: 'PUBLIC, FINDER or the organization kind.' })
  persona!: string;

  @Field(() => User, { nullable: true })
  user!: User | null;

  @Field(() => Organization, { nullable: true })
  organization!: Organization | null;

  @Field(() => UserRole, { nullable: true })
  role!: UserRole | null;

  @Field(() => GraphQLJSON, { description: 'The CASL rules in packed form (@casl/ability/extra unpackRules), so a client can hide what the server would refuse.' })
  rules!: unknown;
}

@ObjectType()
export class CreatedApiKeyPayload {
  @Field(() => ApiKey)
  apiKey!: ApiKey;

  @Field({ description: 'Shown once. Send as "Authorization: Bearer <secret>".' })
  secret!: string;
}

@Resolver()
export class OrganizationResolver {
  @Access('PUBLIC')
  @Query(() => ViewerInfo)
  async viewer(@Ctx() ctx: RequestContext): Promise<ViewerInfo> {
    const viewer = ctx.viewer;
    const authenticated = viewer.kind === 'authenticated';
    return {
      persona: organizations.viewerPersona(ctx),
      user: authenticated && viewer.userId ? await findAccessibleByIdOrNull(ctx, User, viewer.userId) : null,
      organization: authenticated && viewer.organizationId ? await findAccessibleByIdOrNull(ctx, Organization, viewer.organizationId) : null,
      role: authenticated ? viewer.role : null,
      rules: organizations.viewerRules(ctx),
    };
  }

  @Access('AUTHENTICATED')
  @Query(() => [Organization], { description: 'Coordinators see all organizations; others their own.' })
  organizations(@Ctx() ctx: RequestContext) {
    return organizations.listAll(ctx, Organization, 'name');
  }

  @Access('AUTHENTICATED')
  @Query(() => [User], { description: 'The users the viewer may see: its colleagues; all for coordinators.' })
  users(@Ctx() ctx: RequestContext) {
    return organizations.listAll(ctx, User, 'email');
  }

  @Access('AUTHENTICATED')
  @Query(() => [ApiKey], { description: 'Organization admins see their keys; coordinator staff all.' })
  apiKeys(@Ctx() ctx: RequestContext) {
    return organizations.listAll(ctx, ApiKey, 'createdAt');
  }

  @Access('AUTHENTICATED')
  @Mutation(() => Organization)
  createOrganization(@Ctx() ctx: RequestContext, @Arg('input') input: CreateOrganizationInput) {
    return organizations.createOrganization(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => User, { description: 'Coordinator admins anywhere; an organization admin in its own, never above its own role.' })
  createUser(@Ctx() ctx: RequestContext, @Arg('input') input: CreateUserInput) {
    return organizations.createUser(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => User)
  updateUser(@Ctx() ctx: RequestContext, @Arg('input') input: UpdateUserInput) {
    return organizations.updateUser(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => CreatedApiKeyPayload)
  createApiKey(@Ctx() ctx: RequestContext, @Arg('input') input: CreateApiKeyInput) {
    return organizations.createApiKey(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => ApiKey)
  revokeApiKey(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return organizations.revokeApiKey(ctx, id);
  }
}

@Resolver(() => User)
export class UserResolver {
  @FieldResolver(() => Organization, { nullable: true })
  organization(@Root() root: User, @Ctx() ctx: RequestContext) {
    return root.organizationId ? ctx.loaders.byId(Organization).load(root.organizationId) : null;
  }
}

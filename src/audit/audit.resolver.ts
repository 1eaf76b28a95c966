import { GraphQLJSON } from 'graphql-scalars';
import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Advisory } from '../advisories/advisory.entity';
import { Access } from '../authorization/access';
import { Connection, PageArgs } from '../common/connection';
import type { RequestContext } from '../context/request-context';
import { DisclosureGrant } from '../disclosure/disclosure-grant.entity';
import { DisclosureSection, splitSections } from '../disclosure/disclosure-section';
import { Organization } from '../organizations/organization.entity';
import { User } from '../organizations/user.entity';
import { AuditEntry } from './audit-entry.entity';
import { AuditEntryFilter } from './audit.input';
import * as audit from './audit.service';
import { EmbargoReader } from './audit.service';

const AuditEntryConnection = Connection(AuditEntry, 'AuditEntry');

@Resolver(() => AuditEntry)
export class AuditEntryResolver {
  @Access('AUTHENTICATED')
  @Query(() => AuditEntryConnection, { description: 'The audit log, newest first. Coordinator only; empty for everyone else.' })
  auditEntries(@Ctx() ctx: RequestContext, @Args() page: PageArgs, @Arg('filter', () => AuditEntryFilter, { nullable: true }) filter?: AuditEntryFilter) {
    return audit.listAuditEntries(ctx, filter ?? {}, page);
  }

  @Access('AUTHENTICATED')
  @Query(() => [EmbargoReader], { description: 'Who was given the text of this advisory before it was public, from the audit log. Coordinator only; empty for everyone else.' })
  embargoReaders(@Ctx() ctx: RequestContext, @Arg('advisoryId', () => ID) advisoryId: string) {
    return audit.embargoReaders(ctx, advisoryId);
  }

  @FieldResolver(() => [DisclosureSection])
  sections(@Root() root: AuditEntry): DisclosureSection[] {
    return splitSections(root.sections);
  }

  @FieldResolver(() => GraphQLJSON, { nullable: true, description: 'Before and after of a grant change, the reason, or the publication times.' })
  detail(@Root() root: AuditEntry): unknown {
    return root.detail === null ? null : JSON.parse(root.detail);
  }

  @FieldResolver(() => User, { nullable: true })
  actor(@Root() root: AuditEntry, @Ctx() ctx: RequestContext) {
    return root.actorUserId ? ctx.loaders.byId(User).load(root.actorUserId) : null;
  }

  @FieldResolver(() => Organization, { nullable: true, description: 'The organization the actor acted for.' })
  organization(@Root() root: AuditEntry, @Ctx() ctx: RequestContext) {
    return root.organizationId ? ctx.loaders.byId(Organization).load(root.organizationId) : null;
  }

  @FieldResolver(() => Advisory, { nullable: true })
  advisory(@Root() root: AuditEntry, @Ctx() ctx: RequestContext) {
    return root.advisoryId ? ctx.loaders.byId(Advisory).load(root.advisoryId) : null;
  }

  @FieldResolver(() => DisclosureGrant, { nullable: true })
  grant(@Root() root: AuditEntry, @Ctx() ctx: RequestContext) {
    return root.grantId ? ctx.loaders.byId(DisclosureGrant).load(root.grantId) : null;
  }
}

@Resolver(() => EmbargoReader)
export class EmbargoReaderResolver {
  @FieldResolver(() => Organization, { nullable: true })
  organization(@Root() root: EmbargoReader, @Ctx() ctx: RequestContext) {
    return root.organizationId ? ctx.loaders.byId(Organization).load(root.organizationId) : null;
  }

  @FieldResolver(() => User, { nullable: true })
  user(@Root() root: EmbargoReader, @Ctx() ctx: RequestContext) {
    return root.userId ? ctx.loaders.byId(User).load(root.userId) : null;
  }
}

import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Advisory } from '../advisories/advisory.entity';
import { AuditEntry } from '../audit/audit-entry.entity';
import { contentFingerprint, isAuditedReader, isEmbargoed, previousReadFingerprint } from '../audit/embargoed-read';
import { Access } from '../authorization/access';
import { Connection, PageArgs } from '../common/connection';
import type { RequestContext } from '../context/request-context';
import { Organization } from '../organizations/organization.entity';
import { User } from '../organizations/user.entity';
import { DisclosureFeedback, DisclosureFeedbackReceipt, DisclosureGrant, DisclosureGrantRecipient } from './disclosure-grant.entity';
import { DisclosureSection, sectionsOf } from './disclosure-section';
import {
  ChangeDisclosureGrantInput, DisclosureGrantFilter, GrantDisclosureInput, ReschedulePublicationInput, RevokeDisclosureGrantInput, SendDisclosureFeedbackInput,
} from './disclosure.input';
import * as disclosure from './disclosure.service';
import { reschedulePublication } from './publication-schedule.service';

const DisclosureGrantConnection = Connection(DisclosureGrant, 'DisclosureGrant');

async function usersById(ctx: RequestContext, ids: string[]): Promise<User[]> {
  const users = await Promise.all(ids.map((id) => ctx.loaders.byId(User).load(id)));
  return users.filter((user): user is User => user !== null);
}

@Resolver(() => DisclosureGrant)
export class DisclosureGrantResolver {
  @Access('AUTHENTICATED')
  @Query(() => DisclosureGrantConnection, { description: 'Coordinators: every grant. Operators: the live grants to their organization (RED ones only when named).' })
  disclosureGrants(@Ctx() ctx: RequestContext, @Args() page: PageArgs, @Arg('filter', () => DisclosureGrantFilter, { nullable: true }) filter?: DisclosureGrantFilter) {
    return disclosure.listGrants(ctx, filter ?? {}, page);
  }

  @Access('AUTHENTICATED')
  @Query(() => DisclosureGrant, { description: 'NOT_FOUND both when it does not exist and when it is not live for the viewer.' })
  disclosureGrant(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return disclosure.getGrant(ctx, id);
  }

  @FieldResolver(() => [DisclosureSection])
  sections(@Root() root: DisclosureGrant): DisclosureSection[] {
    return sectionsOf(root);
  }

  @FieldResolver(() => Advisory, { nullable: true, description: 'The advisory with only the shared sections; reading it is logged.' })
  advisory(@Root() root: DisclosureGrant, @Ctx() ctx: RequestContext) {
    return ctx.loaders.byId(Advisory).load(root.advisoryId);
  }

  @FieldResolver(() => Organization, { nullable: true })
  organization(@Root() root: DisclosureGrant, @Ctx() ctx: RequestContext) {
    return ctx.loaders.byId(Organization).load(root.organizationId);
  }

  @FieldResolver(() => [User], { description: 'Role-dependent: the named recipients of a RED grant, for the coordinator only.' })
  async recipients(@Root() root: DisclosureGrant, @Ctx() ctx: RequestContext) {
    const rows = await ctx.loaders.manyBy(DisclosureGrantRecipient, 'grantId', 'userId').load(root.id);
    return usersById(ctx, rows.map((row) => row.userId));
  }

  @FieldResolver(() => User, { nullable: true })
  acknowledgedBy(@Root() root: DisclosureGrant, @Ctx() ctx: RequestContext) {
    return root.acknowledgedByUserId && root.acknowledgedAt ? ctx.loaders.byId(User).load(root.acknowledgedByUserId) : null;
  }

  @FieldResolver(() => [DisclosureFeedback], { description: 'Role-dependent: feedback from the recipients, for the coordinator only.' })
  feedback(@Root() root: DisclosureGrant, @Ctx() ctx: RequestContext) {
    return ctx.loaders.manyBy(DisclosureFeedback, 'grantId', 'createdAt').load(root.id);
  }

  @FieldResolver(() => [AuditEntry], { description: 'Role-dependent: every recorded change of the grant, for the coordinator only.' })
  history(@Root() root: DisclosureGrant, @Ctx() ctx: RequestContext) {
    return ctx.loaders.manyBy(AuditEntry, 'grantId', 'sequence').load(root.id);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => DisclosureGrant, { description: 'Coordinator: share an unpublished advisory with an operator organization.' })
  grantDisclosure(@Ctx() ctx: RequestContext, @Arg('input') input: GrantDisclosureInput) {
    return disclosure.grantDisclosure(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => DisclosureGrant, { description: 'Coordinator: change the sections, label, recipients or window of a grant.' })
  changeDisclosureGrant(@Ctx() ctx: RequestContext, @Arg('input') input: ChangeDisclosureGrantInput) {
    return disclosure.changeGrant(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => DisclosureGrant, { description: 'Coordinator: end a grant now. The recipients lose the advisory at once.' })
  revokeDisclosureGrant(@Ctx() ctx: RequestContext, @Arg('input') input: RevokeDisclosureGrantInput) {
    return disclosure.revokeGrant(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => DisclosureGrant, { description: 'Recipient: acknowledge receipt. Acknowledging again keeps the first receipt.' })
  acknowledgeDisclosureGrant(@Ctx() ctx: RequestContext, @Arg('grantId', () => ID) grantId: string) {
    return disclosure.acknowledgeGrant(ctx, grantId);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => DisclosureFeedbackReceipt, { description: 'Recipient: tell the coordinator, and only the coordinator, how the vulnerability concerns you.' })
  sendDisclosureFeedback(@Ctx() ctx: RequestContext, @Arg('input') input: SendDisclosureFeedbackInput) {
    return disclosure.sendFeedback(ctx, input);
  }
}

@Resolver(() => DisclosureFeedback)
export class DisclosureFeedbackResolver {
  @FieldResolver(() => DisclosureGrant, { nullable: true })
  grant(@Root() root: DisclosureFeedback, @Ctx() ctx: RequestContext) {
    return ctx.loaders.byId(DisclosureGrant).load(root.grantId);
  }

  @FieldResolver(() => Organization, { nullable: true })
  organization(@Root() root: DisclosureFeedback, @Ctx() ctx: RequestContext) {
    return ctx.loaders.byId(Organization).load(root.organizationId);
  }

  @FieldResolver(() => User, { nullable: true })
  author(@Root() root: DisclosureFeedback, @Ctx() ctx: RequestContext) {
    return root.authorUserId ? ctx.loaders.byId(User).load(root.authorUserId) : null;
  }
}

/** What early disclosure adds to the Advisory type. */
@Resolver(() => Advisory)
export class DisclosureAdvisoryResolver {
  @FieldResolver(() => Boolean, {
    nullable: true,
    description: 'For a vendor or operator reading an advisory that is not public yet: whether the text it can see changed since its last read. Null otherwise.',
  })
  changedSinceLastRead(@Root() root: Advisory, @Ctx() ctx: RequestContext): boolean | null {
    if (!isAuditedReader(ctx) || !isEmbargoed(root, ctx.now)) return null;
    const previous = previousReadFingerprint(root);
    return previous !== null && previous !== contentFingerprint(root);
  }

  @FieldResolver(() => [DisclosureGrant], { description: 'Coordinators: every grant of the advisory. Operators: their own live grants. Others: none.' })
  disclosureGrants(@Root() root: Advisory, @Ctx() ctx: RequestContext) {
    return ctx.loaders.manyBy(DisclosureGrant, 'advisoryId', 'createdAt').load(root.id);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => Advisory, { description: 'Coordinator: move the planned publication of a scheduled advisory. Recorded in the audit log.' })
  rescheduleAdvisoryPublication(@Ctx() ctx: RequestContext, @Arg('input') input: ReschedulePublicationInput) {
    return reschedulePublication(ctx, input);
  }
}

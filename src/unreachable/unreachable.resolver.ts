import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Access } from '../authorization/access';
import { Case, CaseVendor } from '../cases/case.entity';
import { Connection, PageArgs } from '../common/connection';
import { ContactAttempt } from '../contact/contact-attempt.entity';
import type { RequestContext } from '../context/request-context';
import { TipReceipt, UnreachableDeveloperEntry } from './public-list';
import { DisclosureStatistics, statistics } from './statistics';
import { ListingTip, UnreachableDeclaration, UnreachableEvent, UnreachableListing } from './unreachable.entity';
import { DeclareUnreachableInput, ListingStageOneInput, ListingStageTwoInput, SubmitTipInput, UnreachableDeclarationFilter } from './unreachable.input';
import * as unreachable from './unreachable.service';

const UnreachableDeveloperEntryConnection = Connection(UnreachableDeveloperEntry, 'UnreachableDeveloperEntry');
const UnreachableDeclarationConnection = Connection(UnreachableDeclaration, 'UnreachableDeclaration');

@Resolver()
export class UnreachableResolver {
  @Access('PUBLIC')
  @Query(() => UnreachableDeveloperEntryConnection, {
    description: '連絡不能開発者一覧: developers that could not be reached, newest first. Each entry shows only what its current stage publishes.',
  })
  unreachableDevelopers(@Ctx() ctx: RequestContext, @Args() page: PageArgs) {
    return unreachable.listPublicEntries(ctx, page);
  }

  @Access('PUBLIC')
  @Query(() => UnreachableDeveloperEntry, { description: 'NOT_FOUND both when the entry does not exist and when it is not public (yet).' })
  unreachableDeveloper(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return unreachable.getPublicEntry(ctx, id);
  }

  @Access('PUBLIC')
  @Mutation(() => TipReceipt, { description: 'Tell the coordinator how a listed developer may be reached. No account needed; rate-limited per client.' })
  submitUnreachableDeveloperTip(@Ctx() ctx: RequestContext, @Arg('input') input: SubmitTipInput) {
    return unreachable.submitTip(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Query(() => UnreachableDeclarationConnection, { description: 'Coordinator staff: every declaration. Committee members: those on cases referred to them.' })
  unreachableDeclarations(
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
    @Arg('filter', () => UnreachableDeclarationFilter, { nullable: true }) filter?: UnreachableDeclarationFilter,
  ) {
    return unreachable.listDeclarations(ctx, filter ?? {}, page);
  }

  @Access('AUTHENTICATED')
  @Query(() => UnreachableDeclaration)
  unreachableDeclaration(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return unreachable.getDeclaration(ctx, id);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => UnreachableDeclaration, {
    description: 'Declares a vendor on a case unreachable. RULE_NOT_MET lists the unmet parts of the rule (minAttempts, minDays, minChannels, noReply).',
  })
  declareVendorUnreachable(@Ctx() ctx: RequestContext, @Arg('input') input: DeclareUnreachableInput) {
    return unreachable.declareVendorUnreachable(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => UnreachableListing, { description: 'Stage 1 of the public list: the vendor name, public from publishAt.' })
  publishListingStageOne(@Ctx() ctx: RequestContext, @Arg('input') input: ListingStageOneInput) {
    return unreachable.publishListingStageOne(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => UnreachableListing, { description: 'Stage 2 of the public list: product name and versions, no earlier than the configured interval after stage 1.' })
  publishListingStageTwo(@Ctx() ctx: RequestContext, @Arg('input') input: ListingStageTwoInput) {
    return unreachable.publishListingStageTwo(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Query(() => DisclosureStatistics, { description: 'Coordinator staff only. The period selects reports by the date they were received: from inclusive, to exclusive.' })
  statistics(
    @Ctx() ctx: RequestContext,
    @Arg('from', () => Date, { nullable: true }) from?: Date,
    @Arg('to', () => Date, { nullable: true }) to?: Date,
  ) {
    return statistics(ctx, from ?? null, to ?? null);
  }
}

@Resolver(() => UnreachableDeclaration)
export class UnreachableDeclarationResolver {
  /**
   * The id of a row the committee may not see (the access table keeps vendor rows from it) must not reach it, so the
   * id is given only to viewers who may read that vendor row.
   */
  @FieldResolver(() => ID, { nullable: true, description: 'Role-dependent: the vendor on the case; null when the viewer may not see that vendor row.' })
  async caseVendorId(@Root() root: UnreachableDeclaration, @Ctx() ctx: RequestContext): Promise<string | null> {
    const caseVendor = await ctx.loaders.byId(CaseVendor).load(root.caseVendorId);
    return caseVendor?.id ?? null;
  }

  @FieldResolver(() => Case, { nullable: true })
  case(@Root() root: UnreachableDeclaration, @Ctx() ctx: RequestContext) {
    return ctx.loaders.byId(Case).load(root.caseId);
  }

  @FieldResolver(() => UnreachableListing, { nullable: true, description: 'The list entry, scheduled stages included.' })
  async listing(@Root() root: UnreachableDeclaration, @Ctx() ctx: RequestContext) {
    const [listing] = await ctx.loaders.manyBy(UnreachableListing, 'declarationId').load(root.id);
    return listing ?? null;
  }

  @FieldResolver(() => [UnreachableEvent], { description: 'The history of the declaration and its list entry, oldest first.' })
  events(@Root() root: UnreachableDeclaration, @Ctx() ctx: RequestContext) {
    return ctx.loaders.manyBy(UnreachableEvent, 'declarationId', 'sequence').load(root.id);
  }

  @FieldResolver(() => [ContactAttempt], { description: 'Every attempt to reach this vendor on this case, as far as the viewer may see them.' })
  contactAttempts(@Root() root: UnreachableDeclaration, @Ctx() ctx: RequestContext) {
    return ctx.loaders.manyBy(ContactAttempt, 'caseVendorId', 'attemptedAt').load(root.caseVendorId);
  }
}

@Resolver(() => UnreachableListing)
export class UnreachableListingResolver {
  @FieldResolver(() => [ListingTip], { description: 'Tips received for the entry. Coordinator staff only; empty for anyone else.' })
  tips(@Root() root: UnreachableListing, @Ctx() ctx: RequestContext) {
    return ctx.loaders.manyBy(ListingTip, 'listingId', 'submittedAt').load(root.id);
  }
}

@Resolver(() => Case)
export class CaseUnreachableResolver {
  @FieldResolver(() => [UnreachableDeclaration], { description: 'Vendors declared unreachable on the case, as far as the viewer may see them.' })
  unreachableDeclarations(@Root() root: Case, @Ctx() ctx: RequestContext) {
    return ctx.loaders.manyBy(UnreachableDeclaration, 'caseId', 'declaredAt').load(root.id);
  }
}

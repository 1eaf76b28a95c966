import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, Field, FieldResolver, Float, ID, Info, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { selectedNodeFields } from '../common/selected-fields';
import { Access } from '../authorization/access';
import { Case } from '../cases/case.entity';
import { Connection, PageArgs } from '../common/connection';
import { DEFAULT_SEARCH_TOTAL_COUNT_CAP } from '../config/config';
import type { RequestContext } from '../context/request-context';
import { Advisory } from './advisory.entity';
import {
  AddAdvisoryCreditInput, AdvisoryFilter, AdvisorySearchFilter, CreateAdvisoryInput, PublishAdvisoryInput, PublishAdvisoryRevisionInput,
  RespondToAdvisoryCreditInput, UpdateAdvisoryInput,
} from './advisory.input';
import { AdvisoryCredit, AdvisoryProduct, AdvisoryRevision, AdvisoryVendorStatus } from './advisory-publication.entity';
import * as credits from './advisory-credit.service';
import { searchAdvisories } from './advisory-search.service';
import * as advisories from './advisory.service';
import { cvssV3BaseScore, cvssV4Score } from './cvss';
import { releasedRevisions } from './published-advisory';

const AdvisoryConnection = Connection(Advisory, 'Advisory');

@ObjectType('AdvisorySearchConnection', { description: 'A page of search results, with a total counted up to a cap.' })
class AdvisorySearchConnection extends AdvisoryConnection {
  @Field(() => Int, {
    description:
      `How many advisories match, counted up to the server's cap (SEARCH_TOTAL_COUNT_CAP, ${DEFAULT_SEARCH_TOTAL_COUNT_CAP.toLocaleString('en')} by ` +
      'default): exact when totalCountIsLowerBound is false; otherwise the cap itself, and more advisories than that match.',
  })
  override totalCount = 0;

  @Field({ description: 'True when more advisories match than totalCount says: the count stopped at the cap. Page on to read them all.' })
  totalCountIsLowerBound!: boolean;
}

@Resolver(() => Advisory)
export class AdvisoryResolver {
  @Access('PUBLIC')
  @Query(() => AdvisoryConnection, { description: 'Published advisories for everyone; drafts only for those entitled to them.' })
  advisories(@Ctx() ctx: RequestContext, @Args() page: PageArgs, @Arg('filter', () => AdvisoryFilter, { nullable: true }) filter?: AdvisoryFilter) {
    return advisories.listAdvisories(ctx, filter ?? {}, page);
  }

  @Access('PUBLIC')
  @Query(() => Advisory, { description: 'NOT_FOUND both when it does not exist and when the viewer may not see it (yet).' })
  advisory(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return advisories.getAdvisory(ctx, id);
  }

  @Access('PUBLIC')
  @Query(() => AdvisorySearchConnection, {
    description:
      'Public search of released advisories, newest publication first. Answers everyone alike, signed in or not, and ' +
      'matches only published content: edits staged for the next revision are never searched.',
  })
  searchAdvisories(
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
    @Arg('filter', () => AdvisorySearchFilter, { nullable: true }) filter?: AdvisorySearchFilter,
    @Info() info?: GraphQLResolveInfo,
  ) {
    return searchAdvisories(ctx, filter ?? {}, page, info && selectedNodeFields(info));
  }

  @Access('PUBLIC')
  @Query(() => AdvisorySearchConnection, { description: 'Released advisories published without the vendor (the unable-to-coordinate list), newest first.' })
  unableToCoordinateAdvisories(@Ctx() ctx: RequestContext, @Args() page: PageArgs, @Info() info?: GraphQLResolveInfo) {
    return searchAdvisories(ctx, { unableToCoordinate: true }, page, info && selectedNodeFields(info));
  }

  @FieldResolver(() => Float, { nullable: true, description: 'Computed from cvssV3Vector.' })
  cvssV3BaseScore(@Root() root: Advisory) {
    return root.cvssV3Vector ? cvssV3BaseScore(root.cvssV3Vector) : null;
  }

  @FieldResolver(() => Float, { nullable: true, description: 'Computed from cvssV4Vector.' })
  cvssV4Score(@Root() root: Advisory) {
    return root.cvssV4Vector ? cvssV4Score(root.cvssV4Vector) : null;
  }

  @FieldResolver(() => Case, { nullable: true, description: 'The case, when the viewer may see it.' })
  case(@Root() root: Advisory, @Ctx() ctx: RequestContext) {
    return ctx.loaders.byId(Case).load(root.caseId);
  }

  @FieldResolver(() => [AdvisoryRevision], { description: 'The revision history, oldest first. Empty until published.' })
  async revisions(@Root() root: Advisory, @Ctx() ctx: RequestContext) {
    return releasedRevisions(await ctx.loaders.manyBy(AdvisoryRevision, 'advisoryId', 'number').load(root.id), root.publishedAt);
  }

  @FieldResolver(() => [AdvisoryCredit], { description: 'The public sees accepted credits only; staff also see pending and declined ones.' })
  credits(@Root() root: Advisory, @Ctx() ctx: RequestContext) {
    return ctx.loaders.manyBy(AdvisoryCredit, 'advisoryId', 'createdAt').load(root.id);
  }

  @FieldResolver(() => [AdvisoryVendorStatus], { description: 'Each vendor\'s verification result and response status as published with the current revision.' })
  vendorStatuses(@Root() root: Advisory, @Ctx() ctx: RequestContext) {
    return ctx.loaders.manyBy(AdvisoryVendorStatus, 'advisoryId', 'vendorName').load(root.id);
  }

  @FieldResolver(() => [AdvisoryProduct], { description: 'Affected products. On a published advisory, as of the current revision.' })
  products(@Root() root: Advisory, @Ctx() ctx: RequestContext) {
    return ctx.loaders.manyBy(AdvisoryProduct, 'advisoryId', 'position').load(root.id);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => Advisory)
  createAdvisory(@Ctx() ctx: RequestContext, @Arg('input') input: CreateAdvisoryInput) {
    return advisories.createAdvisory(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => Advisory, {
    description: 'Edits a draft in place. On a published advisory, public content is staged in pendingRevision until publishAdvisoryRevision.',
  })
  updateAdvisory(@Ctx() ctx: RequestContext, @Arg('input') input: UpdateAdvisoryInput) {
    return advisories.updateAdvisory(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => Advisory, { description: 'Assigns the identifier and publishes now or at publishAt as revision 1. The case becomes PUBLISHED (for a later publishAt: PUBLICATION_SCHEDULED until then, as staff and its notified vendors read it).' })
  publishAdvisory(@Ctx() ctx: RequestContext, @Arg('input') input: PublishAdvisoryInput) {
    return advisories.publishAdvisory(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => Advisory, { description: 'Releases the staged edits of a published advisory as the next numbered revision.' })
  publishAdvisoryRevision(@Ctx() ctx: RequestContext, @Arg('input') input: PublishAdvisoryRevisionInput) {
    return advisories.publishAdvisoryRevision(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => Advisory, { description: 'Drops the staged edits of a published advisory.' })
  discardAdvisoryRevision(@Ctx() ctx: RequestContext, @Arg('advisoryId', () => ID) advisoryId: string) {
    return advisories.discardAdvisoryRevision(ctx, advisoryId);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => AdvisoryCredit, { description: 'Names a person in the advisory. The credit stays hidden until the person accepts.' })
  addAdvisoryCredit(@Ctx() ctx: RequestContext, @Arg('input') input: AddAdvisoryCreditInput) {
    return credits.addAdvisoryCredit(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => AdvisoryCredit, { description: 'The credited person accepts or declines being named (staff record it for people without an account).' })
  respondToAdvisoryCredit(@Ctx() ctx: RequestContext, @Arg('input') input: RespondToAdvisoryCreditInput) {
    return credits.respondToAdvisoryCredit(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => ID, { description: 'Removes a credit; returns its id.' })
  removeAdvisoryCredit(@Ctx() ctx: RequestContext, @Arg('creditId', () => ID) creditId: string) {
    return credits.removeAdvisoryCredit(ctx, creditId);
  }
}

@Resolver(() => AdvisoryCredit)
export class AdvisoryCreditResolver {
  @Access('AUTHENTICATED')
  @Query(() => [AdvisoryCredit], { description: 'Credits that name the viewer, newest first, to accept or decline.' })
  myAdvisoryCredits(@Ctx() ctx: RequestContext) {
    return credits.myAdvisoryCredits(ctx);
  }

  @FieldResolver(() => Advisory, { nullable: true, description: 'The advisory, when the viewer may see it (a credited person sees it once published).' })
  advisory(@Root() root: AdvisoryCredit, @Ctx() ctx: RequestContext) {
    return ctx.loaders.byId(Advisory).load(root.advisoryId);
  }
}

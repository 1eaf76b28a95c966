import { Arg, Args, Ctx, FieldResolver, Float, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Access } from '../authorization/access';
import { Case } from '../cases/case.entity';
import { Connection, PageArgs } from '../common/connection';
import type { RequestContext } from '../context/request-context';
import { Advisory } from './advisory.entity';
import { AdvisoryFilter, CreateAdvisoryInput, PublishAdvisoryInput, UpdateAdvisoryInput } from './advisory.input';
import * as advisories from './advisory.service';
import { cvssV3BaseScore, cvssV4Score } from './cvss';

const AdvisoryConnection = Connection(Advisory, 'Advisory');

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

  @Access('AUTHENTICATED')
  @Mutation(() => Advisory)
  createAdvisory(@Ctx() ctx: RequestContext, @Arg('input') input: CreateAdvisoryInput) {
    return advisories.createAdvisory(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => Advisory)
  updateAdvisory(@Ctx() ctx: RequestContext, @Arg('input') input: UpdateAdvisoryInput) {
    return advisories.updateAdvisory(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => Advisory, { description: 'Assigns the identifier and publishes now or at publishAt. The case becomes PUBLISHED.' })
  publishAdvisory(@Ctx() ctx: RequestContext, @Arg('input') input: PublishAdvisoryInput) {
    return advisories.publishAdvisory(ctx, input);
  }
}

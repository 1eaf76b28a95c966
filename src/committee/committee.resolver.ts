import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Advisory } from '../advisories/advisory.entity';
import { Access } from '../authorization/access';
import { Case } from '../cases/case.entity';
import { Connection, PageArgs } from '../common/connection';
import type { RequestContext } from '../context/request-context';
import { UnreachableDeclaration } from '../unreachable/unreachable.entity';
import { CommitteeConflict, CommitteeReferral, CommitteeVote } from './committee.entity';
import { CastVoteInput, CommitteeReferralFilter, DecideReferralInput, DeclareConflictInput, PublishUnableToCoordinateInput, ReferCaseInput } from './committee.input';
import * as committee from './committee.service';
import { coordinatorPublicationOutcome, PublicationOutcome } from './ssvc';
import { publishUnableToCoordinate } from './unable-to-coordinate.service';

const CommitteeReferralConnection = Connection(CommitteeReferral, 'CommitteeReferral');

@Resolver(() => CommitteeReferral)
export class CommitteeReferralResolver {
  @Access('AUTHENTICATED')
  @Query(() => CommitteeReferralConnection, { description: 'Committee members and coordinator staff: the cases referred to the committee.' })
  committeeReferrals(
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
    @Arg('filter', () => CommitteeReferralFilter, { nullable: true }) filter?: CommitteeReferralFilter,
  ) {
    return committee.listReferrals(ctx, filter ?? {}, page);
  }

  @Access('AUTHENTICATED')
  @Query(() => CommitteeReferral)
  committeeReferral(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return committee.getReferral(ctx, id);
  }

  @FieldResolver(() => PublicationOutcome, { description: "What SSVC's coordinator publication decision suggests for the case file's decision points." })
  ssvcOutcome(@Root() root: CommitteeReferral) {
    return coordinatorPublicationOutcome(root.supplierInvolvement, root.exploitation, root.publicValueAdded);
  }

  @FieldResolver(() => Case, { nullable: true, description: 'The vulnerability information, as far as the viewer may see it.' })
  case(@Root() root: CommitteeReferral, @Ctx() ctx: RequestContext) {
    return ctx.loaders.byId(Case).load(root.caseId);
  }

  @FieldResolver(() => [UnreachableDeclaration], { description: 'The unreachable vendors: evidence, contact attempts and list history.' })
  unreachableDeclarations(@Root() root: CommitteeReferral, @Ctx() ctx: RequestContext) {
    return ctx.loaders.manyBy(UnreachableDeclaration, 'caseId', 'declaredAt').load(root.caseId);
  }

  @FieldResolver(() => [CommitteeVote], { description: 'Coordinator staff and the committee only.' })
  votes(@Root() root: CommitteeReferral, @Ctx() ctx: RequestContext) {
    return ctx.loaders.manyBy(CommitteeVote, 'referralId', 'castAt').load(root.id);
  }

  @FieldResolver(() => [CommitteeConflict])
  conflicts(@Root() root: CommitteeReferral, @Ctx() ctx: RequestContext) {
    return ctx.loaders.manyBy(CommitteeConflict, 'referralId', 'declaredAt').load(root.id);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => CommitteeReferral, { description: 'Coordinator staff refer a case whose vendor has been listed without contact for the configured period.' })
  referCaseToCommittee(@Ctx() ctx: RequestContext, @Arg('input') input: ReferCaseInput) {
    return committee.referCaseToCommittee(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => CommitteeConflict, { description: 'A committee member declares a conflict of interest and from then on may not vote on the case.' })
  declareConflictOfInterest(@Ctx() ctx: RequestContext, @Arg('input') input: DeclareConflictInput) {
    return committee.declareConflictOfInterest(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => CommitteeVote, { description: 'A committee member votes once, with reasons.' })
  castCommitteeVote(@Ctx() ctx: RequestContext, @Arg('input') input: CastVoteInput) {
    return committee.castVote(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => CommitteeReferral, { description: 'The chair records the decision: quorum and majority of the votes cast decide it.' })
  decideCommitteeReferral(@Ctx() ctx: RequestContext, @Arg('input') input: DecideReferralInput) {
    return committee.decideReferral(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => Advisory, { description: 'Publishes the advisory marked "unable to coordinate". Needs an approving committee decision and a vendor still unreachable.' })
  publishUnableToCoordinate(@Ctx() ctx: RequestContext, @Arg('input') input: PublishUnableToCoordinateInput) {
    return publishUnableToCoordinate(ctx, input);
  }
}

@Resolver(() => Case)
export class CaseCommitteeResolver {
  @FieldResolver(() => [CommitteeReferral], { description: 'Referrals of the case to the committee, as far as the viewer may see them.' })
  committeeReferrals(@Root() root: Case, @Ctx() ctx: RequestContext) {
    return ctx.loaders.manyBy(CommitteeReferral, 'caseId', 'referredAt').load(root.id);
  }
}

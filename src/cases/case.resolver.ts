import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Advisory } from '../advisories/advisory.entity';
import { Access } from '../authorization/access';
import { Connection, PageArgs } from '../common/connection';
import { selectedNodeFields } from '../common/selected-fields';
import { ContactAttempt } from '../contact/contact-attempt.entity';
import type { RequestContext } from '../context/request-context';
import { Vendor } from '../vendors/vendor.entity';
import { caseLoaders, prefetchCaseRelations } from './case-prefetch';
import { Case, CaseTransition, CaseVendor } from './case.entity';
import { AddVendorToCaseInput, CaseFilter, CaseOrder, SubmitReportInput, TransitionCaseInput, UpdateCaseInput, UpdateVendorStatusInput } from './case.input';
import * as cases from './case.service';

const CaseConnection = Connection(Case, 'Case');

@Resolver(() => Case)
export class CaseResolver {
  @Access('AUTHENTICATED')
  @Query(() => CaseConnection, { description: 'The cases the viewer may see.' })
  async cases(
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
    @Arg('filter', () => CaseFilter, { nullable: true }) filter?: CaseFilter,
    @Arg('orderBy', () => CaseOrder, { nullable: true }) orderBy?: CaseOrder,
    @Info() info?: GraphQLResolveInfo,
  ) {
    const connection = await cases.listCases(ctx, filter ?? {}, orderBy ?? new CaseOrder(), page, info && selectedNodeFields(info));
    if (info) await prefetchCaseRelations(ctx, info, connection.edges.map((edge) => edge.node));
    return connection;
  }

  @Access('AUTHENTICATED')
  @Query(() => Case, { description: 'NOT_FOUND both when the case does not exist and when the viewer may not see it.' })
  case(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return cases.getCase(ctx, id);
  }

  @Access('AUTHENTICATED')
  @Query(() => Case, { description: 'A case by the public reference the finder received.' })
  caseByReference(@Ctx() ctx: RequestContext, @Arg('reference') reference: string) {
    return cases.getCaseByReference(ctx, reference);
  }

  @FieldResolver(() => [CaseVendor], { description: 'Only the vendor rows the viewer may see.' })
  caseVendors(@Root() root: Case, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo) {
    return ctx.loaders.loadKnown(ctx.loaders.forField(info, () => caseLoaders.caseVendors(ctx, info)), root.id);
  }

  @FieldResolver(() => [ContactAttempt], { description: 'Only the attempts the viewer may see, oldest first.' })
  contactAttempts(@Root() root: Case, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo) {
    return ctx.loaders.loadKnown(ctx.loaders.forField(info, () => caseLoaders.contactAttempts(ctx, info)), root.id);
  }

  @FieldResolver(() => ContactAttempt, { nullable: true, description: 'The latest attempt the viewer may see (dashboards).' })
  lastContactAttempt(@Root() root: Case, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo) {
    return ctx.loaders.loadKnown(ctx.loaders.forField(info, () => caseLoaders.lastContactAttempt(ctx, info)), root.id);
  }

  @FieldResolver(() => [CaseTransition])
  transitions(@Root() root: Case, @Ctx() ctx: RequestContext) {
    return ctx.loaders.manyBy(CaseTransition, 'caseId', 'at').load(root.id);
  }

  @FieldResolver(() => Advisory, { nullable: true })
  async advisory(@Root() root: Case, @Ctx() ctx: RequestContext) {
    const [advisory] = await ctx.loaders.manyBy(Advisory, 'caseId').load(root.id);
    return advisory ?? null;
  }

  @Access('AUTHENTICATED')
  @Mutation(() => Case, { description: 'A finder reports a vulnerability (or a receiving organization registers one). It lands as RECEIVED.' })
  submitReport(@Ctx() ctx: RequestContext, @Arg('input') input: SubmitReportInput) {
    return cases.submitReport(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => Case, { description: 'Moves a case along its state machine; the step is recorded.' })
  transitionCase(@Ctx() ctx: RequestContext, @Arg('input') input: TransitionCaseInput) {
    return cases.transitionCase(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => Case)
  updateCase(@Ctx() ctx: RequestContext, @Arg('input') input: UpdateCaseInput) {
    return cases.updateCase(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => CaseVendor)
  addVendorToCase(@Ctx() ctx: RequestContext, @Arg('input') input: AddVendorToCaseInput) {
    return cases.addVendorToCase(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => CaseVendor, { description: 'Records that the vendor has been told of the case; from then on it sees the case.' })
  notifyVendor(@Ctx() ctx: RequestContext, @Arg('caseVendorId', () => ID) caseVendorId: string) {
    return cases.notifyVendor(ctx, caseVendorId);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => CaseVendor, { description: 'A vendor updates its own status and statement.' })
  updateVendorStatus(@Ctx() ctx: RequestContext, @Arg('input') input: UpdateVendorStatusInput) {
    return cases.updateVendorStatus(ctx, input);
  }
}

@Resolver(() => CaseVendor)
export class CaseVendorResolver {
  @FieldResolver(() => Vendor, { nullable: true })
  vendor(@Root() root: CaseVendor, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo) {
    return ctx.loaders.loadKnown(ctx.loaders.forField(info, () => caseLoaders.vendorOfCaseVendor(ctx, info)), root.vendorId);
  }

  @FieldResolver(() => Case, { nullable: true })
  case(@Root() root: CaseVendor, @Ctx() ctx: RequestContext) {
    return ctx.loaders.byId(Case).load(root.caseId);
  }

  @FieldResolver(() => [ContactAttempt])
  contactAttempts(@Root() root: CaseVendor, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo) {
    return ctx.loaders.loadKnown(ctx.loaders.forField(info, () => caseLoaders.caseVendorContactAttempts(ctx, info)), root.id);
  }
}

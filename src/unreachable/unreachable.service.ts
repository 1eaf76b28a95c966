import { randomBytes } from 'node:crypto';
import { IsNull, Not } from 'typeorm';
import { accessibleQuery, findAccessibleById, findAccessibleByIdOrNull, managerOf } from '../authorization/accessible';
import { Case, CaseState, CaseVendor } from '../cases/case.entity';
import { changeCaseState, changeStateBeforePublication, markVendorNotified } from '../cases/case.service';
import { newId } from '../common/columns';
import { ConnectionShape, PageArgs, paginate } from '../common/connection';
import { ContactAttempt, ContactOutcome } from '../contact/contact-attempt.entity';
import { createRequestContext, inTransaction, RequestContext } from '../context/request-context';
import { ANONYMOUS } from '../context/viewer';
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError, RuleNotMetError } from '../errors/errors';
import { CommitteeReferral, ReferralStatus } from '../committee/committee.entity';
import { createRateLimiter } from '../http/rate-limit';
import { Vendor } from '../vendors/vendor.entity';
import { currentRead, lockRow } from './locking';
import { TipReceipt, toPublicEntry, UnreachableDeveloperEntry } from './public-list';
import { evaluateUnreachableRule } from './unreachable-rule';
import { ListingTip, UnreachableDeclaration, UnreachableEvent, UnreachableEventKind, UnreachableListing, UnreachableStatus } from './unreachable.entity';
import { DeclareUnreachableInput, ListingStageOneInput, ListingStageTwoInput, SubmitTipInput, UnreachableDeclarationFilter } from './unreachable.input';

const DAY_MS = 86_400_000;
/** A publication time this far in the past is taken as "now" (clock skew between client and server). */
const PUBLISH_AT_TOLERANCE_MS = 60_000;
/** Cases whose vendors are still being reached. */
export const CASE_STATES_IN_COORDINATION: readonly CaseState[] = [CaseState.VENDOR_CONTACT, CaseState.COORDINATING];

/** Tips are anonymous; a client address may send this many per hour, on every server instance together. */
export const tipRateLimiter = createRateLimiter('listing-tip', 5, 3600);

export function getDeclaration(ctx: RequestContext, id: string): Promise<UnreachableDeclaration> {
  return findAccessibleById(ctx, UnreachableDeclaration, id);
}

export async function listDeclarations(ctx: RequestContext, filter: UnreachableDeclarationFilter, page: PageArgs): Promise<ConnectionShape<UnreachableDeclaration>> {
  const query = accessibleQuery(ctx, UnreachableDeclaration, 'd');
  if (query && filter.status) query.andWhere('d.status = :declarationStatus', { declarationStatus: filter.status });
  return paginate(ctx, UnreachableDeclaration, query, 'd', page, { property: 'declaredAt', direction: 'DESC', isDate: true });
}

function assertPublishAt(ctx: RequestContext, publishAt: Date | undefined): Date {
  if (!publishAt) return ctx.now;
  if (publishAt.getTime() < ctx.now.getTime() - PUBLISH_AT_TOLERANCE_MS) throw new BadUserInputError('publishAt cannot be in the past', 'publishAt');
  return publishAt;
}

/**
 * Appends to the declaration's history. The sequence number comes from a counter on the declaration row: the
 * increment works on the current row and locks it, and the transaction reads back its own write.
 */
async function recordEvent(ctx: RequestContext, declaration: UnreachableDeclaration, kind: UnreachableEventKind, at: Date, note: string | null): Promise<void> {
  const viewer = ctx.viewer;
  const manager = managerOf(ctx);
  await manager.createQueryBuilder().update(UnreachableDeclaration).set({ eventCount: () => 'eventCount + 1' }).where('id = :eventDeclaration', { eventDeclaration: declaration.id }).execute();
  const { eventCount } = await manager.getRepository(UnreachableDeclaration).findOneOrFail({ select: { id: true, eventCount: true }, where: { id: declaration.id } });
  await manager.getRepository(UnreachableEvent).insert({
    id: newId(),
    declarationId: declaration.id,
    caseId: declaration.caseId,
    sequence: eventCount,
    kind,
    at,
    recordedAt: ctx.now,
    actorUserId: viewer.kind === 'authenticated' ? viewer.userId : null,
    actorName: viewer.kind === 'authenticated' ? viewer.displayName : null,
    note,
  });
}

/**
 * The attempts in force for a vendor on a case: an attempt that a later record corrects is replaced by that record.
 * After an earlier declaration ended with a reply, only the attempts since that reply count.
 */
async function attemptsInForce(ctx: RequestContext, caseVendorId: string): Promise<ContactAttempt[]> {
  const query = accessibleQuery(ctx, ContactAttempt, 'a');
  if (!query) return [];
  query
    .andWhere('a.caseVendorId = :ruleCaseVendor', { ruleCaseVendor: caseVendorId })
    .andWhere('NOT EXISTS (SELECT 1 FROM contact_attempt correction WHERE correction.correctsAttemptId = a.id)');
  const previous = await managerOf(ctx).getRepository(UnreachableDeclaration).findOne({
    where: { caseVendorId, contactEstablishedAt: Not(IsNull()) },
    order: { contactEstablishedAt: 'DESC' },
  });
  if (previous?.contactEstablishedAt) query.andWhere('a.attemptedAt > :ruleSince', { ruleSince: previous.contactEstablishedAt });
  return query.orderBy('a.attemptedAt', 'ASC').getMany();
}

export async function declareVendorUnreachable(ctx: RequestContext, input: DeclareUnreachableInput): Promise<UnreachableDeclaration> {
  if (!ctx.ability.can('create', 'UnreachableDeclaration')) throw new ForbiddenError('Only coordinator staff declare vendors unreachable');
  const id = await inTransaction(ctx, async (tx) => {
    await lockRow(tx, 'case_vendor', input.caseVendorId);
    const caseVendor = await findAccessibleById(tx, CaseVendor, input.caseVendorId);
    const owner = await findAccessibleById(tx, Case, caseVendor.caseId);
    if (!CASE_STATES_IN_COORDINATION.includes(owner.state)) throw new ConflictError(`A vendor can be declared unreachable only while the case is in ${CASE_STATES_IN_COORDINATION.join(' or ')}`);
    const declarations = managerOf(tx).getRepository(UnreachableDeclaration);
    if (await declarations.exists({ where: { caseVendorId: caseVendor.id, status: UnreachableStatus.UNREACHABLE } })) {
      throw new ConflictError('This vendor is already declared unreachable on this case');
    }
    const evaluation = evaluateUnreachableRule(await attemptsInForce(tx, caseVendor.id), tx.config.unreachable);
    if (evaluation.unmet.length > 0) throw new RuleNotMetError(`The contact attempts do not meet the rule yet: ${evaluation.problems.join('; ')}`, evaluation.unmet);
    const vendor = await managerOf(tx).getRepository(Vendor).findOneByOrFail({ id: caseVendor.vendorId });
    const declaration: UnreachableDeclaration = Object.assign(new UnreachableDeclaration(), {
      id: newId(),
      caseId: owner.id,
      caseVendorId: caseVendor.id,
      vendorId: vendor.id,
      vendorName: vendor.name,
      status: UnreachableStatus.UNREACHABLE,
      reason: input.reason ?? null,
      attemptCount: evaluation.attemptCount,
      channelCount: evaluation.channelCount,
      firstAttemptAt: evaluation.firstAttemptAt,
      lastAttemptAt: evaluation.lastAttemptAt,
      declaredAt: tx.now,
      declaredByUserId: tx.viewer.kind === 'authenticated' ? tx.viewer.userId : null,
      contactEstablishedAt: null,
      contactAttemptId: null,
      eventCount: 0,
      updatedAt: tx.now,
    });
    await declarations.insert(declaration);
    await recordEvent(tx, declaration, UnreachableEventKind.DECLARED, tx.now, input.reason ?? null);
    return declaration.id;
  });
  return getDeclaration(ctx, id);
}

/** The declaration, locked, still in force, on a case still in coordination; or CONFLICT. */
async function declarationInForce(tx: RequestContext, declarationId: string): Promise<{ declaration: UnreachableDeclaration; owner: Case }> {
  await lockRow(tx, 'unreachable_declaration', declarationId);
  const current = await findAccessibleById(tx, UnreachableDeclaration, declarationId);
  if (current.status !== UnreachableStatus.UNREACHABLE) throw new ConflictError('The vendor has been reached: this declaration is no longer in force');
  const owner = await findAccessibleById(tx, Case, current.caseId);
  if (!CASE_STATES_IN_COORDINATION.includes(owner.state)) throw new ConflictError(`The case is ${owner.state}: its vendor is no longer listed`);
  return { declaration: current, owner };
}

/** Stage 1 of the public list: the vendor's name, public from `publishAt`. */
export async function publishListingStageOne(ctx: RequestContext, input: ListingStageOneInput): Promise<UnreachableListing> {
  if (!ctx.ability.can('create', 'UnreachableListing')) throw new ForbiddenError('Only coordinator staff publish the list');
  const publishAt = assertPublishAt(ctx, input.publishAt);
  const id = await inTransaction(ctx, async (tx) => {
    const { declaration, owner } = await declarationInForce(tx, input.declarationId);
    const listings = managerOf(tx).getRepository(UnreachableListing);
    if (await listings.exists({ where: { declarationId: declaration.id } })) throw new ConflictError('Stage 1 is already published for this declaration');
    const listing = {
      id: newId(),
      declarationId: declaration.id,
      caseId: declaration.caseId,
      caseReference: owner.reference,
      vendorName: declaration.vendorName,
      stageOnePublishedAt: publishAt,
      productName: null,
      productVersions: null,
      stageTwoPublishedAt: null,
      contactEstablishedAt: null,
      withdrawn: false,
      createdAt: tx.now,
      updatedAt: tx.now,
    };
    await listings.insert(listing);
    await recordEvent(tx, declaration, UnreachableEventKind.LISTED_STAGE_ONE, publishAt, null);
    return listing.id;
  });
  return findAccessibleById(ctx, UnreachableListing, id);
}

/** Stage 2 adds the product name and versions, no earlier than `stageTwoAfterDays` after stage 1 became public. */
export async function publishListingStageTwo(ctx: RequestContext, input: ListingStageTwoInput): Promise<UnreachableListing> {
  if (!ctx.ability.can('update', 'UnreachableListing')) throw new ForbiddenError('Only coordinator staff publish the list');
  const publishAt = assertPublishAt(ctx, input.publishAt);
  const id = await inTransaction(ctx, async (tx) => {
    const { declaration } = await declarationInForce(tx, input.declarationId);
    const listings = managerOf(tx).getRepository(UnreachableListing);
    const listing = await listings.findOneBy({ declarationId: declaration.id });
    if (!listing) throw new RuleNotMetError('Stage 2 follows stage 1: publish the vendor name first', ['stageOne']);
    if (listing.stageTwoPublishedAt) throw new ConflictError('Stage 2 is already published for this declaration');
    const earliest = new Date(listing.stageOnePublishedAt.getTime() + tx.config.unreachable.stageTwoAfterDays * DAY_MS);
    if (tx.now.getTime() < earliest.getTime()) {
      throw new RuleNotMetError(`Stage 2 may be published ${tx.config.unreachable.stageTwoAfterDays} days after stage 1, from ${earliest.toISOString()}`, ['stageTwoAfterDays']);
    }
    await listings.update({ id: listing.id }, { productName: input.productName, productVersions: input.productVersions, stageTwoPublishedAt: publishAt, updatedAt: tx.now });
    await recordEvent(tx, declaration, UnreachableEventKind.LISTED_STAGE_TWO, publishAt, null);
    return listing.id;
  });
  return findAccessibleById(ctx, UnreachableListing, id);
}

/**
 * The hook run inside recordContactAttempt's transaction. A reply from a vendor declared unreachable ends the
 * declaration: the list entry shows "contact established" (or, if a stage was only scheduled, never shows it),
 * the vendor is notified and the case returns to coordination. Open committee referrals with no other vendor
 * still unreachable are withdrawn. Nothing is deleted: the declaration and its events stay as history.
 */
export async function establishContactOnReply(tx: RequestContext, attempt: ContactAttempt, caseVendor: CaseVendor): Promise<void> {
  if (attempt.outcome !== ContactOutcome.REPLIED) return;
  const manager = managerOf(tx);
  // The transaction has read before (its snapshot may be old): lock the vendor row, as a declaration does, and read current rows.
  await lockRow(tx, 'case_vendor', caseVendor.id);
  const declaration = await currentRead(tx, manager.getRepository(UnreachableDeclaration).createQueryBuilder('d'))
    .where('d.caseVendorId = :replyCaseVendor AND d.status = :unreachable', { replyCaseVendor: caseVendor.id, unreachable: UnreachableStatus.UNREACHABLE })
    .getOne();
  if (!declaration) return;
  await manager.getRepository(UnreachableDeclaration).update(
    { id: declaration.id },
    { status: UnreachableStatus.CONTACT_ESTABLISHED, contactEstablishedAt: attempt.attemptedAt, contactAttemptId: attempt.id, updatedAt: tx.now },
  );
  await recordEvent(tx, declaration, UnreachableEventKind.CONTACT_ESTABLISHED, attempt.attemptedAt, null);

  // Conditional updates read the current rows, so a stage published meanwhile is not missed.
  const listings = () => manager.createQueryBuilder().update(UnreachableListing).where('declarationId = :listedDeclaration', { listedDeclaration: declaration.id });
  await listings().set({ contactEstablishedAt: attempt.attemptedAt, updatedAt: tx.now }).execute();
  const withdrawnStageOne = await listings().andWhere('stageOnePublishedAt > :replyNow', { replyNow: tx.now }).set({ withdrawn: true }).execute();
  if (withdrawnStageOne.affected) await recordEvent(tx, declaration, UnreachableEventKind.STAGE_ONE_WITHDRAWN, tx.now, 'Contact came before the entry was due to be listed');
  const withdrawnStageTwo = await listings()
    .andWhere('stageTwoPublishedAt > :replyNow', { replyNow: tx.now })
    .set({ productName: null, productVersions: null, stageTwoPublishedAt: null })
    .execute();
  if (withdrawnStageTwo.affected) await recordEvent(tx, declaration, UnreachableEventKind.STAGE_TWO_WITHDRAWN, tx.now, 'Contact came before the product information was due to be listed');

  await markVendorNotified(tx, caseVendor.id);
  const owner = await currentRead(tx, manager.getRepository(Case).createQueryBuilder('c')).where('c.id = :replyCase', { replyCase: caseVendor.caseId }).getOneOrFail();
  const backToCoordination = `Contact established with ${declaration.vendorName}`;
  if (owner.state === CaseState.VENDOR_CONTACT) await changeCaseState(tx, owner.id, CaseState.COORDINATING, backToCoordination);
  // An unable-to-coordinate publication scheduled for later: the finder, the receiver and the committee read the case
  // as VENDOR_CONTACT and must see it return to coordination as any such case does, or the case staying put would tell
  // them a publication is scheduled. Staff (who see the schedule) decide whether to reschedule it.
  const scheduledFromContact = owner.state === CaseState.PUBLICATION_SCHEDULED && owner.stateBeforePublication === CaseState.VENDOR_CONTACT;
  if (scheduledFromContact && owner.publicationDueAt && owner.publicationDueAt.getTime() > tx.now.getTime()) {
    await changeStateBeforePublication(tx, owner, CaseState.COORDINATING, backToCoordination);
  }

  const stillUnreachable = await currentRead(tx, manager.getRepository(UnreachableDeclaration).createQueryBuilder('d'))
    .where('d.caseId = :replyCase AND d.status = :unreachable', { replyCase: caseVendor.caseId, unreachable: UnreachableStatus.UNREACHABLE })
    .getCount();
  if (stillUnreachable === 0) {
    await manager.getRepository(CommitteeReferral).update({ caseId: caseVendor.caseId, status: ReferralStatus.OPEN }, { status: ReferralStatus.WITHDRAWN, updatedAt: tx.now });
  }
}

/**
 * The same request seen by the public. The list and the tips answer for "is it publicly listed", whoever asks,
 * so the coordinator's broader view never turns an unlisted entry into a visible one.
 */
export function asPublic(ctx: RequestContext): RequestContext {
  return createRequestContext({
    requestId: ctx.requestId,
    now: ctx.now,
    viewer: ANONYMOUS,
    config: ctx.config,
    dataSource: ctx.dataSource,
    logger: ctx.logger,
    clientAddress: ctx.clientAddress,
  });
}

export async function listPublicEntries(ctx: RequestContext, page: PageArgs): Promise<ConnectionShape<UnreachableDeveloperEntry>> {
  const view = asPublic(ctx);
  const query = accessibleQuery(view, UnreachableListing, 'l');
  const connection = await paginate(view, UnreachableListing, query, 'l', page, { property: 'stageOnePublishedAt', direction: 'DESC', isDate: true });
  return { ...connection, edges: connection.edges.map((edge) => ({ cursor: edge.cursor, node: toPublicEntry(edge.node) })) };
}

const ENTRY_NOT_FOUND = 'UnreachableDeveloperEntry';

export async function getPublicEntry(ctx: RequestContext, id: string): Promise<UnreachableDeveloperEntry> {
  const listing = await findAccessibleByIdOrNull(asPublic(ctx), UnreachableListing, id);
  if (!listing) throw new NotFoundError(ENTRY_NOT_FOUND);
  return toPublicEntry(listing);
}

/**
 * Anyone may send a tip for a publicly listed entry. The rate limit is counted before the lookup, so probing ids
 * costs the same as sending tips; an entry that is not public answers exactly like one that does not exist.
 */
export async function submitTip(ctx: RequestContext, input: SubmitTipInput): Promise<TipReceipt> {
  await tipRateLimiter.consume(ctx.dataSource, ctx.clientAddress);
  const listing = await findAccessibleByIdOrNull(asPublic(ctx), UnreachableListing, input.entryId);
  if (!listing) throw new NotFoundError(ENTRY_NOT_FOUND);
  const receiptCode = randomBytes(9).toString('base64url');
  await inTransaction(ctx, async (tx) => {
    await managerOf(tx).getRepository(ListingTip).insert({
      id: newId(),
      listingId: listing.id,
      message: input.message,
      senderContact: input.senderContact ?? null,
      receiptCode,
      submittedAt: tx.now,
    });
  });
  return Object.assign(new TipReceipt(), { received: true, receiptCode });
}

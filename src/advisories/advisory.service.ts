import { DataSource, In } from 'typeorm';
import { accessibleQuery, findAccessibleById, managerOf, may, restrictToReadableFields } from '../authorization/accessible';
import { Case, CaseState, CaseVendor, CaseVendorStatus } from '../cases/case.entity';
import { recordTransition } from '../cases/case.service';
import { containsPattern, LIKE_ESCAPE } from '../common/like';
import { PUBLISHABLE_STATES, SCHEDULABLE_FROM } from '../cases/case-state';
import { newId } from '../common/columns';
import { ConnectionShape, PageArgs, paginate } from '../common/connection';
import { inTransaction, RequestContext } from '../context/request-context';
import { BadUserInputError, ConflictError, ForbiddenError, InvalidTransitionError, RuleNotMetError } from '../errors/errors';
import { UnreachableDeclaration, UnreachableStatus } from '../unreachable/unreachable.entity';
import { Vendor } from '../vendors/vendor.entity';
import { Advisory, AdvisoryPendingRevision, AdvisoryProductDraft, AdvisoryStatus } from './advisory.entity';
import { AdvisoryContentInput, AdvisoryFilter, AdvisoryProductInput, CreateAdvisoryInput, PublishAdvisoryInput, PublishAdvisoryRevisionInput, UpdateAdvisoryInput } from './advisory.input';
import { AdvisoryProduct, AdvisoryRevision, AdvisoryVendorStatus, VendorVerificationResult } from './advisory-publication.entity';
import { refreshSearchTerms } from './search-index';
import { advisorySeverity, assertKnownCweId, cvssV3BaseScore, cvssV4Score } from './cvss';
import { shownStatusIs } from './shown-status';

/** Fields the public reads once the advisory is out: after release, edits to them wait for a revision. */
const PUBLIC_CONTENT_FIELDS = [
  'title', 'overview', 'affectedProducts', 'impact', 'solution', 'workarounds', 'vendorStatements', 'cvssV3Vector', 'cvssV4Vector',
  'cweId', 'cveIds', 'coordinatorVerification',
] as const;
type PublicContentField = (typeof PUBLIC_CONTENT_FIELDS)[number];
const INTERNAL_CONTENT_FIELDS = ['internalNotes'] as const;
type ContentColumns = Partial<Pick<Advisory, PublicContentField | 'internalNotes'>>;

export const INITIAL_REVISION_SUMMARY = 'Initial release';

const VERIFICATION_BY_STATUS: Record<CaseVendorStatus, VendorVerificationResult> = {
  [CaseVendorStatus.UNNOTIFIED]: VendorVerificationResult.UNKNOWN,
  [CaseVendorStatus.NOTIFIED]: VendorVerificationResult.UNKNOWN,
  [CaseVendorStatus.ACKNOWLEDGED]: VendorVerificationResult.UNDER_INVESTIGATION,
  [CaseVendorStatus.INVESTIGATING]: VendorVerificationResult.UNDER_INVESTIGATION,
  [CaseVendorStatus.AFFECTED]: VendorVerificationResult.VULNERABLE,
  [CaseVendorStatus.NOT_AFFECTED]: VendorVerificationResult.NOT_VULNERABLE,
  [CaseVendorStatus.FIX_AVAILABLE]: VendorVerificationResult.VULNERABLE,
};

/** Published and past its publication time: what the public reads of it is frozen until the next revision. */
export function isReleased(advisory: Pick<Advisory, 'status' | 'publishedAt'>, now: Date): boolean {
  return advisory.status === AdvisoryStatus.PUBLISHED && advisory.publishedAt !== null && advisory.publishedAt.getTime() <= now.getTime();
}

export async function listAdvisories(ctx: RequestContext, filter: AdvisoryFilter, page: PageArgs): Promise<ConnectionShape<Advisory>> {
  const used = ['createdAt'];
  if (filter.status) used.push('status');
  if (filter.search) used.push('title');
  const query = accessibleQuery(ctx, Advisory, 'a');
  restrictToReadableFields(ctx, Advisory, 'a', query, used);
  // By the status the viewer reads: a publication scheduled for later is a draft to those who may not know of it.
  if (query && filter.status) query.andWhere(shownStatusIs(ctx, query, 'a', filter.status));
  if (query && filter.search) query.andWhere(`LOWER(a.title) LIKE :advisorySearch ${LIKE_ESCAPE}`, { advisorySearch: containsPattern(filter.search) });
  return paginate(ctx, Advisory, query, 'a', page, { property: 'createdAt', direction: 'DESC', isDate: true });
}

export function getAdvisory(ctx: RequestContext, id: string): Promise<Advisory> {
  return findAccessibleById(ctx, Advisory, id);
}

interface ContentChanges {
  columns: ContentColumns;
  products?: AdvisoryProductInput[];
}

function contentChanges(input: AdvisoryContentInput): ContentChanges {
  if (input.title === null) throw new BadUserInputError('title cannot be removed', 'title');
  if (input.cvssV3Vector) cvssV3BaseScore(input.cvssV3Vector);
  if (input.cvssV4Vector) cvssV4Score(input.cvssV4Vector);
  if (input.cweId) assertKnownCweId(input.cweId);
  const columns: Record<string, unknown> = {};
  for (const field of [...PUBLIC_CONTENT_FIELDS, ...INTERNAL_CONTENT_FIELDS]) {
    if (input[field] !== undefined) columns[field] = input[field];
  }
  if (columns.cveIds === null) columns.cveIds = [];
  return { columns: columns as ContentColumns, products: input.products ?? undefined };
}

function changedFieldNames(changes: ContentChanges): string[] {
  return [...Object.keys(changes.columns), ...(changes.products ? ['products'] : [])];
}

/** Checks that every product's vendor takes part in the case, as the viewer sees the case's vendors. */
async function productDrafts(tx: RequestContext, caseId: string, products: AdvisoryProductInput[]): Promise<AdvisoryProductDraft[]> {
  const vendorIds = [...new Set(products.map((product) => product.vendorId))];
  if (vendorIds.length > 0) {
    const query = accessibleQuery(tx, CaseVendor, 'cv');
    const rows = query ? await query.andWhere('cv.caseId = :caseId AND cv.vendorId IN (:...vendorIds)', { caseId, vendorIds }).getMany() : [];
    const onCase = new Set(rows.map((row) => row.vendorId));
    const missing = vendorIds.filter((vendorId) => !onCase.has(vendorId));
    if (missing.length > 0) throw new BadUserInputError(`products name vendors that do not take part in this case: ${missing.join(', ')}`, 'products');
  }
  return products.map((product) => ({ vendorId: product.vendorId, name: product.name.trim(), versions: product.versions?.trim() || null }));
}

/**
 * Deletes an advisory's child rows by primary key. A DELETE by advisoryId would take InnoDB gap locks on the
 * index, and two transactions replacing rows of different advisories could then deadlock on their inserts.
 */
async function deleteRowsOf(tx: RequestContext, target: typeof AdvisoryProduct | typeof AdvisoryVendorStatus, advisoryId: string): Promise<void> {
  const repository = managerOf(tx).getRepository<{ id: string; advisoryId: string }>(target);
  const existing = await repository.find({ select: { id: true }, where: { advisoryId } });
  if (existing.length > 0) await repository.delete(existing.map((row) => row.id));
}

/**
 * Replaces the advisory's product rows. Vendor names are copied so the published list keeps the name it was
 * published with; the vendors were checked against the case when the products were submitted.
 */
async function writeProducts(tx: RequestContext, advisoryId: string, drafts: AdvisoryProductDraft[]): Promise<void> {
  const manager = managerOf(tx);
  await deleteRowsOf(tx, AdvisoryProduct, advisoryId);
  if (drafts.length === 0) return;
  const vendors = await manager.getRepository(Vendor).findBy({ id: In([...new Set(drafts.map((draft) => draft.vendorId))]) });
  const names = new Map(vendors.map((vendor) => [vendor.id, vendor.name]));
  await manager.getRepository(AdvisoryProduct).insert(
    drafts.map((draft, position) => ({
      id: newId(), advisoryId, vendorId: draft.vendorId, vendorName: names.get(draft.vendorId) ?? 'Unknown vendor', name: draft.name, versions: draft.versions, position,
    })),
  );
}

/**
 * Publishes the case's vendors with their current response status and statement. A coordinated advisory lists
 * the vendors that were notified; an unable-to-coordinate one lists every vendor on the case, because naming the
 * vendor that could not be reached is the point of publishing it. This copies into published content, so it reads
 * the case's rows directly: which vendor rows become public is decided here, not by the publisher's read rights.
 */
async function snapshotVendorStatuses(tx: RequestContext, advisoryId: string, caseId: string, includeUnnotified: boolean): Promise<void> {
  const manager = managerOf(tx);
  await deleteRowsOf(tx, AdvisoryVendorStatus, advisoryId);
  const caseVendors = await manager.getRepository(CaseVendor).find({ where: { caseId }, relations: { vendor: true }, order: { id: 'ASC' } });
  const listed = caseVendors.filter((row) => includeUnnotified || row.status !== CaseVendorStatus.UNNOTIFIED);
  if (listed.length === 0) return;
  await manager.getRepository(AdvisoryVendorStatus).insert(
    listed.map((row) => ({
      id: newId(), advisoryId, vendorId: row.vendorId, vendorName: row.vendor?.name ?? 'Unknown vendor', responseStatus: row.status,
      verificationResult: VERIFICATION_BY_STATUS[row.status], statement: row.statement, recordedAt: tx.now,
    })),
  );
}

export async function createAdvisory(ctx: RequestContext, input: CreateAdvisoryInput): Promise<Advisory> {
  if (!ctx.ability.can('create', 'Advisory')) throw new ForbiddenError('You may not write advisories');
  const changes = contentChanges(input);
  const id = await inTransaction(ctx, async (tx) => {
    const owner = await findAccessibleById(tx, Case, input.caseId);
    const repository = managerOf(tx).getRepository(Advisory);
    if (await repository.exists({ where: { caseId: owner.id } })) throw new ConflictError('This case already has an advisory');
    const products = changes.products ? await productDrafts(tx, owner.id, changes.products) : [];
    const advisory = {
      id: newId(), caseId: owner.id, identifier: null, title: owner.title, overview: null, affectedProducts: null, impact: null,
      solution: null, workarounds: null, vendorStatements: null, cvssV3Vector: owner.cvssV3Vector, cvssV4Vector: owner.cvssV4Vector, cweId: owner.cweId,
      cveIds: [], status: AdvisoryStatus.DRAFT, publishedAt: null, unableToCoordinate: false, coordinatorVerification: null,
      internalNotes: null, revision: 0, revisedAt: null, pendingRevision: null, createdAt: tx.now, updatedAt: tx.now, ...changes.columns,
    };
    await repository.insert({ ...advisory, severity: severityOrNull(advisory.cvssV3Vector, advisory.cvssV4Vector) });
    await writeProducts(tx, advisory.id, products);
    return advisory.id;
  });
  return getAdvisory(ctx, id);
}

/** The case may carry a vector the advisory did not validate; an unscorable vector rates nothing rather than failing. */
function severityOrNull(cvssV3Vector: string | null, cvssV4Vector: string | null) {
  try {
    return advisorySeverity(cvssV3Vector, cvssV4Vector);
  } catch {
    return null;
  }
}

/**
 * Edits a draft (or a publication scheduled for later) in place. Once the advisory is public, edits to public
 * content are staged in `pendingRevision` and published content, `updatedAt` included, stays as it was until
 * `publishAdvisoryRevision`; internal notes still change in place.
 */
export async function updateAdvisory(ctx: RequestContext, input: UpdateAdvisoryInput): Promise<Advisory> {
  const changes = contentChanges(input);
  if (changedFieldNames(changes).length === 0) throw new BadUserInputError('Nothing to update');
  await inTransaction(ctx, async (tx) => {
    const advisory = await findAccessibleById(tx, Advisory, input.advisoryId);
    const refused = changedFieldNames(changes).filter((field) => !may(tx, 'update', 'Advisory', advisory, field));
    if (refused.length > 0) throw new ForbiddenError(`You may not update ${refused.join(', ')} on this advisory`);
    const products = changes.products ? await productDrafts(tx, advisory.caseId, changes.products) : undefined;
    const repository = managerOf(tx).getRepository(Advisory);

    if (!isReleased(advisory, tx.now)) {
      const vectors = { cvssV3Vector: advisory.cvssV3Vector, cvssV4Vector: advisory.cvssV4Vector, ...changes.columns };
      await repository.update({ id: advisory.id }, { ...changes.columns, severity: severityOrNull(vectors.cvssV3Vector ?? null, vectors.cvssV4Vector ?? null), updatedAt: tx.now });
      if (products) await writeProducts(tx, advisory.id, products);
      // A scheduled publication is edited in place: its index rows follow (a draft has none).
      if (advisory.status === AdvisoryStatus.PUBLISHED) await refreshSearchTerms(managerOf(tx), [advisory.id]);
      return;
    }
    const { internalNotes, ...published } = changes.columns;
    const update: Partial<Advisory> = {};
    if (internalNotes !== undefined) update.internalNotes = internalNotes;
    if (Object.keys(published).length > 0 || products) {
      // Read the staged edits directly: the update was authorized above, and merging must not lose staged fields.
      const stored = await repository.findOneOrFail({ where: { id: advisory.id }, select: { id: true, pendingRevision: true } });
      update.pendingRevision = { ...(stored.pendingRevision ?? {}), ...published, ...(products ? { products } : {}) };
    }
    await repository.update({ id: advisory.id }, update);
  });
  return getAdvisory(ctx, input.advisoryId);
}

/** Drops the staged edits of a published advisory. */
export async function discardAdvisoryRevision(ctx: RequestContext, advisoryId: string): Promise<Advisory> {
  await inTransaction(ctx, async (tx) => {
    const advisory = await findAccessibleById(tx, Advisory, advisoryId);
    if (!may(tx, 'update', 'Advisory', advisory)) throw new ForbiddenError('You may not edit this advisory');
    await managerOf(tx).getRepository(Advisory).update({ id: advisory.id }, { pendingRevision: null });
  });
  return getAdvisory(ctx, advisoryId);
}

/**
 * Releases the staged edits (and, if asked, the vendors' current statuses) as the next numbered revision. The
 * counter is incremented by an UPDATE of the advisory row, which holds the row lock until commit, so concurrent
 * releases of the same advisory get consecutive numbers (the unique index on advisoryId+number backs this up).
 */
export async function publishAdvisoryRevision(ctx: RequestContext, input: PublishAdvisoryRevisionInput): Promise<Advisory> {
  await inTransaction(ctx, async (tx) => {
    const advisory = await findAccessibleById(tx, Advisory, input.advisoryId);
    if (!may(tx, 'publish', 'Advisory', advisory)) throw new ForbiddenError('You may not publish advisories');
    if (!isReleased(advisory, tx.now)) {
      throw new ConflictError('Only a published advisory gets revisions; a draft or scheduled advisory is edited directly');
    }
    const repository = managerOf(tx).getRepository(Advisory);
    await managerOf(tx).createQueryBuilder().update(Advisory).set({ revision: () => 'revision + 1' }).where('id = :id', { id: advisory.id }).execute();
    const current = await repository.findOneByOrFail({ id: advisory.id });
    const { products, ...staged }: AdvisoryPendingRevision = current.pendingRevision ?? {};
    const released = releasedColumns(staged);
    if (Object.keys(released).length === 0 && !products && !input.refreshVendorStatuses) {
      throw new BadUserInputError('Nothing to release: stage edits with updateAdvisory or refresh the vendor statuses', 'advisoryId');
    }
    const content = { ...current, ...released };
    await repository.update(
      { id: advisory.id },
      { ...released, severity: severityOrNull(content.cvssV3Vector, content.cvssV4Vector), pendingRevision: null, revisedAt: tx.now, updatedAt: tx.now },
    );
    if (products) await writeProducts(tx, advisory.id, products);
    if (input.refreshVendorStatuses) await snapshotVendorStatuses(tx, advisory.id, advisory.caseId, current.unableToCoordinate);
    await managerOf(tx).getRepository(AdvisoryRevision).insert({
      id: newId(), advisoryId: advisory.id, number: current.revision, releasedAt: tx.now, summary: input.summary.trim(), actorUserId: actorOf(tx),
    });
    await refreshSearchTerms(managerOf(tx), [advisory.id]);
  });
  return getAdvisory(ctx, input.advisoryId);
}

function releasedColumns(staged: Omit<AdvisoryPendingRevision, 'products'>): Partial<Advisory> {
  const { title, cveIds, ...texts } = staged;
  return { ...texts, ...(title ? { title } : {}), ...(cveIds !== undefined ? { cveIds: cveIds ?? [] } : {}) };
}

function actorOf(ctx: RequestContext): string | null {
  return ctx.viewer.kind === 'authenticated' ? ctx.viewer.userId : null;
}

const ensuredSequences = new WeakMap<DataSource, Set<string>>();

/**
 * Creates the counter rows for identifier prefixes, each in its own autocommit statement. Done before the
 * publishing transaction because two transactions that both insert a missing counter row can deadlock on
 * MySQL/MariaDB, and InnoDB then rolls back the whole transaction.
 */
export async function ensureAdvisorySequences(ctx: RequestContext, prefixes: string[]): Promise<void> {
  let ensured = ensuredSequences.get(ctx.dataSource);
  if (!ensured) ensuredSequences.set(ctx.dataSource, (ensured = new Set()));
  for (const prefix of prefixes) {
    if (ensured.has(prefix)) continue;
    await ctx.dataSource.createQueryBuilder().insert().into('advisory_sequence').values({ prefix, lastValue: 0 }).orIgnore().execute();
    ensured.add(prefix);
  }
}

/**
 * Allocates the next identifier for a prefix inside the caller's transaction; the counter row must exist
 * (`ensureAdvisorySequences`). The UPDATE takes the row's write lock until commit on MySQL/MariaDB (SQLite
 * serialises writers), and the transaction then reads its own increment, so concurrent publications never get
 * the same number and a rolled-back publication gives its number back.
 */
export async function allocateAdvisoryIdentifier(ctx: RequestContext, prefix: string): Promise<string> {
  const manager = managerOf(ctx);
  const updated = await manager.createQueryBuilder().update('advisory_sequence').set({ lastValue: () => 'lastValue + 1' }).where('prefix = :prefix', { prefix }).execute();
  if (updated.affected === 0) throw new Error(`No identifier counter for prefix ${prefix}; call ensureAdvisorySequences first`);
  const row = await manager.createQueryBuilder().select('s.lastValue', 'lastValue').from('advisory_sequence', 's').where('s.prefix = :prefix', { prefix }).getRawOne<{ lastValue: number }>();
  const value = Number(row!.lastValue);
  if (value > 99_999_999) throw new ConflictError(`Identifiers with prefix ${prefix} are exhausted`);
  return `${prefix}${String(value).padStart(8, '0')}`;
}

/** Hook for procedures that may publish from other states (the unable-to-coordinate path). */
export type PublicationGate = (tx: RequestContext, advisory: Advisory, owner: Case) => Promise<'coordinated' | 'unable-to-coordinate'>;

/** The normal path: a coordinating case none of whose vendors is still declared unreachable. */
export const coordinatedPublicationGate: PublicationGate = async (tx, _advisory, owner) => {
  if (!PUBLISHABLE_STATES.includes(owner.state)) throw new InvalidTransitionError(owner.state, CaseState.PUBLISHED);
  const unreachable = await managerOf(tx).getRepository(UnreachableDeclaration).exists({ where: { caseId: owner.id, status: UnreachableStatus.UNREACHABLE } });
  if (unreachable) {
    throw new RuleNotMetError('A vendor on this case is declared unreachable: publish through the committee (publishUnableToCoordinate)', ['vendorUnreachable']);
  }
  return 'coordinated';
};

/**
 * Publishes now or at `publishAt`: assigns the identifier, releases revision 1 and copies the vendors' verification
 * results and response statuses into the advisory. The case becomes PUBLISHED, or, for a time ahead,
 * PUBLICATION_SCHEDULED with that due time, which reads PUBLISHED from then on (src/cases/shown-state.ts); its move
 * to PUBLISHED is recorded with that time, so only staff see it before.
 */
export async function publishAdvisory(ctx: RequestContext, input: PublishAdvisoryInput, gate: PublicationGate = coordinatedPublicationGate): Promise<Advisory> {
  await ensureAdvisorySequences(ctx, [ctx.config.advisoryPrefixDomestic, ctx.config.advisoryPrefixOverseas]);
  await inTransaction(ctx, async (tx) => {
    const advisory = await findAccessibleById(tx, Advisory, input.advisoryId);
    if (!may(tx, 'publish', 'Advisory', advisory)) throw new ForbiddenError('You may not publish advisories');
    if (advisory.status === AdvisoryStatus.PUBLISHED) throw new ConflictError('The advisory is already published');
    if (input.publishAt && input.publishAt.getTime() < tx.now.getTime() - 60_000) throw new BadUserInputError('publishAt cannot be in the past', 'publishAt');
    const owner = await findAccessibleById(tx, Case, advisory.caseId);
    const mode = await gate(tx, advisory, owner);
    const prefix = owner.overseasCoordination ? tx.config.advisoryPrefixOverseas : tx.config.advisoryPrefixDomestic;
    const identifier = await allocateAdvisoryIdentifier(tx, prefix);
    const publishedAt = input.publishAt ?? tx.now;
    const repository = managerOf(tx).getRepository(Advisory);
    // Read again: the gate may have recorded content (the coordinator's verification) in this transaction.
    const current = await repository.findOneByOrFail({ id: advisory.id });
    await repository.update(
      { id: advisory.id },
      {
        identifier, status: AdvisoryStatus.PUBLISHED, publishedAt, unableToCoordinate: mode === 'unable-to-coordinate', revision: 1, revisedAt: null,
        severity: severityOrNull(current.cvssV3Vector, current.cvssV4Vector), pendingRevision: null, updatedAt: tx.now,
      },
    );
    await snapshotVendorStatuses(tx, advisory.id, owner.id, mode === 'unable-to-coordinate');
    await refreshSearchTerms(managerOf(tx), [advisory.id]);
    await managerOf(tx).getRepository(AdvisoryRevision).insert({
      id: newId(), advisoryId: advisory.id, number: 1, releasedAt: publishedAt, summary: INITIAL_REVISION_SUMMARY, actorUserId: actorOf(tx),
    });
    const scheduled = publishedAt.getTime() > tx.now.getTime();
    if (scheduled && !SCHEDULABLE_FROM.includes(owner.state)) throw new Error(`A publication scheduled from ${owner.state} would escape the state filters (SCHEDULABLE_FROM)`);
    await managerOf(tx)
      .getRepository(Case)
      .update(
        { id: owner.id },
        // Scheduling leaves the case's updatedAt alone: everyone who reads the case reads that time, and most of them
        // may not know of the schedule (the move shows at the due time, in the state and the history).
        scheduled
          ? { state: CaseState.PUBLICATION_SCHEDULED, publicationDueAt: publishedAt, stateBeforePublication: owner.state }
          : { state: CaseState.PUBLISHED, updatedAt: tx.now },
      );
    const reason = mode === 'unable-to-coordinate' ? 'Published without the vendor after the committee approved' : 'Advisory published';
    await recordTransition(tx, owner.id, owner.state, CaseState.PUBLISHED, reason, scheduled ? publishedAt : tx.now);
  });
  return getAdvisory(ctx, input.advisoryId);
}

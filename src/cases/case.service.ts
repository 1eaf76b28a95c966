import { randomBytes } from 'node:crypto';
import { accessibleQuery, accessibleSelect, accessibleSubquerySql, readsEveryRow, restrictToReadableFields, findAccessibleById, managerOf, may } from '../authorization/accessible';
import { cvssV3BaseScore, cvssV4Score, assertCweId } from '../advisories/cvss';
import { projectedColumns } from '../context/batch-query';
import { newId } from '../common/columns';
import { containsPattern, LIKE_ESCAPE } from '../common/like';
import { ConnectionShape, PageArgs, paginate } from '../common/connection';
import { inTransaction, RequestContext } from '../context/request-context';
import { BadUserInputError, ConflictError, ForbiddenError, InvalidTransitionError, NotFoundError } from '../errors/errors';
import { Organization, OrganizationKind } from '../organizations/organization.entity';
import { Vendor } from '../vendors/vendor.entity';
import { Case, CaseState, CaseTransition, CaseVendor, CaseVendorStatus } from './case.entity';
import { AddVendorToCaseInput, CaseFilter, CaseOrder, SubmitReportInput, TransitionCaseInput, UpdateCaseInput, UpdateVendorStatusInput } from './case.input';
import { effectiveState, isLegalTransition } from './case-state';
import { countOfShownStates, shownStateIn, storedStatesFor } from './shown-state';

const REFERENCE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A random public reference such as RNK-7Q2M-K9XD: it says nothing about how many reports exist. */
export function newCaseReference(): string {
  const bytes = randomBytes(8);
  const chars = Array.from(bytes, (byte) => REFERENCE_ALPHABET[byte % REFERENCE_ALPHABET.length]);
  return `RNK-${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}

export async function listCases(
  ctx: RequestContext,
  filter: CaseFilter = {},
  order: CaseOrder = new CaseOrder(),
  page: PageArgs,
  /** The GraphQL fields selected on the nodes, so only their columns are read. */
  fields?: ReadonlySet<string>,
): Promise<ConnectionShape<Case>> {
  const used = [order.field as string];
  if (filter.states) used.push('state');
  if (filter.search) used.push('title');
  if (filter.cweId) used.push('cweId');
  if (filter.receivedAfter || filter.receivedBefore) used.push('receivedAt');
  const query = accessibleSelect(ctx, Case, 'c');
  restrictToReadableFields(ctx, Case, 'c', query, used);
  if (query) {
    if (filter.states?.length) query.andWhere(shownStateIn(ctx, query, 'c', filter.states));
    if (filter.search) query.andWhere(`LOWER(c.title) LIKE :filterSearch ${LIKE_ESCAPE}`, { filterSearch: containsPattern(filter.search) });
    if (filter.cweId) query.andWhere('c.cweId = :filterCwe', { filterCwe: filter.cweId });
    if (filter.receivedAfter) query.andWhere('c.receivedAt >= :filterAfter', { filterAfter: filter.receivedAfter });
    if (filter.receivedBefore) query.andWhere('c.receivedAt < :filterBefore', { filterBefore: filter.receivedBefore });
    if (filter.vendorId) {
      // Through the vendor rows the viewer may see, so the filter cannot probe for other vendors on a case.
      const visibleRow = accessibleSubquerySql(ctx, CaseVendor, 'fcv', query);
      query.andWhere(`EXISTS (SELECT 1 FROM case_vendor fcv WHERE fcv.caseId = c.id AND fcv.vendorId = :filterVendor AND ${visibleRow})`, { filterVendor: filter.vendorId });
    }
  }
  // The dashboard's states filter: one ordered range per state in IDX_case_file_state_receivedAt. Not for a set of
  // keys the viewer's own rows lead to (a vendor's or a finder's cases): their page reads and sorts those cases, and
  // counts them on the way (paginate), where a range per state re-read the key set in every branch and walked the
  // state's cases of everyone to find the viewer's few (3.7 ms of MariaDB for a vendor's dashboard at 10k cases,
  // against 1.0 ms for the coordinator's).
  const ranges = filter.states?.length && !query?.keySet ? storedStatesFor(ctx, filter.states) : [];
  const split = order.field === 'receivedAt' && ranges.length > 1 && ranges.length <= 9 ? { column: 'c.state', values: ranges } : undefined;
  const columns = projectedColumns(ctx.dataSource.getMetadata(Case), fields, []);
  return paginate(ctx, Case, query, 'c', page, { property: order.field, direction: order.direction, isDate: true }, split, countFromStateCounts(ctx, filter), columns);
}

/**
 * For a viewer who may read every case, filtering by states alone (the coordinator's dashboard), the total is the
 * sum of the per-state counts the database keeps by trigger (migration 1764240000000): a few rows instead of every
 * matching index entry. Any other viewer or filter is counted from the rows themselves.
 */
function countFromStateCounts(ctx: RequestContext, filter: CaseFilter): (() => Promise<number>) | undefined {
  const { states, ...others } = filter;
  const otherFilters = Object.values(others).some((value) => value !== undefined && value !== null);
  if (!states?.length || otherFilters || !readsEveryRow(ctx, 'Case')) return undefined;
  return () => countOfShownStates(ctx, states);
}

export async function getCase(ctx: RequestContext, id: string): Promise<Case> {
  const found = await ctx.loaders.byId(Case).load(id);
  if (!found) throw new NotFoundError('Case');
  return found;
}

export async function getCaseByReference(ctx: RequestContext, reference: string): Promise<Case> {
  const query = accessibleQuery(ctx, Case, 'c');
  const found = query ? await query.andWhere('c.reference = :reference', { reference }).getOne() : null;
  if (!found) throw new NotFoundError('Case');
  return getCase(ctx, found.id);
}

async function receiverFor(ctx: RequestContext, requested: string | undefined): Promise<Organization> {
  const organizations = managerOf(ctx).getRepository(Organization);
  if (ctx.viewer.kind === 'authenticated' && ctx.viewer.organizationKind === OrganizationKind.RECEIVER) {
    return organizations.findOneByOrFail({ id: ctx.viewer.organizationId! });
  }
  const receiver = requested
    ? await organizations.findOne({ where: { id: requested, kind: OrganizationKind.RECEIVER } })
    : await organizations.findOne({ where: { kind: OrganizationKind.RECEIVER }, order: { createdAt: 'ASC', id: 'ASC' } });
  if (!receiver) throw new BadUserInputError('receiverOrganizationId does not name a receiving organization', 'receiverOrganizationId');
  return receiver;
}

export async function submitReport(ctx: RequestContext, input: SubmitReportInput): Promise<Case> {
  const viewer = ctx.viewer;
  if (viewer.kind !== 'authenticated' || !ctx.ability.can('create', 'Case')) throw new ForbiddenError('You may not submit reports');
  const registeredByReceiver = viewer.organizationKind === OrganizationKind.RECEIVER;
  if (registeredByReceiver && !input.finderName) throw new BadUserInputError('finderName is required when a receiving organization registers a report', 'finderName');

  const id = await inTransaction(ctx, async (tx) => {
    const receiver = await receiverFor(tx, input.receiverOrganizationId);
    const row: Case = Object.assign(new Case(), {
      id: newId(),
      reference: newCaseReference(),
      title: input.title,
      description: input.description,
      affectedProducts: input.affectedProducts,
      finderUserId: registeredByReceiver ? null : viewer.userId,
      finderName: input.finderName ?? viewer.displayName,
      finderConsentToName: input.finderConsentToName,
      receivedAt: tx.now,
      registeredByOrgId: receiver.id,
      state: CaseState.RECEIVED,
      overseasCoordination: false,
      cvssV3Vector: null,
      cvssV4Vector: null,
      cweId: null,
      analysisNotes: null,
      coordinatorNotes: null,
      updatedAt: tx.now,
    });
    await managerOf(tx).getRepository(Case).insert(row);
    await recordTransition(tx, row.id, null, CaseState.RECEIVED, 'Report received');
    return row.id;
  });
  return getCase(ctx, id);
}

/** Records a step of the case, by default now; a scheduled publication's step is recorded with the time it takes effect. */
export async function recordTransition(ctx: RequestContext, caseId: string, from: CaseState | null, to: CaseState, reason: string | null, at: Date = ctx.now): Promise<void> {
  const viewer = ctx.viewer;
  await managerOf(ctx).getRepository(CaseTransition).insert({
    id: newId(),
    caseId,
    fromState: from,
    toState: to,
    actorUserId: viewer.kind === 'authenticated' ? viewer.userId : null,
    actorName: viewer.kind === 'authenticated' ? viewer.displayName : null,
    reason,
    at,
  });
}

/**
 * Moves a case along the state machine inside a transaction: NOT_FOUND if the viewer cannot see the case,
 * INVALID_TRANSITION if the step is not in the machine or the viewer takes it only from other states, FORBIDDEN if
 * the viewer never takes it, CONFLICT if the case changed state meanwhile.
 *
 * Everything is decided on the state the viewer reads (src/cases/shown-state.ts), never on the stored one: a viewer
 * who does not know of a publication scheduled for later reads the state it was scheduled from, and gets exactly
 * the answer any case in that state gives it. No such viewer may take a step from a state a publication can be
 * scheduled from (policies/transition.spec.ts), so the stored state never has to answer for it.
 */
export async function changeCaseState(ctx: RequestContext, caseId: string, to: CaseState, reason: string | null): Promise<void> {
  const current = await findAccessibleById(ctx, Case, caseId);
  const from = effectiveState(current, ctx.now);
  const shown = current.shownState;
  if (!shown) throw new ForbiddenError(`You may not move this case to ${to}`);
  if (!isLegalTransition(shown, to)) throw new InvalidTransitionError(shown, to);
  if (!may(ctx, 'transition', 'Case', { ...current, state: shown }, to)) throw refusedStep(ctx, current, shown, to);
  // Unreachable by the test above: answering here would tell the viewer of the schedule. Fail closed.
  if (shown !== from) throw new Error(`A viewer who reads ${shown} for a case stored as ${current.state} was allowed a step; see policies/transition.spec.ts`);
  const result = await managerOf(ctx)
    .createQueryBuilder()
    .update(Case)
    .set({ state: to, updatedAt: ctx.now })
    .where('id = :caseId AND state = :from', { caseId, from: current.state })
    .execute();
  if (result.affected !== 1) throw new ConflictError('The case changed state meanwhile; reload and retry');
  await recordTransition(ctx, caseId, from, to, reason);
}

/**
 * A step of a case whose publication is scheduled for later, as those who may not know of the schedule read the case
 * (src/cases/shown-state.ts): the state it shows them until the due time (`stateBeforePublication`) moves and the step
 * is recorded now, exactly as on a case nobody scheduled; the recorded move to PUBLISHED at the due time then starts
 * from the new state. The stored state stays PUBLICATION_SCHEDULED. Used where the system itself moves a case (a reply
 * from a vendor declared unreachable); nobody who may not read the schedule is allowed a step from these states.
 */
export async function changeStateBeforePublication(ctx: RequestContext, row: Case, to: CaseState, reason: string | null): Promise<void> {
  const from = row.stateBeforePublication;
  if (row.state !== CaseState.PUBLICATION_SCHEDULED || !from || !row.publicationDueAt || !isLegalTransition(from, to)) {
    throw new Error(`changeStateBeforePublication: case ${row.id} is not scheduled from a state that leads to ${to}`);
  }
  const manager = managerOf(ctx);
  const result = await manager
    .createQueryBuilder()
    .update(Case)
    .set({ stateBeforePublication: to, updatedAt: ctx.now })
    .where('id = :caseId AND state = :scheduled AND stateBeforePublication = :from AND publicationDueAt > :now', {
      caseId: row.id, scheduled: CaseState.PUBLICATION_SCHEDULED, from, now: ctx.now,
    })
    .execute();
  if (result.affected !== 1) throw new ConflictError('The case changed state meanwhile; reload and retry');
  await recordTransition(ctx, row.id, from, to, reason);
  await manager
    .createQueryBuilder()
    .update(CaseTransition)
    .set({ fromState: to })
    .where('caseId = :caseId AND toState = :published AND at = :due', { caseId: row.id, published: CaseState.PUBLISHED, due: row.publicationDueAt })
    .execute();
}

/**
 * The refusal of a legal step the viewer may not take from `shown`. A step its rules allow only from other states
 * (the finder's withdrawal once vendor contact began, the receiver's rejection after hand-over) is answered as the
 * state machine answers a step it lacks, naming the state the viewer reads; a step it never takes is FORBIDDEN.
 * Both depend only on the viewer's rules and the state it reads.
 */
function refusedStep(ctx: RequestContext, row: Case, shown: CaseState, to: CaseState): InvalidTransitionError | ForbiddenError {
  const takenElsewhere = Object.values(CaseState).some((state) => state !== shown && isLegalTransition(state, to) && may(ctx, 'transition', 'Case', { ...row, state }, to));
  return takenElsewhere ? new InvalidTransitionError(shown, to) : new ForbiddenError(`You may not move this case to ${to}`);
}

export async function transitionCase(ctx: RequestContext, input: TransitionCaseInput): Promise<Case> {
  if (input.to === CaseState.PUBLISHED) {
    throw new InvalidTransitionError('its current state', `${CaseState.PUBLISHED} (publish the advisory instead)`);
  }
  await inTransaction(ctx, (tx) => changeCaseState(tx, input.caseId, input.to, input.reason ?? null));
  return getCase(ctx, input.caseId);
}

const UPDATABLE_CASE_FIELDS = [
  'title', 'description', 'affectedProducts', 'overseasCoordination', 'cvssV3Vector', 'cvssV4Vector', 'cweId', 'analysisNotes', 'coordinatorNotes',
] as const;

export async function updateCase(ctx: RequestContext, input: UpdateCaseInput): Promise<Case> {
  const changes: Partial<Case> = {};
  for (const field of UPDATABLE_CASE_FIELDS) if (input[field] !== undefined) Object.assign(changes, { [field]: input[field] });
  if (Object.keys(changes).length === 0) throw new BadUserInputError('Nothing to update');
  if (input.cvssV3Vector) cvssV3BaseScore(input.cvssV3Vector);
  if (input.cvssV4Vector) cvssV4Score(input.cvssV4Vector);
  if (input.cweId) assertCweId(input.cweId);

  await inTransaction(ctx, async (tx) => {
    const current = await findAccessibleById(tx, Case, input.caseId);
    const refused = Object.keys(changes).filter((field) => !may(tx, 'update', 'Case', current, field));
    if (refused.length > 0) throw new ForbiddenError(`You may not update ${refused.join(', ')} on this case`);
    await managerOf(tx).getRepository(Case).update({ id: input.caseId }, { ...changes, updatedAt: tx.now });
  });
  return getCase(ctx, input.caseId);
}

export async function addVendorToCase(ctx: RequestContext, input: AddVendorToCaseInput): Promise<CaseVendor> {
  if (!ctx.ability.can('create', 'CaseVendor')) throw new ForbiddenError('You may not add vendors to cases');
  const id = await inTransaction(ctx, async (tx) => {
    await findAccessibleById(tx, Case, input.caseId);
    await findAccessibleById(tx, Vendor, input.vendorId);
    const repository = managerOf(tx).getRepository(CaseVendor);
    if (await repository.exists({ where: { caseId: input.caseId, vendorId: input.vendorId } })) {
      throw new ConflictError('This vendor already takes part in the case');
    }
    const row = { id: newId(), caseId: input.caseId, vendorId: input.vendorId, status: CaseVendorStatus.UNNOTIFIED, statement: null, notifiedAt: null, updatedAt: tx.now };
    await repository.insert(row);
    return row.id;
  });
  return findAccessibleById(ctx, CaseVendor, id);
}

/** Marks a vendor as notified: from now on it sees the case. */
export async function markVendorNotified(ctx: RequestContext, caseVendorId: string): Promise<void> {
  const row = await findAccessibleById(ctx, CaseVendor, caseVendorId);
  if (!may(ctx, 'update', 'CaseVendor', row, 'status')) throw new ForbiddenError('You may not notify vendors');
  if (row.status !== CaseVendorStatus.UNNOTIFIED) return;
  await managerOf(ctx).getRepository(CaseVendor).update({ id: caseVendorId }, { status: CaseVendorStatus.NOTIFIED, notifiedAt: ctx.now, updatedAt: ctx.now });
}

export async function notifyVendor(ctx: RequestContext, caseVendorId: string): Promise<CaseVendor> {
  if (!ctx.ability.can('create', 'CaseVendor')) throw new NotFoundError('CaseVendor');
  await inTransaction(ctx, (tx) => markVendorNotified(tx, caseVendorId));
  return findAccessibleById(ctx, CaseVendor, caseVendorId);
}

export async function updateVendorStatus(ctx: RequestContext, input: UpdateVendorStatusInput): Promise<CaseVendor> {
  if (input.status === undefined && input.statement === undefined) throw new BadUserInputError('Nothing to update');
  if (input.status === CaseVendorStatus.UNNOTIFIED) throw new BadUserInputError('A vendor cannot return to UNNOTIFIED', 'status');
  await inTransaction(ctx, async (tx) => {
    const row = await findAccessibleById(tx, CaseVendor, input.caseVendorId);
    const changes: Partial<CaseVendor> = {};
    if (input.status !== undefined) changes.status = input.status;
    if (input.statement !== undefined) changes.statement = input.statement;
    const refused = Object.keys(changes).filter((field) => !may(tx, 'update', 'CaseVendor', row, field));
    if (refused.length > 0) throw new ForbiddenError(`You may not update ${refused.join(', ')} here`);
    await managerOf(tx).getRepository(CaseVendor).update({ id: row.id }, { ...changes, updatedAt: tx.now });
  });
  return findAccessibleById(ctx, CaseVendor, input.caseVendorId);
}

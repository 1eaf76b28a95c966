import { accessibleQuery, restrictToReadableFields, findAccessibleById, managerOf, may } from '../authorization/accessible';
import { Case, CaseState } from '../cases/case.entity';
import { escapeLike, recordTransition } from '../cases/case.service';
import { PUBLISHABLE_STATES } from '../cases/case-state';
import { newId } from '../common/columns';
import { ConnectionShape, PageArgs, paginate } from '../common/connection';
import { inTransaction, RequestContext } from '../context/request-context';
import { BadUserInputError, ConflictError, ForbiddenError, InvalidTransitionError } from '../errors/errors';
import { Advisory, AdvisoryStatus } from './advisory.entity';
import { AdvisoryContentInput, AdvisoryFilter, CreateAdvisoryInput, PublishAdvisoryInput, UpdateAdvisoryInput } from './advisory.input';
import { assertCweId, cvssV3BaseScore, cvssV4Score } from './cvss';

const CONTENT_FIELDS = [
  'title', 'overview', 'affectedProducts', 'impact', 'solution', 'vendorStatements', 'cvssV3Vector', 'cvssV4Vector', 'cweId', 'cveIds', 'internalNotes',
] as const;

export async function listAdvisories(ctx: RequestContext, filter: AdvisoryFilter, page: PageArgs): Promise<ConnectionShape<Advisory>> {
  const used = ['createdAt'];
  if (filter.status) used.push('status');
  if (filter.search) used.push('title');
  const query = accessibleQuery(ctx, Advisory, 'a');
  restrictToReadableFields(ctx, Advisory, 'a', query, used);
  if (query && filter.status) query.andWhere('a.status = :advisoryStatus', { advisoryStatus: filter.status });
  if (query && filter.search) query.andWhere('LOWER(a.title) LIKE :advisorySearch', { advisorySearch: `%${escapeLike(filter.search.toLowerCase())}%` });
  return paginate(ctx, Advisory, query, 'a', page, { property: 'createdAt', direction: 'DESC', isDate: true });
}

export function getAdvisory(ctx: RequestContext, id: string): Promise<Advisory> {
  return findAccessibleById(ctx, Advisory, id);
}

function contentChanges(input: AdvisoryContentInput): Partial<Advisory> {
  if (input.cvssV3Vector) cvssV3BaseScore(input.cvssV3Vector);
  if (input.cvssV4Vector) cvssV4Score(input.cvssV4Vector);
  if (input.cweId) assertCweId(input.cweId);
  const changes: Record<string, unknown> = {};
  for (const field of CONTENT_FIELDS) if (input[field] !== undefined) changes[field] = input[field];
  return changes as Partial<Advisory>;
}

export async function createAdvisory(ctx: RequestContext, input: CreateAdvisoryInput): Promise<Advisory> {
  if (!ctx.ability.can('create', 'Advisory')) throw new ForbiddenError('You may not write advisories');
  const changes = contentChanges(input);
  const id = await inTransaction(ctx, async (tx) => {
    const owner = await findAccessibleById(tx, Case, input.caseId);
    const repository = managerOf(tx).getRepository(Advisory);
    if (await repository.exists({ where: { caseId: owner.id } })) throw new ConflictError('This case already has an advisory');
    const advisory = {
      id: newId(), caseId: owner.id, identifier: null, title: owner.title, overview: null, affectedProducts: null, impact: null,
      solution: null, vendorStatements: null, cvssV3Vector: owner.cvssV3Vector, cvssV4Vector: owner.cvssV4Vector, cweId: owner.cweId,
      cveIds: [], status: AdvisoryStatus.DRAFT, publishedAt: null, unableToCoordinate: false, coordinatorVerification: null,
      internalNotes: null, createdAt: tx.now, updatedAt: tx.now, ...changes,
    };
    await repository.insert(advisory);
    return advisory.id;
  });
  return getAdvisory(ctx, id);
}

export async function updateAdvisory(ctx: RequestContext, input: UpdateAdvisoryInput): Promise<Advisory> {
  const changes = contentChanges(input);
  if (Object.keys(changes).length === 0) throw new BadUserInputError('Nothing to update');
  await inTransaction(ctx, async (tx) => {
    const advisory = await findAccessibleById(tx, Advisory, input.advisoryId);
    const refused = Object.keys(changes).filter((field) => !may(tx, 'update', 'Advisory', advisory, field));
    if (refused.length > 0) throw new ForbiddenError(`You may not update ${refused.join(', ')} on this advisory`);
    await managerOf(tx).getRepository(Advisory).update({ id: advisory.id }, { ...changes, updatedAt: tx.now });
  });
  return getAdvisory(ctx, input.advisoryId);
}

/**
 * Allocates the next identifier for a prefix inside the caller's transaction. The row update takes a lock on MySQL
 * (and SQLite serialises writers), so concurrent publications never get the same number.
 */
export async function allocateAdvisoryIdentifier(ctx: RequestContext, prefix: string): Promise<string> {
  const manager = managerOf(ctx);
  for (let attempt = 0; attempt < 3; attempt++) {
    const updated = await manager.createQueryBuilder().update('advisory_sequence').set({ lastValue: () => 'lastValue + 1' }).where('prefix = :prefix', { prefix }).execute();
    if (updated.affected === 0) {
      try {
        await manager.createQueryBuilder().insert().into('advisory_sequence').values({ prefix, lastValue: 1 }).execute();
      } catch {
        continue;
      }
    }
    const row = await manager.createQueryBuilder().select('s.lastValue', 'lastValue').from('advisory_sequence', 's').where('s.prefix = :prefix', { prefix }).getRawOne<{ lastValue: number }>();
    return `${prefix}${String(row!.lastValue).padStart(8, '0')}`;
  }
  throw new ConflictError('Could not allocate an advisory identifier; retry');
}

/** Hook for procedures that may publish from other states (the unable-to-coordinate path). */
export type PublicationGate = (tx: RequestContext, advisory: Advisory, owner: Case) => Promise<'coordinated' | 'unable-to-coordinate'>;

export const coordinatedPublicationGate: PublicationGate = async (_tx, _advisory, owner) => {
  if (!PUBLISHABLE_STATES.includes(owner.state)) throw new InvalidTransitionError(owner.state, CaseState.PUBLISHED);
  return 'coordinated';
};

export async function publishAdvisory(ctx: RequestContext, input: PublishAdvisoryInput, gate: PublicationGate = coordinatedPublicationGate): Promise<Advisory> {
  await inTransaction(ctx, async (tx) => {
    const advisory = await findAccessibleById(tx, Advisory, input.advisoryId);
    if (!may(tx, 'publish', 'Advisory', advisory)) throw new ForbiddenError('You may not publish advisories');
    if (advisory.status === AdvisoryStatus.PUBLISHED) throw new ConflictError('The advisory is already published');
    if (input.publishAt && input.publishAt.getTime() < tx.now.getTime() - 60_000) throw new BadUserInputError('publishAt cannot be in the past', 'publishAt');
    const owner = await findAccessibleById(tx, Case, advisory.caseId);
    const mode = await gate(tx, advisory, owner);
    const prefix = owner.overseasCoordination ? tx.config.advisoryPrefixOverseas : tx.config.advisoryPrefixDomestic;
    const identifier = await allocateAdvisoryIdentifier(tx, prefix);
    await managerOf(tx).getRepository(Advisory).update(
      { id: advisory.id },
      { identifier, status: AdvisoryStatus.PUBLISHED, publishedAt: input.publishAt ?? tx.now, unableToCoordinate: mode === 'unable-to-coordinate', updatedAt: tx.now },
    );
    await managerOf(tx).getRepository(Case).update({ id: owner.id }, { state: CaseState.PUBLISHED, updatedAt: tx.now });
    await recordTransition(tx, owner.id, owner.state, CaseState.PUBLISHED, mode === 'unable-to-coordinate' ? 'Published without the vendor after the committee approved' : 'Advisory published');
  });
  return getAdvisory(ctx, input.advisoryId);
}

import { findAccessibleById, managerOf, may } from '../authorization/accessible';
import { Advisory, AdvisoryStatus } from '../advisories/advisory.entity';
import { refreshSearchTerms } from '../advisories/search-index';
import { Case, CaseState, CaseTransition } from '../cases/case.entity';
import { actorOf, appendAuditEntries } from '../audit/audit-chain';
import { AuditAction } from '../audit/audit-entry.entity';
import { isEmbargoed } from '../audit/embargoed-read';
import { inTransaction, RequestContext } from '../context/request-context';
import { BadUserInputError, ConflictError, ForbiddenError } from '../errors/errors';
import { ReschedulePublicationInput } from './disclosure.input';

/**
 * Moves the planned publication of a scheduled advisory (PUBLISHED with publishedAt still ahead). Visibility is
 * decided by comparing publishedAt with each request's clock, so the new time takes effect for the next request:
 * nothing runs at the old time, and there is no cache that could still show it. Grants without an explicit end
 * follow the publication, whichever way it moves; so do the case's due time and its recorded move to PUBLISHED.
 */
export async function reschedulePublication(ctx: RequestContext, input: ReschedulePublicationInput): Promise<Advisory> {
  if (!ctx.ability.can('publish', 'Advisory')) throw new ForbiddenError('You may not schedule publications');
  if (input.publishAt.getTime() < ctx.now.getTime()) throw new BadUserInputError('publishAt cannot be in the past', 'publishAt');
  await inTransaction(ctx, async (tx) => {
    const advisory = await findAccessibleById(tx, Advisory, input.advisoryId);
    if (!may(tx, 'publish', 'Advisory', advisory)) throw new ForbiddenError('You may not schedule this publication');
    if (advisory.status !== AdvisoryStatus.PUBLISHED || !advisory.publishedAt) {
      throw new ConflictError('The advisory is not scheduled; publish it with publishAt first');
    }
    if (!isEmbargoed(advisory, tx.now)) throw new ConflictError('The advisory is already public; its publication time can no longer move');
    const previous = advisory.publishedAt;
    if (previous.getTime() === input.publishAt.getTime()) throw new BadUserInputError('The advisory is already scheduled for that time', 'publishAt');
    const result = await managerOf(tx)
      .createQueryBuilder()
      .update(Advisory)
      .set({ publishedAt: input.publishAt, updatedAt: tx.now })
      .where('id = :advisoryId AND publishedAt = :previousPublishedAt', { advisoryId: advisory.id, previousPublishedAt: previous })
      .execute();
    if (result.affected !== 1) throw new ConflictError('The publication time changed meanwhile; reload and retry');
    const manager = managerOf(tx);
    await refreshSearchTerms(manager, [advisory.id]); // its index rows carry the publication time
    await manager
      .createQueryBuilder()
      .update(Case)
      // Not the case's updatedAt, which those who may not know of the schedule read (see publishAdvisory).
      .set({ publicationDueAt: input.publishAt })
      .where('id = :scheduledCase AND state = :scheduledState', { scheduledCase: advisory.caseId, scheduledState: CaseState.PUBLICATION_SCHEDULED })
      .execute();
    await manager
      .createQueryBuilder()
      .update(CaseTransition)
      .set({ at: input.publishAt })
      .where('caseId = :scheduledCase AND toState = :publishedState AND at = :previousPublishedAt', { scheduledCase: advisory.caseId, publishedState: CaseState.PUBLISHED, previousPublishedAt: previous })
      .execute();
    await appendAuditEntries(tx, [{
      ...actorOf(tx),
      action: AuditAction.PUBLICATION_RESCHEDULED,
      advisoryId: advisory.id,
      grantId: null,
      sections: '',
      contentFingerprint: null,
      detail: JSON.stringify({ reason: input.reason, from: previous.toISOString(), to: input.publishAt.toISOString() }),
    }]);
  });
  return findAccessibleById(ctx, Advisory, input.advisoryId);
}

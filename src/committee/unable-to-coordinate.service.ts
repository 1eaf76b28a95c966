import { Advisory } from '../advisories/advisory.entity';
import { PublishAdvisoryInput } from '../advisories/advisory.input';
import { publishAdvisory, PublicationGate } from '../advisories/advisory.service';
import { managerOf } from '../authorization/accessible';
import { CaseState } from '../cases/case.entity';
import { RequestContext } from '../context/request-context';
import { InvalidTransitionError, RuleNotMetError } from '../errors/errors';
import { UnreachableDeclaration, UnreachableStatus } from '../unreachable/unreachable.entity';
import { currentRead } from '../unreachable/locking';
import { CASE_STATES_IN_COORDINATION } from '../unreachable/unreachable.service';
import { CommitteeDecision, CommitteeReferral } from './committee.entity';
import { PublishUnableToCoordinateInput } from './committee.input';

/**
 * Lets an advisory be published without the vendor only when a vendor on the case is still unreachable and the
 * committee's latest decision on the case approves it. It writes the verification from the case file the
 * committee approved into the advisory; the rest of the publication (identifier, time, case state) is the
 * ordinary path, in the same transaction, so a refusal here leaves everything as it was.
 */
export const unableToCoordinateGate: PublicationGate = async (tx, advisory, owner) => {
  if (!CASE_STATES_IN_COORDINATION.includes(owner.state)) throw new InvalidTransitionError(owner.state, CaseState.PUBLISHED);
  const manager = managerOf(tx);
  const unmet: string[] = [];
  // Current rows, not the transaction's snapshot: a reply or a decision committed meanwhile must count.
  const unreachable = await currentRead(tx, manager.getRepository(UnreachableDeclaration).createQueryBuilder('d'))
    .where('d.caseId = :gateCase AND d.status = :unreachable', { gateCase: owner.id, unreachable: UnreachableStatus.UNREACHABLE })
    .getCount();
  if (unreachable === 0) unmet.push('vendorUnreachable');
  const latest = await currentRead(tx, manager.getRepository(CommitteeReferral).createQueryBuilder('r'))
    .where('r.caseId = :gateCase', { gateCase: owner.id })
    .orderBy('r.referredAt', 'DESC')
    .addOrderBy('r.id', 'DESC')
    .getOne();
  if (latest?.decision !== CommitteeDecision.APPROVED) unmet.push('committeeApproval');
  if (!latest || unmet.length > 0) {
    throw new RuleNotMetError('Publishing without the vendor needs a vendor still unreachable and an approving committee decision', unmet);
  }
  await manager.getRepository(Advisory).update({ id: advisory.id }, { coordinatorVerification: latest.coordinatorVerification });
  return 'unable-to-coordinate';
};

export function publishUnableToCoordinate(ctx: RequestContext, input: PublishUnableToCoordinateInput): Promise<Advisory> {
  return publishAdvisory(ctx, Object.assign(new PublishAdvisoryInput(), { advisoryId: input.advisoryId, publishAt: input.publishAt }), unableToCoordinateGate);
}

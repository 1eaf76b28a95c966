import { accessibleQuery, findAccessibleById, managerOf, may } from '../authorization/accessible';
import { Case } from '../cases/case.entity';
import { newId } from '../common/columns';
import { ConnectionShape, PageArgs, paginate } from '../common/connection';
import { inTransaction, RequestContext } from '../context/request-context';
import { ConflictError, ForbiddenError, NotFoundError, RuleNotMetError } from '../errors/errors';
import { UnreachableDeclaration, UnreachableListing, UnreachableStatus } from '../unreachable/unreachable.entity';
import { lockRow } from '../unreachable/locking';
import { CASE_STATES_IN_COORDINATION } from '../unreachable/unreachable.service';
import { CommitteeConflict, CommitteeDecision, CommitteeReferral, CommitteeVote, ReferralStatus, VoteChoice } from './committee.entity';
import { CastVoteInput, CommitteeReferralFilter, DecideReferralInput, DeclareConflictInput, ReferCaseInput } from './committee.input';
import { decide, Tally } from './decision-rule';

const DAY_MS = 86_400_000;

export function getReferral(ctx: RequestContext, id: string): Promise<CommitteeReferral> {
  return findAccessibleById(ctx, CommitteeReferral, id);
}

export async function listReferrals(ctx: RequestContext, filter: CommitteeReferralFilter, page: PageArgs): Promise<ConnectionShape<CommitteeReferral>> {
  const query = accessibleQuery(ctx, CommitteeReferral, 'r');
  if (query && filter.status) query.andWhere('r.status = :referralStatus', { referralStatus: filter.status });
  return paginate(ctx, CommitteeReferral, query, 'r', page, { property: 'referredAt', direction: 'DESC', isDate: true });
}

/**
 * Why a case may not (yet) go to the committee: a vendor on it must be declared unreachable, listed publicly, and
 * still without contact `committeeAfterDays` after its listing became public.
 */
async function unmetReferralRule(tx: RequestContext, caseId: string): Promise<{ unmet: string[]; message: string } | null> {
  const manager = managerOf(tx);
  const unreachable = await manager.getRepository(UnreachableDeclaration).find({ where: { caseId, status: UnreachableStatus.UNREACHABLE } });
  if (unreachable.length === 0) return { unmet: ['vendorUnreachable'], message: 'No vendor on this case is declared unreachable' };
  const listings = await manager
    .getRepository(UnreachableListing)
    .createQueryBuilder('l')
    .where('l.declarationId IN (:...declarationIds)', { declarationIds: unreachable.map((declaration) => declaration.id) })
    .andWhere('l.withdrawn = :notWithdrawn', { notWithdrawn: false })
    .andWhere('l.stageOnePublishedAt <= :referralNow', { referralNow: tx.now })
    .orderBy('l.stageOnePublishedAt', 'ASC')
    .getMany();
  if (listings.length === 0) return { unmet: ['listed'], message: 'No unreachable vendor on this case is on the public list yet' };
  const days = tx.config.unreachable.committeeAfterDays;
  const earliest = new Date(listings[0].stageOnePublishedAt.getTime() + days * DAY_MS);
  if (tx.now.getTime() < earliest.getTime()) {
    return { unmet: ['committeeAfterDays'], message: `A case goes to the committee after its vendor has been listed ${days} days without contact, from ${earliest.toISOString()}` };
  }
  return null;
}

export async function referCaseToCommittee(ctx: RequestContext, input: ReferCaseInput): Promise<CommitteeReferral> {
  if (!ctx.ability.can('create', 'CommitteeReferral')) throw new ForbiddenError('Only coordinator staff refer cases to the committee');
  const id = await inTransaction(ctx, async (tx) => {
    await lockRow(tx, 'case_file', input.caseId);
    const owner = await findAccessibleById(tx, Case, input.caseId);
    if (!CASE_STATES_IN_COORDINATION.includes(owner.state)) throw new ConflictError(`Only a case in ${CASE_STATES_IN_COORDINATION.join(' or ')} can be referred`);
    const referrals = managerOf(tx).getRepository(CommitteeReferral);
    const latest = await referrals.findOne({ where: { caseId: owner.id }, order: { referredAt: 'DESC', id: 'DESC' } });
    if (latest?.status === ReferralStatus.OPEN) throw new ConflictError('This case is already before the committee');
    if (latest?.decision === CommitteeDecision.APPROVED) throw new ConflictError('The committee has already approved publication for this case');
    const unmet = await unmetReferralRule(tx, owner.id);
    if (unmet) throw new RuleNotMetError(unmet.message, unmet.unmet);
    const referral = {
      id: newId(),
      caseId: owner.id,
      status: ReferralStatus.OPEN,
      referredAt: tx.now,
      referredByUserId: tx.viewer.kind === 'authenticated' ? tx.viewer.userId : null,
      supplierInvolvement: input.supplierInvolvement,
      supplierInvolvementReasoning: input.supplierInvolvementReasoning,
      exploitation: input.exploitation,
      exploitationReasoning: input.exploitationReasoning,
      publicValueAdded: input.publicValueAdded,
      publicValueAddedReasoning: input.publicValueAddedReasoning,
      societalImpact: input.societalImpact,
      harmBalance: input.harmBalance,
      coordinatorVerification: input.coordinatorVerification,
      decision: null,
      decidedAt: null,
      decidedByUserId: null,
      decisionReasons: null,
      approveVotes: null,
      rejectVotes: null,
      abstainVotes: null,
      updatedAt: tx.now,
    };
    await referrals.insert(referral);
    return referral.id;
  });
  return getReferral(ctx, id);
}

/**
 * The referral a committee act is about, locked until the transaction ends. Viewers who may read no referral at all
 * get NOT_FOUND before anything is locked, exactly as for an id that does not exist.
 */
async function lockedReferral(tx: RequestContext, referralId: string): Promise<CommitteeReferral> {
  if (!tx.ability.can('read', 'CommitteeReferral')) throw new NotFoundError('CommitteeReferral');
  await lockRow(tx, 'committee_referral', referralId);
  return findAccessibleById(tx, CommitteeReferral, referralId);
}

function assertOpen(referral: CommitteeReferral): void {
  if (referral.status !== ReferralStatus.OPEN) throw new ConflictError(`The referral is ${referral.status.toLowerCase()}: nothing more can be recorded on it`);
}

function member(ctx: RequestContext): { userId: string; displayName: string } {
  const viewer = ctx.viewer;
  if (viewer.kind !== 'authenticated' || !viewer.userId) throw new ForbiddenError('Only committee members, in person, act on referrals');
  return { userId: viewer.userId, displayName: viewer.displayName };
}

export async function declareConflictOfInterest(ctx: RequestContext, input: DeclareConflictInput): Promise<CommitteeConflict> {
  const id = await inTransaction(ctx, async (tx) => {
    const referral = await lockedReferral(tx, input.referralId);
    if (!tx.ability.can('create', 'CommitteeConflict')) throw new ForbiddenError('Only committee members declare conflicts of interest');
    const { userId, displayName } = member(tx);
    assertOpen(referral);
    const manager = managerOf(tx);
    if (await manager.getRepository(CommitteeConflict).exists({ where: { referralId: referral.id, memberUserId: userId } })) {
      throw new ConflictError('You have already declared a conflict of interest on this referral');
    }
    if (await manager.getRepository(CommitteeVote).exists({ where: { referralId: referral.id, memberUserId: userId } })) {
      throw new ConflictError('You have already voted on this referral; ask the chair how to proceed');
    }
    const conflict = { id: newId(), referralId: referral.id, memberUserId: userId, memberName: displayName, reason: input.reason, declaredAt: tx.now };
    await manager.getRepository(CommitteeConflict).insert(conflict);
    return conflict.id;
  });
  return findAccessibleById(ctx, CommitteeConflict, id);
}

export async function castVote(ctx: RequestContext, input: CastVoteInput): Promise<CommitteeVote> {
  const id = await inTransaction(ctx, async (tx) => {
    const referral = await lockedReferral(tx, input.referralId);
    if (!tx.ability.can('vote', 'CommitteeReferral')) throw new ForbiddenError('Only committee members vote');
    const { userId, displayName } = member(tx);
    assertOpen(referral);
    if (!may(tx, 'vote', 'CommitteeReferral', referral)) throw new ForbiddenError('You may not vote on this referral');
    const manager = managerOf(tx);
    if (await manager.getRepository(CommitteeConflict).exists({ where: { referralId: referral.id, memberUserId: userId } })) {
      throw new ForbiddenError('You declared a conflict of interest on this case and may not vote on it');
    }
    if (await manager.getRepository(CommitteeVote).exists({ where: { referralId: referral.id, memberUserId: userId } })) {
      throw new ConflictError('You have already voted on this referral; a vote cannot be changed');
    }
    const vote = { id: newId(), referralId: referral.id, memberUserId: userId, memberName: displayName, choice: input.choice, reasons: input.reasons, castAt: tx.now };
    await manager.getRepository(CommitteeVote).insert(vote);
    return vote.id;
  });
  return findAccessibleById(ctx, CommitteeVote, id);
}

export async function decideReferral(ctx: RequestContext, input: DecideReferralInput): Promise<CommitteeReferral> {
  await inTransaction(ctx, async (tx) => {
    const current = await lockedReferral(tx, input.referralId);
    if (!tx.ability.can('decide', 'CommitteeReferral')) throw new ForbiddenError('Only the committee chair records the decision');
    const { userId } = member(tx);
    assertOpen(current);
    const rows = await managerOf(tx)
      .getRepository(CommitteeVote)
      .createQueryBuilder('v')
      .select('v.choice', 'choice')
      .addSelect('COUNT(*)', 'votes')
      .where('v.referralId = :tallyReferral', { tallyReferral: current.id })
      .groupBy('v.choice')
      .getRawMany<{ choice: VoteChoice; votes: number | string }>();
    const count = (choice: VoteChoice) => Number(rows.find((row) => row.choice === choice)?.votes ?? 0);
    const tally: Tally = { approve: count(VoteChoice.APPROVE), reject: count(VoteChoice.REJECT), abstain: count(VoteChoice.ABSTAIN) };
    const quorum = tx.config.committee.quorum;
    const decision = decide(tally, quorum);
    if (!decision) {
      const cast = tally.approve + tally.reject + tally.abstain;
      throw new RuleNotMetError(`${cast} votes cast; the quorum is ${quorum}`, ['quorum']);
    }
    await managerOf(tx).getRepository(CommitteeReferral).update(
      { id: current.id, status: ReferralStatus.OPEN },
      {
        status: ReferralStatus.DECIDED,
        decision,
        decidedAt: tx.now,
        decidedByUserId: userId,
        decisionReasons: input.reasons,
        approveVotes: tally.approve,
        rejectVotes: tally.reject,
        abstainVotes: tally.abstain,
        updatedAt: tx.now,
      },
    );
  });
  return getReferral(ctx, input.referralId);
}

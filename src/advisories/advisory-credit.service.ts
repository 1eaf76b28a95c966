import { accessibleQuery, findAccessibleById, findAccessibleByIdOrNull, loadAccessible, managerOf, may } from '../authorization/accessible';
import { newId } from '../common/columns';
import { inTransaction, RequestContext } from '../context/request-context';
import { BadUserInputError, ForbiddenError } from '../errors/errors';
import { User } from '../organizations/user.entity';
import { Advisory } from './advisory.entity';
import { AddAdvisoryCreditInput, RespondToAdvisoryCreditInput } from './advisory.input';
import { AdvisoryCredit, CreditStatus } from './advisory-publication.entity';

const MAX_OWN_CREDITS = 100;

/** Staff who may edit the advisory name people in it; every credit starts PENDING and is public only once ACCEPTED. */
export async function addAdvisoryCredit(ctx: RequestContext, input: AddAdvisoryCreditInput): Promise<AdvisoryCredit> {
  const id = await inTransaction(ctx, async (tx) => {
    const advisory = await findAccessibleById(tx, Advisory, input.advisoryId);
    if (!may(tx, 'update', 'Advisory', advisory)) throw new ForbiddenError('You may not edit the credits of this advisory');
    if (input.userId && !(await findAccessibleByIdOrNull(tx, User, input.userId))) throw new BadUserInputError('userId does not name a user', 'userId');
    const credit = {
      id: newId(), advisoryId: advisory.id, type: input.type, name: input.name.trim(), organizationName: input.organizationName?.trim() || null,
      userId: input.userId ?? null, status: CreditStatus.PENDING, respondedAt: null, createdAt: tx.now,
    };
    await managerOf(tx).getRepository(AdvisoryCredit).insert(credit);
    return credit.id;
  });
  return findAccessibleById(ctx, AdvisoryCredit, id);
}

/**
 * Accepts or declines being named. Consent is personal: a credit tied to an account is answered by that account
 * alone, whatever else the caller may do; staff record the answer only for people without an account.
 */
export async function respondToAdvisoryCredit(ctx: RequestContext, input: RespondToAdvisoryCreditInput): Promise<AdvisoryCredit> {
  await inTransaction(ctx, async (tx) => {
    const credit = await findAccessibleById(tx, AdvisoryCredit, input.creditId);
    const viewerUserId = tx.viewer.kind === 'authenticated' ? tx.viewer.userId : null;
    const answersForThemselves = credit.userId !== null && credit.userId === viewerUserId;
    const mayRecordAnswers = may(tx, 'respond', 'AdvisoryCredit', credit);
    if (!mayRecordAnswers || (credit.userId !== null && !answersForThemselves)) {
      // Whether a credit names an account is not public: only staff, who may read the credit in full, learn why.
      throw new ForbiddenError(mayRecordAnswers ? 'Only the credited person may answer this credit' : 'You may not answer this credit');
    }
    await managerOf(tx).getRepository(AdvisoryCredit).update(
      { id: credit.id },
      { status: input.accept ? CreditStatus.ACCEPTED : CreditStatus.DECLINED, respondedAt: tx.now },
    );
  });
  return findAccessibleById(ctx, AdvisoryCredit, input.creditId);
}

export async function removeAdvisoryCredit(ctx: RequestContext, creditId: string): Promise<string> {
  await inTransaction(ctx, async (tx) => {
    const credit = await findAccessibleById(tx, AdvisoryCredit, creditId);
    const advisory = await findAccessibleById(tx, Advisory, credit.advisoryId);
    if (!may(tx, 'update', 'Advisory', advisory)) throw new ForbiddenError('You may not edit the credits of this advisory');
    await managerOf(tx).getRepository(AdvisoryCredit).delete({ id: credit.id });
  });
  return creditId;
}

/** The credits that name the viewer, newest first, whatever their status: the viewer decides on them. */
export async function myAdvisoryCredits(ctx: RequestContext): Promise<AdvisoryCredit[]> {
  const viewerUserId = ctx.viewer.kind === 'authenticated' ? ctx.viewer.userId : null;
  if (!viewerUserId) return [];
  const query = accessibleQuery(ctx, AdvisoryCredit, 'c');
  if (!query) return [];
  query.andWhere('c.userId = :creditUser', { creditUser: viewerUserId }).orderBy('c.createdAt', 'DESC').addOrderBy('c.id', 'DESC').limit(MAX_OWN_CREDITS);
  return loadAccessible(ctx, AdvisoryCredit, query);
}

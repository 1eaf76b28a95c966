import { findAccessibleById, managerOf } from '../authorization/accessible';
import { CaseVendor } from '../cases/case.entity';
import { newId } from '../common/columns';
import { inTransaction, RequestContext } from '../context/request-context';
import { BadUserInputError, ForbiddenError } from '../errors/errors';
import { ContactAttempt } from './contact-attempt.entity';
import { RecordContactAttemptInput } from './contact-attempt.input';

/** Appends an attempt. There is no update: a correction is a new record that names the one it corrects. */
export async function recordContactAttempt(ctx: RequestContext, input: RecordContactAttemptInput, onRecorded?: (tx: RequestContext, attempt: ContactAttempt, caseVendor: CaseVendor) => Promise<void>): Promise<ContactAttempt> {
  if (!ctx.ability.can('create', 'ContactAttempt')) throw new ForbiddenError('You may not record contact attempts');
  if (input.attemptedAt.getTime() > ctx.now.getTime()) throw new BadUserInputError('attemptedAt cannot be in the future', 'attemptedAt');
  const id = await inTransaction(ctx, async (tx) => {
    const caseVendor = await findAccessibleById(tx, CaseVendor, input.caseVendorId);
    if (input.correctsAttemptId) {
      const corrected = await findAccessibleById(tx, ContactAttempt, input.correctsAttemptId);
      if (corrected.caseVendorId !== caseVendor.id) throw new BadUserInputError('correctsAttemptId names an attempt on another vendor or case', 'correctsAttemptId');
    }
    const attempt: ContactAttempt = Object.assign(new ContactAttempt(), {
      id: newId(),
      caseVendorId: caseVendor.id,
      caseId: caseVendor.caseId,
      channel: input.channel,
      address: input.address,
      attemptedAt: input.attemptedAt,
      recordedByUserId: tx.viewer.kind === 'authenticated' ? tx.viewer.userId : null,
      outcome: input.outcome,
      notes: input.notes ?? null,
      correctsAttemptId: input.correctsAttemptId ?? null,
      createdAt: tx.now,
    });
    await managerOf(tx).getRepository(ContactAttempt).insert(attempt);
    if (onRecorded) await onRecorded(tx, attempt, caseVendor);
    return attempt.id;
  });
  return findAccessibleById(ctx, ContactAttempt, id);
}

import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { Access } from '../authorization/access';
import type { RequestContext } from '../context/request-context';
import { ContactAttempt } from './contact-attempt.entity';
import { RecordContactAttemptInput } from './contact-attempt.input';
import { recordContactAttempt } from './contact-attempt.service';
import { establishContactOnReply } from '../unreachable/unreachable.service';

@Resolver(() => ContactAttempt)
export class ContactAttemptResolver {
  @Access('AUTHENTICATED')
  @Mutation(() => ContactAttempt, { description: 'Coordinator staff record an attempt to reach a vendor. Append-only.' })
  recordContactAttempt(@Ctx() ctx: RequestContext, @Arg('input') input: RecordContactAttemptInput) {
    // A reply from a vendor declared unreachable ends the declaration in the same transaction.
    return recordContactAttempt(ctx, input, establishContactOnReply);
  }
}

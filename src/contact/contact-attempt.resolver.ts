import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { Access } from '../authorization/access';
import type { RequestContext } from '../context/request-context';
import { ContactAttempt } from './contact-attempt.entity';
import { RecordContactAttemptInput } from './contact-attempt.input';
import { recordContactAttempt } from './contact-attempt.service';

@Resolver(() => ContactAttempt)
export class ContactAttemptResolver {
  @Access('AUTHENTICATED')
  @Mutation(() => ContactAttempt, { description: 'Coordinator staff record an attempt to reach a vendor. Append-only.' })
  recordContactAttempt(@Ctx() ctx: RequestContext, @Arg('input') input: RecordContactAttemptInput) {
    return recordContactAttempt(ctx, input);
  }
}

import { ContactChannel, ContactOutcome } from '../contact/contact-attempt.entity';
import { AttemptEvidence, evaluateUnreachableRule } from './unreachable-rule';

const RULE = { minAttempts: 5, minDays: 30, minChannels: 2, stageTwoAfterDays: 90, committeeAfterDays: 90 };
const start = Date.parse('2026-01-01T00:00:00.000Z');
const attempt = (day: number, channel = ContactChannel.EMAIL, outcome = ContactOutcome.NO_RESPONSE): AttemptEvidence => ({
  channel, outcome, attemptedAt: new Date(start + day * 86_400_000),
});

describe('the rule for declaring a vendor unreachable', () => {
  it('is met by five unanswered attempts over thirty days through two channels', () => {
    const evaluation = evaluateUnreachableRule([attempt(0), attempt(7), attempt(14, ContactChannel.PHONE), attempt(21), attempt(30)], RULE);
    expect(evaluation).toMatchObject({ unmet: [], attemptCount: 5, channelCount: 2, spanDays: 30 });
    expect(evaluation.firstAttemptAt?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('names every unmet part, in the order of the rule', () => {
    expect(evaluateUnreachableRule([], RULE).unmet).toEqual(['minAttempts', 'minDays', 'minChannels']);
    expect(evaluateUnreachableRule([attempt(0, ContactChannel.EMAIL, ContactOutcome.REPLIED)], RULE).unmet).toEqual(['minAttempts', 'minDays', 'minChannels', 'noReply']);
  });

  it('measures the span between the first and the last attempt, whatever their order', () => {
    const evaluation = evaluateUnreachableRule([attempt(29.9), attempt(0), attempt(10, ContactChannel.FAX), attempt(5), attempt(3)], RULE);
    expect(evaluation.unmet).toEqual(['minDays']);
    expect(evaluation.problems).toEqual(['the attempts span 29 days, at least 30 needed']);
  });

  it('refuses as soon as one attempt was answered, however many others were not', () => {
    const attempts = [0, 10, 20, 30, 40].map((day) => attempt(day, day % 20 ? ContactChannel.PHONE : ContactChannel.EMAIL));
    attempts.push(attempt(41, ContactChannel.POSTAL_MAIL, ContactOutcome.REPLIED));
    expect(evaluateUnreachableRule(attempts, RULE).unmet).toEqual(['noReply']);
  });

  it('follows the configuration', () => {
    expect(evaluateUnreachableRule([attempt(0)], { ...RULE, minAttempts: 1, minDays: 0, minChannels: 1 }).unmet).toEqual([]);
  });
});

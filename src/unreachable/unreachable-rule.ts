import { AppConfig } from '../config/config';
import { ContactChannel, ContactOutcome } from '../contact/contact-attempt.entity';

export interface AttemptEvidence {
  channel: ContactChannel;
  attemptedAt: Date;
  outcome: ContactOutcome;
}

/** The parts of the configurable rule, named as in `config.unreachable` (and `noReply` for "none REPLIED"). */
export type UnreachableRulePart = 'minAttempts' | 'minDays' | 'minChannels' | 'noReply';

export interface RuleEvaluation {
  /** The parts not met, in the rule's order; empty when the vendor may be declared unreachable. */
  unmet: UnreachableRulePart[];
  /** One sentence per unmet part, for the error message. */
  problems: string[];
  attemptCount: number;
  channelCount: number;
  firstAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  spanDays: number;
}

const DAY_MS = 86_400_000;

/**
 * Checks recorded attempts against the rule for declaring a vendor unreachable: at least `minAttempts` attempts,
 * the first and the last at least `minDays` apart, through at least `minChannels` distinct channels, and none
 * answered. `attempts` are the attempts in force (a corrected attempt is replaced by its correction).
 */
export function evaluateUnreachableRule(attempts: readonly AttemptEvidence[], rule: AppConfig['unreachable']): RuleEvaluation {
  const times = attempts.map((attempt) => attempt.attemptedAt.getTime());
  const first = times.length ? Math.min(...times) : null;
  const last = times.length ? Math.max(...times) : null;
  const spanDays = first === null || last === null ? 0 : (last - first) / DAY_MS;
  const channelCount = new Set(attempts.map((attempt) => attempt.channel)).size;
  const replies = attempts.filter((attempt) => attempt.outcome === ContactOutcome.REPLIED).length;

  const unmet: UnreachableRulePart[] = [];
  const problems: string[] = [];
  if (attempts.length < rule.minAttempts) {
    unmet.push('minAttempts');
    problems.push(`${attempts.length} attempts recorded, at least ${rule.minAttempts} needed`);
  }
  if (spanDays < rule.minDays) {
    unmet.push('minDays');
    problems.push(`the attempts span ${Math.floor(spanDays)} days, at least ${rule.minDays} needed`);
  }
  if (channelCount < rule.minChannels) {
    unmet.push('minChannels');
    problems.push(`${channelCount} distinct channels used, at least ${rule.minChannels} needed`);
  }
  if (replies > 0) {
    unmet.push('noReply');
    problems.push(`the vendor replied to ${replies} attempt${replies === 1 ? '' : 's'}`);
  }
  return {
    unmet,
    problems,
    attemptCount: attempts.length,
    channelCount,
    firstAttemptAt: first === null ? null : new Date(first),
    lastAttemptAt: last === null ? null : new Date(last),
    spanDays,
  };
}

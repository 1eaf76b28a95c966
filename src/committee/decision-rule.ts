import { CommitteeDecision } from './committee.entity';

export interface Tally {
  approve: number;
  reject: number;
  abstain: number;
}

/**
 * The decision rule: at least `quorum` votes cast (abstentions count as cast), and publication is approved only
 * when more than half of the votes cast approve it. A tie, or abstentions that leave approval short of half,
 * reject it: publishing without the vendor needs a positive majority. Null: no decision yet (below quorum).
 */
export function decide(tally: Tally, quorum: number): CommitteeDecision | null {
  const cast = tally.approve + tally.reject + tally.abstain;
  if (cast < quorum || cast === 0) return null;
  return tally.approve * 2 > cast ? CommitteeDecision.APPROVED : CommitteeDecision.REJECTED;
}

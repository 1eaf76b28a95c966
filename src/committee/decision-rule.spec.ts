import { CommitteeDecision } from './committee.entity';
import { decide } from './decision-rule';

describe("the committee's decision rule", () => {
  it.each([
    [{ approve: 2, reject: 0, abstain: 0 }, 3, null],
    [{ approve: 0, reject: 0, abstain: 0 }, 0, null],
    [{ approve: 3, reject: 0, abstain: 0 }, 3, CommitteeDecision.APPROVED],
    [{ approve: 2, reject: 1, abstain: 0 }, 3, CommitteeDecision.APPROVED],
    [{ approve: 2, reject: 0, abstain: 1 }, 3, CommitteeDecision.APPROVED],
    [{ approve: 1, reject: 1, abstain: 1 }, 3, CommitteeDecision.REJECTED],
    [{ approve: 2, reject: 2, abstain: 0 }, 3, CommitteeDecision.REJECTED],
    [{ approve: 2, reject: 1, abstain: 1 }, 3, CommitteeDecision.REJECTED],
    [{ approve: 1, reject: 2, abstain: 0 }, 3, CommitteeDecision.REJECTED],
    [{ approve: 3, reject: 2, abstain: 0 }, 5, CommitteeDecision.APPROVED],
    [{ approve: 3, reject: 1, abstain: 0 }, 5, null],
  ])('%j with quorum %d decides %s', (tally, quorum, expected) => {
    expect(decide(tally, quorum)).toBe(expected);
  });
});

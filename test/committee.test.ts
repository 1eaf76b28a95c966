import { randomUUID } from 'node:crypto';
import { signToken } from '../src/context/authentication';
import { createHarness, errorCode, Harness, Persona } from './support/harness';
import { createSilentCase, declareAndList, graphqlAsToken, okAsToken, REFERRAL_INPUT, SilentCase } from './support/unreachable-path';

const REFER = `mutation($input: ReferCaseInput!) { referCaseToCommittee(input: $input) { id status ssvcOutcome } }`;
const VOTE = `mutation($input: CastVoteInput!) { castCommitteeVote(input: $input) { id choice memberName } }`;
const CONFLICT = `mutation($input: DeclareConflictInput!) { declareConflictOfInterest(input: $input) { id memberName } }`;
const DECIDE = `mutation($input: DecideReferralInput!) { decideCommitteeReferral(input: $input) { id status decision decidedAt decisionReasons approveVotes rejectVotes abstainVotes } }`;
const PUBLISH_UNABLE = `mutation($input: PublishUnableToCoordinateInput!) { publishUnableToCoordinate(input: $input) { id status identifier unableToCoordinate coordinatorVerification publishedAt } }`;
const PUBLISH_NORMAL = `mutation($input: PublishAdvisoryInput!) { publishAdvisory(input: $input) { id } }`;
const REFERRALS = `{ committeeReferrals(first: 50) { totalCount edges { node { id caseId: case { id } status decision approveVotes rejectVotes abstainVotes decisionReasons votes { memberName choice reasons } conflicts { memberName reason } } } } }`;

interface ReferralView {
  id: string;
  status: string;
  votes: { memberName: string; choice: string; reasons: string }[];
}

describe('the publication decision committee and publication marked "unable to coordinate"', () => {
  let h: Harness;
  let silent: SilentCase;
  let advisoryId: string;
  let referralId: string;
  let member3Token: string;

  /** What every refusal must leave as it was: referrals with votes and conflicts, the advisory, the case, the public advisories. */
  async function snapshot(): Promise<string> {
    const referrals = await h.ok('coordinatorStaff', REFERRALS);
    const advisory = await h.ok('coordinatorStaff', 'query($id: ID!) { advisory(id: $id) { status identifier unableToCoordinate coordinatorVerification publishedAt } }', { id: advisoryId });
    const owner = await h.ok('coordinatorStaff', 'query($id: ID!) { case(id: $id) { state transitions { toState } } }', { id: silent.caseId });
    const published = await h.ok('anonymous', '{ advisories { totalCount } }');
    return JSON.stringify({ referrals, advisory, owner, published });
  }

  beforeAll(async () => {
    h = await createHarness();
    silent = await createSilentCase(h, 'Mute');
    await declareAndList(h, silent);
    const advisory = await h.ok<{ createAdvisory: { id: string } }>('coordinatorStaff', 'mutation($input: CreateAdvisoryInput!) { createAdvisory(input: $input) { id } }', {
      input: { caseId: silent.caseId, overview: 'Remote code execution in Mute Gateway.', impact: 'Full compromise.', solution: 'Block port 8443.' },
    });
    advisoryId = advisory.createAdvisory.id;
    const member3 = await h.ok<{ createUser: { id: string } }>('committeeChair', 'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }', {
      input: { email: 'committee-member3@renraku.example', displayName: 'Nao Committee Member' },
    });
    member3Token = await signToken(h.config, member3.createUser.id);
  }, 120_000);
  afterAll(async () => h?.close());

  it('refuses a referral before the vendor has been listed for the configured period, or without an unreachable vendor, and changes nothing', async () => {
    const before = await snapshot();
    const early = await h.graphql('coordinatorStaff', REFER, { input: { ...REFERRAL_INPUT, caseId: silent.caseId } });
    expect(errorCode(early)).toBe('RULE_NOT_MET');
    expect(early.errors?.[0]?.extensions?.unmet).toEqual(['committeeAfterDays']);
    const noDeclaration = await h.graphql('coordinatorStaff', REFER, { input: { ...REFERRAL_INPUT, caseId: h.world.cases.coordinating } });
    expect(noDeclaration.errors?.[0]?.extensions?.unmet).toEqual(['vendorUnreachable']);
    expect(await snapshot()).toBe(before);
  });

  it.each<[Persona, string]>([
    ['committeeChair', 'FORBIDDEN'],
    ['vendorAcmeAdmin', 'FORBIDDEN'],
    ['finder', 'FORBIDDEN'],
    ['anonymous', 'UNAUTHENTICATED'],
  ])('lets only coordinator staff refer a case: %s gets %s', async (persona, code) => {
    h.clock.advanceDays(0);
    const before = await snapshot();
    expect(errorCode(await h.graphql(persona, REFER, { input: { ...REFERRAL_INPUT, caseId: silent.caseId } }))).toBe(code);
    expect(await snapshot()).toBe(before);
  });

  it('refers the case once the vendor has been listed long enough, with the SSVC outcome, and only once', async () => {
    h.clock.advanceDays(h.config.unreachable.committeeAfterDays);
    const referred = await h.ok<{ referCaseToCommittee: { id: string; status: string; ssvcOutcome: string } }>('coordinatorStaff', REFER, { input: { ...REFERRAL_INPUT, caseId: silent.caseId } });
    expect(referred.referCaseToCommittee).toMatchObject({ status: 'OPEN', ssvcOutcome: 'PUBLISH' });
    referralId = referred.referCaseToCommittee.id;
    const before = await snapshot();
    expect(errorCode(await h.graphql('coordinatorStaff', REFER, { input: { ...REFERRAL_INPUT, caseId: silent.caseId } }))).toBe('CONFLICT');
    expect(await snapshot()).toBe(before);
  });

  it('shows committee members only the referred cases, with the vulnerability, every attempt, the list history and the verification', async () => {
    const cases = await h.ok<{ cases: { totalCount: number; edges: { node: { id: string } }[] } }>('committeeMember', '{ cases(first: 50) { totalCount edges { node { id } } } }');
    expect(cases.cases.edges.map((edge) => edge.node.id).sort()).toEqual([h.world.cases.silentVendor, silent.caseId].sort());

    const view = await h.ok<{ case: Record<string, unknown> & { contactAttempts: { address: string | null; outcome: string }[]; unreachableDeclarations: { listing: { tips: unknown[]; productName: string | null }; events: { kind: string }[] }[]; committeeReferrals: { coordinatorVerification: string; votes: unknown[] }[] } }>(
      'committeeMember',
      `query($id: ID!) { case(id: $id) { id title description cvssV3Vector finderName coordinatorNotes caseVendors { id } transitions { id } advisory { id }
        contactAttempts { channel address outcome notes }
        unreachableDeclarations { vendorName attemptCount caseVendorId listing { vendorName stageOnePublishedAt productName tips { id } } events { kind } }
        committeeReferrals { coordinatorVerification societalImpact votes { id } } } }`,
      { id: silent.caseId },
    );
    expect(view.case).toMatchObject({ id: silent.caseId, title: silent.title, finderName: null, coordinatorNotes: null, caseVendors: [], transitions: [], advisory: null });
    expect(view.case.description).toContain('Secret details');
    expect(view.case.contactAttempts).toHaveLength(5);
    expect(view.case.contactAttempts.every((attempt) => attempt.address !== null && (attempt as { notes?: string | null }).notes === null)).toBe(true);
    expect(view.case.unreachableDeclarations[0].events.map((event) => event.kind)).toEqual(['DECLARED', 'LISTED_STAGE_ONE']);
    expect(view.case.unreachableDeclarations[0].listing.tips).toEqual([]);
    // The vendor row is not the committee's to see, nor its id (a leak the secrecy property once found).
    expect(view.case.unreachableDeclarations.map((declaration) => (declaration as { caseVendorId?: string | null }).caseVendorId)).toEqual([null]);
    const asStaff = await h.ok<{ case: { unreachableDeclarations: { caseVendorId: string | null }[] } }>('coordinatorStaff', 'query($id: ID!) { case(id: $id) { unreachableDeclarations { caseVendorId } } }', { id: silent.caseId });
    expect(asStaff.case.unreachableDeclarations.map((declaration) => declaration.caseVendorId)).toEqual([silent.caseVendorId]);
    expect(view.case.committeeReferrals[0].coordinatorVerification).toBe(REFERRAL_INPUT.coordinatorVerification);

    // Nothing else in the system: other cases, drafts, vendors, other organizations' people.
    expect(errorCode(await h.graphql('committeeMember', 'query($id: ID!) { case(id: $id) { id } }', { id: h.world.cases.coordinating }))).toBe('NOT_FOUND');
    expect(errorCode(await h.graphql('committeeMember', 'query($id: ID!) { advisory(id: $id) { id } }', { id: advisoryId }))).toBe('NOT_FOUND');
    const elsewhere = await h.ok<{ vendors: { totalCount: number }; advisories: { totalCount: number } }>('committeeMember', '{ vendors { totalCount } advisories { totalCount } }');
    const publicAdvisories = await h.ok<{ advisories: { totalCount: number } }>('anonymous', '{ advisories { totalCount } }');
    expect(elsewhere).toEqual({ vendors: { totalCount: 0 }, advisories: publicAdvisories.advisories });
  });

  it('refuses publication without a committee decision, through either path, and changes nothing', async () => {
    const before = await snapshot();
    const unable = await h.graphql('coordinatorStaff', PUBLISH_UNABLE, { input: { advisoryId } });
    expect(errorCode(unable)).toBe('RULE_NOT_MET');
    expect(unable.errors?.[0]?.extensions?.unmet).toEqual(['committeeApproval']);
    expect(errorCode(await h.graphql('coordinatorStaff', PUBLISH_NORMAL, { input: { advisoryId } }))).toBe('INVALID_TRANSITION');
    expect(await snapshot()).toBe(before);
  });

  it('lets a member declare a conflict of interest, and then refuses that member a vote, changing nothing', async () => {
    await h.ok('committeeMember2', CONFLICT, { input: { referralId, reason: 'I advise a competitor of Mute Systems.' } });
    const before = await snapshot();
    const vote = await h.graphql('committeeMember2', VOTE, { input: { referralId, choice: 'APPROVE', reasons: 'Publish.' } });
    expect(errorCode(vote)).toBe('FORBIDDEN');
    expect(vote.errors?.[0]?.message).toContain('conflict of interest');
    expect(errorCode(await h.graphql('committeeMember2', CONFLICT, { input: { referralId, reason: 'Again.' } }))).toBe('CONFLICT');
    expect(await snapshot()).toBe(before);
  });

  it.each<[Persona, string]>([
    ['coordinatorStaff', 'FORBIDDEN'],
    ['coordinatorAdmin', 'FORBIDDEN'],
    ['vendorAcmeAdmin', 'NOT_FOUND'],
    ['operator', 'NOT_FOUND'],
    ['finder', 'NOT_FOUND'],
    ['anonymous', 'UNAUTHENTICATED'],
  ])('refuses a vote from outside the committee: %s gets %s', async (persona, code) => {
    const before = await snapshot();
    expect(errorCode(await h.graphql(persona, VOTE, { input: { referralId, choice: 'APPROVE', reasons: 'Publish it.' } }))).toBe(code);
    expect(errorCode(await h.graphql(persona, DECIDE, { input: { referralId, reasons: 'Decided.' } }))).toBe(code);
    expect(await snapshot()).toBe(before);
  });

  it('records votes once per member and refuses a decision below the quorum or from anyone but the chair', async () => {
    await h.ok('committeeChair', VOTE, { input: { referralId, choice: 'APPROVE', reasons: 'The exposure is severe and the proof of concept public.' } });
    await h.ok('committeeMember', VOTE, { input: { referralId, choice: 'APPROVE', reasons: 'Users need the mitigations.' } });
    const before = await snapshot();
    const duplicate = await h.graphql('committeeMember', VOTE, { input: { referralId, choice: 'REJECT', reasons: 'Changed my mind.' } });
    expect(errorCode(duplicate)).toBe('CONFLICT');
    const short = await h.graphql('committeeChair', DECIDE, { input: { referralId, reasons: 'Approved.' } });
    expect(errorCode(short)).toBe('RULE_NOT_MET');
    expect(short.errors?.[0]?.extensions?.unmet).toEqual(['quorum']);
    expect(errorCode(await h.graphql('committeeMember', DECIDE, { input: { referralId, reasons: 'Approved.' } }))).toBe('FORBIDDEN');
    expect(await snapshot()).toBe(before);
  });

  it('shows votes and reasons to coordinator staff and the committee, and to nobody else', async () => {
    await okAsToken(h, member3Token, VOTE, { input: { referralId, choice: 'ABSTAIN', reasons: 'Not my field.' } });
    const coordinator = await h.ok<{ committeeReferrals: { edges: { node: ReferralView }[] } }>('coordinatorStaff', REFERRALS);
    const committee = await h.ok<{ committeeReferrals: { edges: { node: ReferralView }[] } }>('committeeMember', REFERRALS);
    const mine = (data: { committeeReferrals: { edges: { node: ReferralView }[] } }) => data.committeeReferrals.edges.find((edge) => edge.node.id === referralId)!.node;
    expect(mine(coordinator).votes.map((vote) => vote.choice).sort()).toEqual(['ABSTAIN', 'APPROVE', 'APPROVE']);
    expect(mine(committee)).toEqual(mine(coordinator));

    for (const persona of ['vendorAcmeAdmin', 'finder', 'receiver', 'operator'] as Persona[]) {
      const list = await h.ok<{ committeeReferrals: { totalCount: number } }>(persona, '{ committeeReferrals { totalCount } }');
      expect(list.committeeReferrals.totalCount).toBe(0);
      expect(errorCode(await h.graphql(persona, 'query($id: ID!) { committeeReferral(id: $id) { id } }', { id: referralId }))).toBe('NOT_FOUND');
    }
    // The finder sees its own demo case, but not that it went to the committee, nor the votes.
    const finderView = await h.ok<{ case: { committeeReferrals: unknown[]; unreachableDeclarations: unknown[] } }>('finder', 'query($id: ID!) { case(id: $id) { committeeReferrals { id } unreachableDeclarations { id } } }', { id: h.world.cases.silentVendor });
    expect(finderView.case).toEqual({ committeeReferrals: [], unreachableDeclarations: [] });
    expect(errorCode(await graphqlAsToken(h, silent.vendorToken, 'query($id: ID!) { committeeReferral(id: $id) { votes { reasons } } }', { id: referralId }))).toBe('NOT_FOUND');
    expect(errorCode(await h.graphql('anonymous', '{ committeeReferrals { totalCount } }'))).toBe('UNAUTHENTICATED');
  });

  it('records the decision by quorum and majority with its date and reasons, then accepts no more votes', async () => {
    const decided = await h.ok<{ decideCommitteeReferral: Record<string, unknown> }>('committeeChair', DECIDE, { input: { referralId, reasons: 'Two of three approve; one abstains.' } });
    expect(decided.decideCommitteeReferral).toEqual({
      id: referralId, status: 'DECIDED', decision: 'APPROVED', decidedAt: h.clock.now().toISOString(), decisionReasons: 'Two of three approve; one abstains.',
      approveVotes: 2, rejectVotes: 0, abstainVotes: 1,
    });
    const before = await snapshot();
    expect(errorCode(await h.graphql('committeeMember2', VOTE, { input: { referralId, choice: 'REJECT', reasons: 'Late.' } }))).toBe('CONFLICT');
    expect(errorCode(await h.graphql('committeeChair', DECIDE, { input: { referralId, reasons: 'Again.' } }))).toBe('CONFLICT');
    expect(await snapshot()).toBe(before);
  });

  it('publishes the approved advisory marked "unable to coordinate" with the verification, through the ordinary path', async () => {
    expect(errorCode(await h.graphql('committeeChair', PUBLISH_UNABLE, { input: { advisoryId } }))).toBe('NOT_FOUND');
    expect(errorCode(await graphqlAsToken(h, silent.vendorToken, PUBLISH_UNABLE, { input: { advisoryId } }))).toBe('NOT_FOUND');
    const published = await h.ok<{ publishUnableToCoordinate: { status: string; identifier: string; unableToCoordinate: boolean; coordinatorVerification: string; publishedAt: string } }>(
      'coordinatorStaff', PUBLISH_UNABLE, { input: { advisoryId } },
    );
    expect(published.publishUnableToCoordinate).toMatchObject({ status: 'PUBLISHED', unableToCoordinate: true, coordinatorVerification: REFERRAL_INPUT.coordinatorVerification, publishedAt: h.clock.now().toISOString() });
    expect(published.publishUnableToCoordinate.identifier).toMatch(/^JVN#\d{8}$/);

    const owner = await h.ok<{ case: { state: string; transitions: { toState: string; reason: string }[] } }>('coordinatorStaff', 'query($id: ID!) { case(id: $id) { state transitions { toState reason } } }', { id: silent.caseId });
    expect(owner.case.state).toBe('PUBLISHED');
    expect(owner.case.transitions.at(-1)).toEqual({ toState: 'PUBLISHED', reason: 'Published without the vendor after the committee approved' });

    const publicView = await h.ok<{ advisory: Record<string, unknown> }>('anonymous', 'query($id: ID!) { advisory(id: $id) { identifier unableToCoordinate coordinatorVerification internalNotes case { id } } }', { id: advisoryId });
    expect(publicView.advisory).toEqual({ identifier: published.publishUnableToCoordinate.identifier, unableToCoordinate: true, coordinatorVerification: REFERRAL_INPUT.coordinatorVerification, internalNotes: null, case: null });
    // The vendor, still never reached, gets the public advisory and nothing of the committee.
    const vendorView = await okAsToken<{ advisory: { unableToCoordinate: boolean }; committeeReferrals: { totalCount: number }; cases: { totalCount: number } }>(
      h, silent.vendorToken, 'query($id: ID!) { advisory(id: $id) { unableToCoordinate } committeeReferrals { totalCount } cases { totalCount } }', { id: advisoryId },
    );
    expect(vendorView).toEqual({ advisory: { unableToCoordinate: true }, committeeReferrals: { totalCount: 0 }, cases: { totalCount: 0 } });

    const before = await snapshot();
    expect(errorCode(await h.graphql('coordinatorStaff', PUBLISH_UNABLE, { input: { advisoryId } }))).toBe('CONFLICT');
    expect(await snapshot()).toBe(before);
  });

  it('rejects on a majority against (the demo referral), after which publication without the vendor stays refused', async () => {
    const demoReferral = h.world.referrals.silentVendor;
    // The same vote sent twice at once is counted once.
    const raced = await Promise.all([1, 2].map(() => h.graphql('committeeMember2', VOTE, { input: { referralId: demoReferral, choice: 'REJECT', reasons: 'Give the association route a chance.' } })));
    expect(raced.map((result) => errorCode(result) ?? 'OK').sort()).toEqual(['CONFLICT', 'OK']);
    const decided = await h.ok<{ decideCommitteeReferral: { decision: string; approveVotes: number; rejectVotes: number } }>('committeeChair', DECIDE, { input: { referralId: demoReferral, reasons: 'Majority against, for now.' } });
    expect(decided.decideCommitteeReferral).toMatchObject({ decision: 'REJECTED', approveVotes: 1, rejectVotes: 2 });
    const draft = await h.ok<{ createAdvisory: { id: string } }>('coordinatorStaff', 'mutation($input: CreateAdvisoryInput!) { createAdvisory(input: $input) { id } }', { input: { caseId: h.world.cases.silentVendor } });
    const refused = await h.graphql('coordinatorStaff', PUBLISH_UNABLE, { input: { advisoryId: draft.createAdvisory.id } });
    expect(errorCode(refused)).toBe('RULE_NOT_MET');
    expect(refused.errors?.[0]?.extensions?.unmet).toEqual(['committeeApproval']);
    const advisory = await h.ok<{ advisory: { status: string; identifier: string | null } }>('coordinatorStaff', 'query($id: ID!) { advisory(id: $id) { status identifier } }', { id: draft.createAdvisory.id });
    expect(advisory.advisory).toEqual({ status: 'DRAFT', identifier: null });
  });

  it('answers NOT_FOUND for a made-up referral exactly as for a hidden one', async () => {
    const hidden = await h.graphql('vendorAcmeAdmin', VOTE, { input: { referralId, choice: 'APPROVE', reasons: 'Publish it.' } });
    const madeUp = await h.graphql('committeeMember', VOTE, { input: { referralId: randomUUID(), choice: 'APPROVE', reasons: 'Publish it.' } });
    expect(errorCode(hidden)).toBe('NOT_FOUND');
    expect(hidden.errors?.[0]?.message).toBe(madeUp.errors?.[0]?.message);
  });
});

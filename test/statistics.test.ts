import { ObjectLiteral } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { createAdvisory } from '../src/advisories/advisory.service';
import { Case, CaseState, CaseVendor, CaseVendorStatus } from '../src/cases/case.entity';
import { newId } from '../src/common/columns';
import { VoteChoice } from '../src/committee/committee.entity';
import { castVote, decideReferral, referCaseToCommittee } from '../src/committee/committee.service';
import { publishUnableToCoordinate } from '../src/committee/unable-to-coordinate.service';
import { ContactAttempt, ContactChannel, ContactOutcome } from '../src/contact/contact-attempt.entity';
import { recordContactAttempt } from '../src/contact/contact-attempt.service';
import { RequestContext } from '../src/context/request-context';
import { Organization, OrganizationKind } from '../src/organizations/organization.entity';
import { DemoPersona } from '../src/demo/demo-world';
import { declareVendorUnreachable, establishContactOnReply, publishListingStageOne } from '../src/unreachable/unreachable.service';
import { Vendor } from '../src/vendors/vendor.entity';
import { createHarness, errorCode, Harness, Persona } from './support/harness';
import { REFERRAL_INPUT } from './support/unreachable-path';

const DAY = 86_400_000;
const STATISTICS = `query($from: DateTimeISO, $to: DateTimeISO) { statistics(from: $from, to: $to) {
  reportsHandled vendorsUnreachable vendorsListed vendorsReachedAfterListing vendorsStillUnreachable casesReferred casesApproved advisoriesPublishedUnableToCoordinate } }`;

/** The published figures of the partnership, plus the committee's share this world adds. */
const EXPECTED = {
  reportsHandled: 1788,
  vendorsUnreachable: 170,
  vendorsListed: 152,
  vendorsReachedAfterListing: 21,
  vendorsStillUnreachable: 131,
  casesReferred: 5,
  casesApproved: 3,
  advisoriesPublishedUnableToCoordinate: 2,
};
/** The demo world's own silent vendor: declared, listed, referred, undecided. */
const DEMO = {
  reportsHandled: 10, vendorsUnreachable: 1, vendorsListed: 1, vendorsReachedAfterListing: 0, vendorsStillUnreachable: 1, casesReferred: 1, casesApproved: 0, advisoriesPublishedUnableToCoordinate: 0,
};

describe('the statistics of the unreachable-vendor procedure', () => {
  let h: Harness;
  let from: Date;
  let to: Date;

  async function as(persona: DemoPersona): Promise<RequestContext> {
    return h.server.contextFor(await h.server.authenticator.authenticate(`Bearer ${h.tokens[persona]}`));
  }
  /** MariaDB takes concurrent transactions; the single SQLite connection runs them one after another. */
  async function inBatches<T>(items: T[], work: (item: T) => Promise<unknown>): Promise<void> {
    const size = h.db.kind === 'mariadb' ? 8 : 1;
    for (let start = 0; start < items.length; start += size) await Promise.all(items.slice(start, start + size).map(work));
  }
  /**
   * updateEntity(false): after a multi-row insert on MySQL, TypeORM 1.1 reads back the columns with defaults
   * without ordering and writes them onto the given objects by position, swapping their ids.
   */
  async function insertInChunks<T extends ObjectLiteral>(target: new () => T, rows: QueryDeepPartialEntity<T>[]): Promise<void> {
    for (let start = 0; start < rows.length; start += 100) {
      await h.db.dataSource.createQueryBuilder().insert().into(target).values(rows.slice(start, start + 100)).updateEntity(false).execute();
    }
  }

  beforeAll(async () => {
    h = await createHarness();
    h.clock.advanceDays(10);
    from = h.clock.now();
    to = new Date(from.getTime() + DAY);

    // The mass of reports and vendors is inserted in bulk; every step of the procedure below goes through the services.
    const received = (index: number) => new Date(from.getTime() + index * 1000);
    const cases: Case[] = Array.from({ length: EXPECTED.reportsHandled }, (_, index) => Object.assign(new Case(), {
      id: newId(), reference: `RNK-STAT-${String(index).padStart(5, '0')}`, title: `Statistics report ${index}`, description: 'Bulk report.', affectedProducts: 'Various',
      finderUserId: h.world.users.finder, finderName: 'Fumi Finder', finderConsentToName: false, receivedAt: received(index), registeredByOrgId: h.world.organizations.receiver,
      state: index < EXPECTED.vendorsUnreachable ? CaseState.VENDOR_CONTACT : CaseState.CLOSED, overseasCoordination: false,
      cvssV3Vector: null, cvssV4Vector: null, cweId: null, analysisNotes: null, coordinatorNotes: null, updatedAt: received(index),
    }));
    await insertInChunks(Case, cases);
    const silentCases = cases.slice(0, EXPECTED.vendorsUnreachable);
    const organizations = silentCases.map((_, index) => Object.assign(new Organization(), { id: newId(), name: `Silent Vendor ${index}`, kind: OrganizationKind.VENDOR, createdAt: from }));
    await insertInChunks(Organization, organizations);
    const vendors = organizations.map((organization) => Object.assign(new Vendor(), { id: newId(), organizationId: organization.id, name: organization.name, website: null, createdAt: from }));
    await insertInChunks(Vendor, vendors);
    const caseVendors = silentCases.map((owner, index) => Object.assign(new CaseVendor(), {
      id: newId(), caseId: owner.id, vendorId: vendors[index].id, status: CaseVendorStatus.UNNOTIFIED, statement: null, notifiedAt: null, updatedAt: from,
    }));
    await insertInChunks(CaseVendor, caseVendors);
    const attempts = caseVendors.flatMap((caseVendor) => [1, 11, 21, 31, 41].map((day, index) => Object.assign(new ContactAttempt(), {
      id: newId(), caseVendorId: caseVendor.id, caseId: caseVendor.caseId, channel: index % 2 ? ContactChannel.PHONE : ContactChannel.EMAIL, address: 'bulk',
      attemptedAt: new Date(from.getTime() + day * DAY), recordedByUserId: h.world.users.coordinatorStaff, outcome: ContactOutcome.NO_RESPONSE, notes: null, correctsAttemptId: null,
      createdAt: new Date(from.getTime() + day * DAY),
    })));
    await insertInChunks(ContactAttempt, attempts);

    // Day 42: every silent vendor is declared unreachable; 152 are listed now, 3 are scheduled far ahead, 2 will reply before their time.
    h.clock.advanceDays(42);
    const declarationIds: string[] = [];
    await inBatches(caseVendors, async (caseVendor) => {
      const declaration = await declareVendorUnreachable(await as('coordinatorStaff'), { caseVendorId: caseVendor.id });
      declarationIds[caseVendors.indexOf(caseVendor)] = declaration.id;
    });
    const listedNow = declarationIds.slice(0, EXPECTED.vendorsListed);
    const scheduled = declarationIds.slice(EXPECTED.vendorsListed, EXPECTED.vendorsListed + 5);
    await inBatches(listedNow, async (declarationId) => publishListingStageOne(await as('coordinatorStaff'), { declarationId }));
    await inBatches(scheduled, async (declarationId) => publishListingStageOne(await as('coordinatorStaff'), { declarationId, publishAt: new Date(h.clock.now().getTime() + 365 * DAY) }));

    // Day 43: 21 listed vendors answer (thanks to the list), and so do two of the scheduled ones, whose entries are withdrawn.
    h.clock.advanceDays(1);
    const replying = [...caseVendors.slice(0, EXPECTED.vendorsReachedAfterListing), ...caseVendors.slice(EXPECTED.vendorsListed + 3, EXPECTED.vendorsListed + 5)];
    await inBatches(replying, async (caseVendor) =>
      recordContactAttempt(
        await as('coordinatorStaff'),
        { caseVendorId: caseVendor.id, channel: ContactChannel.EMAIL, address: 'reply@vendor.example', attemptedAt: h.clock.now(), outcome: ContactOutcome.REPLIED },
        establishContactOnReply,
      ),
    );

    // Day 133: five of the still silent go to the committee; three are approved, one rejected, one open; two approved advisories are published.
    h.clock.advanceDays(90);
    const referred = silentCases.slice(EXPECTED.vendorsReachedAfterListing, EXPECTED.vendorsReachedAfterListing + EXPECTED.casesReferred);
    const referrals = [];
    for (const owner of referred) referrals.push(await referCaseToCommittee(await as('coordinatorStaff'), { ...REFERRAL_INPUT, caseId: owner.id }));
    const { APPROVE, REJECT, ABSTAIN } = VoteChoice;
    const ballots: [DemoPersona, VoteChoice][][] = [
      [['committeeChair', APPROVE], ['committeeMember', APPROVE], ['committeeMember2', APPROVE]],
      [['committeeChair', APPROVE], ['committeeMember', APPROVE], ['committeeMember2', REJECT]],
      [['committeeChair', APPROVE], ['committeeMember', ABSTAIN], ['committeeMember2', APPROVE]],
      [['committeeChair', REJECT], ['committeeMember', APPROVE], ['committeeMember2', REJECT]],
    ];
    for (const [index, ballot] of ballots.entries()) {
      for (const [persona, choice] of ballot) await castVote(await as(persona), { referralId: referrals[index].id, choice, reasons: 'As discussed.' });
      await decideReferral(await as('committeeChair'), { referralId: referrals[index].id, reasons: 'Tallied.' });
    }
    for (const owner of referred.slice(0, 2)) {
      const advisory = await createAdvisory(await as('coordinatorStaff'), { caseId: owner.id, overview: 'Published without the vendor.' });
      await publishUnableToCoordinate(await as('coordinatorStaff'), { advisoryId: advisory.id });
    }
  }, 300_000);
  afterAll(async () => h?.close());

  it('returns the published figures for the period, computed by the database', async () => {
    const data = await h.ok<{ statistics: typeof EXPECTED }>('coordinatorStaff', STATISTICS, { from: from.toISOString(), to: to.toISOString() });
    expect(data.statistics).toEqual(EXPECTED);
    expect(data.statistics.vendorsListed).toBe(data.statistics.vendorsReachedAfterListing + data.statistics.vendorsStillUnreachable);
  });

  it('selects reports by the date they were received: without a period it adds the demo world, before it only the demo world', async () => {
    const all = await h.ok<{ statistics: typeof EXPECTED }>('coordinatorStaff', STATISTICS, {});
    const sum = Object.fromEntries(Object.entries(EXPECTED).map(([name, value]) => [name, value + DEMO[name as keyof typeof DEMO]]));
    expect(all.statistics).toEqual(sum);
    const before = await h.ok<{ statistics: typeof EXPECTED }>('coordinatorStaff', STATISTICS, { from: new Date(from.getTime() - 1000 * DAY).toISOString(), to: from.toISOString() });
    expect(before.statistics).toEqual(DEMO);
  });

  it('refuses a reversed period', async () => {
    expect(errorCode(await h.graphql('coordinatorStaff', STATISTICS, { from: to.toISOString(), to: from.toISOString() }))).toBe('BAD_USER_INPUT');
  });

  it.each<[Persona, string]>([
    ['committeeChair', 'FORBIDDEN'],
    ['receiver', 'FORBIDDEN'],
    ['vendorAcmeAdmin', 'FORBIDDEN'],
    ['operator', 'FORBIDDEN'],
    ['finder', 'FORBIDDEN'],
    ['anonymous', 'UNAUTHENTICATED'],
  ])('is for coordinator staff only: %s gets %s', async (persona, code) => {
    expect(errorCode(await h.graphql(persona, STATISTICS, {}))).toBe(code);
  });
});

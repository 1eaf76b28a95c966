import { In } from 'typeorm';
import { Case, CaseState, CaseTransition } from '../../src/cases/case.entity';
import { isLegalTransition } from '../../src/cases/case-state';
import { newId } from '../../src/common/columns';
import { CommitteeDecision, CommitteeReferral, ReferralStatus } from '../../src/committee/committee.entity';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createHarness, errorCode, Harness, Persona } from '../support/harness';
import { createAdvisory, publish } from './support/advisory-fixtures';

/**
 * A publication scheduled for later must not show in its case before its time. Two scheduled cases of the demo
 * world: the coordinating case (coordinated, scheduled from COORDINATING; Acme and Globex notified; an operator holds
 * a grant on its advisory) and the silent vendor's case (unable to coordinate, scheduled from VENDOR_CONTACT, referred
 * to the committee), due one hour apart. Every persona, at the due time's millisecond either side.
 */
const DAY = 86_400_000;
const HOUR = 3_600_000;

const CASE = `query($id: ID!) { case(id: $id) { id state transitions { fromState toState at } } }`;
const BY_REFERENCE = `query($reference: String!) { caseByReference(reference: $reference) { id state } }`;
const LIST = `query($filter: CaseFilter) { cases(first: 100, filter: $filter) { totalCount edges { node { id state } } } }`;
const ADVISORY_CASE = `query($id: ID!) { advisory(id: $id) { id case { id state } } }`;
const TRANSITION = `mutation($input: TransitionCaseInput!) { transitionCase(input: $input) { id state } }`;

type Shown = CaseState | 'NOT_FOUND';
interface CaseView {
  id: string;
  state: CaseState;
  transitions: { fromState: string | null; toState: string; at: string }[];
}

describe('the case state of a scheduled publication', () => {
  let h: Harness;
  let start: Date;
  /** The coordinated publication and the unable-to-coordinate one, with their due times. */
  let coordinated: { caseId: string; reference: string; advisoryId: string; due: Date };
  let unable: { caseId: string; reference: string; advisoryId: string; due: Date };

  beforeAll(async () => {
    h = await createHarness();
    start = h.clock.now();
    const { cases } = h.world;
    const references = await h.db.dataSource.query(`SELECT id, reference FROM case_file`) as { id: string; reference: string }[];
    const referenceOf = (id: string) => references.find((row) => row.id === id)!.reference;

    const due = new Date(start.getTime() + 3 * DAY);
    await publish(h, h.world.advisories.coordinating, due);
    coordinated = { caseId: cases.coordinating, reference: referenceOf(cases.coordinating), advisoryId: h.world.advisories.coordinating, due };

    // The committee's demo referral, approved; then the advisory published without the vendor, an hour later.
    await h.db.dataSource.getRepository(CommitteeReferral).update(
      { id: h.world.referrals.silentVendor },
      { status: ReferralStatus.DECIDED, decision: CommitteeDecision.APPROVED, decidedAt: start, decisionReasons: 'Approved.', approveVotes: 3, rejectVotes: 0, abstainVotes: 0 },
    );
    const draft = await createAdvisory(h, cases.silentVendor, { overview: 'Unauthenticated firmware upload.' });
    const unableDue = new Date(due.getTime() + HOUR);
    await h.ok('coordinatorStaff', 'mutation($input: PublishUnableToCoordinateInput!) { publishUnableToCoordinate(input: $input) { id } }', {
      input: { advisoryId: draft.id, publishAt: unableDue.toISOString() },
    });
    unable = { caseId: cases.silentVendor, reference: referenceOf(cases.silentVendor), advisoryId: draft.id, due: unableDue };
  }, 120_000);
  afterAll(async () => h?.close(), 60_000);
  afterEach(() => {
    h.clock.current = start;
  });

  const before = (scheduledAs: Shown): ((now: Date, due: Date) => Shown) => (now, due) => (scheduledAs === 'NOT_FOUND' ? 'NOT_FOUND' : now < due ? scheduledAs : CaseState.PUBLISHED);
  /** What each persona reads of the two cases, as a function of the instant. */
  const SIGHT: [Persona, ReturnType<typeof before>, ReturnType<typeof before>][] = [
    ['coordinatorStaff', before(CaseState.PUBLICATION_SCHEDULED), before(CaseState.PUBLICATION_SCHEDULED)],
    ['vendorAcmeStaff', before(CaseState.PUBLICATION_SCHEDULED), before('NOT_FOUND')],
    ['vendorGlobex', before(CaseState.PUBLICATION_SCHEDULED), before('NOT_FOUND')],
    ['finderAnonymous', before(CaseState.COORDINATING), before('NOT_FOUND')],
    ['finder', before('NOT_FOUND'), before(CaseState.VENDOR_CONTACT)],
    ['receiver', before(CaseState.COORDINATING), before(CaseState.VENDOR_CONTACT)],
    ['committeeMember', before('NOT_FOUND'), before(CaseState.VENDOR_CONTACT)],
    ['operator', before('NOT_FOUND'), before('NOT_FOUND')],
  ];
  const instants = (due: () => Date): [string, () => Date][] => [
    ['1 ms before', () => new Date(due().getTime() - 1)],
    ['at', due],
    ['1 ms after', () => new Date(due().getTime() + 1)],
  ];
  const matrix = [
    ...instants(() => coordinated.due).map(([label, at]) => [`${label} the coordinated publication`, at] as const),
    ...instants(() => unable.due).map(([label, at]) => [`${label} the unable-to-coordinate publication`, at] as const),
  ].flatMap(([label, at]) => SIGHT.map(([persona, first, second]) => [persona, label, at, first, second] as const));

  async function lookup(persona: Persona, id: string): Promise<CaseView | 'NOT_FOUND'> {
    const result = await h.graphql<{ case: CaseView }>(persona, CASE, { id });
    if (errorCode(result) === 'NOT_FOUND') return 'NOT_FOUND';
    expect(result.errors).toBeUndefined();
    return result.data!.case;
  }

  it.each(matrix)('%s %s: state, history, reference lookup and the advisory\'s case', async (persona, _label, at, first, second) => {
    const now = at();
    h.clock.current = now;
    for (const [target, expected] of [[coordinated, first(now, coordinated.due)], [unable, second(now, unable.due)]] as const) {
      const view = await lookup(persona, target.caseId);
      // Through a relation (the advisory's case), where the viewer may read the advisory (an operator through its grant).
      const throughAdvisory = await h.graphql<{ advisory: { case: { state: string } | null } }>(persona, ADVISORY_CASE, { id: target.advisoryId });
      if (!throughAdvisory.errors) expect(throughAdvisory.data!.advisory.case?.state ?? 'NOT_FOUND').toBe(expected);
      if (expected === 'NOT_FOUND') {
        expect(view).toBe('NOT_FOUND');
        expect(errorCode(await h.graphql(persona, BY_REFERENCE, { reference: target.reference }))).toBe('NOT_FOUND');
        continue;
      }
      if (view === 'NOT_FOUND') throw new Error(`${persona} should see ${target.caseId}`);
      expect(view.state).toBe(expected);
      expect((await h.ok<{ caseByReference: { state: string } }>(persona, BY_REFERENCE, { reference: target.reference })).caseByReference.state).toBe(expected);
      // The move to PUBLISHED is recorded with the publication time: staff see it ahead, the finder and the receiver
      // from then on (vendors and the committee read no history).
      const published = view.transitions.filter((step) => step.toState === CaseState.PUBLISHED);
      const seesAhead = persona === 'coordinatorStaff';
      const readsHistory = ['coordinatorStaff', 'finderAnonymous', 'finder', 'receiver'].includes(persona);
      const step = { fromState: target === coordinated ? 'COORDINATING' : 'VENDOR_CONTACT', toState: 'PUBLISHED', at: target.due.toISOString() };
      expect(published).toEqual(readsHistory && (seesAhead || now >= target.due) ? [step] : []);
      expect(view.transitions.some((recorded) => recorded.toState === CaseState.PUBLICATION_SCHEDULED)).toBe(false);
      expect(view.transitions.every((recorded) => seesAhead || new Date(recorded.at) <= now)).toBe(true);
    }
  });

  it.each(matrix)('%s %s: lists, state filters and totalCount', async (persona, _label, at, first, second) => {
    const now = at();
    h.clock.current = now;
    const shown = new Map([[coordinated.caseId, first(now, coordinated.due)], [unable.caseId, second(now, unable.due)]]);
    const all = await h.ok<{ cases: { totalCount: number; edges: { node: { id: string; state: string } }[] } }>(persona, LIST, {});
    for (const [id, expected] of shown) {
      expect(all.cases.edges.find((edge) => edge.node.id === id)?.node.state ?? 'NOT_FOUND').toBe(expected);
    }
    const filters = [
      [CaseState.PUBLISHED], [CaseState.PUBLICATION_SCHEDULED], [CaseState.COORDINATING], [CaseState.VENDOR_CONTACT],
      [CaseState.PUBLISHED, CaseState.PUBLICATION_SCHEDULED], [CaseState.COORDINATING, CaseState.VENDOR_CONTACT, CaseState.PUBLISHED, CaseState.PUBLICATION_SCHEDULED],
    ];
    for (const states of filters) {
      const { cases } = await h.ok<{ cases: { totalCount: number; edges: { node: { id: string; state: string } }[] } }>(persona, LIST, { filter: { states } });
      const ids = cases.edges.map((edge) => edge.node.id);
      // Every row matches by the state it shows, and the count (from the per-state counts for staff) agrees.
      expect({ states, rows: cases.edges.filter((edge) => !states.includes(edge.node.state as CaseState)) }).toEqual({ states, rows: [] });
      expect({ states, totalCount: cases.totalCount }).toEqual({ states, totalCount: ids.length });
      const expectedIds = all.cases.edges.filter((edge) => states.includes(edge.node.state as CaseState)).map((edge) => edge.node.id);
      expect({ states, ids: [...ids].sort() }).toEqual({ states, ids: [...expectedIds].sort() });
      for (const [id, expected] of shown) expect({ states, id, listed: ids.includes(id) }).toEqual({ states, id, listed: expected !== 'NOT_FOUND' && states.includes(expected) });
    }
  });

  it('answers the public exactly as for any unpublished advisory until the time, then without the case', async () => {
    for (const target of [coordinated, unable]) {
      h.clock.current = new Date(target.due.getTime() - 1);
      expect(errorCode(await h.graphql('anonymous', LIST, {}))).toBe('UNAUTHENTICATED');
      expect(errorCode(await h.graphql('anonymous', ADVISORY_CASE, { id: target.advisoryId }))).toBe('NOT_FOUND');
      h.clock.current = target.due;
      expect(await h.ok('anonymous', ADVISORY_CASE, { id: target.advisoryId })).toEqual({ advisory: { id: target.advisoryId, case: null } });
    }
  });

  it('refuses to move a scheduled case without naming the schedule; staff close it only once it is due', async () => {
    h.clock.current = new Date(coordinated.due.getTime() - 1);
    // Answered from the state each reads, exactly as for a case that is in it: the finder withdraws its report only
    // until vendor contact begins, the receiver rejects only what it holds (test/secrecy/scheduled-mutations.test.ts
    // compares every mutation before and after scheduling).
    const withdrawal = await h.graphql('finderAnonymous', TRANSITION, { input: { caseId: coordinated.caseId, to: 'WITHDRAWN' } });
    expect([errorCode(withdrawal), withdrawal.errors![0].message]).toEqual(['INVALID_TRANSITION', 'A case cannot move from COORDINATING to WITHDRAWN']);
    const rejection = await h.graphql('receiver', TRANSITION, { input: { caseId: unable.caseId, to: 'REJECTED' } });
    expect([errorCode(rejection), rejection.errors![0].message]).toEqual(['INVALID_TRANSITION', 'A case cannot move from VENDOR_CONTACT to REJECTED']);
    const early = await h.graphql('coordinatorStaff', TRANSITION, { input: { caseId: coordinated.caseId, to: 'CLOSED' } });
    expect(errorCode(early)).toBe('INVALID_TRANSITION');
    expect((await lookup('finderAnonymous', coordinated.caseId) as CaseView).state).toBe(CaseState.COORDINATING);

    h.clock.current = new Date(coordinated.due.getTime() + 1);
    const closed = await h.ok<{ transitionCase: { state: string } }>('coordinatorStaff', TRANSITION, { input: { caseId: coordinated.caseId, to: 'CLOSED' } });
    expect(closed.transitionCase.state).toBe(CaseState.CLOSED);
    const history = (await lookup('finderAnonymous', coordinated.caseId) as CaseView).transitions.slice(-2).map((step) => `${step.fromState}->${step.toState}`);
    expect(history).toEqual(['COORDINATING->PUBLISHED', 'PUBLISHED->CLOSED']);
  });

  it.each([
    ['finder', () => unable.caseId, CaseState.VENDOR_CONTACT],
    ['receiver', () => unable.caseId, CaseState.VENDOR_CONTACT],
    ['committeeMember', () => unable.caseId, CaseState.VENDOR_CONTACT],
  ] as [Persona, () => string, CaseState][])('answers %s a step its state does not allow as it would on any case in that state', async (persona, caseId, shown) => {
    h.clock.current = new Date(unable.due.getTime() - 1);
    // PUBLISHED is refused before the case is looked at, the same way for every case.
    const refusedByState = Object.values(CaseState).filter((target) => !isLegalTransition(shown, target) && target !== CaseState.PUBLISHED);
    for (const to of refusedByState) {
      const answer = await h.graphql(persona, TRANSITION, { input: { caseId: caseId(), to } });
      expect([to, errorCode(answer), answer.errors![0].message]).toEqual([to, 'INVALID_TRANSITION', `A case cannot move from ${shown} to ${to}`]);
    }
    expect((await lookup('coordinatorStaff', caseId()) as CaseView).state).toBe(CaseState.PUBLICATION_SCHEDULED);
  });

  it('moves the case\'s due time and recorded step with the publication when it is rescheduled', async () => {
    const later = new Date(unable.due.getTime() + 2 * DAY);
    await h.ok('coordinatorStaff', 'mutation($input: ReschedulePublicationInput!) { rescheduleAdvisoryPublication(input: $input) { id } }', {
      input: { advisoryId: unable.advisoryId, publishAt: later.toISOString(), reason: 'The vendor of a component asked for two more days.' },
    });
    for (const [now, expected] of [[unable.due, CaseState.VENDOR_CONTACT], [new Date(later.getTime() - 1), CaseState.VENDOR_CONTACT], [later, CaseState.PUBLISHED]] as const) {
      h.clock.current = now;
      const view = (await lookup('receiver', unable.caseId)) as CaseView;
      expect({ now, state: view.state }).toEqual({ now, state: expected });
      expect(view.transitions.filter((step) => step.toState === 'PUBLISHED').map((step) => step.at)).toEqual(expected === CaseState.PUBLISHED ? [later.toISOString()] : []);
    }
    h.clock.current = new Date(later.getTime() - 1);
    expect((await lookup('coordinatorStaff', unable.caseId) as CaseView).state).toBe(CaseState.PUBLICATION_SCHEDULED);
  });

  it('returns the case to coordination for those who read VENDOR_CONTACT when the unreachable vendor replies before the time', async () => {
    // Last in this block: the reply ends the silent vendor's declaration.
    const advisory = await h.ok<{ advisory: { publishedAt: string } }>('coordinatorStaff', 'query($id: ID!) { advisory(id: $id) { publishedAt } }', { id: unable.advisoryId });
    const due = new Date(advisory.advisory.publishedAt);
    const now = new Date(due.getTime() - DAY);
    h.clock.current = now;
    await h.ok('coordinatorStaff', 'mutation($input: RecordContactAttemptInput!) { recordContactAttempt(input: $input) { id } }', {
      input: { caseVendorId: h.world.caseVendors[`silentVendor:${h.world.vendors.initech}`], channel: 'EMAIL', address: 'plc@initech.example', attemptedAt: new Date(now.getTime() - HOUR).toISOString(), outcome: 'REPLIED' },
    });
    // As any case in VENDOR_CONTACT would: COORDINATING, with the step recorded now.
    const back = { fromState: 'VENDOR_CONTACT', toState: 'COORDINATING', at: now.toISOString() };
    for (const persona of ['finder', 'receiver'] as Persona[]) {
      const view = (await lookup(persona, unable.caseId)) as CaseView;
      expect({ persona, state: view.state, last: view.transitions.at(-1) }).toEqual({ persona, state: CaseState.COORDINATING, last: back });
    }
    expect(((await lookup('committeeMember', unable.caseId)) as CaseView).state).toBe(CaseState.COORDINATING);
    const staff = (await lookup('coordinatorStaff', unable.caseId)) as CaseView;
    expect(staff.state).toBe(CaseState.PUBLICATION_SCHEDULED);
    expect(staff.transitions.slice(-2)).toEqual([back, { fromState: 'COORDINATING', toState: 'PUBLISHED', at: due.toISOString() }]);
    h.clock.current = due;
    const released = (await lookup('receiver', unable.caseId)) as CaseView;
    expect({ state: released.state, last: released.transitions.at(-1) }).toEqual({ state: CaseState.PUBLISHED, last: { fromState: 'COORDINATING', toState: 'PUBLISHED', at: due.toISOString() } });
  });
});

describe('migration PublicationScheduledState1764250000000', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  }, 120_000);
  afterAll(async () => db?.drop(), 60_000);

  it('turns publications scheduled before it into PUBLICATION_SCHEDULED, keeps the per-state counts, and goes down again', async () => {
    const dataSource = db.dataSource;
    // Plain INSERTs: the entities already carry the columns the migration adds.
    const insert = async (table: string, values: Record<string, unknown>) => {
      const escape = (name: string) => dataSource.driver.escape(name);
      const columns = Object.keys(values);
      const statement = `INSERT INTO ${escape(table)} (${columns.map(escape).join(', ')}) VALUES (${columns.map((column) => `:${column}`).join(', ')})`;
      const [sql, parameters] = dataSource.driver.escapeQueryWithParameters(statement, values);
      await dataSource.query(sql, parameters);
    };
    const counts = async () => {
      const kept = (await dataSource.query('SELECT state, cases FROM case_state_count')) as { state: string; cases: number | string }[];
      const actual = (await dataSource.query('SELECT state, COUNT(*) AS cases FROM case_file GROUP BY state')) as { state: string; cases: number | string }[];
      const table = (rows: { state: string; cases: number | string }[]) => Object.fromEntries(rows.filter((row) => Number(row.cases) > 0).map((row) => [row.state, Number(row.cases)]));
      return { kept: table(kept), actual: table(actual) };
    };
    // This migration and every later one.
    const undoThrough = async (name: string) => {
      for (let undone = ''; undone !== name; ) {
        undone = ((await dataSource.query(`SELECT name FROM migrations ORDER BY id DESC LIMIT 1`)) as { name: string }[])[0].name;
        await dataSource.undoLastMigration({ transaction: 'each' });
      }
    };
    await undoThrough('PublicationScheduledState1764250000000');

    // As the previous code left them: a publication scheduled a day ago for 30 days from now (the case PUBLISHED, the
    // step recorded when it was scheduled) and one already public.
    const now = Date.now();
    const organizationId = newId();
    await insert('organization', { id: organizationId, name: 'Receiver', kind: 'RECEIVER', createdAt: new Date(now - 100 * DAY) });
    const scheduled = { caseId: newId(), due: new Date(now + 30 * DAY), stepId: newId() };
    const released = { caseId: newId(), due: new Date(now - 30 * DAY), stepId: newId() };
    for (const [index, row] of [scheduled, released].entries()) {
      await insert('case_file', {
        id: row.caseId, reference: `RNK-MIGR-000${index}`, title: 'A case', description: 'A description.', affectedProducts: 'Product 1.0', finderUserId: null,
        finderName: 'Finder', finderConsentToName: 0, receivedAt: new Date(now - 60 * DAY), registeredByOrgId: organizationId, state: 'PUBLISHED',
        overseasCoordination: 0, cvssV3Vector: null, cvssV4Vector: null, cweId: null, analysisNotes: null, coordinatorNotes: null, updatedAt: new Date(now - DAY),
      });
      await insert('advisory', {
        id: newId(), caseId: row.caseId, identifier: `JVN#9999000${index}`, title: 'An advisory', overview: null, affectedProducts: null, impact: null, solution: null,
        vendorStatements: null, cvssV3Vector: null, cvssV4Vector: null, cweId: null, cveIds: '[]', status: 'PUBLISHED', publishedAt: row.due, unableToCoordinate: 0,
        coordinatorVerification: null, internalNotes: null, createdAt: new Date(now - 10 * DAY), updatedAt: new Date(now - DAY),
      });
      await insert('case_transition', {
        id: row.stepId, caseId: row.caseId, fromState: 'COORDINATING', toState: 'PUBLISHED', actorUserId: null, actorName: null, reason: 'Advisory published',
        at: index === 0 ? new Date(now - DAY) : row.due,
      });
    }
    await dataSource.runMigrations({ transaction: 'each' });

    const cases = await dataSource.getRepository(Case).findBy({ id: In([scheduled.caseId, released.caseId]) });
    const byId = new Map(cases.map((row) => [row.id, row]));
    expect(byId.get(scheduled.caseId)).toMatchObject({ state: CaseState.PUBLICATION_SCHEDULED, publicationDueAt: scheduled.due, stateBeforePublication: CaseState.COORDINATING });
    expect(byId.get(released.caseId)).toMatchObject({ state: CaseState.PUBLISHED, publicationDueAt: null, stateBeforePublication: null });
    expect((await dataSource.getRepository(CaseTransition).findOneByOrFail({ id: scheduled.stepId })).at).toEqual(scheduled.due);
    expect((await dataSource.getRepository(CaseTransition).findOneByOrFail({ id: released.stepId })).at).toEqual(released.due);
    const after = await counts();
    expect(after.kept).toEqual(after.actual);
    expect(after.kept).toEqual({ PUBLICATION_SCHEDULED: 1, PUBLISHED: 1 });

    await undoThrough('PublicationScheduledState1764250000000');
    expect(await counts()).toEqual({ kept: { PUBLISHED: 2 }, actual: { PUBLISHED: 2 } });
    await expect(dataSource.query('SELECT publicationDueAt FROM case_file')).rejects.toThrow();
    await dataSource.runMigrations({ transaction: 'each' });
    expect((await counts()).kept).toEqual({ PUBLICATION_SCHEDULED: 1, PUBLISHED: 1 });
  });
});

import { randomUUID } from 'node:crypto';
import { Case, CaseState, CaseTransition } from '../src/cases/case.entity';
import { CASE_TRANSITIONS } from '../src/cases/case-state';
import { newCaseReference } from '../src/cases/case.service';
import { createHarness, errorCode, Harness, Persona } from './support/harness';

const STATES = Object.values(CaseState);
const TRANSITION = 'mutation($input: TransitionCaseInput!) { transitionCase(input: $input) { id state transitions { fromState toState reason } } }';

describe('case state machine', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());

  async function caseIn(state: CaseState, finderUserId = h.world.users.finder): Promise<string> {
    const id = randomUUID();
    await h.db.dataSource.getRepository(Case).insert({
      id, reference: newCaseReference(), title: `Case in ${state}`, description: 'A description long enough.', affectedProducts: 'Product 1.0',
      finderUserId, finderName: 'Fumi Finder', finderConsentToName: true, receivedAt: h.clock.now(), registeredByOrgId: h.world.organizations.receiver,
      state, overseasCoordination: false, cvssV3Vector: null, cvssV4Vector: null, cweId: null, analysisNotes: null, coordinatorNotes: null, updatedAt: h.clock.now(),
    });
    return id;
  }

  async function stored(id: string) {
    const row = await h.db.dataSource.getRepository(Case).findOneByOrFail({ id });
    const transitions = await h.db.dataSource.getRepository(CaseTransition).countBy({ caseId: id });
    return { state: row.state, updatedAt: row.updatedAt.getTime(), transitions };
  }

  const pairs = STATES.flatMap((from) => STATES.filter((to) => to !== CaseState.PUBLISHED).map((to) => [from, to] as const));

  it.each(pairs)('coordinator: %s -> %s follows the machine', async (from, to) => {
    const id = await caseIn(from);
    const before = await stored(id);
    const result = await h.graphql<{ transitionCase: { state: string; transitions: { fromState: string; toState: string; reason: string }[] } }>(
      'coordinatorStaff', TRANSITION, { input: { caseId: id, to, reason: 'matrix' } },
    );
    if (CASE_TRANSITIONS[from].includes(to)) {
      expect(result.errors).toBeUndefined();
      expect(result.data?.transitionCase.state).toBe(to);
      expect(result.data?.transitionCase.transitions).toEqual([{ fromState: from, toState: to, reason: 'matrix' }]);
    } else {
      expect(errorCode(result)).toBe('INVALID_TRANSITION');
      expect(await stored(id)).toEqual(before);
    }
  });

  it('never reaches PUBLISHED through transitionCase, only by publishing the advisory', async () => {
    const id = await caseIn(CaseState.COORDINATING);
    const before = await stored(id);
    expect(errorCode(await h.graphql('coordinatorStaff', TRANSITION, { input: { caseId: id, to: 'PUBLISHED' } }))).toBe('INVALID_TRANSITION');
    expect(await stored(id)).toEqual(before);
  });

  it.each<[Persona, CaseState, CaseState, 'ok' | string]>([
    ['receiver', CaseState.RECEIVED, CaseState.UNDER_ANALYSIS, 'ok'],
    ['receiver', CaseState.UNDER_ANALYSIS, CaseState.HANDED_OVER, 'ok'],
    ['receiver', CaseState.RECEIVED, CaseState.REJECTED, 'ok'],
    ['receiver', CaseState.HANDED_OVER, CaseState.VENDOR_CONTACT, 'FORBIDDEN'],
    // The receiver rejects only what it holds: after hand-over the step is answered as one its state lacks.
    ['receiver', CaseState.HANDED_OVER, CaseState.REJECTED, 'INVALID_TRANSITION'],
    ['receiver', CaseState.RECEIVED, CaseState.WITHDRAWN, 'FORBIDDEN'],
    ['finder', CaseState.RECEIVED, CaseState.WITHDRAWN, 'ok'],
    // The finder withdraws its own report until vendor contact begins; from then on only staff withdraw it.
    ['finder', CaseState.HANDED_OVER, CaseState.WITHDRAWN, 'ok'],
    ['finder', CaseState.VENDOR_CONTACT, CaseState.WITHDRAWN, 'INVALID_TRANSITION'],
    ['finder', CaseState.COORDINATING, CaseState.WITHDRAWN, 'INVALID_TRANSITION'],
    ['coordinatorStaff', CaseState.COORDINATING, CaseState.WITHDRAWN, 'ok'],
    ['finder', CaseState.RECEIVED, CaseState.UNDER_ANALYSIS, 'FORBIDDEN'],
    ['finderAnonymous', CaseState.RECEIVED, CaseState.WITHDRAWN, 'NOT_FOUND'],
    ['vendorAcmeStaff', CaseState.RECEIVED, CaseState.UNDER_ANALYSIS, 'NOT_FOUND'],
    ['operator', CaseState.HANDED_OVER, CaseState.VENDOR_CONTACT, 'NOT_FOUND'],
    ['coordinatorAdmin', CaseState.HANDED_OVER, CaseState.VENDOR_CONTACT, 'ok'],
  ])('%s moving %s -> %s: %s', async (persona, from, to, expected) => {
    const id = await caseIn(from);
    const before = await stored(id);
    const result = await h.graphql(persona, TRANSITION, { input: { caseId: id, to } });
    if (expected === 'ok') {
      expect(result.errors).toBeUndefined();
      expect((await stored(id)).state).toBe(to);
    } else {
      expect(errorCode(result)).toBe(expected);
      expect(await stored(id)).toEqual(before);
    }
  });
});

describe('a report from submission to publication', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());

  it('goes through every hand and every persona sees only its part', async () => {
    const submitted = await h.ok<{ submitReport: { id: string; reference: string; state: string; finderName: string } }>(
      'finder',
      'mutation($input: SubmitReportInput!) { submitReport(input: $input) { id reference state finderName } }',
      { input: { title: 'RCE in Acme Router RX web UI', description: 'Unauthenticated RCE via the ping form.', affectedProducts: 'Acme Router RX 2.3', finderConsentToName: false } },
    );
    const caseId = submitted.submitReport.id;
    expect(submitted.submitReport.state).toBe('RECEIVED');
    expect(submitted.submitReport.reference).toMatch(/^RNK-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const byReference = await h.ok<{ caseByReference: { id: string } }>('finder', 'query($r: String!) { caseByReference(reference: $r) { id } }', { r: submitted.submitReport.reference });
    expect(byReference.caseByReference.id).toBe(caseId);
    expect(errorCode(await h.graphql('finderAnonymous', 'query($r: String!) { caseByReference(reference: $r) { id } }', { r: submitted.submitReport.reference }))).toBe('NOT_FOUND');

    const move = (persona: Persona, to: string) => h.ok(persona, TRANSITION, { input: { caseId, to } });
    await move('receiver', 'UNDER_ANALYSIS');
    await h.ok('receiver', 'mutation($input: UpdateCaseInput!) { updateCase(input: $input) { id } }', {
      input: { caseId, analysisNotes: 'Reproduced.', cvssV3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', cweId: 'CWE-78' },
    });
    await move('receiver', 'HANDED_OVER');
    await move('coordinatorStaff', 'VENDOR_CONTACT');

    const added = await h.ok<{ addVendorToCase: { id: string; status: string } }>('coordinatorStaff', 'mutation($input: AddVendorToCaseInput!) { addVendorToCase(input: $input) { id status } }', {
      input: { caseId, vendorId: h.world.vendors.acme },
    });
    expect(added.addVendorToCase.status).toBe('UNNOTIFIED');
    const caseQuery = 'query($id: ID!) { case(id: $id) { id title finderName description caseVendors { status } } }';
    expect(errorCode(await h.graphql('vendorAcmeStaff', caseQuery, { id: caseId }))).toBe('NOT_FOUND');

    await h.ok('coordinatorStaff', 'mutation($id: ID!) { notifyVendor(caseVendorId: $id) { id } }', { id: added.addVendorToCase.id });
    const vendorView = await h.ok<{ case: { finderName: string | null; description: string } }>('vendorAcmeStaff', caseQuery, { id: caseId });
    expect(vendorView.case.finderName).toBeNull();
    expect(vendorView.case.description).toContain('ping form');
    expect(errorCode(await h.graphql('vendorGlobex', caseQuery, { id: caseId }))).toBe('NOT_FOUND');

    await h.ok('vendorAcmeStaff', 'mutation($input: UpdateVendorStatusInput!) { updateVendorStatus(input: $input) { id } }', {
      input: { caseVendorId: added.addVendorToCase.id, status: 'FIX_AVAILABLE', statement: 'Fixed in 2.4.' },
    });
    await move('coordinatorStaff', 'COORDINATING');

    const advisory = await h.ok<{ createAdvisory: { id: string; status: string } }>('coordinatorStaff', 'mutation($input: CreateAdvisoryInput!) { createAdvisory(input: $input) { id status } }', {
      input: { caseId, overview: 'RCE in Acme Router RX', solution: 'Update to 2.4', cveIds: ['CVE-2026-40001'] },
    });
    const advisoryQuery = 'query($id: ID!) { advisory(id: $id) { id identifier status overview } }';
    expect(errorCode(await h.graphql('anonymous', advisoryQuery, { id: advisory.createAdvisory.id }))).toBe('NOT_FOUND');
    expect((await h.ok<{ advisory: { overview: string } }>('vendorAcmeStaff', advisoryQuery, { id: advisory.createAdvisory.id })).advisory.overview).toBe('RCE in Acme Router RX');

    const published = await h.ok<{ publishAdvisory: { identifier: string; status: string } }>('coordinatorStaff', 'mutation($input: PublishAdvisoryInput!) { publishAdvisory(input: $input) { identifier status } }', {
      input: { advisoryId: advisory.createAdvisory.id },
    });
    expect(published.publishAdvisory.identifier).toMatch(/^JVN#\d{8}$/);
    const publicView = await h.ok<{ advisory: { status: string; overview: string } }>('anonymous', advisoryQuery, { id: advisory.createAdvisory.id });
    expect(publicView.advisory).toMatchObject({ status: 'PUBLISHED', overview: 'RCE in Acme Router RX' });
    const finderView = await h.ok<{ case: { state: string } }>('finder', 'query($id: ID!) { case(id: $id) { state } }', { id: caseId });
    expect(finderView.case.state).toBe('PUBLISHED');
    await move('coordinatorStaff', 'CLOSED');
  });

  it('refuses publishing a case that is not coordinating, and changes nothing', async () => {
    const advisoryId = h.world.advisories.coordinating;
    await h.ok('coordinatorStaff', TRANSITION, { input: { caseId: h.world.cases.coordinating, to: 'VENDOR_CONTACT' } });
    const publish = 'mutation($input: PublishAdvisoryInput!) { publishAdvisory(input: $input) { identifier } }';
    expect(errorCode(await h.graphql('coordinatorStaff', publish, { input: { advisoryId } }))).toBe('INVALID_TRANSITION');
    const after = await h.ok<{ advisory: { status: string; identifier: string | null } }>('coordinatorStaff', 'query($id: ID!) { advisory(id: $id) { status identifier } }', { id: advisoryId });
    expect(after.advisory).toEqual({ status: 'DRAFT', identifier: null });
    expect(errorCode(await h.graphql('vendorAcmeStaff', publish, { input: { advisoryId } }))).toBe('FORBIDDEN');
  });

  it('names the invalid field when input fails validation', async () => {
    const result = await h.graphql('finder', 'mutation($input: SubmitReportInput!) { submitReport(input: $input) { id } }', {
      input: { title: 'x', description: 'short', affectedProducts: 'p', finderConsentToName: true },
    });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/title/);
    expect(result.errors?.[0]?.message).toMatch(/description/);
  });
});

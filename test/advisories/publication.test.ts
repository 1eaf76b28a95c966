import { publishAdvisory } from '../../src/advisories/advisory.service';
import { CaseVendorStatus } from '../../src/cases/case.entity';
import { createHarness, errorCode, Harness } from '../support/harness';
import {
  AdvisoryView, contextOf, createAdvisory, CVSS_V3, CVSS_V4, insertCoordinatingCase, publish, publishRevision, readAdvisory, updateAdvisory,
} from './support/advisory-fixtures';

const SEARCH = `query($filter: AdvisorySearchFilter) { searchAdvisories(filter: $filter, first: 50) { totalCount edges { node { id } } } }`;

describe('publication, revisions and credits', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  }, 120_000);
  afterAll(async () => h?.close(), 60_000);

  const searchIds = async (persona: 'anonymous' | 'coordinatorStaff', text: string) =>
    (await h.ok<{ searchAdvisories: { edges: { node: { id: string } }[] } }>(persona, SEARCH, { filter: { text } })).searchAdvisories.edges.map((edge) => edge.node.id);

  describe('publishing a draft', () => {
    let published: AdvisoryView;

    it('rejects invalid CVSS vectors and CWE ids with BAD_USER_INPUT and changes nothing', async () => {
      const draftId = h.world.advisories.coordinating;
      const before = (await readAdvisory(h, 'coordinatorStaff', draftId)).data!.advisory;
      const attempts: [Record<string, unknown>, string][] = [
        [{ cvssV3Vector: 'CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', overview: 'Must not be saved' }, 'cvssV3Vector'],
        [{ cvssV3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H' }, 'cvssV3Vector'],
        [{ cvssV4Vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:Z' }, 'cvssV4Vector'],
        [{ cvssV4Vector: CVSS_V3 }, 'cvssV4Vector'],
        [{ cweId: 'CWE-99999', overview: 'Must not be saved' }, 'cweId'],
        [{ products: [{ vendorId: h.world.vendors.initech, name: 'Not on this case' }] }, 'products'],
      ];
      for (const [content, field] of attempts) {
        const result = await updateAdvisory(h, draftId, content);
        expect(errorCode(result)).toBe('BAD_USER_INPUT');
        expect(result.errors![0].extensions!.field).toBe(field);
      }
      expect((await readAdvisory(h, 'coordinatorStaff', draftId)).data!.advisory).toEqual(before);
    });

    it('assigns the identifier, releases revision 1 and publishes the notified vendors\' results and statuses', async () => {
      const draftId = h.world.advisories.coordinating;
      const { acme, globex } = h.world.vendors;
      expect(errorCode(await readAdvisory(h, 'anonymous', draftId))).toBe('NOT_FOUND');
      const edited = await updateAdvisory(h, draftId, {
        overview: 'Hard-coded credentials let anyone log in.', cvssV3Vector: CVSS_V3, cvssV4Vector: CVSS_V4, cweId: 'CWE-798', cveIds: ['CVE-2026-30001'],
        solution: 'Update to 2.4.', products: [{ vendorId: acme, name: 'Acme Router RX', versions: '2.3 and earlier' }, { vendorId: globex, name: 'Globex CMS' }],
      });
      expect(edited.errors).toBeUndefined();
      expect(edited.data!.updateAdvisory.severity).toBe('CRITICAL');

      published = await publish(h, draftId);
      expect(published.identifier).toBe('JVN#00000003');
      expect(published.status).toBe('PUBLISHED');
      expect(published.revision).toBe(1);
      expect(published.revisions).toEqual([{ number: 1, releasedAt: h.clock.now().toISOString(), summary: 'Initial release' }]);
      const view = (await readAdvisory(h, 'anonymous', draftId)).data!.advisory;
      expect(view.identifier).toBe('JVN#00000003');
      expect(view.cvssV3BaseScore).toBe(9.8);
      expect(view.cvssV4Score).toBe(9.3);
      expect(view.severity).toBe('CRITICAL');
      expect(view.internalNotes).toBeNull();
      expect(view.vendorStatuses).toEqual([
        { vendorName: 'Acme Networks', responseStatus: 'ACKNOWLEDGED', verificationResult: 'UNDER_INVESTIGATION', statement: 'Statement of vendor on "Hard-coded credentials in Acme Router RX".' },
        { vendorName: 'Globex Software', responseStatus: 'NOT_AFFECTED', verificationResult: 'NOT_VULNERABLE', statement: 'Statement of vendor on "Hard-coded credentials in Acme Router RX".' },
      ]);
      expect(view.products.map((product) => product.name)).toEqual(['Acme Router RX', 'Globex CMS']);
      const owner = await h.ok<{ case: { state: string } }>('coordinatorStaff', 'query($id: ID!) { case(id: $id) { state } }', { id: h.world.cases.coordinating });
      expect(owner.case.state).toBe('PUBLISHED');
      expect(errorCode(await publishRevision(h, h.world.advisories.coordinating, 'Too early'))).toBe('BAD_USER_INPUT');
    });

    it('keeps later changes of a vendor\'s status private until a revision republishes the vendors', async () => {
      const caseVendorId = h.world.caseVendors[`coordinating:${h.world.vendors.acme}`];
      await h.ok('vendorAcmeAdmin', 'mutation($input: UpdateVendorStatusInput!) { updateVendorStatus(input: $input) { id } }', {
        input: { caseVendorId, status: 'FIX_AVAILABLE', statement: 'Fixed in 2.4.' },
      });
      const unchanged = (await readAdvisory(h, 'anonymous', published.id)).data!.advisory;
      expect(unchanged.vendorStatuses[0]).toMatchObject({ responseStatus: 'ACKNOWLEDGED', verificationResult: 'UNDER_INVESTIGATION' });
      expect(unchanged.revisions).toHaveLength(1);

      h.clock.advanceDays(2);
      const revised = await publishRevision(h, published.id, 'Acme released a fix', true);
      expect(revised.errors).toBeUndefined();
      const view = (await readAdvisory(h, 'anonymous', published.id)).data!.advisory;
      expect(view.vendorStatuses[0]).toEqual({ vendorName: 'Acme Networks', responseStatus: 'FIX_AVAILABLE', verificationResult: 'VULNERABLE', statement: 'Fixed in 2.4.' });
      expect(view.revisions.map((revision) => [revision.number, revision.summary])).toEqual([[1, 'Initial release'], [2, 'Acme released a fix']]);
      expect(view.revisedAt).toBe(h.clock.now().toISOString());
    });

    it('refuses revisions of drafts and of scheduled publications, which are edited in place until they are due', async () => {
      const caseId = await insertCoordinatingCase(h, { title: 'Scheduled flaw', vendors: [[h.world.vendors.acme, CaseVendorStatus.AFFECTED]] });
      const draft = await createAdvisory(h, caseId, { overview: 'First words.' });
      expect(errorCode(await publishRevision(h, draft.id, 'A draft has no revisions'))).toBe('CONFLICT');
      const scheduled = await publish(h, draft.id, new Date(h.clock.now().getTime() + 3 * 86_400_000));
      expect(scheduled.revisions).toEqual([{ number: 1, releasedAt: scheduled.publishedAt, summary: 'Initial release' }]);
      expect(errorCode(await publishRevision(h, draft.id, 'Not yet public'))).toBe('CONFLICT');
      const edited = await updateAdvisory(h, draft.id, { overview: 'Better words before release.' });
      expect(edited.data!.updateAdvisory).toMatchObject({ overview: 'Better words before release.', pendingRevision: null, revision: 1 });
      expect(errorCode(await readAdvisory(h, 'anonymous', draft.id))).toBe('NOT_FOUND');
      expect(await searchIds('anonymous', 'Better words')).toEqual([]);
      h.clock.advanceDays(3);
      expect((await readAdvisory(h, 'anonymous', draft.id)).data!.advisory).toMatchObject({ overview: 'Better words before release.', revision: 1 });
      expect(await searchIds('anonymous', 'Better words')).toEqual([draft.id]);
    });
  });

  describe('revisions of the demo advisory (revision 2, with edits staged for revision 3)', () => {
    const staged = 'Staged for revision 3, not public: the attacker can also replace the administrator password.';

    it('shows staged edits to coordinators only, and no search matches them', async () => {
      const id = h.world.advisories.published;
      const coordinator = (await readAdvisory(h, 'coordinatorStaff', id)).data!.advisory;
      expect(coordinator.pendingRevision).toMatchObject({ impact: staged });
      expect(coordinator.impact).toBe('A remote attacker may execute arbitrary actions.');
      for (const persona of ['anonymous', 'vendorAcmeAdmin', 'finder', 'operator', 'receiver'] as const) {
        const view = (await readAdvisory(h, persona, id)).data!.advisory;
        expect(view.pendingRevision).toBeNull();
        expect(view.impact).toBe('A remote attacker may execute arbitrary actions.');
        expect(view.revision).toBe(2);
      }
      expect(await searchIds('anonymous', 'replace the administrator password')).toEqual([]);
      expect(await searchIds('coordinatorStaff', 'replace the administrator password')).toEqual([]);
    });

    it('stages edits without touching anything public, then releases them as revision 3', async () => {
      const id = h.world.advisories.published;
      const before = (await readAdvisory(h, 'anonymous', id)).data!.advisory;
      h.clock.advanceDays(1);
      const staging = await updateAdvisory(h, id, { overview: 'Cross-site request forgery in the settings page (revised).', internalNotes: 'Internal: legal approved the new wording.' });
      expect(staging.errors).toBeUndefined();
      expect(staging.data!.updateAdvisory.pendingRevision).toMatchObject({ impact: staged, overview: 'Cross-site request forgery in the settings page (revised).' });
      expect(staging.data!.updateAdvisory.internalNotes).toBe('Internal: legal approved the new wording.');
      expect((await readAdvisory(h, 'anonymous', id)).data!.advisory).toEqual(before);
      expect(await searchIds('anonymous', 'settings page (revised)')).toEqual([]);

      const released = await publishRevision(h, id, 'Clarified the impact');
      expect(released.errors).toBeUndefined();
      const view = (await readAdvisory(h, 'anonymous', id)).data!.advisory;
      expect(view.revision).toBe(3);
      expect(view.impact).toBe(staged);
      expect(view.overview).toBe('Cross-site request forgery in the settings page (revised).');
      expect(view.revisions.map((revision) => revision.number)).toEqual([1, 2, 3]);
      expect(view.revisions[2]).toEqual({ number: 3, releasedAt: h.clock.now().toISOString(), summary: 'Clarified the impact' });
      expect(view.updatedAt).toBe(h.clock.now().toISOString());
      expect((await readAdvisory(h, 'coordinatorStaff', id)).data!.advisory.pendingRevision).toBeNull();
      expect(await searchIds('anonymous', 'replace the administrator password')).toEqual([id]);
    });

    it('numbers the next revision 4, refuses an empty one, and discards staged edits on request', async () => {
      const id = h.world.advisories.published;
      expect(errorCode(await publishRevision(h, id, 'Nothing changed'))).toBe('BAD_USER_INPUT');
      await updateAdvisory(h, id, { title: 'This title is never released' });
      const discarded = await h.ok<{ discardAdvisoryRevision: AdvisoryView }>('coordinatorStaff', 'mutation($id: ID!) { discardAdvisoryRevision(advisoryId: $id) { pendingRevision { title } } }', { id });
      expect(discarded.discardAdvisoryRevision.pendingRevision).toBeNull();
      await updateAdvisory(h, id, { cveIds: ['CVE-2026-10001', 'CVE-2026-30002'] });
      expect((await publishRevision(h, id, 'Added CVE-2026-30002')).errors).toBeUndefined();
      const view = (await readAdvisory(h, 'anonymous', id)).data!.advisory;
      expect(view.revisions.map((revision) => revision.number)).toEqual([1, 2, 3, 4]);
      expect(view.title).toBe('CSRF in Acme Admin Portal settings');
      expect(view.cveIds).toEqual(['CVE-2026-10001', 'CVE-2026-30002']);
    });

    it('lets only staff publish revisions', async () => {
      const id = h.world.advisories.published;
      for (const persona of ['vendorAcmeAdmin', 'finder', 'receiver'] as const) {
        const result = await h.graphql(persona, 'mutation($input: PublishAdvisoryRevisionInput!) { publishAdvisoryRevision(input: $input) { id } }', { input: { advisoryId: id, summary: 'Not allowed' } });
        expect(errorCode(result)).toBe('FORBIDDEN');
      }
      expect(errorCode(await h.graphql('anonymous', 'mutation($input: PublishAdvisoryRevisionInput!) { publishAdvisoryRevision(input: $input) { id } }', { input: { advisoryId: id, summary: 'Not allowed' } }))).toBe('UNAUTHENTICATED');
    });
  });

  describe('credits', () => {
    const CREDITS = 'query($id: ID!) { advisory(id: $id) { credits { id type name organizationName status } } }';
    const RESPOND = 'mutation($input: RespondToAdvisoryCreditInput!) { respondToAdvisoryCredit(input: $input) { id status advisory { identifier } } }';
    const credits = async (persona: 'anonymous' | 'coordinatorStaff' | 'vendorGlobex') =>
      (await h.ok<{ advisory: { credits: { id: string; type: string; name: string; status: string | null }[] } }>(persona, CREDITS, { id: h.world.advisories.published })).advisory.credits;

    it('shows the public only accepted credits, typed, without their status trail', async () => {
      expect(await credits('anonymous')).toEqual([
        { id: expect.any(String), type: 'FINDER', name: 'Fumi Finder', organizationName: null, status: null },
        { id: expect.any(String), type: 'COORDINATOR', name: 'Partnership Coordination Center', organizationName: null, status: null },
      ]);
      expect((await credits('vendorGlobex')).map((credit) => credit.name)).toEqual(['Fumi Finder', 'Partnership Coordination Center']);
      expect((await credits('coordinatorStaff')).map((credit) => `${credit.type}:${credit.status}`)).toEqual([
        'FINDER:ACCEPTED', 'COORDINATOR:ACCEPTED', 'ANALYST:PENDING', 'REMEDIATION_DEVELOPER:DECLINED',
      ]);
    });

    it('lets only the credited person accept; once accepted the credit is public, and declining hides it again', async () => {
      const mine = await h.ok<{ myAdvisoryCredits: { id: string; type: string; status: string }[] }>('receiver', '{ myAdvisoryCredits { id type status } }');
      expect(mine.myAdvisoryCredits).toEqual([{ id: expect.any(String), type: 'ANALYST', status: 'PENDING' }]);
      const creditId = mine.myAdvisoryCredits[0].id;

      expect(errorCode(await h.graphql('coordinatorStaff', RESPOND, { input: { creditId, accept: true } }))).toBe('FORBIDDEN');
      expect(errorCode(await h.graphql('vendorGlobex', RESPOND, { input: { creditId, accept: true } }))).toBe('NOT_FOUND');
      expect(errorCode(await h.graphql('finder', RESPOND, { input: { creditId, accept: true } }))).toBe('NOT_FOUND');
      expect((await credits('anonymous')).map((credit) => credit.name)).not.toContain('Rin Receiver');

      const accepted = await h.ok<{ respondToAdvisoryCredit: { status: string; advisory: { identifier: string } | null } }>('receiver', RESPOND, { input: { creditId, accept: true } });
      expect(accepted.respondToAdvisoryCredit).toEqual({ id: creditId, status: 'ACCEPTED', advisory: { identifier: 'JVN#00000001' } });
      expect(await credits('anonymous')).toContainEqual({ id: creditId, type: 'ANALYST', name: 'Rin Receiver', organizationName: 'Vulnerability Report Intake', status: null });

      await h.ok('receiver', RESPOND, { input: { creditId, accept: false } });
      expect((await credits('anonymous')).map((credit) => credit.id)).not.toContain(creditId);
    });

    it('lets staff record the answer of a person without an account, and nobody add credits but staff', async () => {
      const added = await h.ok<{ addAdvisoryCredit: { id: string; status: string } }>(
        'coordinatorStaff',
        'mutation($input: AddAdvisoryCreditInput!) { addAdvisoryCredit(input: $input) { id status } }',
        { input: { advisoryId: h.world.advisories.published, type: 'REMEDIATION_REVIEWER', name: 'External Reviewer', organizationName: 'Overseas CERT' } },
      );
      expect(added.addAdvisoryCredit.status).toBe('PENDING');
      expect((await credits('anonymous')).map((credit) => credit.name)).not.toContain('External Reviewer');
      await h.ok('coordinatorStaff', RESPOND, { input: { creditId: added.addAdvisoryCredit.id, accept: true } });
      expect((await credits('anonymous')).map((credit) => credit.name)).toContain('External Reviewer');

      const refused = await h.graphql('vendorAcmeAdmin', 'mutation($input: AddAdvisoryCreditInput!) { addAdvisoryCredit(input: $input) { id } }', {
        input: { advisoryId: h.world.advisories.published, type: 'FINDER', name: 'Self credit' },
      });
      expect(errorCode(refused)).toBe('FORBIDDEN');
      const unknownUser = await h.graphql('coordinatorStaff', 'mutation($input: AddAdvisoryCreditInput!) { addAdvisoryCredit(input: $input) { id } }', {
        input: { advisoryId: h.world.advisories.published, type: 'FINDER', name: 'Nobody', userId: '4b0d4c1e-95a5-4a5e-9a6f-8d7c1b2a3f40' },
      });
      expect(errorCode(unknownUser)).toBe('BAD_USER_INPUT');
    });
  });

  describe('drafts and the unable-to-coordinate list', () => {
    it('shows each vendor only its own product rows on a draft, and the public nothing of it', async () => {
      const { acme, globex } = h.world.vendors;
      const caseId = await insertCoordinatingCase(h, { title: 'Two vendors', vendors: [[acme, CaseVendorStatus.ACKNOWLEDGED], [globex, CaseVendorStatus.NOTIFIED]] });
      const draft = await createAdvisory(h, caseId, { products: [{ vendorId: acme, name: 'Acme Router RX', versions: '2.x' }, { vendorId: globex, name: 'Globex CMS' }] });
      const products = async (persona: 'vendorAcmeAdmin' | 'vendorGlobex') =>
        (await h.ok<{ advisory: { products: { name: string }[]; vendorStatements: string | null } }>(persona, 'query($id: ID!) { advisory(id: $id) { products { name vendorName } vendorStatements } }', { id: draft.id })).advisory;
      expect((await products('vendorAcmeAdmin')).products).toEqual([{ name: 'Acme Router RX', vendorName: 'Acme Networks' }]);
      expect((await products('vendorGlobex')).products).toEqual([{ name: 'Globex CMS', vendorName: 'Globex Software' }]);
      expect(errorCode(await readAdvisory(h, 'anonymous', draft.id))).toBe('NOT_FOUND');
      // The demo's unnotified vendor (Globex on the vendor-contact case) does not see that case's draft at all.
      const hidden = await createAdvisory(h, h.world.cases.vendorContact, { products: [{ vendorId: globex, name: 'Globex CMS' }] });
      expect(errorCode(await readAdvisory(h, 'vendorGlobex', hidden.id))).toBe('NOT_FOUND');
    });

    it('lists released unable-to-coordinate advisories on their own', async () => {
      const caseId = await insertCoordinatingCase(h, { title: 'Silent vendor flaw', vendors: [[h.world.vendors.initech, CaseVendorStatus.UNNOTIFIED]] });
      const draft = await createAdvisory(h, caseId, { coordinatorVerification: 'Reproduced on our own test bench.' });
      await publishAdvisory(await contextOf(h, 'coordinatorStaff'), { advisoryId: draft.id }, async () => 'unable-to-coordinate');
      const list = await h.ok<{ unableToCoordinateAdvisories: { totalCount: number; edges: { node: AdvisoryView }[] } }>(
        'anonymous',
        '{ unableToCoordinateAdvisories { totalCount edges { node { id unableToCoordinate coordinatorVerification vendorStatuses { vendorName responseStatus verificationResult } } } } }',
      );
      expect(list.unableToCoordinateAdvisories.edges.map((edge) => edge.node.id)).toContain(draft.id);
      for (const edge of list.unableToCoordinateAdvisories.edges) expect(edge.node.unableToCoordinate).toBe(true);
      const node = list.unableToCoordinateAdvisories.edges.find((edge) => edge.node.id === draft.id)!.node;
      expect(node.coordinatorVerification).toBe('Reproduced on our own test bench.');
      // Unable to coordinate: the unreachable vendor is listed even though it never answered.
      expect(node.vendorStatuses).toEqual([{ vendorName: 'Initech Industrial', responseStatus: 'UNNOTIFIED', verificationResult: 'UNKNOWN' }]);
    });
  });
});

import { randomUUID } from 'node:crypto';
import { DemoPersona } from '../src/demo/demo-world';
import { createHarness, errorCode, Harness, Persona } from './support/harness';

/**
 * The access matrix of the core, asserted through the GraphQL API on the demo world:
 * every persona against every type, for list, count, single lookup, nested relations, fields and updates.
 */
type CaseName = 'received' | 'analysis' | 'handedOver' | 'vendorContact' | 'coordinating' | 'published' | 'closed' | 'rejected' | 'withdrawn' | 'silentVendor';
const ALL_CASES: CaseName[] = ['received', 'analysis', 'handedOver', 'vendorContact', 'coordinating', 'published', 'closed', 'rejected', 'withdrawn', 'silentVendor'];

const VISIBLE_CASES: Record<DemoPersona, CaseName[]> = {
  coordinatorAdmin: ALL_CASES,
  coordinatorStaff: ALL_CASES,
  receiver: ALL_CASES,
  receiverAdmin: ALL_CASES,
  vendorAcmeAdmin: ['vendorContact', 'coordinating', 'published'],
  vendorAcmeStaff: ['vendorContact', 'coordinating', 'published'],
  vendorGlobex: ['coordinating', 'closed'],
  operator: [],
  // The demo refers the silent vendor's case to the committee; members see only referred cases.
  committeeChair: ['silentVendor'],
  committeeMember: ['silentVendor'],
  committeeMember2: ['silentVendor'],
  finder: ['received', 'handedOver', 'vendorContact', 'published', 'closed', 'rejected', 'silentVendor'],
  finderAnonymous: ['analysis', 'coordinating', 'withdrawn'],
};

type AdvisoryName = 'coordinating' | 'published' | 'closed';
const PUBLIC_ADVISORIES: AdvisoryName[] = ['published', 'closed'];
const VISIBLE_ADVISORIES: Record<Persona, AdvisoryName[]> = {
  anonymous: PUBLIC_ADVISORIES,
  coordinatorAdmin: ['coordinating', 'published', 'closed'],
  coordinatorStaff: ['coordinating', 'published', 'closed'],
  receiver: PUBLIC_ADVISORIES,
  receiverAdmin: PUBLIC_ADVISORIES,
  vendorAcmeAdmin: ['coordinating', 'published', 'closed'],
  vendorAcmeStaff: ['coordinating', 'published', 'closed'],
  vendorGlobex: ['coordinating', 'published', 'closed'],
  // The demo grants the coordinating draft to the operator (early disclosure, test/disclosure.test.ts).
  operator: ['coordinating', 'published', 'closed'],
  committeeChair: PUBLIC_ADVISORIES,
  committeeMember: PUBLIC_ADVISORIES,
  committeeMember2: PUBLIC_ADVISORIES,
  finder: PUBLIC_ADVISORIES,
  finderAnonymous: PUBLIC_ADVISORIES,
};

const PERSONAS = Object.keys(VISIBLE_CASES) as DemoPersona[];

const CASE_FIELDS = 'id reference title state receivedAt description affectedProducts finderName finderConsentToName cvssV3Vector cweId analysisNotes coordinatorNotes';

interface CaseNode {
  id: string;
  title: string;
  description: string | null;
  finderName: string | null;
  cweId: string | null;
  analysisNotes: string | null;
  coordinatorNotes: string | null;
  caseVendors: { id: string; status: string; vendor: { name: string } | null }[];
  contactAttempts: { id: string; notes: string | null; address: string | null }[];
  transitions: { toState: string; reason: string | null; actorName: string | null }[];
  advisory: { id: string; internalNotes: string | null; vendorStatements: string | null } | null;
}

describe('policy matrix', () => {
  let h: Harness;
  const caseName = (id: string) => (Object.entries(h.world.cases).find(([, caseId]) => caseId === id) ?? ['?'])[0];

  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());

  async function visibleCases(persona: Persona, filter?: Record<string, unknown>) {
    const data = await h.ok<{ cases: { totalCount: number; edges: { node: CaseNode }[] } }>(
      persona,
      `query($filter: CaseFilter) { cases(first: 100, filter: $filter) { totalCount edges { node { ${CASE_FIELDS}
        caseVendors { id status statement vendor { name } }
        contactAttempts { id notes address }
        transitions { toState reason actorName }
        advisory { id internalNotes vendorStatements } } } } }`,
      { filter },
    );
    return data.cases;
  }

  describe.each(PERSONAS)('%s', (persona) => {
    it('lists exactly its cases, and totalCount counts only those', async () => {
      const cases = await visibleCases(persona);
      expect(cases.edges.map((edge) => caseName(edge.node.id)).sort()).toEqual([...VISIBLE_CASES[persona]].sort());
      expect(cases.totalCount).toBe(VISIBLE_CASES[persona].length);
    });

    it('gets NOT_FOUND for a case it may not see, exactly as for an id that does not exist', async () => {
      const query = 'query($id: ID!) { case(id: $id) { id title } }';
      const missing = await h.graphql(persona, query, { id: randomUUID() });
      expect(errorCode(missing)).toBe('NOT_FOUND');
      for (const name of ALL_CASES) {
        const result = await h.graphql<{ case: { id: string } }>(persona, query, { id: h.world.cases[name] });
        if (VISIBLE_CASES[persona].includes(name)) {
          expect(result.data?.case.id).toBe(h.world.cases[name]);
        } else {
          expect(result).toEqual(missing);
        }
      }
    });

    it('sees exactly its advisories, by list, count and id', async () => {
      const data = await h.ok<{ advisories: { totalCount: number; edges: { node: { id: string; internalNotes: string | null } }[] } }>(
        persona,
        '{ advisories(first: 100) { totalCount edges { node { id internalNotes } } } }',
      );
      const expected = VISIBLE_ADVISORIES[persona].map((name) => h.world.advisories[name]).sort();
      expect(data.advisories.edges.map((edge) => edge.node.id).sort()).toEqual(expected);
      expect(data.advisories.totalCount).toBe(expected.length);
      const internalNotesVisible = persona.startsWith('coordinator');
      for (const edge of data.advisories.edges) expect(edge.node.internalNotes !== null).toBe(internalNotesVisible);
    });

    it('sees vendors only as far as its policy allows', async () => {
      const data = await h.ok<{ vendors: { totalCount: number; edges: { node: { id: string; contactPoints: unknown[] } }[] } }>(
        persona,
        '{ vendors { totalCount edges { node { id name contactPoints { value } products { name } } } } }',
      );
      const expected = persona.startsWith('coordinator')
        ? Object.values(h.world.vendors)
        : persona.startsWith('vendorAcme')
          ? [h.world.vendors.acme]
          : persona === 'vendorGlobex'
            ? [h.world.vendors.globex]
            : [];
      expect(data.vendors.edges.map((edge) => edge.node.id).sort()).toEqual([...expected].sort());
      expect(data.vendors.totalCount).toBe(expected.length);
    });
  });

  it('refuses anonymous callers on every authenticated root field', async () => {
    for (const query of ['{ cases { totalCount } }', `{ case(id: "${h.world.cases.published}") { id } }`, '{ vendors { totalCount } }', '{ users { id } }', '{ organizations { id } }']) {
      expect(errorCode(await h.graphql('anonymous', query))).toBe('UNAUTHENTICATED');
    }
  });

  describe('fields on visible cases', () => {
    it('gives the coordinator every field, every vendor row, attempt and internal note', async () => {
      const nodes = (await visibleCases('coordinatorStaff')).edges.map((edge) => edge.node);
      const coordinating = nodes.find((node) => node.id === h.world.cases.coordinating)!;
      expect(coordinating.coordinatorNotes).not.toBeNull();
      expect(coordinating.caseVendors).toHaveLength(2);
      expect(coordinating.advisory?.internalNotes).not.toBeNull();
      const silent = nodes.find((node) => node.id === h.world.cases.silentVendor)!;
      expect(silent.contactAttempts).toHaveLength(5);
      expect(silent.contactAttempts.every((attempt) => attempt.notes !== null)).toBe(true);
    });

    it('gives the receiver full cases while it holds them and only a summary after handing over', async () => {
      const nodes = (await visibleCases('receiver')).edges.map((edge) => edge.node);
      for (const node of nodes) {
        const held = ['received', 'analysis'].includes(caseName(node.id));
        expect(node.title).toBeTruthy();
        expect(node.description !== null).toBe(held);
        expect(node.finderName !== null).toBe(held);
        expect(node.coordinatorNotes).toBeNull();
        expect(node.caseVendors).toEqual([]);
        expect(node.contactAttempts).toEqual([]);
        expect(node.advisory === null || caseName(node.id) === 'published' || caseName(node.id) === 'closed').toBe(true);
        expect(node.transitions.length).toBeGreaterThan(0);
      }
    });

    it('shows a vendor only its own vendor row, its own attempts without notes, and the finder only with consent', async () => {
      const nodes = (await visibleCases('vendorAcmeStaff')).edges.map((edge) => edge.node);
      for (const node of nodes) {
        expect(node.coordinatorNotes).toBeNull();
        expect(node.description).not.toBeNull();
        expect(node.analysisNotes).not.toBeNull();
        expect(node.caseVendors.map((row) => row.vendor?.name)).toEqual(['Acme Networks']);
        expect(node.contactAttempts.every((attempt) => attempt.notes === null && attempt.address !== null)).toBe(true);
        expect(node.transitions).toEqual([]);
      }
      const consented = nodes.find((node) => node.id === h.world.cases.vendorContact)!;
      expect(consented.finderName).toBe('Fumi Finder');
      expect(consented.contactAttempts).toHaveLength(1);
      const private_ = nodes.find((node) => node.id === h.world.cases.coordinating)!;
      expect(private_.finderName).toBeNull();
      expect(private_.advisory?.vendorStatements).toBeNull();
      expect(private_.advisory?.internalNotes).toBeNull();
    });

    it('shows a finder its reports and their states, nothing about vendors or the analysis', async () => {
      const nodes = (await visibleCases('finder')).edges.map((edge) => edge.node);
      for (const node of nodes) {
        expect(node.description).not.toBeNull();
        expect(node.cweId).toBeNull();
        expect(node.analysisNotes).toBeNull();
        expect(node.coordinatorNotes).toBeNull();
        expect(node.caseVendors).toEqual([]);
        expect(node.contactAttempts).toEqual([]);
        expect(node.transitions.every((transition) => transition.reason === null && transition.actorName === null)).toBe(true);
      }
    });
  });

  describe('filters', () => {
    it('filters by vendor only through the vendor rows the viewer may see', async () => {
      expect((await visibleCases('vendorAcmeStaff', { vendorId: h.world.vendors.globex })).totalCount).toBe(0);
      expect((await visibleCases('vendorAcmeStaff', { vendorId: h.world.vendors.acme })).totalCount).toBe(3);
      expect((await visibleCases('coordinatorStaff', { vendorId: h.world.vendors.globex })).totalCount).toBe(3);
    });

    it('refuses a filter on a field the viewer can never read, and matches only rows where it can read it', async () => {
      const query = 'query($filter: CaseFilter) { cases(filter: $filter) { totalCount } }';
      expect(errorCode(await h.graphql('finder', query, { filter: { cweId: 'CWE-79' } }))).toBe('FORBIDDEN');
      // The receiver reads the CWE only on reports it still holds: handed-over cases with CWE-79 must not match.
      expect((await h.ok<{ cases: { totalCount: number } }>('receiver', query, { filter: { cweId: 'CWE-79' } })).cases.totalCount).toBe(1);
      expect((await h.ok<{ cases: { totalCount: number } }>('coordinatorStaff', query, { filter: { cweId: 'CWE-79' } })).cases.totalCount).toBe(9);
      expect((await h.ok<{ cases: { totalCount: number } }>('vendorAcmeStaff', query, { filter: { cweId: 'CWE-79' } })).cases.totalCount).toBe(3);
    });

    it('searches titles literally: % and _ are not wildcards', async () => {
      expect((await visibleCases('coordinatorStaff', { search: 'acme router' })).totalCount).toBe(2);
      expect((await visibleCases('coordinatorStaff', { search: '_' })).totalCount).toBe(0);
      expect((await visibleCases('coordinatorStaff', { search: '%' })).totalCount).toBe(0);
    });

    it('pages with stable cursors and the same totalCount on every page', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const data: { cases: { totalCount: number; edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await h.ok(
          'coordinatorStaff',
          'query($after: String) { cases(first: 3, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }',
          { after },
        );
        expect(data.cases.totalCount).toBe(10);
        seen.push(...data.cases.edges.map((edge) => edge.node.id));
        if (!data.cases.pageInfo.hasNextPage) break;
        after = data.cases.pageInfo.endCursor;
      }
      expect(seen).toHaveLength(10);
      expect(new Set(seen).size).toBe(10);
    });

    it('rejects a page size above the maximum and a forged cursor', async () => {
      expect(errorCode(await h.graphql('coordinatorStaff', '{ cases(first: 101) { totalCount } }'))).toBe('BAD_USER_INPUT');
      expect(errorCode(await h.graphql('coordinatorStaff', '{ cases(after: "bm90LWEtY3Vyc29y") { totalCount } }'))).toBe('BAD_USER_INPUT');
    });
  });

  describe('updates', () => {
    const updateStatus = 'mutation($input: UpdateVendorStatusInput!) { updateVendorStatus(input: $input) { id status statement } }';
    const updateCase = 'mutation($input: UpdateCaseInput!) { updateCase(input: $input) { id title analysisNotes } }';

    it('lets a vendor update its own status and statement', async () => {
      const own = h.world.caseVendors[`coordinating:${h.world.vendors.acme}`];
      const data = await h.ok<{ updateVendorStatus: { status: string; statement: string } }>('vendorAcmeStaff', updateStatus, {
        input: { caseVendorId: own, status: 'AFFECTED', statement: 'Affected; fix in 2.4' },
      });
      expect(data.updateVendorStatus).toMatchObject({ status: 'AFFECTED', statement: 'Affected; fix in 2.4' });
    });

    it("treats another vendor's row, or its own before notification, as not existing", async () => {
      const missing = await h.graphql('vendorAcmeStaff', updateStatus, { input: { caseVendorId: randomUUID(), status: 'AFFECTED' } });
      expect(errorCode(missing)).toBe('NOT_FOUND');
      const other = await h.graphql('vendorAcmeStaff', updateStatus, { input: { caseVendorId: h.world.caseVendors[`coordinating:${h.world.vendors.globex}`], status: 'AFFECTED' } });
      expect(other).toEqual(missing);
      const unnotified = await h.graphql('vendorGlobex', updateStatus, { input: { caseVendorId: h.world.caseVendors[`vendorContact:${h.world.vendors.globex}`], status: 'AFFECTED' } });
      expect(unnotified).toEqual(missing);
    });

    it.each<[Persona, CaseName, Record<string, unknown>, string]>([
      ['vendorAcmeStaff', 'coordinating', { title: 'Renamed by vendor' }, 'FORBIDDEN'],
      ['vendorAcmeStaff', 'received', { title: 'Renamed by vendor' }, 'NOT_FOUND'],
      ['finder', 'received', { analysisNotes: 'finder analysis' }, 'FORBIDDEN'],
      ['receiver', 'handedOver', { analysisNotes: 'too late' }, 'FORBIDDEN'],
      ['receiver', 'received', { coordinatorNotes: 'not mine' }, 'FORBIDDEN'],
      ['operator', 'received', { title: 'Renamed by operator' }, 'NOT_FOUND'],
    ])('refuses %s updating case %s with %j (%s) and changes nothing', async (persona, name, changes, code) => {
      const before = await h.ok<{ case: unknown }>('coordinatorStaff', `query($id: ID!) { case(id: $id) { ${CASE_FIELDS} updatedAt } }`, { id: h.world.cases[name] });
      expect(errorCode(await h.graphql(persona, updateCase, { input: { caseId: h.world.cases[name], ...changes } }))).toBe(code);
      const after = await h.ok<{ case: unknown }>('coordinatorStaff', `query($id: ID!) { case(id: $id) { ${CASE_FIELDS} updatedAt } }`, { id: h.world.cases[name] });
      expect(after).toEqual(before);
    });

    it('lets the receiver record its analysis while it holds the report, with validated CVSS and CWE', async () => {
      const id = h.world.cases.analysis;
      const bad = await h.graphql('receiver', updateCase, { input: { caseId: id, cvssV3Vector: 'CVSS:3.1/AV:N' } });
      expect(errorCode(bad)).toBe('BAD_USER_INPUT');
      expect(bad.errors?.[0]?.extensions?.field).toBe('cvssV3Vector');
      const data = await h.ok<{ updateCase: { analysisNotes: string } }>('receiver', updateCase, {
        input: { caseId: id, analysisNotes: 'Confirmed on 5.2', cvssV3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', cweId: 'CWE-287' },
      });
      expect(data.updateCase.analysisNotes).toBe('Confirmed on 5.2');
    });
  });
});

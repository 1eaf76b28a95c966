import fc from 'fast-check';
import { Case, CaseState, CaseVendor, CaseVendorStatus } from '../src/cases/case.entity';
import { newId } from '../src/common/columns';
import { newCaseReference } from '../src/cases/case.service';
import { createHarness, Harness, Persona } from './support/harness';

/**
 * Walking a filtered case list page by page gives exactly the matching cases, each once, in order (receivedAt, then
 * id, both descending by default), however the states filter is served: a states filter of several values is read as
 * one ordered range per state (paginate's RangeSplit), which must not lose or repeat a row at page edges or on ties.
 */
const PAGE_QUERY = `query($first: Int!, $after: String, $filter: CaseFilter, $orderBy: CaseOrder) {
  cases(first: $first, after: $after, filter: $filter, orderBy: $orderBy) { totalCount pageInfo { hasNextPage endCursor } edges { node { id state receivedAt } } }
}`;
const STATES = [CaseState.VENDOR_CONTACT, CaseState.COORDINATING, CaseState.UNDER_ANALYSIS, CaseState.CLOSED];
const BASE = Date.parse('2026-03-01T00:00:00.000Z');

interface Page {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: { id: string; state: CaseState; receivedAt: string } }[];
}

describe('case list pagination with a states filter', () => {
  let h: Harness;
  const seeded: { id: string; state: CaseState; receivedAt: number; acme: boolean }[] = [];

  beforeAll(async () => {
    h = await createHarness();
    // 40 cases over 4 states, receivedAt in few distinct values (ties broken by id), half of them notified to Acme.
    const cases: Case[] = [];
    const links: CaseVendor[] = [];
    for (let index = 0; index < 40; index++) {
      const id = newId();
      const state = STATES[(index * 7) % STATES.length];
      const receivedAt = BASE + ((index * 13) % 9) * 60_000;
      const acme = index % 2 === 0;
      seeded.push({ id, state, receivedAt, acme });
      cases.push(Object.assign(new Case(), {
        id, reference: newCaseReference(), title: `Paged ${index}`, description: 'Seeded for pagination.', affectedProducts: 'Product 1.0',
        finderUserId: null, finderName: null, finderConsentToName: false, receivedAt: new Date(receivedAt), registeredByOrgId: h.world.organizations.receiver,
        state, overseasCoordination: false, cvssV3Vector: null, cvssV4Vector: null, cweId: null, analysisNotes: null, coordinatorNotes: null, updatedAt: new Date(receivedAt),
      }));
      if (acme) {
        links.push(Object.assign(new CaseVendor(), {
          id: newId(), caseId: id, vendorId: h.world.vendors.acme, status: CaseVendorStatus.ACKNOWLEDGED, statement: null, notifiedAt: new Date(receivedAt), updatedAt: new Date(receivedAt),
        }));
      }
    }
    await h.db.dataSource.getRepository(Case).insert(cases);
    await h.db.dataSource.getRepository(CaseVendor).insert(links);
  });
  afterAll(async () => h?.close());

  async function walk(persona: Persona, states: CaseState[] | null, first: number, direction: 'ASC' | 'DESC'): Promise<{ ids: string[]; totals: number[] }> {
    const ids: string[] = [];
    const totals: number[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 100; guard++) {
      const data: { cases: Page } = await h.ok(persona, PAGE_QUERY, { first, after, filter: states ? { states } : null, orderBy: { field: 'RECEIVED_AT', direction } });
      ids.push(...data.cases.edges.map((edge) => edge.node.id));
      totals.push(data.cases.totalCount);
      if (!data.cases.pageInfo.hasNextPage) break;
      after = data.cases.pageInfo.endCursor;
    }
    return { ids, totals };
  }

  it('keeps the per-state counts that serve the unrestricted total equal to the rows, through inserts, updates and deletes', async () => {
    const dataSource = h.db.dataSource;
    const counted = async () => Object.fromEntries(((await dataSource.query('SELECT state, cases FROM case_state_count')) as { state: string; cases: number | string }[]).map((row) => [row.state, Number(row.cases)]));
    const actual = async () => {
      const rows = (await dataSource.query('SELECT state, COUNT(*) AS cases FROM case_file GROUP BY state')) as { state: string; cases: number | string }[];
      return Object.fromEntries(Object.keys(await counted()).map((state) => [state, Number(rows.find((row) => row.state === state)?.cases ?? 0)]));
    };
    expect(await counted()).toEqual(await actual());
    // Cases without vendor rows, so one can be deleted; the triggers act on any write, whoever makes it.
    const moved = seeded.find((row) => !row.acme && row.state === CaseState.COORDINATING)!;
    const removed = seeded.find((row) => !row.acme && row.state === CaseState.CLOSED)!;
    await dataSource.getRepository(Case).update({ id: moved.id }, { state: CaseState.VENDOR_CONTACT });
    moved.state = CaseState.VENDOR_CONTACT;
    await dataSource.getRepository(Case).delete({ id: removed.id });
    seeded.splice(seeded.indexOf(removed), 1);
    expect(await counted()).toEqual(await actual());
    const total = await h.ok<{ cases: { totalCount: number } }>('coordinatorStaff', '{ cases(filter: { states: [VENDOR_CONTACT, COORDINATING] }) { totalCount } }');
    expect(total.cases.totalCount).toBe((await actual()).VENDOR_CONTACT + (await actual()).COORDINATING);
  });

  // A vendor's first page counts its rows in the page's own statement (COUNT(*) OVER (), see paginate); later pages,
  // and pages split by state, count in a statement of their own: every page must give the same total.
  it('returns every matching case once, in order, with the same total on every page, for any states, page size and direction', async () => {
    const cases = (await h.db.dataSource.getRepository(Case).find()).map((row) => ({ id: row.id, state: row.state, receivedAt: row.receivedAt.getTime() }));
    const acmeCases = new Set(seeded.filter((row) => row.acme).map((row) => row.id));
    // Acme's own demo cases count too: they are in the database like any other.
    const notified = new Set((await h.db.dataSource.getRepository(CaseVendor).findBy({ vendorId: h.world.vendors.acme })).filter((row) => row.status !== CaseVendorStatus.UNNOTIFIED).map((row) => row.caseId));
    expect([...acmeCases].every((id) => notified.has(id))).toBe(true);
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.subarray([...STATES, CaseState.RECEIVED], { minLength: 1 }), { nil: null }),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom<'ASC' | 'DESC'>('ASC', 'DESC'),
        fc.constantFrom<Persona>('coordinatorStaff', 'vendorAcmeStaff'),
        async (states, first, direction, persona) => {
          const visible = persona === 'coordinatorStaff' ? cases : cases.filter((row) => notified.has(row.id));
          const sign = direction === 'ASC' ? 1 : -1;
          const expected = visible
            .filter((row) => !states || states.includes(row.state))
            .sort((left, right) => sign * (left.receivedAt - right.receivedAt) || sign * (left.id < right.id ? -1 : left.id > right.id ? 1 : 0))
            .map((row) => row.id);
          const { ids, totals } = await walk(persona, states, first, direction);
          expect(ids).toEqual(expected);
          expect(new Set(totals)).toEqual(new Set([expected.length]));
        },
      ),
      { numRuns: 40 },
    );
  });
});

import fc from 'fast-check';
import { Builder, newBuilder } from '../../policies/ability';
import { ADVISORY_PUBLIC } from '../../policies/fields';
import { firstPageStatements, publicViewOf, searchAdvisories, searchStatements, SearchStatements } from '../../src/advisories/advisory-search.service';
import { AdvisorySeverity, AdvisoryStatus } from '../../src/advisories/advisory.entity';
import { AdvisorySearchFilter } from '../../src/advisories/advisory.input';
import type { RequestContext } from '../../src/context/request-context';
import { ANONYMOUS } from '../../src/context/viewer';
import { createHarness, Harness } from '../support/harness';

// The public search's first pages are built once per search and handed out again with each request's instant
// (firstPageStatements in src/advisories/advisory-search.service.ts). What is handed out must be exactly what building
// it anew would give, for every search, and a statement built under other rules must never be handed out.

const HOUR = 3_600_000;

/** The statement as data, with the clock object of `now` marked wherever it is a parameter. */
function shape(statements: SearchStatements, now: Date): unknown {
  if (!statements.readable) return 'unreadable';
  if (!statements.page) return 'no page';
  const { sql, parameters, selection } = statements.page;
  const marked = Object.fromEntries(Object.entries(parameters).map(([name, value]) => [name, value === now ? '<the request clock>' : value instanceof Date ? `date ${value.toISOString()}` : value]));
  return { sql, parameters: marked, selected: selection.sql, resultNames: selection.resultNames, reads: selection.flags?.reads ?? null };
}

/** The statement's shape, or the error building it throws (a field the rules do not let the search filter on). */
function outcome(build: () => SearchStatements, now: Date): unknown {
  try {
    return shape(build(), now);
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const words = ['scripting', 'scri', 'cross site', 'overflow', 'ab', 'vulnerabilityvulnerabilityx', '脆弱性', 'x-frame', 'the', 'Vellichor camera', 'a_b%'];
const filters: fc.Arbitrary<AdvisorySearchFilter> = fc
  .record(
    {
      text: fc.constantFrom(...words),
      vendor: fc.constantFrom('Acme', 'glob', '%'),
      product: fc.constantFrom('router', 'Camera'),
      cweId: fc.constantFrom('CWE-79', 'CWE-120'),
      cveId: fc.constantFrom('CVE-2026-12345'),
      severities: fc.subarray(Object.values(AdvisorySeverity), { minLength: 1 }),
      publishedFrom: fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }),
      publishedBefore: fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }),
      unableToCoordinate: fc.boolean(),
    },
    { requiredKeys: [] },
  )
  .map((fields) => Object.assign(new AdvisorySearchFilter(), fields));
const selections = fc.option(fc.subarray(['id', 'identifier', 'title', 'publishedAt', 'severity', 'cweId', 'cvssV3BaseScore', 'overview', 'credits']), { nil: undefined });

describe('the public search statements remembered for first pages', () => {
  let h: Harness;
  let base: RequestContext;

  beforeAll(async () => {
    h = await createHarness();
    base = h.server.contextFor(ANONYMOUS);
  }, 120_000);
  afterAll(async () => h?.close(), 60_000);

  const viewAt = (now: Date) => publicViewOf({ ...base, now });

  it('are exactly the statements built anew at the later instant, for every search', async () => {
    await fc.assert(
      fc.asyncProperty(filters, fc.integer({ min: 1, max: 50 }), selections, fc.integer({ min: 1, max: 10_000 }), async (filter, first, fields, hoursLater) => {
        const fieldSet = fields && new Set(fields);
        const earlier = viewAt(new Date(h.clock.now().getTime() - hoursLater * HOUR));
        firstPageStatements(earlier, filter, first, fieldSet, 1_000);
        const later = viewAt(h.clock.now());
        const handedOut = firstPageStatements(later, filter, first, fieldSet, 1_000);
        expect(shape(handedOut, later.now)).toEqual(shape(searchStatements(later, filter, first, null, fieldSet, 1_000), later.now));
        // The earlier instant is nowhere in it.
        if (handedOut.readable && handedOut.page) expect(Object.values(handedOut.page.parameters)).not.toContain(earlier.now);
      }),
      { numRuns: 150 },
    );
  });

  it('are never handed out to a view whose rules differ, however small the difference', async () => {
    const now = h.clock.now();
    const filterOf = (text: string) => Object.assign(new AdvisorySearchFilter(), { text, vendor: text === 'ab' ? 'Acme' : undefined });
    const texts = ['scripting', 'cross site', 'ab'];
    // Remembered first: the public's statements for the same searches.
    const publicStatements = texts.map((text) => outcome(() => firstPageStatements(viewAt(now), filterOf(text), 10, undefined, 1_000), now));
    const hypothetical: [string, (can: Builder['can'], cannot: Builder['cannot']) => void][] = [
      ['one CWE only', (can) => can('read', 'Advisory', ADVISORY_PUBLIC, { status: AdvisoryStatus.PUBLISHED, publishedAt: { $lte: now }, cweId: 'CWE-79' })],
      ['fewer fields', (can) => can('read', 'Advisory', ['id', 'title', 'publishedAt', 'status'], { status: AdvisoryStatus.PUBLISHED, publishedAt: { $lte: now } })],
      ['published at any time', (can) => can('read', 'Advisory', ADVISORY_PUBLIC, { status: AdvisoryStatus.PUBLISHED })],
      [
        'products of some vendors only',
        (can) => {
          can('read', 'Advisory', ADVISORY_PUBLIC, { status: AdvisoryStatus.PUBLISHED, publishedAt: { $lte: now } });
          can('read', 'AdvisoryProduct', { 'advisory.status': AdvisoryStatus.PUBLISHED, 'advisory.publishedAt': { $lte: now }, vendorName: 'Acme' });
        },
      ],
      [
        'a rule taken back',
        (can, cannot) => {
          can('read', 'Advisory', ADVISORY_PUBLIC, { status: AdvisoryStatus.PUBLISHED, publishedAt: { $lte: now } });
          cannot('read', 'Advisory', { cweId: 'CWE-120' });
        },
      ],
      ['nothing', () => undefined],
    ];
    for (const [name, rules] of hypothetical) {
      const differs: boolean[] = [];
      for (const [index, text] of texts.entries()) {
        const { can, cannot, build } = newBuilder();
        rules(can, cannot);
        const view = { ...viewAt(now), ability: build() };
        const handedOut = outcome(() => firstPageStatements(view, filterOf(text), 10, undefined, 1_000), now);
        expect({ name, text, statements: handedOut }).toEqual({ name, text, statements: outcome(() => searchStatements(view, filterOf(text), 10, null, undefined, 1_000), now) });
        differs.push(JSON.stringify(handedOut) !== JSON.stringify(publicStatements[index]));
      }
      // Each difference shows in the statement of at least one of the searches: none of them was the public's.
      expect({ name, differs: differs.some(Boolean) }).toEqual({ name, differs: true });
    }
  });

  it('answer the same as a search whose statement is built anew, page after page', async () => {
    const ctx = h.server.contextFor(ANONYMOUS);
    const answer = async (filter: AdvisorySearchFilter) => {
      const pages: unknown[] = [];
      let after: string | null = null;
      do {
        const page = await searchAdvisories(ctx, filter, { first: 2, after });
        pages.push({ total: page.totalCount, ids: page.edges.map((edge) => edge.node.id) });
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      return pages;
    };
    for (const text of ['flaw', 'camera', 'vulnerability', 'ab']) {
      const filter = Object.assign(new AdvisorySearchFilter(), { text });
      const first = await answer(filter);
      expect(await answer(filter)).toEqual(first); // the second time, from the remembered statement
      expect(first.length).toBeGreaterThan(0);
    }
  });
});

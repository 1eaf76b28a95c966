import { Advisory, AdvisoryStatus } from '../../src/advisories/advisory.entity';
import { AdvisoryProduct, AdvisoryVendorStatus, VendorVerificationResult } from '../../src/advisories/advisory-publication.entity';
import { searchAdvisories } from '../../src/advisories/advisory-search.service';
import { refreshSearchTerms } from '../../src/advisories/search-index';
import { CaseVendorStatus } from '../../src/cases/case.entity';
import { newId } from '../../src/common/columns';
import { countSqlStatements, SqlStatementCounter } from '../../src/common/sql-statement-counter';
import { PageArgs } from '../../src/common/connection';
import { createHarness, Harness, Persona } from '../support/harness';
import { contextOf, insertCoordinatingCase } from './support/advisory-fixtures';

// The public search's capped count (config.searchTotalCountCap, here 3) and the two ways its page is read: above the
// cap, walking the publication order and testing each row; at or below it, starting from the full-text matches.
// Both must give exactly the order of "newest publication first, ties by id", page after page, and neither may let a
// draft or a scheduled publication match, count, or push a count over the cap.

const CAP = 3;
const HOUR = 3_600_000;

const SEARCH = `query($filter: AdvisorySearchFilter, $first: Int, $after: String) {
  searchAdvisories(filter: $filter, first: $first, after: $after) {
    totalCount totalCountIsLowerBound
    pageInfo { hasNextPage endCursor }
    edges { node { id } }
  }
}`;

interface SearchPage {
  totalCount: number;
  totalCountIsLowerBound: boolean;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: { id: string } }[];
}

interface Fixture {
  id: string;
  publishedAt: Date | null;
  status: AdvisoryStatus;
  words: string[];
}

describe('public advisory search with its count capped', () => {
  let h: Harness;
  let counter: SqlStatementCounter;
  const fixtures: Fixture[] = [];

  /** Inserts an advisory whose text holds `text`, with a product and a vendor status row named as given. */
  async function insert(options: { text: string; status?: AdvisoryStatus; publishedAt: Date | null; product?: string; moreProducts?: string[]; vendorName?: string }): Promise<string> {
    const caseId = await insertCoordinatingCase(h, { title: `Case of ${options.text}`, vendors: [[h.world.vendors.acme, CaseVendorStatus.AFFECTED]] });
    const id = newId();
    const status = options.status ?? AdvisoryStatus.PUBLISHED;
    const now = h.clock.now();
    await h.db.dataSource.getRepository(Advisory).insert({
      id, caseId, identifier: status === AdvisoryStatus.DRAFT ? null : `JVN#${String(70_000_000 + fixtures.length).padStart(8, '0')}`,
      title: `Flaw: ${options.text}`, overview: 'Overview.', affectedProducts: null, impact: null, solution: null, workarounds: null,
      vendorStatements: null, cvssV3Vector: null, cvssV4Vector: null, cweId: null, cveIds: [], status, publishedAt: options.publishedAt,
      unableToCoordinate: false, coordinatorVerification: null, internalNotes: 'Internal: quorvale tarnwick hiddenonlyword.', severity: null,
      revision: status === AdvisoryStatus.DRAFT ? 0 : 1, revisedAt: options.publishedAt, pendingRevision: null, createdAt: now, updatedAt: now,
    });
    const products = [options.product ?? 'Plain Gateway', ...(options.moreProducts ?? [])];
    await h.db.dataSource.getRepository(AdvisoryProduct).insert(
      products.map((name, position) => ({ id: newId(), advisoryId: id, vendorId: h.world.vendors.acme, vendorName: 'Acme Networks', name, versions: '1', position })),
    );
    await h.db.dataSource.getRepository(AdvisoryVendorStatus).insert({
      id: newId(), advisoryId: id, vendorId: h.world.vendors.acme, vendorName: options.vendorName ?? 'Acme Networks', responseStatus: CaseVendorStatus.AFFECTED,
      verificationResult: VendorVerificationResult.VULNERABLE, statement: null, recordedAt: now,
    });
    // Inserted directly, not published through the API: its search index rows are written as publishAdvisory would.
    await refreshSearchTerms(h.db.dataSource.manager, [id]);
    // The product row's vendor is Acme Networks too.
    const words = `${options.text} ${products.join(' ')} Acme Networks ${options.vendorName ?? ''}`.toLowerCase().split(/\s+/).filter(Boolean);
    fixtures.push({ id, publishedAt: options.publishedAt, status, words });
    return id;
  }

  beforeAll(async () => {
    h = await createHarness({ config: { searchTotalCountCap: CAP } });
    const base = h.clock.now().getTime() - 10 * 24 * HOUR;
    const at = (hours: number) => new Date(base + hours * HOUR);
    // quorvale: 9 released advisories, two pairs published at the same instant, one matching through its product's
    // name only and one through its vendor's name only. brindlemoss: 3 of them (= the cap). ostrevane: 4 (the cap + 1),
    // one of them the product-only quorvale. tarnwick: 2 released, 1 draft, 3 scheduled (the hidden ones would push
    // it over the cap).
    await insert({ text: 'quorvale brindlemoss', publishedAt: at(1) });
    await insert({ text: 'quorvale', publishedAt: at(2) });
    await insert({ text: 'quorvale brindlemoss', publishedAt: at(2) });
    await insert({ text: 'quorvale', publishedAt: at(2) });
    await insert({ text: 'quorvale ostrevane', publishedAt: at(3) });
    await insert({ text: 'quorvale brindlemoss', publishedAt: at(5) });
    await insert({ text: 'quorvale', publishedAt: at(5) });
    await insert({ text: 'ostrevane', product: 'Quorvale Switch', publishedAt: at(4) });
    await insert({ text: 'ostrevane tarnwick', vendorName: 'Quorvale Networks', publishedAt: at(6) });
    await insert({ text: 'ostrevane', publishedAt: at(7) });
    await insert({ text: 'tarnwick', publishedAt: at(8) });
    // zephyrine: 3 advisories, each through two of its products' names.
    for (const hours of [9, 10, 11]) await insert({ text: 'product names', product: `Zephyrine ${hours}A`, moreProducts: [`Zephyrine ${hours}B`], publishedAt: at(hours) });
    const later = new Date(h.clock.now().getTime() + 2 * 24 * HOUR);
    await insert({ text: 'quorvale tarnwick hiddenonlyword', status: AdvisoryStatus.DRAFT, publishedAt: null, product: 'Tarnwick Hub', vendorName: 'Tarnwick Vendor' });
    for (const hours of [0, 1, 1]) await insert({ text: 'tarnwick hiddenonlyword', publishedAt: new Date(later.getTime() + hours * HOUR) });
    await insert({ text: 'quorvale ostrevane', publishedAt: later });
    counter = countSqlStatements(h.db.dataSource);
  }, 120_000);
  afterAll(async () => h?.close(), 60_000);

  /** What the search must answer at the harness's clock: released matches, newest publication first, ties by id. */
  const expected = (words: string[]) =>
    fixtures
      .filter((fixture) => fixture.status === AdvisoryStatus.PUBLISHED && fixture.publishedAt! <= h.clock.now())
      .filter((fixture) => words.every((word) => fixture.words.some((token) => token.startsWith(word))))
      .sort((a, b) => b.publishedAt!.getTime() - a.publishedAt!.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .map((fixture) => fixture.id);

  const search = async (text: string, first: number, after: string | null = null, persona: Persona = 'anonymous') =>
    (await h.ok<{ searchAdvisories: SearchPage }>(persona, SEARCH, { filter: { text }, first, after })).searchAdvisories;

  /** Every page of `first`, checking that each page repeats the first page's count. */
  async function allPages(text: string, first: number, persona: Persona = 'anonymous') {
    const ids: string[] = [];
    let after: string | null = null;
    const firstPage = await search(text, first, null, persona);
    let page = firstPage;
    for (;;) {
      expect({ totalCount: page.totalCount, totalCountIsLowerBound: page.totalCountIsLowerBound }).toEqual({
        totalCount: firstPage.totalCount, totalCountIsLowerBound: firstPage.totalCountIsLowerBound,
      });
      ids.push(...page.edges.map((edge) => edge.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
      page = await search(text, first, after, persona);
    }
    return { ids, totalCount: firstPage.totalCount, totalCountIsLowerBound: firstPage.totalCountIsLowerBound };
  }

  it.each([
    ['quorvale', 9],
    ['ostrevane', 4],
    ['quorvale networks', 9], // networks: every advisory's vendor name
    ['acme quorvale gateway', 8], // gateway: the product's name, but the Quorvale Switch
  ])('counts up to the cap and flags the rest: %s (%i matches)', async (text, matches) => {
    const order = expected(text.split(' '));
    expect(order).toHaveLength(matches);
    for (const first of [1, 2, 50]) {
      expect(await allPages(text, first)).toEqual({ ids: order, totalCount: Math.min(matches, CAP), totalCountIsLowerBound: matches > CAP });
    }
  });

  it.each([
    ['brindlemoss', 3],
    ['quorvale ostrevane', 3], // quorvale in the text, the product's name or the vendor's name
    ['ostrevane quorvale', 3],
    ['brindlemoss quorvale', 3],
    ['quor brindle', 3],
    ['tarnwick', 2],
    ['zephyrine', 3], // each advisory twice among the product rows: still 3, not "more"
    ['ostrevane tarnwick', 1],
    ['switch ostrevane', 1], // switch: one advisory's product name only
    ['quorvale ostrevane switch', 1],
    ['nowhereword', 0],
  ])('counts exactly at or below the cap: %s (%i matches)', async (text, matches) => {
    const order = expected(text.split(' '));
    expect(order).toHaveLength(matches);
    for (const first of [1, 2, 50]) expect(await allPages(text, first)).toEqual({ ids: order, totalCount: matches, totalCountIsLowerBound: false });
  });

  it('counts on a page after the last match too, which has no row to carry the count', async () => {
    for (const [text, matches] of [['quorvale', 9], ['brindlemoss', 3]] as const) {
      const whole = await search(text, 50);
      expect(whole.edges).toHaveLength(matches);
      const beyond = await search(text, 5, whole.pageInfo.endCursor);
      expect({ edges: beyond.edges, totalCount: beyond.totalCount, totalCountIsLowerBound: beyond.totalCountIsLowerBound }).toEqual({
        edges: [], totalCount: Math.min(matches, CAP), totalCountIsLowerBound: matches > CAP,
      });
    }
  });

  it('pages in the same order whichever way the page is read', async () => {
    const ctx = await contextOf(h, 'vendorAcmeAdmin');
    for (const text of ['quorvale', 'ostrevane', 'quorvale ostrevane', 'brindlemoss', 'tarnwick']) {
      const orders: string[][] = [];
      for (const cap of [1, 1000]) {
        const ids: string[] = [];
        let after: string | null = null;
        for (;;) {
          const page = await searchAdvisories({ ...ctx, config: { ...ctx.config, searchTotalCountCap: cap } }, { text }, Object.assign(new PageArgs(), { first: 2, after }));
          ids.push(...page.edges.map((edge) => edge.node.id));
          if (!page.pageInfo.hasNextPage) break;
          after = page.pageInfo.endCursor;
        }
        orders.push(ids);
      }
      expect(orders[0]).toEqual(expected(text.split(' ')));
      expect(orders[1]).toEqual(orders[0]);
    }
  });

  it('caps the count of a search without indexed words, and of the unable-to-coordinate list', async () => {
    const released = await h.db.dataSource
      .getRepository(Advisory)
      .createQueryBuilder('a')
      .select('a.id', 'id')
      .where('a.status = :status AND a.publishedAt <= :now', { status: AdvisoryStatus.PUBLISHED, now: h.clock.now() })
      .orderBy('a.publishedAt', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .getRawMany<{ id: string }>();
    expect(released.length).toBeGreaterThan(CAP);
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: SearchPage = (await h.ok<{ searchAdvisories: SearchPage }>('anonymous', SEARCH, { first: 4, after })).searchAdvisories;
      expect([page.totalCount, page.totalCountIsLowerBound]).toEqual([CAP, true]);
      ids.push(...page.edges.map((edge) => edge.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(ids).toEqual(released.map((row) => row.id));
    // Two letters: below the index's token size, matched as a substring of every released text ("Flaw: …").
    expect(await allPages('fl', 50)).toMatchObject({ totalCount: CAP, totalCountIsLowerBound: true });
    const unable = await h.ok<{ unableToCoordinateAdvisories: SearchPage }>('anonymous', `{ unableToCoordinateAdvisories(first: 5) { totalCount totalCountIsLowerBound edges { node { id } } pageInfo { hasNextPage endCursor } } }`);
    expect(unable.unableToCoordinateAdvisories.totalCount).toBe(unable.unableToCoordinateAdvisories.edges.length);
    expect(unable.unableToCoordinateAdvisories.totalCountIsLowerBound).toBe(false);
  });

  it('sends the same statements whether the count stops at the cap or not', async () => {
    const statements = async (text: string, first: number) => counter.count(async () => void (await search(text, first)));
    const counts = [await statements('quorvale', 1), await statements('quorvale', 2), await statements('tarnwick', 2), await statements('nowhereword', 2), await statements('quorvale ostrevane', 2)];
    expect(counts).toEqual(counts.map(() => counts[0]));
    expect(counts[0]).toBe(1); // the page's rows carry the count
  });

  it('never lets drafts or scheduled publications match, count or reach the cap, whoever asks, until they are due', async () => {
    for (const persona of ['anonymous', 'coordinatorStaff', 'vendorAcmeAdmin', 'operator'] as const) {
      expect(await allPages('hiddenonlyword', 2, persona)).toEqual({ ids: [], totalCount: 0, totalCountIsLowerBound: false });
      expect(await allPages('tarnwick hub', 2, persona)).toEqual({ ids: [], totalCount: 0, totalCountIsLowerBound: false });
      expect(await allPages('tarnwick vendor', 2, persona)).toEqual({ ids: [], totalCount: 0, totalCountIsLowerBound: false });
      // Two released, four hidden: the hidden ones are not counted towards the cap.
      expect(await allPages('tarnwick', 1, persona)).toEqual({ ids: expected(['tarnwick']), totalCount: 2, totalCountIsLowerBound: false });
    }
  });

  it('counts and pages a scheduled publication once it is due', async () => {
    h.clock.advanceDays(3);
    try {
      const tarnwick = expected(['tarnwick']);
      expect(tarnwick).toHaveLength(5);
      expect(await allPages('tarnwick', 2)).toEqual({ ids: tarnwick, totalCount: CAP, totalCountIsLowerBound: true });
      expect(await allPages('hiddenonlyword', 2)).toEqual({ ids: expected(['hiddenonlyword']), totalCount: 3, totalCountIsLowerBound: false });
      expect(await allPages('quorvale', 4)).toMatchObject({ ids: expected(['quorvale']), totalCountIsLowerBound: true });
      expect(expected(['quorvale'])).toHaveLength(10);
      expect((await allPages('tarnwick hub', 2)).ids).toEqual([]); // still a draft
    } finally {
      h.clock.advanceDays(-3);
    }
  });
});

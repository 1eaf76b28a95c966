import { publishAdvisory } from '../../src/advisories/advisory.service';
import { CaseVendorStatus } from '../../src/cases/case.entity';
import { createHarness, errorCode, Harness, Persona } from '../support/harness';
import { contextOf, createAdvisory, CVSS_V3, insertCoordinatingCase, publish } from './support/advisory-fixtures';

const SEARCH = `query($filter: AdvisorySearchFilter, $first: Int, $after: String) {
  searchAdvisories(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id identifier publishedAt } }
  }
}`;

interface SearchPage {
  searchAdvisories: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { cursor: string; node: { id: string; identifier: string; publishedAt: string } }[];
  };
}

describe('public advisory search', () => {
  let h: Harness;
  const ids = {} as Record<'overflow' | 'xss' | 'wildcard' | 'scheduled' | 'draft' | 'published' | 'closed', string>;

  beforeAll(async () => {
    h = await createHarness();
    const { acme, globex, initech } = h.world.vendors;
    ids.published = h.world.advisories.published;
    ids.closed = h.world.advisories.closed;

    const overflowCase = await insertCoordinatingCase(h, { title: 'Buffer overflow in Acme Router firmware', vendors: [[acme, CaseVendorStatus.FIX_AVAILABLE]] });
    ids.overflow = (await publish(h, (await createAdvisory(h, overflowCase, {
      overview: 'A long hostname overflows a stack buffer.', cweId: 'CWE-120', cvssV3Vector: CVSS_V3, cveIds: ['CVE-2026-40001'],
      products: [{ vendorId: acme, name: 'Acme Router RX', versions: '2.3 and earlier' }],
    })).id)).id;
    // Published at the same instant as the overflow: the order between them is decided by id.
    const xssCase = await insertCoordinatingCase(h, { title: 'Cross-site scripting in Globex CMS editor', vendors: [[globex, CaseVendorStatus.AFFECTED]] });
    ids.xss = (await publish(h, (await createAdvisory(h, xssCase, {
      overview: 'Stored script in comments.', cweId: 'CWE-79', cvssV3Vector: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:U/C:L/I:L/A:N', cveIds: ['CVE-2026-4000'],
      products: [{ vendorId: globex, name: 'Globex CMS', versions: '3.1' }],
    })).id)).id;

    h.clock.advanceDays(1);
    const wildcardCase = await insertCoordinatingCase(h, { title: 'Weak 100%_wildcard handling in Initech PLC', vendors: [[initech, CaseVendorStatus.UNNOTIFIED]] });
    const wildcard = await createAdvisory(h, wildcardCase, { cvssV3Vector: 'CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N', cweId: 'CWE-20' });
    await publishAdvisory(await contextOf(h, 'coordinatorStaff'), { advisoryId: wildcard.id }, async () => 'unable-to-coordinate');
    ids.wildcard = wildcard.id;

    const scheduledCase = await insertCoordinatingCase(h, { title: 'Scheduled secret flaw in Acme Router', vendors: [[acme, CaseVendorStatus.AFFECTED]] });
    ids.scheduled = (await publish(h, (await createAdvisory(h, scheduledCase, { cveIds: ['CVE-2026-40009'], cweId: 'CWE-120' })).id, new Date(h.clock.now().getTime() + 30 * 86_400_000))).id;
    const draftCase = await insertCoordinatingCase(h, { title: 'Draft only flaw in Acme Router', vendors: [[acme, CaseVendorStatus.AFFECTED]] });
    ids.draft = (await createAdvisory(h, draftCase, { cveIds: ['CVE-2026-40010'], cweId: 'CWE-120', cvssV3Vector: CVSS_V3 })).id;
  }, 120_000);
  afterAll(async () => h?.close(), 60_000);

  const search = async (filter: Record<string, unknown>, persona: Persona = 'anonymous', first = 50, after?: string) =>
    (await h.ok<SearchPage>(persona, SEARCH, { filter, first, after })).searchAdvisories;
  const found = async (filter: Record<string, unknown>, persona: Persona = 'anonymous') => (await search(filter, persona)).edges.map((edge) => edge.node.id);

  it('matches every word in published text, identifiers, product and vendor names', async () => {
    expect(await found({ text: 'overflow acme' })).toEqual([ids.overflow]);
    expect(await found({ text: 'JVN#00000001' })).toEqual([ids.published]);
    expect(await found({ text: 'hostname STACK' })).toEqual([ids.overflow]);
    // The demo advisory quotes Globex in its vendor statements.
    expect(new Set(await found({ text: 'globex' }))).toEqual(new Set([ids.xss, ids.closed, ids.published]));
    expect(await found({ text: 'Initech Industrial' })).toEqual([ids.wildcard]);
    expect(await found({ text: 'acme nothing-like-this' })).toEqual([]);
  });

  it('filters by vendor, product, CVE, CWE, severity, publication date and the unable-to-coordinate marking', async () => {
    expect(new Set(await found({ vendor: 'acme' }))).toEqual(new Set([ids.overflow, ids.published]));
    expect(new Set(await found({ product: 'globex cms' }))).toEqual(new Set([ids.xss, ids.closed]));
    expect(await found({ cveId: 'CVE-2026-4000' })).toEqual([ids.xss]);
    expect(await found({ cveId: 'CVE-2026-40001' })).toEqual([ids.overflow]);
    expect(await found({ cveId: 'CVE-2026-10001' })).toEqual([ids.published]);
    expect(await found({ cweId: 'CWE-120' })).toEqual([ids.overflow]);
    expect(await found({ severities: ['CRITICAL'] })).toEqual([ids.overflow]);
    expect(new Set(await found({ severities: ['LOW', 'MEDIUM'] }))).toEqual(new Set([ids.xss, ids.wildcard]));
    const now = h.clock.now().getTime();
    expect(await found({ publishedFrom: new Date(now - 12 * 3_600_000).toISOString() })).toEqual([ids.wildcard]);
    expect(await found({ publishedBefore: new Date(now - 200 * 86_400_000).toISOString() })).toEqual([ids.closed]);
    expect(await found({ unableToCoordinate: true })).toEqual([ids.wildcard]);
    expect(await found({ vendor: 'acme', cweId: 'CWE-79' })).toEqual([ids.published]);
    expect(await found({ vendor: 'globex', cweId: 'CWE-120' })).toEqual([]);
  });

  it('treats LIKE wildcards in the text as plain characters', async () => {
    expect(await found({ text: '%' })).toEqual([ids.wildcard]);
    expect(await found({ text: '_' })).toEqual([ids.wildcard]);
    expect(await found({ text: '100%_w' })).toEqual([ids.wildcard]);
    expect(await found({ text: '!' })).toEqual([]);
  });

  it('pages newest publication first, with ties broken by id, without gaps or repeats', async () => {
    const all = await search({});
    expect(all.totalCount).toBe(5);
    const order = all.edges.map((edge) => edge.node);
    for (let index = 1; index < order.length; index++) {
      const [previous, current] = [order[index - 1], order[index]];
      expect(previous.publishedAt > current.publishedAt || (previous.publishedAt === current.publishedAt && previous.id > current.id)).toBe(true);
    }
    expect(order[0].id).toBe(ids.wildcard);
    expect(new Set([order[1].id, order[2].id])).toEqual(new Set([ids.overflow, ids.xss]));

    const paged: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await search({}, 'anonymous', 2, after);
      expect(result.totalCount).toBe(5);
      paged.push(...result.edges.map((edge) => edge.node.id));
      if (!result.pageInfo.hasNextPage) break;
      after = result.pageInfo.endCursor!;
    }
    expect(paged).toEqual(order.map((node) => node.id));
  });

  it('never matches drafts, scheduled publications or staged edits, whoever asks', async () => {
    const everything = await found({});
    for (const persona of ['coordinatorStaff', 'vendorAcmeAdmin', 'finder', 'operator'] as const) {
      expect(await found({}, persona)).toEqual(everything);
      expect(await found({ text: 'acme' }, persona)).toEqual(await found({ text: 'acme' }));
    }
    expect(everything).not.toContain(ids.scheduled);
    expect(everything).not.toContain(ids.draft);
    for (const filter of [{ text: 'Draft only' }, { text: 'Scheduled secret' }, { cveId: 'CVE-2026-40009' }, { cveId: 'CVE-2026-40010' }, { text: 'administrator password' }]) {
      expect(await found(filter, 'coordinatorStaff')).toEqual([]);
    }
  });

  it('refuses malformed filters and cursors with BAD_USER_INPUT', async () => {
    expect(errorCode(await h.graphql('anonymous', SEARCH, { filter: { cveId: 'CVE-1' } }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await h.graphql('anonymous', SEARCH, { filter: { cweId: 'XSS' } }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await h.graphql('anonymous', SEARCH, { after: 'not-a-cursor' }))).toBe('BAD_USER_INPUT');
  });
});

import { Advisory, AdvisorySeverity } from '../../src/advisories/advisory.entity';
import { AdvisorySearchFilter } from '../../src/advisories/advisory.input';
import { publicViewOf, publishedAdvisoriesQuery, searchAdvisories } from '../../src/advisories/advisory-search.service';
import { publishAdvisory } from '../../src/advisories/advisory.service';
import { loadAccessible } from '../../src/authorization/accessible';
import { CaseVendorStatus } from '../../src/cases/case.entity';
import type { RequestContext } from '../../src/context/request-context';
import { createHarness, Harness, Persona } from '../support/harness';
import { contextOf, createAdvisory, CVSS_V3, insertCoordinatingCase, publish } from './support/advisory-fixtures';

/**
 * The search's page and count are plain SQL, its page led by the search index when a word allows. Whatever the
 * filter, the page size and the cursor, they must answer exactly what the search's conditions answer when every one
 * of them is tested on the advisory row by the query builder (publishedAdvisoriesQuery, the exports' form), read
 * newest publication first and loaded through loadAccessible: the same advisories in the same order, the same
 * columns, masks and shown status, and the same capped count.
 */
const CAP = 3;
const DAY = 86_400_000;
const PERSONAS: Persona[] = ['anonymous', 'coordinatorStaff', 'vendorAcmeAdmin', 'operator'];
const PAGE_SIZES = [1, 2, 50];

type Filter = AdvisorySearchFilter;

describe('the plain search answers what every condition tested on the row answers', () => {
  let h: Harness;
  const filters: [string, Filter][] = [];

  beforeAll(async () => {
    h = await createHarness({ config: { searchTotalCountCap: CAP } });
    const { acme, globex, initech } = h.world.vendors;
    const start = h.clock.now().getTime();
    const overflowCase = await insertCoordinatingCase(h, { title: 'Buffer overflow in Acme Router firmware', vendors: [[acme, CaseVendorStatus.FIX_AVAILABLE]] });
    await publish(h, (await createAdvisory(h, overflowCase, {
      overview: 'A long hostname overflows a stack buffer.', cweId: 'CWE-120', cvssV3Vector: CVSS_V3, cveIds: ['CVE-2026-40001'],
      products: [{ vendorId: acme, name: 'Acme Router RX', versions: '2.3 and earlier' }],
    })).id);
    // Published at the same instant as the overflow: the order between them is decided by id.
    const xssCase = await insertCoordinatingCase(h, { title: 'Cross-site scripting in Globex CMS editor', vendors: [[globex, CaseVendorStatus.AFFECTED]] });
    await publish(h, (await createAdvisory(h, xssCase, {
      overview: 'Stored script in comments of the Acme plugin.', cweId: 'CWE-79', cvssV3Vector: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:U/C:L/I:L/A:N', cveIds: ['CVE-2026-4000'],
      products: [{ vendorId: globex, name: 'Globex CMS', versions: '3.1' }],
    })).id);
    const longCase = await insertCoordinatingCase(h, { title: 'Scripting flaw in Acme Routerconfigurationmanagerservice', vendors: [[acme, CaseVendorStatus.AFFECTED]] });
    await publish(h, (await createAdvisory(h, longCase, { overview: 'Cross-site scripting through the router name.', cweId: 'CWE-79', cvssV3Vector: CVSS_V3 })).id);

    h.clock.advanceDays(1);
    const wildcardCase = await insertCoordinatingCase(h, { title: 'Weak 100%_wildcard scripting in Initech PLC', vendors: [[initech, CaseVendorStatus.UNNOTIFIED]] });
    const wildcard = await createAdvisory(h, wildcardCase, { cvssV3Vector: 'CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N', cweId: 'CWE-20' });
    await publishAdvisory(await contextOf(h, 'coordinatorStaff'), { advisoryId: wildcard.id }, async () => 'unable-to-coordinate');

    h.clock.advanceDays(1);
    const scheduledCase = await insertCoordinatingCase(h, { title: 'Scheduled scripting flaw in Acme Router', vendors: [[acme, CaseVendorStatus.AFFECTED]] });
    await publish(h, (await createAdvisory(h, scheduledCase, { cveIds: ['CVE-2026-40009'], cweId: 'CWE-120' })).id, new Date(h.clock.now().getTime() + 30 * DAY));
    const draftCase = await insertCoordinatingCase(h, { title: 'Draft scripting flaw in Acme Router', vendors: [[acme, CaseVendorStatus.AFFECTED]] });
    await createAdvisory(h, draftCase, { cveIds: ['CVE-2026-40010'], cweId: 'CWE-120', cvssV3Vector: CVSS_V3 });

    const texts = [
      'scripting', 'acme', 'acme router', 'router scripting', 'overflow acme', 'hostname STACK', 'globex', 'Initech Industrial', 'JVN#00000001',
      'routerconfigurationmanagerservice', 'routerconfigurationmanager', 'routerconfigurationmanagerservicex', 'cross-site', 'rx', '%', '100%_w', '!',
      'acme nothing-like-this', 'Scheduled scripting', 'Draft', 'スクリプト',
    ];
    for (const text of texts) filters.push([`text "${text}"`, { text }]);
    const others: Filter[] = [
      {}, { vendor: 'acme' }, { product: 'globex cms' }, { product: 'router' }, { cveId: 'CVE-2026-40001' }, { cveId: 'CVE-2026-40009' }, { cweId: 'CWE-120' },
      { cweId: 'CWE-79' }, { severities: [AdvisorySeverity.LOW, AdvisorySeverity.MEDIUM] }, { severities: [AdvisorySeverity.CRITICAL] },
      { publishedFrom: new Date(start + DAY / 2) }, { publishedBefore: new Date(start + DAY / 2) }, { unableToCoordinate: true }, { unableToCoordinate: false },
      { text: 'scripting', vendor: 'acme', cweId: 'CWE-79' }, { text: 'acme', severities: [AdvisorySeverity.CRITICAL], publishedBefore: new Date(start + DAY / 2) },
      { text: 'router', product: 'rx', unableToCoordinate: false }, { text: 'scripting', publishedFrom: new Date(start + DAY / 2) },
    ];
    for (const filter of others) filters.push([JSON.stringify(filter), filter]);
  }, 120_000);
  afterAll(async () => h?.close(), 60_000);

  async function contextFor(persona: Persona): Promise<RequestContext> {
    if (persona !== 'anonymous') return contextOf(h, persona);
    return h.server.contextFor(await h.server.authenticator.authenticate(undefined));
  }

  /** Every condition of the search on the row, through the query builder, newest publication first. */
  async function expected(ctx: RequestContext, filter: Filter): Promise<Advisory[]> {
    const view = publicViewOf(ctx);
    const query = publishedAdvisoriesQuery(view, filter);
    if (!query) return [];
    return loadAccessible(view, Advisory, query.orderBy('a.publishedAt', 'DESC').addOrderBy('a.id', 'DESC'));
  }

  /** Every page of the search, each after the previous one's end cursor. */
  async function walk(ctx: RequestContext, filter: Filter, first: number, fields?: ReadonlySet<string>) {
    const nodes: Advisory[] = [];
    const counts: [number, boolean][] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const connection = await searchAdvisories(ctx, filter, { first, after }, fields);
      nodes.push(...connection.edges.map((edge) => edge.node));
      counts.push([connection.totalCount, connection.totalCountIsLowerBound]);
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    return { nodes, counts };
  }

  it('has filters that match several advisories, none and the cap', async () => {
    const sizes = await Promise.all(filters.map(async ([, filter]) => (await expected(await contextFor('anonymous'), filter)).length));
    expect(sizes).toContain(0);
    expect(sizes).toContain(2);
    expect(sizes.some((size) => size > CAP)).toBe(true);
  });

  it.each(PERSONAS)('answers %s every page and count of every filter alike', async (persona) => {
    const ctx = await contextFor(persona);
    for (const [name, filter] of filters) {
      const rows = await expected(ctx, filter);
      const counts = [Math.min(rows.length, CAP), rows.length > CAP];
      for (const first of PAGE_SIZES) {
        const searched = await walk(ctx, filter, first);
        expect({ name, first, nodes: searched.nodes }).toEqual({ name, first, nodes: rows });
        for (const count of searched.counts) expect({ name, first, count }).toEqual({ name, first, count: counts });
      }
      // A projection loads fewer columns, never other values.
      const projected = await walk(ctx, filter, 2, new Set(['title', 'severity']));
      const loaded = ['id', 'caseId', 'status', 'publishedAt', 'cvssV3Vector', 'cvssV4Vector', 'title', 'severity', 'shownStatus'];
      const only = (advisory: Advisory) => Object.fromEntries(loaded.map((column) => [column, (advisory as unknown as Record<string, unknown>)[column]]));
      expect({ name, nodes: projected.nodes.map(only) }).toEqual({ name, nodes: rows.map(only) });
    }
  });
});

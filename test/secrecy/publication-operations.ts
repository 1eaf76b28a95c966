/**
 * Advisory publication (issue 5): the root fields the suite asks (the public search, the unable-to-coordinate list,
 * a person's own credits) and the ways the existence test names publication objects in mutations.
 */
import { ResponseChecker, Row, TYPE_MODELS } from './model';
import { oracle, Sight, Subject } from './oracle';
import type { Operation, OperationKit } from './queries';
import { SECRECY_SEARCH_TOTAL_COUNT_CAP } from './support';
import type { World } from './world';

/** Page size, above the number of advisories a generated world has: one page holds the whole list. */
const PAGE = 20;
/**
 * The plain search follows relations one level; filtered searches read the advisories' own fields only: the
 * filters are what they test, and relations are checked through the other roots at full depth.
 */
const SEARCH_DEPTH = 0;

/**
 * The advisory text a public search looks in (README: "every word, in published text, identifier, product and
 * vendor names"), besides its products' and published vendors' names. The suite only searches for words it knows
 * the place of (canary markers, identifiers): a word from the staged edits or the internal notes must match nothing.
 */
const PUBLISHED_TEXT = ['identifier', 'title', 'overview', 'affectedProducts', 'impact', 'solution', 'workarounds', 'vendorStatements', 'coordinatorVerification'];

const markerOf = (value: unknown) => (typeof value === 'string' ? /CNRY\d{5}Z/.exec(value)?.[0] : undefined);
const contains = (value: unknown, word: string) => typeof value === 'string' && value.toLowerCase().includes(word.toLowerCase());
/** Newest publication first, ties by id (README: search order). */
const newestFirst = (left: Row, right: Row) => (right.publishedAt as Date).getTime() - (left.publishedAt as Date).getTime() || (right.id < left.id ? -1 : right.id > left.id ? 1 : 0);

interface SearchCase {
  label: string;
  filter: Record<string, unknown> | null;
  matches(row: Row): boolean;
}

export function publicationOperations(kit: OperationKit): Operation[] {
  const { world, sight, pick, index } = kit;
  // Search answers everyone as the anonymous public at the request's instant.
  const publicSight = oracle(world, { kind: 'anonymous' }, sight.now);
  const advisories = [...index.Advisory.values()];
  const productsOf = (advisoryId: string) => world.advisoryProducts.filter((row) => row.advisoryId === advisoryId);
  const statusesOf = (advisoryId: string) => world.advisoryVendorStatuses.filter((row) => row.advisoryId === advisoryId);
  const vendorNamesOf = (advisoryId: string) => [...productsOf(advisoryId), ...statusesOf(advisoryId)].map((row) => row.vendorName);
  const textOf = (row: Row) => [...PUBLISHED_TEXT.map((column) => row[column]), ...productsOf(row.id).flatMap((product) => [product.name, product.vendorName]), ...vendorNamesOf(row.id)];
  const everyWord = (text: string) => (row: Row) => text.split(/\s+/).filter(Boolean).every((word) => textOf(row).some((value) => contains(value, word)));

  const cases: SearchCase[] = [{ label: 'all', filter: null, matches: () => true }];
  const text = (label: string, words: (string | undefined)[]) => {
    if (words.some((word) => !word)) return;
    const joined = words.join(' ');
    cases.push({ label: `text ${label} "${joined}"`, filter: { text: joined.toLowerCase() }, matches: everyWord(joined) });
  };
  const someAdvisory = pick(advisories);
  const column = pick(PUBLISHED_TEXT.filter((name) => name !== 'identifier'))!;
  text(`in ${column}`, [markerOf(someAdvisory?.[column])]);
  text('identifier', [pick(advisories.filter((row) => row.identifier))?.identifier as string | undefined]);
  const someProduct = pick(world.advisoryProducts);
  text('product name', [markerOf(someProduct?.name)]);
  text('vendor name', [markerOf(pick([...world.advisoryProducts, ...world.advisoryVendorStatuses])?.vendorName)]);
  // Two words, from the same advisory or from two: every word must occur.
  if (someProduct) text('title and product', [markerOf(pick([index.Advisory.get(someProduct.advisoryId), pick(advisories)])?.title), markerOf(someProduct.name)]);
  // Never published text: staged edits, internal notes.
  text('staged', [markerOf(JSON.stringify(pick(advisories.filter((row) => row.pendingRevision))?.pendingRevision ?? null))]);
  text('internal notes', [markerOf(someAdvisory?.internalNotes)]);

  const vendorName = markerOf(pick([...world.advisoryVendorStatuses, ...world.advisoryProducts])?.vendorName);
  if (vendorName) cases.push({ label: `vendor ${vendorName}`, filter: { vendor: vendorName }, matches: (row) => vendorNamesOf(row.id).some((name) => contains(name, vendorName)) });
  const productName = markerOf(pick([pick(world.advisoryProducts)?.name, pick(advisories)?.affectedProducts]));
  if (productName) {
    cases.push({
      label: `product ${productName}`, filter: { product: productName },
      matches: (row) => contains(row.affectedProducts, productName) || productsOf(row.id).some((product) => contains(product.name, productName)),
    });
  }
  const stagedCveIds = advisories.flatMap((row) => (row.pendingRevision as { cveIds?: string[] } | null)?.cveIds ?? []);
  const cveId = pick([...advisories.flatMap((row) => row.cveIds as string[]), ...stagedCveIds]);
  if (cveId) cases.push({ label: `cve ${cveId}`, filter: { cveId }, matches: (row) => (row.cveIds as string[]).includes(cveId) });
  const cweId = pick(advisories)?.cweId as string | null | undefined;
  if (cweId) cases.push({ label: `cwe ${cweId}`, filter: { cweId }, matches: (row) => row.cweId === cweId });
  const severities = [...new Set([pick(advisories)?.severity, pick(advisories)?.severity].filter((value): value is string => typeof value === 'string'))];
  if (severities.length > 0) cases.push({ label: `severities ${severities}`, filter: { severities }, matches: (row) => severities.includes(row.severity as string) });
  const publicationTimes = advisories.map((row) => row.publishedAt as Date | null).filter((time): time is Date => time !== null);
  const [from, before] = [pick(publicationTimes), pick(publicationTimes)].filter((time): time is Date => time !== undefined).sort((left, right) => left.getTime() - right.getTime());
  if (from && before) {
    cases.push({
      label: 'published from, before', filter: { publishedFrom: from.toISOString(), publishedBefore: before.toISOString() },
      matches: (row) => (row.publishedAt as Date) >= from && (row.publishedAt as Date) < before,
    });
  }
  const unable = pick([true, false])!;
  cases.push({ label: `unable to coordinate ${unable}`, filter: { unableToCoordinate: unable }, matches: (row) => row.unableToCoordinate === unable });

  const operations = cases.map((search) => searchOperation('searchAdvisories', search));
  operations.push(searchOperation('unableToCoordinateAdvisories', { label: 'all', filter: null, matches: (row) => row.unableToCoordinate === true }));
  operations.push(myCreditsOperation());
  return operations;

  function searchOperation(field: string, search: SearchCase): Operation {
    const depth = search.label === 'all' ? 1 : SEARCH_DEPTH;
    const withFilter = search.filter !== null;
    return {
      label: `${field} ${search.label}`,
      query: `query${withFilter ? '($filter: AdvisorySearchFilter)' : ''} { ${field}(first: ${PAGE}${withFilter ? ', filter: $filter' : ''}) { totalCount totalCountIsLowerBound pageInfo { hasNextPage hasPreviousPage } edges { cursor node { ${kit.node('Advisory', depth)} } } } }`,
      variables: withFilter ? { filter: search.filter } : {},
      check(answer, checker) {
        const path = `${field} ${search.label}`;
        if (!kit.expectAccess(field, answer, checker)) return;
        const expected = advisories.filter((row) => publicSight.objects.Advisory.has(row.id) && search.matches(row)).sort(newestFirst);
        const data = answer.json.data?.[field] as
          | { totalCount: number; totalCountIsLowerBound: boolean; pageInfo: { hasNextPage: boolean }; edges: { node: Record<string, unknown> }[] }
          | undefined;
        if (!data) return checker.problem(path, `no data: ${answer.text.slice(0, 300)}`);
        // Counted up to the cap: exact at or below it, the cap and a flag above it.
        const counted = Math.min(expected.length, SECRECY_SEARCH_TOTAL_COUNT_CAP);
        if (data.totalCount !== counted) checker.problem(`${path}.totalCount`, `${data.totalCount > counted ? 'LEAK: ' : ''}expected ${counted} (of ${expected.length}), got ${data.totalCount}`);
        if (data.totalCountIsLowerBound !== expected.length > SECRECY_SEARCH_TOTAL_COUNT_CAP) {
          checker.problem(`${path}.totalCountIsLowerBound`, `${data.totalCountIsLowerBound ? 'LEAK: ' : ''}is ${data.totalCountIsLowerBound} for ${expected.length} rows`);
        }
        if (data.pageInfo.hasNextPage !== expected.length > PAGE) checker.problem(`${path}.pageInfo`, `hasNextPage is ${data.pageInfo.hasNextPage} for ${expected.length} rows`);
        const actualIds = data.edges.map((edge) => String(edge.node?.id));
        const expectedIds = expected.map((row) => row.id);
        if (JSON.stringify(actualIds) !== JSON.stringify(expectedIds)) {
          const extra = actualIds.filter((id) => !expectedIds.includes(id));
          checker.problem(path, `${extra.length ? 'LEAK: ' : ''}expected [${expectedIds.join(', ')}] newest first, got [${actualIds.join(', ')}]`);
          return;
        }
        data.edges.forEach((edge, position) => checkFound(edge.node, checker, `${path}[${position}]`));
      },
    };
  }

  /**
   * A search result is the public's: its own fields exactly as the public reads them. What the viewer follows from
   * it (the case, credits, …) is read under the viewer's own rules, like from any other advisory it sees.
   */
  function checkFound(node: Record<string, unknown>, checker: ResponseChecker, path: string): void {
    const relations = TYPE_MODELS.Advisory.relations ?? {};
    const own = Object.fromEntries(Object.entries(node).filter(([name]) => !(name in relations)));
    const followed = Object.fromEntries(Object.entries(node).filter(([name]) => name === 'id' || name in relations));
    const asPublic = new ResponseChecker(world, publicSight);
    asPublic.object('Advisory', own, path);
    for (const problem of asPublic.problems) checker.problem('(as the public)', problem);
    checker.object('Advisory', followed, path);
  }

  function myCreditsOperation(): Operation {
    return {
      label: 'myAdvisoryCredits',
      query: `{ myAdvisoryCredits { ${kit.node('AdvisoryCredit')} } }`,
      check(answer, checker) {
        if (!sight.identity.valid || !sight.identity.authenticated) {
          if (answer.json.errors?.[0]?.extensions?.code !== 'UNAUTHENTICATED' || answer.json.data) checker.problem('myAdvisoryCredits', `expected UNAUTHENTICATED, got ${answer.text.slice(0, 300)}`);
          return;
        }
        if (!kit.expectAccess('myAdvisoryCredits', answer, checker)) return;
        const actual = answer.json.data?.myAdvisoryCredits as { id?: string }[] | undefined;
        const mine = [...index.AdvisoryCredit.values()].filter((row) => sight.identity.userId !== null && row.userId === sight.identity.userId);
        checker.exactly('AdvisoryCredit', mine, actual, 'myAdvisoryCredits');
        const newest = mine
          .filter((row) => sight.objects.AdvisoryCredit.has(row.id))
          .sort((left, right) => (right.createdAt as Date).getTime() - (left.createdAt as Date).getTime() || (right.id < left.id ? -1 : right.id > left.id ? 1 : 0))
          .map((row) => row.id);
        const order = Array.isArray(actual) ? actual.map((item) => item?.id) : [];
        if (JSON.stringify(order) !== JSON.stringify(newest) && order.length === newest.length) checker.problem('myAdvisoryCredits', `expected newest first [${newest.join(', ')}], got [${order.join(', ')}]`);
      },
    };
  }
}

/** How existence.test.ts names publication objects in mutations (the shape of its `Way`). */
export interface PublicationWay {
  name: string;
  subject: Subject;
  only?: (row: Record<string, unknown>, sight: Sight, world: World) => boolean;
  query: string;
  variables(value: string, world: World): Record<string, unknown>;
}

export const PUBLICATION_WAYS: PublicationWay[] = [
  {
    name: 'publishAdvisoryRevision', subject: 'Advisory',
    query: 'mutation($v: ID!) { publishAdvisoryRevision(input: { advisoryId: $v, summary: "probe" }) { id revision } }', variables: (v) => ({ v }),
  },
  { name: 'discardAdvisoryRevision', subject: 'Advisory', query: 'mutation($v: ID!) { discardAdvisoryRevision(advisoryId: $v) { id } }', variables: (v) => ({ v }) },
  {
    name: 'rescheduleAdvisoryPublication', subject: 'Advisory',
    query: 'mutation($v: ID!) { rescheduleAdvisoryPublication(input: { advisoryId: $v, publishAt: "2099-01-01T00:00:00.000Z", reason: "probe" }) { id publishedAt } }',
    variables: (v) => ({ v }),
  },
  {
    name: 'addAdvisoryCredit (advisoryId)', subject: 'Advisory',
    query: 'mutation($v: ID!) { addAdvisoryCredit(input: { advisoryId: $v, type: FINDER, name: "Probe" }) { id } }', variables: (v) => ({ v }),
  },
  {
    // An advisory every persona may see (a published one), so the answer depends on the user alone.
    name: 'addAdvisoryCredit (userId)', subject: 'User',
    query: 'mutation($v: ID!, $advisory: ID!) { addAdvisoryCredit(input: { advisoryId: $advisory, type: FINDER, name: "Probe", userId: $v }) { id } }',
    variables: (v, world) => ({ v, advisory: (world.advisories.find((row) => row.status === 'PUBLISHED') ?? world.advisories[0]).id }),
  },
  {
    name: 'respondToAdvisoryCredit', subject: 'AdvisoryCredit',
    query: 'mutation($v: ID!) { respondToAdvisoryCredit(input: { creditId: $v, accept: true }) { id status } }', variables: (v) => ({ v }),
  },
  { name: 'removeAdvisoryCredit', subject: 'AdvisoryCredit', query: 'mutation($v: ID!) { removeAdvisoryCredit(creditId: $v) }', variables: (v) => ({ v }) },
];

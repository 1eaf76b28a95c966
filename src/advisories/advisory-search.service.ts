import { rulesToAST } from '@casl/ability/extra';
import { CompoundCondition, Condition, FieldCondition } from '@ucast/mongo2js';
import { containsPattern, LIKE_ESCAPE } from '../common/like';
import { Brackets, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { buildAbility } from '../../policies';
import { accessibleQuery, accessibleSubquerySql, managerOf, restrictToReadableFields } from '../authorization/accessible';
import { sameCondition } from '../authorization/sql-condition';
import { ConnectionShape, PageArgs, paginate } from '../common/connection';
import { createLoaders } from '../context/loaders';
import type { RequestContext } from '../context/request-context';
import { ANONYMOUS } from '../context/viewer';
import { Advisory, AdvisoryStatus } from './advisory.entity';
import { AdvisorySearchFilter } from './advisory.input';
import { AdvisoryProduct, AdvisoryVendorStatus } from './advisory-publication.entity';
import { fts5Query, mysqlBooleanQuery, SearchWord, searchWords } from './search-text';

/** Text columns a public search looks in: all of them are published content of a released advisory. */
const SEARCHED_TEXT = ['identifier', 'title', 'overview', 'affectedProducts', 'impact', 'solution', 'workarounds', 'vendorStatements', 'coordinatorVerification'];
/** The columns of the FULLTEXT indexes (migrations/1764230000000-advisory-search-index.ts), in index order. */
const FULLTEXT_ADVISORY = SEARCHED_TEXT;
const FULLTEXT_PRODUCT = ['name', 'vendorName'];
const FULLTEXT_VENDOR_STATUS = ['vendorName'];

/**
 * The same request seen by the public: the anonymous viewer's ability at the same instant, no transaction. Public
 * queries run under it, so what they match and return cannot depend on who asks.
 */
export function publicViewOf(ctx: RequestContext): RequestContext {
  const view: RequestContext = { ...ctx, viewer: ANONYMOUS, ability: buildAbility(ANONYMOUS, ctx.now), manager: undefined };
  view.loaders = createLoaders(view);
  return view;
}

/**
 * The search before its indexed words: released advisories under the public policy plus an explicit "published and
 * due" condition, and every other filter (the words the index cannot answer among them). Every column and row
 * searched is published content: staged edits of a published advisory live in `pendingRevision`, which is neither
 * searched nor readable by the public, and the product and vendor rows are replaced only when a revision is released.
 */
interface SearchQuery {
  rows: SelectQueryBuilder<Advisory>;
  /** The words the full-text index answers: each a condition that every match satisfies. */
  indexed: IndexedMatch[];
}

/**
 * One condition the full-text index answers (on MySQL/MariaDB one per word, on SQLite one FTS5 expression for all),
 * in two equivalent forms, so that a query can either walk the advisories in publication order and test each row, or
 * start from the index's matches.
 */
interface IndexedMatch {
  /** How many indexed characters it requires: the longest is taken as the likeliest to be rare. */
  length: number;
  /** A condition on the row `a`, tested row by row (its parameters are on the search's rows). */
  matches: string;
  /**
   * Queries of the distinct ids (column `id`) of the rows of `rows` that match, each led by a full-text index, each
   * ending with its WHERE (so that a LIMIT can follow). Their union is exactly the matching rows of `rows`.
   */
  matchingIds(rows: SelectQueryBuilder<Advisory>): IdsSql[];
}

function searchQuery(view: RequestContext, filter: AdvisorySearchFilter): SearchQuery | null {
  const query = accessibleQuery(view, Advisory, 'a');
  if (!query) return null;
  query.andWhere('a.status = :searchPublished AND a.publishedAt <= :searchNow', { searchPublished: AdvisoryStatus.PUBLISHED, searchNow: view.now });
  const used = ['publishedAt', 'status'];

  const words = searchWords(filter.text);
  if (words.length > 0) used.push(...SEARCHED_TEXT);
  const indexed = indexedMatches(view, query, words);
  words.forEach((word, index) => {
    if (!word.substring) return;
    // The index cannot answer this word (too short, a stopword, Japanese…) or the word has punctuation inside:
    // it must occur as typed. Evaluated only on the rows the index let through when another word narrowed them.
    const parameter = `searchWord${index}`;
    query.andWhere(
      new Brackets((where) => {
        for (const column of SEARCHED_TEXT) where.orWhere(`LOWER(a.${column}) LIKE :${parameter} ${LIKE_ESCAPE}`);
        where.orWhere(childMatches(view, query, AdvisoryProduct, 'sp', ['name', 'vendorName'], parameter));
        where.orWhere(childMatches(view, query, AdvisoryVendorStatus, 'sv', ['vendorName'], parameter));
      }),
      { [parameter]: containsPattern(word.text) },
    );
  });
  if (filter.vendor) {
    query.andWhere(
      new Brackets((where) => {
        where.where(childMatches(view, query, AdvisoryVendorStatus, 'fv', ['vendorName'], 'searchVendor'));
        where.orWhere(childMatches(view, query, AdvisoryProduct, 'fvp', ['vendorName'], 'searchVendor'));
      }),
      { searchVendor: containsPattern(filter.vendor) },
    );
  }
  if (filter.product) {
    used.push('affectedProducts');
    query.andWhere(
      new Brackets((where) => {
        where.where(childMatches(view, query, AdvisoryProduct, 'fp', ['name'], 'searchProduct'));
        where.orWhere(`LOWER(a.affectedProducts) LIKE :searchProduct ${LIKE_ESCAPE}`);
      }),
      { searchProduct: containsPattern(filter.product) },
    );
  }
  if (filter.cveId) {
    used.push('cveIds');
    // cveIds is a JSON array of validated ids (no LIKE wildcards); the quotes make the match exact.
    query.andWhere('a.cveIds LIKE :searchCve', { searchCve: `%"${filter.cveId}"%` });
  }
  if (filter.cweId) {
    used.push('cweId');
    query.andWhere('a.cweId = :searchCwe', { searchCwe: filter.cweId });
  }
  if (filter.severities?.length) {
    used.push('severity');
    query.andWhere('a.severity IN (:...searchSeverities)', { searchSeverities: filter.severities });
  }
  if (filter.publishedFrom) query.andWhere('a.publishedAt >= :searchFrom', { searchFrom: filter.publishedFrom });
  if (filter.publishedBefore) query.andWhere('a.publishedAt < :searchBefore', { searchBefore: filter.publishedBefore });
  if (filter.unableToCoordinate !== undefined && filter.unableToCoordinate !== null) {
    used.push('unableToCoordinate');
    query.andWhere('a.unableToCoordinate = :searchUnable', { searchUnable: filter.unableToCoordinate });
  }
  restrictToReadableFields(view, Advisory, 'a', query, used);
  return { rows: query, indexed };
}

/**
 * Released advisories matching `filter`, every condition tested on the row (the form for a read in publication
 * order, or of a single advisory).
 */
export function publishedAdvisoriesQuery(view: RequestContext, filter: AdvisorySearchFilter): SelectQueryBuilder<Advisory> | null {
  const search = searchQuery(view, filter);
  if (!search) return null;
  for (const match of search.indexed) search.rows.andWhere(match.matches);
  return search.rows;
}

/**
 * The words the full-text index can answer, each a required prefix term. The index only ever narrows: every form
 * keeps the "published and due" condition on `a`, so text of drafts and scheduled publications (which the MySQL
 * indexes and the SQLite search table do hold for scheduled ones) can never match or be counted.
 */
function indexedMatches(view: RequestContext, query: SelectQueryBuilder<Advisory>, words: SearchWord[]): IndexedMatch[] {
  if (view.dataSource.options.type === 'better-sqlite3') {
    // One FTS5 document per advisory (its published text, product and vendor names): all words in one MATCH.
    const expression = fts5Query(words);
    if (!expression) return [];
    query.setParameter('searchFts', expression);
    return [
      {
        length: expression.length,
        // The row's search document, then whether it is among the matches (a list built once per statement).
        matches:
          '(SELECT fs.id FROM advisory_search fs WHERE fs.advisoryId = a.id) IN (SELECT rowid FROM advisory_search_fts WHERE advisory_search_fts MATCH :searchFts)',
        // CROSS JOIN keeps the FTS5 table outermost: SQLite otherwise may walk `a` by an index and run the MATCH
        // again for every row (seen at 1M cases: 29 s instead of 5 ms). Each search row is one advisory.
        matchingIds: (rows) => {
          const row = rows.clone().select('1').orderBy().andWhere('a.id = fs.advisoryId');
          return [
            {
              sql: `SELECT fs.advisoryId AS id FROM advisory_search_fts fts CROSS JOIN advisory_search fs ON fs.id = fts.rowid WHERE fts.advisory_search_fts MATCH :searchFts AND EXISTS (${row.getQuery()})`,
              parameters: row.getParameters(),
            },
          ];
        },
      },
    ];
  }
  // MySQL/MariaDB: a word may be in the advisory's text or in one of its product or vendor rows.
  return words.flatMap((word, index): IndexedMatch[] => {
    if (word.indexed.length === 0) return [];
    const parameter = `searchFt${index}`;
    query.setParameter(parameter, mysqlBooleanQuery(word));
    const against = (alias: string, columns: string[]) => `MATCH(${columns.map((column) => `${alias}.${column}`).join(', ')}) AGAINST (:${parameter} IN BOOLEAN MODE)`;
    const product = `fp${index}`;
    const vendorStatus = `fv${index}`;
    const children = `fc${index}`;
    // Built once, so that their parameters are on the search's rows before any form of the query is cloned from them.
    const readable = (target: typeof AdvisoryProduct | typeof AdvisoryVendorStatus, alias: string) => {
      const condition = childReadable(view, query, target, alias);
      return condition ? ` AND ${condition}` : '';
    };
    const productReadable = readable(AdvisoryProduct, product);
    const vendorStatusReadable = readable(AdvisoryVendorStatus, vendorStatus);
    return [
      {
        length: word.indexed.join('').length,
        // Under OR, no MATCH can lead the query: the advisory's own MATCH is looked up, for each row read, in the
        // word's result (computed once per statement). The product and vendor matches are one derived table of ids: a
        // UNION is never merged into the query, so it is built once and probed by key, whichever strategy the
        // optimizer picks for the IN. (A plain IN subquery, in a query that a MATCH leads, was turned into a
        // correlated EXISTS that ran its full-text search again for every row.)
        matches: `(${against('a', FULLTEXT_ADVISORY)} OR a.id IN (SELECT ${children}.advisoryId FROM (
            SELECT ${product}.advisoryId FROM advisory_product ${product} WHERE ${against(product, FULLTEXT_PRODUCT)}${productReadable}
            UNION SELECT ${vendorStatus}.advisoryId FROM advisory_vendor_status ${vendorStatus} WHERE ${against(vendorStatus, FULLTEXT_VENDOR_STATUS)}${vendorStatusReadable}
          ) ${children}))`,
        // A MATCH alone at the top of a WHERE leads the query: each branch reads only the index's matches.
        matchingIds: (rows) =>
          [
            rows.clone().andWhere(against('a', FULLTEXT_ADVISORY)),
            rows.clone().innerJoin(AdvisoryProduct, product, `${product}.advisoryId = a.id${productReadable}`).andWhere(against(product, FULLTEXT_PRODUCT)),
            rows.clone().innerJoin(AdvisoryVendorStatus, vendorStatus, `${vendorStatus}.advisoryId = a.id${vendorStatusReadable}`).andWhere(against(vendorStatus, FULLTEXT_VENDOR_STATUS)),
          ].map((query) => idsSql(distinctIds(query))),
      },
    ];
  });
}

/** The distinct ids (column `id`) of `query`, unordered and unlimited. */
function distinctIds(query: SelectQueryBuilder<Advisory>): SelectQueryBuilder<Advisory> {
  return query.select('a.id', 'id').distinct(true).orderBy().take(undefined).limit(undefined);
}

/** A SELECT of distinct ids (column `id`) that ends with its WHERE, with its named parameters. */
interface IdsSql {
  sql: string;
  parameters: ObjectLiteral;
}

function idsSql(query: SelectQueryBuilder<Advisory>): IdsSql {
  return { sql: query.getQuery(), parameters: query.getParameters() };
}

/** The condition with every field taken through a relation: `status` becomes `advisory.status`. */
function throughRelation(condition: Condition, relation: string): Condition | null {
  if (condition instanceof CompoundCondition) {
    const parts = condition.value.map((part) => throughRelation(part, relation));
    return parts.every((part): part is Condition => part !== null) ? new CompoundCondition(condition.operator, parts) : null;
  }
  if (condition instanceof FieldCondition) return new FieldCondition(condition.operator, `${relation}.${condition.field}`, condition.value);
  return null;
}

/**
 * The public read predicate of a child row of `a` (a product or vendor-status row with advisoryId = a.id), or null
 * when it says exactly "its advisory is readable": the outer query already requires that of `a`, so repeating it
 * (as a semi-join over every published advisory) would only cost time. Any other policy is kept in full.
 */
function childReadable(
  view: RequestContext,
  query: SelectQueryBuilder<Advisory>,
  target: typeof AdvisoryProduct | typeof AdvisoryVendorStatus,
  alias: string,
): string | null {
  return childReadableThroughAdvisory(view, target) ? null : accessibleSubquerySql(view, target, alias, query);
}

/** Per ability and child table, since a search asks once per word and per child (rulesToAST rebuilds the tree). */
const impliedByAdvisory = new WeakMap<RequestContext['ability'], Map<unknown, boolean>>();

function childReadableThroughAdvisory(view: RequestContext, target: typeof AdvisoryProduct | typeof AdvisoryVendorStatus): boolean {
  let known = impliedByAdvisory.get(view.ability);
  if (!known) impliedByAdvisory.set(view.ability, (known = new Map()));
  let implied = known.get(target);
  if (implied === undefined) {
    const advisory = rulesToAST(view.ability, 'read', view.dataSource.getMetadata(Advisory).name);
    const child = rulesToAST(view.ability, 'read', view.dataSource.getMetadata(target).name);
    const throughAdvisory = advisory ? throughRelation(advisory, 'advisory') : null;
    implied = Boolean(child && throughAdvisory && sameCondition(child, throughAdvisory));
    known.set(target, implied);
  }
  return implied;
}

/** EXISTS over the public rows of a child table whose `columns` contain the pattern in `parameter`. */
function childMatches(
  view: RequestContext,
  query: SelectQueryBuilder<Advisory>,
  target: typeof AdvisoryProduct | typeof AdvisoryVendorStatus,
  alias: string,
  columns: string[],
  parameter: string,
): string {
  const readable = childReadable(view, query, target, alias);
  const table = view.dataSource.getMetadata(target).tableName;
  const text = columns.map((column) => `LOWER(${alias}.${column}) LIKE :${parameter} ${LIKE_ESCAPE}`).join(' OR ');
  return `EXISTS (SELECT 1 FROM ${table} ${alias} WHERE ${alias}.advisoryId = a.id AND (${text})${readable ? ` AND ${readable}` : ''})`;
}

export interface SearchConnectionShape<T> extends ConnectionShape<T> {
  totalCountIsLowerBound: boolean;
}

/**
 * The search's matches as queries of ids, built once per request for the count and the page. With an indexed word:
 * the rows of the search with every other indexed word as a row condition (`rows`), and its matches led by the
 * index of the word with the most indexed characters (the likeliest to be rare). Without: the search's rows.
 */
function matchesOf(search: SearchQuery): { rows: SelectQueryBuilder<Advisory>; branches: IdsSql[]; leader: IndexedMatch | null } {
  if (search.indexed.length === 0) return { rows: search.rows, branches: [idsSql(distinctIds(search.rows.clone()))], leader: null };
  const leader = search.indexed.reduce((longest, match) => (match.length > longest.length ? match : longest));
  const rows = search.rows;
  for (const match of search.indexed) if (match !== leader) rows.andWhere(match.matches);
  return { rows, branches: leader.matchingIds(rows), leader };
}

/**
 * The union of `branches` as one derived table of ids, each branch limited to `limit` ids when given. Each branch is
 * wrapped, so that its LIMIT is valid on both databases; the parameters go to `outer`.
 */
function unionOfIds(view: RequestContext, outer: SelectQueryBuilder<ObjectLiteral>, branches: IdsSql[], limit: number | null): string {
  const escape = (name: string) => view.dataSource.driver.escape(name);
  return branches
    .map((branch, index) => {
      outer.setParameters(branch.parameters);
      return `SELECT ${escape('id')} FROM (${branch.sql}${limit === null ? '' : ` LIMIT ${limit}`}) ${escape(`match_${index}`)}`;
    })
    .join(' UNION ');
}

/**
 * How many advisories match, counted up to `cap + 1` and no further: each branch stops at `cap + 1` distinct ids
 * (read from the index's matches in any order when a word is indexed), so a common word costs no more to count than a
 * word with `cap` matches. Exact when the result is at most `cap`.
 */
async function countUpTo(view: RequestContext, branches: IdsSql[], cap: number): Promise<number> {
  const count = managerOf(view).createQueryBuilder().select('COUNT(*)', 'total');
  const matching = unionOfIds(view, count, branches, cap + 1);
  const result = await count.from(`(${matching})`, 'matching').getRawOne<{ total: number | string }>();
  return Number(result?.total ?? 0);
}

/**
 * Public search of released advisories; the viewer's own rights neither widen nor narrow it. Newest publication
 * first, ties by id.
 *
 * The count comes first and chooses how the page is read. Many matches (more than the cap): the page walks the
 * advisories newest first and tests each row against the words, stopping after a page of matches, which are many,
 * so it reads few rows. Few matches (at most the cap): it starts from the index's matches and sorts them, which are
 * few. Neither sorts more than the cap's worth of matches, nor walks the whole publication index for a rare word.
 */
export async function searchAdvisories(ctx: RequestContext, filter: AdvisorySearchFilter, page: PageArgs): Promise<SearchConnectionShape<Advisory>> {
  const view = publicViewOf(ctx);
  const cap = ctx.config.searchTotalCountCap;
  const sort = { property: 'publishedAt', direction: 'DESC', isDate: true } as const;
  const search = searchQuery(view, filter);
  if (!search) return { ...(await paginate(view, Advisory, null, 'a', page, sort)), totalCountIsLowerBound: false };
  const matches = matchesOf(search);
  const counted = await countUpTo(view, matches.branches, cap);
  const query = matches.rows;
  if (matches.leader && counted <= cap) {
    const escape = (name: string) => view.dataSource.driver.escape(name);
    query.andWhere(`a.id IN (SELECT ${escape('id')} FROM (${unionOfIds(view, query, matches.branches, null)}) ${escape('matching')})`);
  } else if (matches.leader) {
    query.andWhere(matches.leader.matches);
  }
  const connection = await paginate(view, Advisory, query, 'a', page, sort, undefined, () => Promise.resolve(Math.min(counted, cap)));
  return { ...connection, totalCountIsLowerBound: counted > cap };
}

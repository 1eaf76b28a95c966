import { rulesToAST } from '@casl/ability/extra';
import { CompoundCondition, Condition, FieldCondition } from '@ucast/mongo2js';
import { containsPattern, LIKE_ESCAPE } from '../common/like';
import { Brackets, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { buildAbility } from '../../policies';
import { accessibleQuery, accessibleSubquerySql, managerOf, restrictToReadableFields } from '../authorization/accessible';
import { sameCondition } from '../authorization/sql-condition';
import { ConnectionShape, decodeCursor, MAX_PAGE_SIZE, PageArgs, paginate, SortKey } from '../common/connection';
import { projectedColumns } from '../context/batch-query';
import { createLoaders } from '../context/loaders';
import type { RequestContext } from '../context/request-context';
import { ANONYMOUS } from '../context/viewer';
import { Advisory, AdvisoryStatus } from './advisory.entity';
import { AdvisorySearchFilter } from './advisory.input';
import { AdvisoryProduct, AdvisoryVendorStatus } from './advisory-publication.entity';
import { SEARCH_TERM_TABLE, SEARCHED_TEXT_COLUMNS } from './search-index';
import { PREFIX_TERM_MAX_LENGTH, SearchWord, searchWords } from './search-text';

/** The largest code point: a term range [term, term + TERM_RANGE_END) holds every term that starts with `term`. */
const TERM_RANGE_END = '\u{10FFFF}';

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
  /** The terms the search index answers: each a condition that every match satisfies. */
  indexed: IndexedTerm[];
}

/**
 * One term of the search index (src/advisories/search-index.ts) that every match must hold, in two forms: a row
 * condition on `a`, and the index rows to walk when the term leads the query.
 */
interface IndexedTerm {
  /** Its length in characters: the longest term of a search is taken as the likeliest to be rare. */
  length: number;
  /**
   * A condition on the row `a` (its parameters are on the search's rows): a probe of the index by advisory. Written
   * as a scalar subquery, not EXISTS: MariaDB turns EXISTS into a materialized IN, reading every row of the term.
   */
  matches: string;
  /** The parameter holding the index term to walk: the term itself, or its first PREFIX_TERM_MAX_LENGTH characters. */
  leadParameter: string;
  /** True when walking `leadParameter` is not enough by itself: the leader's `matches` must then be tested per row. */
  needsCheck: boolean;
}

function searchQuery(view: RequestContext, filter: AdvisorySearchFilter): SearchQuery | null {
  const query = accessibleQuery(view, Advisory, 'a');
  if (!query) return null;
  query.andWhere('a.status = :searchPublished AND a.publishedAt <= :searchNow', { searchPublished: AdvisoryStatus.PUBLISHED, searchNow: view.now });
  const used = ['publishedAt', 'status'];

  const words = searchWords(filter.text);
  if (words.length > 0) used.push(...SEARCHED_TEXT_COLUMNS);
  const indexed = indexedTerms(query, words);
  words.forEach((word, index) => {
    if (!word.substring) return;
    // The index cannot answer this word (too short, a stopword, Japanese…) or the word has punctuation inside:
    // it must occur as typed. Evaluated only on the rows the index let through when another word narrowed them.
    const parameter = `searchWord${index}`;
    query.andWhere(
      new Brackets((where) => {
        for (const column of SEARCHED_TEXT_COLUMNS) where.orWhere(`LOWER(a.${column}) LIKE :${parameter} ${LIKE_ESCAPE}`);
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
 * The terms the search index answers, each required as a prefix of some token of the advisory's published text. A
 * term up to PREFIX_TERM_MAX_LENGTH characters is itself an index term (the index holds every such prefix of every
 * token): one exact probe. A longer one is probed by its first PREFIX_TERM_MAX_LENGTH characters, then by range among
 * the advisory's full tokens. The index only ever narrows: every form keeps the "published and due" condition and the
 * public policy on `a`, so the rows of scheduled publications can never match or be counted before they are due.
 */
function indexedTerms(query: SelectQueryBuilder<Advisory>, words: SearchWord[]): IndexedTerm[] {
  const terms = [...new Set(words.flatMap((word) => word.indexed))];
  return terms.map((term, index): IndexedTerm => {
    const chars = [...term];
    const parameter = `searchTerm${index}`;
    const probe = `t${index}`;
    if (chars.length <= PREFIX_TERM_MAX_LENGTH) {
      query.setParameter(parameter, term);
      return {
        length: chars.length,
        matches: `(SELECT 1 FROM ${SEARCH_TERM_TABLE} ${probe} WHERE ${probe}.advisoryId = a.id AND ${probe}.term = :${parameter} LIMIT 1) = 1`,
        leadParameter: parameter,
        needsCheck: false,
      };
    }
    query.setParameters({ [parameter]: chars.slice(0, PREFIX_TERM_MAX_LENGTH).join(''), [`${parameter}From`]: term, [`${parameter}To`]: `${term}${TERM_RANGE_END}` });
    return {
      length: chars.length,
      matches: `(SELECT 1 FROM ${SEARCH_TERM_TABLE} ${probe} WHERE ${probe}.advisoryId = a.id AND ${probe}.term >= :${parameter}From AND ${probe}.term < :${parameter}To LIMIT 1) = 1`,
      leadParameter: parameter,
      needsCheck: true,
    };
  });
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
 * The index rows of the leading term that pass the search: walked from the primary key (term, publishedAt,
 * advisoryId) newest first, only up to the request's instant, each joined to its advisory under every condition of
 * the search (the public policy, "published and due", the filters and the other words), with the advisory's id and
 * publication time equal to the index row's, so that a row left behind by a moved publication could never match.
 * Ends with its WHERE.
 *
 * The join order is fixed (STRAIGHT_JOIN on MySQL/MariaDB, CROSS JOIN on SQLite: both keep the index rows as the
 * outer loop), so a term most advisories hold cannot make the database read every released advisory first. Each
 * index row meets its advisory through IDX_advisory_status_publishedAt, whose entries (status, publishedAt, id)
 * answer "released, published then, this id" without reading the advisory row unless another condition needs it:
 * at 1M cases the count's thousand checks took half the time of the primary-key lookups of a per-row subquery.
 */
function leaderRows(rows: SelectQueryBuilder<Advisory>, leader: IndexedTerm): { sql: string; parameters: ObjectLiteral } {
  const driver = rows.connection.driver;
  const table = `${driver.escape(rows.connection.getMetadata(Advisory).tableName)} ${driver.escape('a')}`;
  const conditions = rows.clone().select('1').orderBy();
  const statement = conditions.getQuery();
  const prefix = `SELECT 1 FROM ${table} WHERE `;
  if (!statement.startsWith(prefix) || conditions.expressionMap.joinAttributes.length > 0) throw new Error(`The search's conditions are not a plain WHERE on ${table}`);
  const mysql = rows.connection.options.type !== 'better-sqlite3';
  return {
    sql:
      `SELECT lt.advisoryId AS advisoryId FROM ${SEARCH_TERM_TABLE} lt ${mysql ? 'STRAIGHT_JOIN' : 'CROSS JOIN'} ` +
      `${table}${mysql ? ` FORCE INDEX (${driver.escape('IDX_advisory_status_publishedAt')})` : ''} ` +
      `ON a.status = :searchPublished AND a.publishedAt = lt.publishedAt AND a.id = lt.advisoryId ` +
      `WHERE lt.term = :${leader.leadParameter} AND lt.publishedAt <= :searchNow AND (${statement.slice(prefix.length)})`,
    parameters: conditions.getParameters(),
  };
}

/**
 * How many advisories match, counted up to `cap + 1` and no further, so a common word costs no more to count than
 * a word with `cap` matches. Exact when the result is at most `cap`. With an indexed term: the leader's index rows
 * (one per advisory), in index order; without: the search's rows.
 */
async function countUpTo(view: RequestContext, rows: SelectQueryBuilder<Advisory>, leader: IndexedTerm | null, cap: number): Promise<number> {
  const count = managerOf(view).createQueryBuilder().select('COUNT(*)', 'total');
  let matching: string;
  if (leader) {
    const lead = leaderRows(rows, leader);
    count.setParameters(lead.parameters);
    matching = `${lead.sql} LIMIT ${cap + 1}`;
  } else {
    const ids = rows.clone().select('a.id', 'id').orderBy().take(undefined).limit(undefined);
    count.setParameters(ids.getParameters());
    matching = `${ids.getQuery()} LIMIT ${cap + 1}`;
  }
  const result = await count.from(`(${matching})`, 'matching').getRawOne<{ total: number | string }>();
  return Number(result?.total ?? 0);
}

/**
 * Public search of released advisories; the viewer's own rights neither widen nor narrow it. Newest publication
 * first, ties by id.
 *
 * With a word the search index answers, the longest such term leads: the page is its index rows after the cursor,
 * newest first, each checked against its advisory (the other words through the index by advisory, the rest on the
 * row), stopping after a page of matches; the count reads the same rows up to the cap. Neither reads rows of other
 * terms, and neither sorts: the cost is a page (or the cap) of matches plus the rows the other conditions reject,
 * whatever the number of advisories holding the word. Without one: the advisories themselves, newest first.
 */
export async function searchAdvisories(
  ctx: RequestContext,
  filter: AdvisorySearchFilter,
  page: PageArgs,
  /** The GraphQL fields selected on the nodes, so only their columns are read (the public view is never audited). */
  fields?: ReadonlySet<string>,
): Promise<SearchConnectionShape<Advisory>> {
  const view = publicViewOf(ctx);
  const columns = projectedColumns(view.dataSource.getMetadata(Advisory), fields, []);
  const cap = ctx.config.searchTotalCountCap;
  const sort: SortKey = { property: 'publishedAt', direction: 'DESC', isDate: true };
  const search = searchQuery(view, filter);
  if (!search) return { ...(await paginate(view, Advisory, null, 'a', page, sort)), totalCountIsLowerBound: false };
  const query = search.rows;
  const leader = search.indexed.length === 0 ? null : search.indexed.reduce((longest, term) => (term.length > longest.length ? term : longest));
  for (const term of search.indexed) if (term !== leader || term.needsCheck) query.andWhere(term.matches);
  const counted = countUpTo(view, query, leader, cap);
  counted.catch(() => undefined); // awaited through paginate; this only keeps a refused cursor from leaving it unobserved
  let paged = query;
  if (leader) {
    const lead = leaderRows(query, leader);
    const parameters: ObjectLiteral = { ...lead.parameters };
    let cursor = '';
    if (page.after) {
      const [value, id] = decodeCursor(page.after, sort);
      Object.assign(parameters, { searchCursorValue: value, searchCursorId: id });
      cursor = ' AND (lt.publishedAt < :searchCursorValue OR (lt.publishedAt = :searchCursorValue AND lt.advisoryId < :searchCursorId))';
    }
    const first = Math.min(page.first ?? 20, ctx.config.maxPageSize, MAX_PAGE_SIZE);
    const escape = (name: string) => view.dataSource.driver.escape(name);
    // The page's ids, read in index order and limited there (a derived table, so that the LIMIT is valid inside IN on
    // both databases); each passed every condition of the search in leaderRows. The rows are then loaded by those
    // ids: the policy stays on them, written so that it drives nothing (SQLite, without statistics, would otherwise
    // walk the publication index and test each advisory against the ids, reading every advisory newer than the page).
    const byIds = accessibleQuery(view, Advisory, 'a', 'read', { drivenByKeys: true });
    if (!byIds) return { ...(await paginate(view, Advisory, null, 'a', page, sort)), totalCountIsLowerBound: false };
    paged = byIds.andWhere(
      `a.id IN (SELECT ${escape('advisoryId')} FROM (${lead.sql}${cursor} ORDER BY lt.publishedAt DESC, lt.advisoryId DESC LIMIT ${first + 1}) ${escape('page_ids')})`,
      parameters,
    );
  }
  let total = 0;
  const connection = await paginate(
    view,
    Advisory,
    paged,
    'a',
    page,
    sort,
    undefined,
    async () => {
      total = await counted;
      return Math.min(total, cap);
    },
    columns,
  );
  return { ...connection, totalCountIsLowerBound: total > cap };
}

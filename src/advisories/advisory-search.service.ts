import { rulesToAST } from '@casl/ability/extra';
import { containsPattern, LIKE_ESCAPE } from '../common/like';
import { SelectQueryBuilder } from 'typeorm';
import { buildAbility } from '../../policies';
import { isAuditedReader } from '../audit/embargoed-read';
import { accessibleQuery, accessibleSelect, accessibleSubquerySql, ConditionSink, PlainSelect, policyCondition, restrictToReadableFields, testedPerRow } from '../authorization/accessible';
import { wholeRulesKey } from '../authorization/shared-translations';
import { conjunctsOf, isCompound, sameCondition, throughRelation } from '../authorization/sql-condition';
import { FieldCondition } from '@ucast/mongo2js';
import { connectionOf, ConnectionShape, decodeCursor, emptyConnection, MAX_PAGE_SIZE, PageArgs, SortKey } from '../common/connection';
import { hydrateSelection, projectedColumns, runStatement, Selection, selectionOf } from '../context/batch-query';
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

const PUBLISHED_AND_DUE = 'a.status = :searchPublished AND a.publishedAt <= :searchNow';

/**
 * The search's conditions before its indexed words, added to `query` (the public view's accessible rows of `a`):
 * released advisories under the public policy plus an explicit "published and due" condition, and every other filter
 * (the words the index cannot answer among them). Returns the terms the index answers, their parameters already set
 * on `query`. Every column and row searched is published content: staged edits of a published advisory live in
 * `pendingRevision`, which is neither searched nor readable by the public, and the product and vendor rows are
 * replaced only when a revision is released. Written once for both forms of the search: the query builder (exports)
 * and the plain statements of the search itself.
 */
function addSearchConditions(view: RequestContext, query: ConditionSink, filter: AdvisorySearchFilter): IndexedTerm[] {
  query.andWhere(PUBLISHED_AND_DUE, { searchPublished: AdvisoryStatus.PUBLISHED, searchNow: view.now });
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
      anyOf([
        ...SEARCHED_TEXT_COLUMNS.map((column) => `LOWER(a.${column}) LIKE :${parameter} ${LIKE_ESCAPE}`),
        childMatches(view, query, AdvisoryProduct, 'sp', ['name', 'vendorName'], parameter),
        childMatches(view, query, AdvisoryVendorStatus, 'sv', ['vendorName'], parameter),
      ]),
      { [parameter]: containsPattern(word.text) },
    );
  });
  if (filter.vendor) {
    query.andWhere(
      anyOf([
        childMatches(view, query, AdvisoryVendorStatus, 'fv', ['vendorName'], 'searchVendor'),
        childMatches(view, query, AdvisoryProduct, 'fvp', ['vendorName'], 'searchVendor'),
      ]),
      { searchVendor: containsPattern(filter.vendor) },
    );
  }
  if (filter.product) {
    used.push('affectedProducts');
    query.andWhere(
      anyOf([childMatches(view, query, AdvisoryProduct, 'fp', ['name'], 'searchProduct'), `LOWER(a.affectedProducts) LIKE :searchProduct ${LIKE_ESCAPE}`]),
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
  return indexed;
}

/** The disjunction of `conditions`, in its own parentheses (a condition of a query builder or a PlainSelect alike). */
function anyOf(conditions: string[]): string {
  return `(${conditions.join(' OR ')})`;
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

/**
 * Released advisories matching `filter`, every condition tested on the row (the form for a read in publication
 * order, or of a single advisory).
 */
export function publishedAdvisoriesQuery(view: RequestContext, filter: AdvisorySearchFilter): SelectQueryBuilder<Advisory> | null {
  const query = accessibleQuery(view, Advisory, 'a');
  if (!query) return null;
  for (const match of addSearchConditions(view, query, filter)) query.andWhere(match.matches);
  return query;
}

/**
 * The terms the search index answers, each required as a prefix of some token of the advisory's published text. A
 * term up to PREFIX_TERM_MAX_LENGTH characters is itself an index term (the index holds every such prefix of every
 * token): one exact probe. A longer one is probed by its first PREFIX_TERM_MAX_LENGTH characters, then by range among
 * the advisory's full tokens. The index only ever narrows: every form keeps the "published and due" condition and the
 * public policy on `a`, so the rows of scheduled publications can never match or be counted before they are due.
 */
function indexedTerms(query: ConditionSink, words: SearchWord[]): IndexedTerm[] {
  const terms = [...new Set(words.flatMap((word) => word.indexed))];
  return terms.map((term, index): IndexedTerm => {
    const chars = [...term];
    const parameter = `searchTerm${index}`;
    const probe = `t${index}`;
    if (chars.length <= PREFIX_TERM_MAX_LENGTH) {
      query.setParameters({ [parameter]: term });
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

/**
 * The public read predicate of a child row of `a` (a product or vendor-status row with advisoryId = a.id), or null
 * when it says exactly "its advisory is readable": the outer query already requires that of `a`, so repeating it
 * (as a semi-join over every published advisory) would only cost time. Any other policy is kept in full.
 */
function childReadable(
  view: RequestContext,
  query: ConditionSink,
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
  query: ConditionSink,
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
 * Ends with its WHERE, whose last conditions are `after` (on the index row `lt`).
 *
 * The join order is fixed (STRAIGHT_JOIN on MySQL/MariaDB, CROSS JOIN on SQLite: both keep the index rows as the
 * outer loop), so a term most advisories hold cannot make the database read every released advisory first. Each
 * index row meets its advisory through IDX_advisory_status_publishedAt, whose entries (status, publishedAt, id)
 * answer "released, published then, this id" without reading the advisory row unless another condition needs it:
 * at 1M cases the count's thousand checks took half the time of the primary-key lookups of a per-row subquery.
 */
function leaderRows(view: RequestContext, rows: PlainSelect<Advisory>, leader: IndexedTerm, after: string[] = []): string {
  const escape = (name: string) => view.dataSource.driver.escape(name);
  const table = `${escape(view.dataSource.getMetadata(Advisory).tableName)} ${escape('a')}`;
  const mysql = view.dataSource.options.type !== 'better-sqlite3';
  return (
    `SELECT lt.advisoryId AS advisoryId FROM ${SEARCH_TERM_TABLE} lt ${mysql ? 'STRAIGHT_JOIN' : 'CROSS JOIN'} ` +
    `${table}${mysql ? ` FORCE INDEX (${escape('IDX_advisory_status_publishedAt')})` : ''} ` +
    `ON a.status = :searchPublished AND a.publishedAt = lt.publishedAt AND a.id = lt.advisoryId ` +
    `WHERE lt.term = :${leader.leadParameter} AND lt.publishedAt <= :searchNow AND ${rows.whereSql(after)}`
  );
}

/**
 * How many advisories match, counted up to `cap + 1` and no further, so a common word costs no more to count than
 * a word with `cap` matches. Exact when the result is at most `cap`. With an indexed term: the leader's index rows
 * (one per advisory), in index order; without: the search's rows.
 */
async function countUpTo(view: RequestContext, rows: PlainSelect<Advisory>, leader: IndexedTerm | null, cap: number): Promise<number> {
  const [result] = await runStatement(view, `SELECT ${countUpToSql(view, rows, leader, cap)} AS ${view.dataSource.driver.escape(SEARCH_TOTAL)}`, rows.params);
  return Number(result?.[SEARCH_TOTAL] ?? 0);
}

const SEARCH_TOTAL = 'search_total';

/**
 * countUpTo's count as a scalar subquery (its parameters are the rows'), for a statement of its own or a page's.
 * `leader.alone`: the index rows alone answer it (see countedByIndexAlone).
 */
function countUpToSql(view: RequestContext, rows: PlainSelect<Advisory>, leader: (IndexedTerm & { alone?: boolean }) | null, cap: number): string {
  const escape = (name: string) => view.dataSource.driver.escape(name);
  const table = `${escape(view.dataSource.getMetadata(Advisory).tableName)} ${escape('a')}`;
  const matching = !leader
    ? `SELECT a.id AS ${escape('id')} FROM ${table} WHERE ${rows.whereSql()}`
    : leader.alone
      ? `SELECT lt.advisoryId AS advisoryId FROM ${SEARCH_TERM_TABLE} lt WHERE lt.term = :${leader.leadParameter} AND lt.publishedAt <= :searchNow`
      : leaderRows(view, rows, leader);
  return `(SELECT COUNT(*) FROM (${matching} LIMIT ${cap + 1}) ${escape('matching')})`;
}

/**
 * True when the leading term's index rows alone count the search: its only conditions are the public policy and
 * "published and due" (`beyondPolicy`, the conditions added after the policy, is that one alone: no filter, no other
 * word, and the leader is a term of the index as typed), and the public policy is exactly "status PUBLISHED and publishedAt at or before the request's instant".
 * The index holds one row per term of each advisory whose status is PUBLISHED, at its publishedAt, written in the
 * transaction that publishes, moves or revises it (src/advisories/search-index.ts; PUBLISHED is final), so its rows
 * of a term up to the instant are exactly the published and due advisories holding it: the count need not look each
 * one up (at 1M cases, 1,001 lookups cost MariaDB 2.8 ms a request; the index rows alone, 0.6 ms). The page itself
 * still joins every advisory it returns and tests it against the policy. Any other policy, or any other condition,
 * and the count joins the advisories as the page does.
 */
function countedByIndexAlone(view: RequestContext, leader: IndexedTerm | null, beyondPolicy: readonly string[]): boolean {
  if (!leader || leader.needsCheck || beyondPolicy.length !== 1 || beyondPolicy[0] !== PUBLISHED_AND_DUE) return false;
  const policy = rulesToAST(view.ability, 'read', view.dataSource.getMetadata(Advisory).name);
  if (!policy) return false;
  const fields = conjunctsOf(policy).map((part) => (isCompound(part) ? null : (part as FieldCondition)));
  const holds = (field: string, operator: string, value: unknown) => fields.some((each) => each?.field === field && each.operator === operator && each.value === value);
  return fields.length === 2 && holds('status', 'eq', AdvisoryStatus.PUBLISHED) && holds('publishedAt', 'lte', view.now);
}

/** A page's statement: its SQL with named parameters, and what its rows are hydrated and masked by. */
interface PageStatement {
  sql: string;
  parameters: Record<string, unknown>;
  selection: Selection;
}

/**
 * The statement of one page of the search (`first + 1` advisories after the cursor, newest publication first),
 * selecting the `columns` of each (every column when null), the public's field-rule flags and the shown status, for
 * rows hydrated and masked as loadAccessible does; null when the public may read no advisory. Plain SQL: the query
 * builder's assembly of these statements cost more CPU than the database spent on them.
 *
 * With a leader, the page's ids are read in index order and limited there, each having passed every condition of
 * the search in leaderRows, as a derived table the advisories are joined to (so that the limit applies to the ids,
 * on both databases). The policy stays on the joined rows, written so that it drives nothing (testedPerRow):
 * SQLite, without statistics, would otherwise walk the publication index and test each advisory against the ids,
 * reading every advisory newer than the page. Without a leader, the advisories themselves, newest first.
 */
function pageStatement(
  view: RequestContext,
  rows: PlainSelect<Advisory>,
  leader: IndexedTerm | null,
  first: number,
  after: [unknown, string] | null,
  columns: string[] | null,
  /** countUpTo's cap: each row of the page also carries the count (an uncorrelated subquery, run once). */
  countCap: number,
): PageStatement | null {
  // Nothing here logs embargoed reads, and an audited read fingerprints the whole text it hands out: the public only.
  if (isAuditedReader(view)) throw new Error('Audited advisory reads load every column through loadAccessible');
  const escape = (name: string) => view.dataSource.driver.escape(name);
  const table = `${escape(view.dataSource.getMetadata(Advisory).tableName)} ${escape('a')}`;
  const selection = selectionOf(view, view.dataSource.getMetadata(Advisory), 'a', columns);
  const counted = `, ${countUpToSql(view, rows, leader, countCap)} AS ${escape(SEARCH_TOTAL)}`;
  const parameters: Record<string, unknown> = { ...rows.params, ...selection.params };
  if (after) Object.assign(parameters, { searchCursorValue: after[0], searchCursorId: after[1] });
  const order = 'ORDER BY a.publishedAt DESC, a.id DESC';
  if (leader) {
    const cursor = after ? ['lt.publishedAt < :searchCursorValue OR (lt.publishedAt = :searchCursorValue AND lt.advisoryId < :searchCursorId)'] : [];
    const policy = policyCondition(view, Advisory, 'a');
    if (!policy) return null;
    Object.assign(parameters, policy.params);
    const pageIds = `${leaderRows(view, rows, leader, cursor)} ORDER BY lt.publishedAt DESC, lt.advisoryId DESC LIMIT ${first + 1}`;
    const sql =
      `SELECT ${selection.sql}${counted} FROM (${pageIds}) ${escape('page_ids')} INNER JOIN ${table} ON a.id = ${escape('page_ids')}.${escape('advisoryId')} ` +
      `WHERE ${testedPerRow(policy.sql)} ${order}`;
    return { sql, parameters, selection };
  }
  const cursor = after ? ['a.publishedAt < :searchCursorValue OR (a.publishedAt = :searchCursorValue AND a.id < :searchCursorId)'] : [];
  return { sql: `SELECT ${selection.sql}${counted} FROM ${table} WHERE ${rows.whereSql(cursor)} ${order} LIMIT ${first + 1}`, parameters, selection };
}

/** What a search sends: nothing when the public may read no advisory; else the page's statement and what counts on its own. */
export type SearchStatements = { readable: false } | { readable: true; rows: PlainSelect<Advisory>; leader: CountLeader | null; page: PageStatement | null };

type CountLeader = IndexedTerm & { alone: boolean };

const SEARCH_SORT: SortKey = { property: 'publishedAt', direction: 'DESC', isDate: true };

/** Everything but the count of a search: its conditions, its leading term and its page's statement. */
export function searchStatements(view: RequestContext, filter: AdvisorySearchFilter, first: number, afterCursor: string | null | undefined, fields: ReadonlySet<string> | undefined, cap: number): SearchStatements {
  const rows = accessibleSelect(view, Advisory, 'a');
  if (!rows) return { readable: false };
  const policyConditions = rows.conditions.length;
  const indexed = addSearchConditions(view, rows, filter);
  const longest = indexed.length === 0 ? null : indexed.reduce((longest, term) => (term.length > longest.length ? term : longest));
  for (const term of indexed) if (term !== longest || term.needsCheck) rows.andWhere(term.matches);
  const leader = longest && { ...longest, alone: countedByIndexAlone(view, longest, rows.conditions.slice(policyConditions)) };
  const after = afterCursor ? decodeCursor(afterCursor, SEARCH_SORT) : null;
  const projected = projectedColumns(view.dataSource.getMetadata(Advisory), fields, []);
  // The cursor is made of the sort key and the id.
  const columns = projected && [...new Set([...projected, SEARCH_SORT.property, 'id'])];
  return { readable: true, rows, leader, page: pageStatement(view, rows, leader, first, after, columns, cap) };
}

/**
 * The first pages' statements already built, by everything they are built from: the public's rules (all of them, the
 * instant aside: wholeRulesKey), the filter, the fields selected, the page size and the cap. Building one (translating
 * the policy, the conditions of each word, the selection and its field flags) took a tenth of a search request's CPU,
 * for a text that is the same for every request of the same search. A statement is built from the request's instant
 * only as a value: the policy's translations and "published and due" pass it through as a bound parameter
 * (sharedTranslation keeps the same rule), never into the text. So a remembered statement is handed out with this
 * request's instant in place of the one it was built at, which the "clock only as a parameter" check below makes sure
 * is the only parameter that can change. A page after a cursor is built anew. Bounded: the least recently used goes first.
 */
const MAX_REMEMBERED_FIRST_PAGES = 1_000;

interface RememberedFirstPage {
  statements: SearchStatements;
  madeAt: Date;
}

const firstPagesByDataSource = new WeakMap<object, Map<string, RememberedFirstPage>>();

export function firstPageStatements(view: RequestContext, filter: AdvisorySearchFilter, first: number, fields: ReadonlySet<string> | undefined, cap: number): SearchStatements {
  const key = firstPageKey(view, filter, first, fields, cap);
  if (key === null) return searchStatements(view, filter, first, null, fields, cap);
  let remembered = firstPagesByDataSource.get(view.dataSource);
  if (!remembered) firstPagesByDataSource.set(view.dataSource, (remembered = new Map()));
  const found = remembered.get(key);
  if (found) {
    remembered.delete(key); // most recently used last
    remembered.set(key, found);
    return atInstant(found, view.now);
  }
  const statements = searchStatements(view, filter, first, null, fields, cap);
  if (clockOnlyAsParameter(statements, view.now)) {
    remembered.set(key, { statements, madeAt: view.now });
    if (remembered.size > MAX_REMEMBERED_FIRST_PAGES) remembered.delete(remembered.keys().next().value!);
  }
  return statements;
}

/** The key of a first page, or null when its inputs are not plain enough to be keyed exactly. */
function firstPageKey(view: RequestContext, filter: AdvisorySearchFilter, first: number, fields: ReadonlySet<string> | undefined, cap: number): string | null {
  const rules = wholeRulesKey(view);
  const criteria = filterKey(filter);
  if (rules === null || criteria === null) return null;
  // The rules' key has no NUL of its own (its strings are in JSON's quotes).
  return `${rules}\u0000${JSON.stringify([criteria, fields ? [...fields].sort() : null, first, cap])}`;
}

/**
 * The filter's own fields, each value tagged with its type so that values JSON would merge (null and undefined, NaN
 * and null, a date and its text) stay distinct; null for any value other than a primitive, a valid date or a list of
 * primitives.
 */
function filterKey(filter: AdvisorySearchFilter): unknown[] | null {
  const tagged = (value: unknown): unknown => {
    if (value === null) return ['null'];
    if (value === undefined) return ['undefined'];
    if (typeof value === 'string' || typeof value === 'boolean') return [typeof value, value];
    if (typeof value === 'number') return ['number', String(value)];
    return undefined;
  };
  const entries: unknown[] = [];
  for (const name of Object.keys(filter).sort()) {
    const value = (filter as Record<string, unknown>)[name];
    let key = tagged(value);
    if (key === undefined && value instanceof Date && Number.isFinite(value.getTime())) key = ['date', value.getTime()];
    if (key === undefined && Array.isArray(value)) {
      const items = value.map(tagged);
      key = items.includes(undefined) ? undefined : ['list', items];
    }
    if (key === undefined) return null;
    entries.push([name, key]);
  }
  return entries;
}

/** True when every parameter is a primitive, a date or a list of primitives: the clock, if it occurs, is a whole parameter. */
function clockOnlyAsParameter(statements: SearchStatements, now: Date): boolean {
  if (!statements.readable || !statements.page) return true;
  const plain = (value: unknown) => value === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof value);
  return Object.values(statements.page.parameters).every(
    (value) => plain(value) || (value instanceof Date && (value === now || Number.isFinite(value.getTime()))) || (Array.isArray(value) && value.every(plain)),
  );
}

function atInstant(remembered: RememberedFirstPage, now: Date): SearchStatements {
  const { statements, madeAt } = remembered;
  if (!statements.readable || !statements.page) return statements;
  const parameters: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(statements.page.parameters)) parameters[name] = value === madeAt ? now : value;
  return { ...statements, page: { ...statements.page, parameters } };
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
  const first = Math.min(page.first ?? 20, ctx.config.maxPageSize, MAX_PAGE_SIZE);
  const cap = ctx.config.searchTotalCountCap;
  const statements = page.after ? searchStatements(view, filter, first, page.after, fields, cap) : firstPageStatements(view, filter, first, fields, cap);
  if (!statements.readable) return { ...emptyConnection<Advisory>(), totalCountIsLowerBound: false };
  let nodes: Advisory[] = [];
  let total = 0;
  if (statements.page) {
    // One statement: the page's rows carry the count. A page without rows carries none: then nothing matches at all,
    // unless a cursor skipped the matches, and only that case counts on its own.
    const raw = await runStatement(view, statements.page.sql, statements.page.parameters);
    nodes = hydrateSelection<Advisory>(view, statements.page.selection, raw);
    if (raw.length > 0) total = Number(raw[0][SEARCH_TOTAL]);
    else if (page.after) total = await countUpTo(view, statements.rows, statements.leader, cap);
  }
  return { ...connectionOf(nodes, Math.min(total, cap), first, SEARCH_SORT, page), totalCountIsLowerBound: total > cap };
}

import { rulesToAST } from '@casl/ability/extra';
import { CompoundCondition, Condition, FieldCondition } from '@ucast/mongo2js';
import { containsPattern, LIKE_ESCAPE } from '../common/like';
import { Brackets, SelectQueryBuilder } from 'typeorm';
import { buildAbility } from '../../policies';
import { accessibleQuery, accessibleSubquerySql, restrictToReadableFields } from '../authorization/accessible';
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
 * Released advisories, newest publication first (ties by id, so pages are stable), under the public policy plus an
 * explicit "published and due" condition. Every column and row searched is published content: staged edits of a
 * published advisory live in `pendingRevision`, which is neither searched nor readable by the public, and the
 * product and vendor rows are replaced only when a revision is released.
 */
export function publishedAdvisoriesQuery(view: RequestContext, filter: AdvisorySearchFilter): SelectQueryBuilder<Advisory> | null {
  const query = accessibleQuery(view, Advisory, 'a');
  if (!query) return null;
  query.andWhere('a.status = :searchPublished AND a.publishedAt <= :searchNow', { searchPublished: AdvisoryStatus.PUBLISHED, searchNow: view.now });
  const used = ['publishedAt', 'status'];

  const words = searchWords(filter.text);
  if (words.length > 0) used.push(...SEARCHED_TEXT);
  addIndexedTextMatch(view, query, words);
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
  return query;
}

/**
 * The words the full-text index can answer, each a required prefix term. The index only ever narrows: the query
 * keeps the "published and due" condition, so text of drafts and scheduled publications (which the MySQL indexes
 * and the SQLite search table do hold for scheduled ones) can never match or be counted.
 */
function addIndexedTextMatch(view: RequestContext, query: SelectQueryBuilder<Advisory>, words: SearchWord[]): void {
  if (view.dataSource.options.type === 'better-sqlite3') {
    // One FTS5 document per advisory (its published text, product and vendor names): all words in one MATCH.
    const expression = fts5Query(words);
    if (!expression) return;
    query.andWhere(
      'a.id IN (SELECT fs.advisoryId FROM advisory_search fs WHERE fs.id IN (SELECT rowid FROM advisory_search_fts WHERE advisory_search_fts MATCH :searchFts))',
      { searchFts: expression },
    );
    return;
  }
  // MySQL/MariaDB: a word may be in the advisory's text or in one of its product or vendor rows, so each word is a
  // semi-join on the union of the three FULLTEXT lookups (a derived table, so the optimizer can drive from it).
  words.forEach((word, index) => {
    if (word.indexed.length === 0) return;
    const parameter = `searchFt${index}`;
    const match = (alias: string, columns: string[]) => `MATCH(${columns.map((column) => `${alias}.${column}`).join(', ')}) AGAINST (:${parameter} IN BOOLEAN MODE)`;
    const product = childReadable(view, query, AdvisoryProduct, `fp${index}`);
    const vendorStatus = childReadable(view, query, AdvisoryVendorStatus, `fv${index}`);
    query.andWhere(
      `a.id IN (SELECT ft${index}.advisoryId FROM (
        SELECT fa${index}.id AS advisoryId FROM advisory fa${index} WHERE ${match(`fa${index}`, FULLTEXT_ADVISORY)}
        UNION SELECT fp${index}.advisoryId FROM advisory_product fp${index} WHERE ${match(`fp${index}`, FULLTEXT_PRODUCT)}${product ? ` AND ${product}` : ''}
        UNION SELECT fv${index}.advisoryId FROM advisory_vendor_status fv${index} WHERE ${match(`fv${index}`, FULLTEXT_VENDOR_STATUS)}${vendorStatus ? ` AND ${vendorStatus}` : ''}
      ) ft${index})`,
      { [parameter]: mysqlBooleanQuery(word) },
    );
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

/** Public search of released advisories; the viewer's own rights neither widen nor narrow it. */
export function searchAdvisories(ctx: RequestContext, filter: AdvisorySearchFilter, page: PageArgs): Promise<ConnectionShape<Advisory>> {
  const view = publicViewOf(ctx);
  return paginate(view, Advisory, publishedAdvisoriesQuery(view, filter), 'a', page, { property: 'publishedAt', direction: 'DESC', isDate: true });
}

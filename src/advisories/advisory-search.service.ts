import { containsPattern, LIKE_ESCAPE } from '../common/like';
import { Brackets, SelectQueryBuilder } from 'typeorm';
import { buildAbility } from '../../policies';
import { accessibleQuery, accessibleSubquerySql, restrictToReadableFields } from '../authorization/accessible';
import { ConnectionShape, PageArgs, paginate } from '../common/connection';
import { createLoaders } from '../context/loaders';
import type { RequestContext } from '../context/request-context';
import { ANONYMOUS } from '../context/viewer';
import { Advisory, AdvisoryStatus } from './advisory.entity';
import { AdvisorySearchFilter } from './advisory.input';
import { AdvisoryProduct, AdvisoryVendorStatus } from './advisory-publication.entity';

/** Text columns a public search looks in: all of them are published content of a released advisory. */
const SEARCHED_TEXT = ['identifier', 'title', 'overview', 'affectedProducts', 'impact', 'solution', 'workarounds', 'vendorStatements', 'coordinatorVerification'];
const MAX_SEARCH_WORDS = 8;

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

  const words = (filter.text ?? '').split(/\s+/).filter(Boolean).slice(0, MAX_SEARCH_WORDS);
  if (words.length > 0) used.push(...SEARCHED_TEXT);
  words.forEach((word, index) => {
    const parameter = `searchWord${index}`;
    query.andWhere(
      new Brackets((where) => {
        for (const column of SEARCHED_TEXT) where.orWhere(`LOWER(a.${column}) LIKE :${parameter} ${LIKE_ESCAPE}`);
        where.orWhere(childMatches(view, query, AdvisoryProduct, 'sp', ['name', 'vendorName'], parameter));
        where.orWhere(childMatches(view, query, AdvisoryVendorStatus, 'sv', ['vendorName'], parameter));
      }),
      { [parameter]: containsPattern(word) },
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

/** EXISTS over the public rows of a child table whose `columns` contain the pattern in `parameter`. */
function childMatches(
  view: RequestContext,
  query: SelectQueryBuilder<Advisory>,
  target: typeof AdvisoryProduct | typeof AdvisoryVendorStatus,
  alias: string,
  columns: string[],
  parameter: string,
): string {
  const readable = accessibleSubquerySql(view, target, alias, query);
  const table = view.dataSource.getMetadata(target).tableName;
  const text = columns.map((column) => `LOWER(${alias}.${column}) LIKE :${parameter} ${LIKE_ESCAPE}`).join(' OR ');
  return `EXISTS (SELECT 1 FROM ${table} ${alias} WHERE ${alias}.advisoryId = a.id AND (${text}) AND ${readable})`;
}

/** Public search of released advisories; the viewer's own rights neither widen nor narrow it. */
export function searchAdvisories(ctx: RequestContext, filter: AdvisorySearchFilter, page: PageArgs): Promise<ConnectionShape<Advisory>> {
  const view = publicViewOf(ctx);
  return paginate(view, Advisory, publishedAdvisoriesQuery(view, filter), 'a', page, { property: 'publishedAt', direction: 'DESC', isDate: true });
}

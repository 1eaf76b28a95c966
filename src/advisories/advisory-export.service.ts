import { loadAccessible } from '../authorization/accessible';
import type { RequestContext } from '../context/request-context';
import { Advisory } from './advisory.entity';
import { AdvisorySearchFilter } from './advisory.input';
import { AdvisoryCredit, AdvisoryProduct, AdvisoryRevision, AdvisoryVendorStatus } from './advisory-publication.entity';
import { publishedAdvisoriesQuery } from './advisory-search.service';
import { PublishedAdvisory, releasedRevisions } from './published-advisory';

const MAX_KEY_LENGTH = 64;

function isPublishedShape(advisory: Advisory): advisory is PublishedAdvisory['advisory'] {
  return advisory.identifier !== null && advisory.publishedAt !== null;
}

async function withPublishedParts(view: RequestContext, advisory: PublishedAdvisory['advisory']): Promise<PublishedAdvisory> {
  const [revisions, credits, vendorStatuses, products] = await Promise.all([
    view.loaders.manyBy(AdvisoryRevision, 'advisoryId', 'number').load(advisory.id),
    view.loaders.manyBy(AdvisoryCredit, 'advisoryId', 'createdAt').load(advisory.id),
    view.loaders.manyBy(AdvisoryVendorStatus, 'advisoryId', 'vendorName').load(advisory.id),
    view.loaders.manyBy(AdvisoryProduct, 'advisoryId', 'position').load(advisory.id),
  ]);
  return { advisory, revisions: releasedRevisions(revisions, advisory.publishedAt), credits, vendorStatuses, products };
}

/**
 * A released advisory by id or identifier (JVN#…), as the public sees it, or null: for a draft, a scheduled
 * publication and a key that matches nothing alike. `view` must be an anonymous context.
 */
export async function findPublishedAdvisory(view: RequestContext, key: string): Promise<PublishedAdvisory | null> {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) return null;
  const query = publishedAdvisoriesQuery(view, {});
  if (!query) return null;
  query.andWhere('(a.id = :exportKey OR a.identifier = :exportKey)', { exportKey: key });
  const [advisory] = await loadAccessible(view, Advisory, query.limit(1));
  return advisory && isPublishedShape(advisory) ? withPublishedParts(view, advisory) : null;
}

/** The most recently released or revised advisories matching `filter`, newest first (ties by id). */
export async function latestPublishedAdvisories(view: RequestContext, filter: AdvisorySearchFilter, limit: number): Promise<PublishedAdvisory[]> {
  const query = publishedAdvisoriesQuery(view, filter);
  if (!query) return [];
  query.addSelect('COALESCE(a.revisedAt, a.publishedAt)', 'last_released_at').orderBy('last_released_at', 'DESC').addOrderBy('a.id', 'DESC').limit(limit);
  const advisories = (await loadAccessible(view, Advisory, query)).filter(isPublishedShape);
  return Promise.all(advisories.map((advisory) => withPublishedParts(view, advisory)));
}

import { PageArgs } from '../common/connection';
import type { RequestContext } from '../context/request-context';
import { UnreachableDeveloperEntry } from '../unreachable/public-list';
import { listPublicEntries } from '../unreachable/unreachable.service';
import { latestPublishedAdvisories } from './advisory-export.service';
import { AtomEntry, renderAtomFeed } from './atom';
import { advisoryLinks, currentReleaseOf, present, PublicationSettings, PublishedAdvisory, truncate } from './published-advisory';

const SUMMARY_LENGTH = 1000;

export const FEED_PATHS = { advisories: '/feeds/advisories.atom', unreachable: '/feeds/unreachable.atom' } as const;

function advisoryEntry(settings: PublicationSettings, { advisory }: PublishedAdvisory): AtomEntry {
  const links = advisoryLinks(settings, advisory.identifier);
  return {
    id: `urn:uuid:${advisory.id}`,
    title: `${advisory.identifier}: ${advisory.title}`,
    updated: currentReleaseOf(advisory),
    published: advisory.publishedAt,
    links: [
      { rel: 'alternate', type: 'application/json', href: links.csaf, title: 'CSAF 2.0' },
      { rel: 'related', type: 'application/json', href: links.cve, title: 'CVE JSON 5 records' },
    ],
    summary: truncate(present(advisory.overview) ? advisory.overview.trim() : advisory.title, SUMMARY_LENGTH),
    categories: [
      ...(advisory.severity ? [{ term: advisory.severity, label: `Severity ${advisory.severity}` }] : []),
      ...(advisory.unableToCoordinate ? [{ term: 'UNABLE_TO_COORDINATE', label: 'Unable to coordinate' }] : []),
      ...advisory.cveIds.map((cveId) => ({ term: cveId })),
    ],
  };
}

function unreachableEntry(entry: UnreachableDeveloperEntry): AtomEntry {
  const product = entry.productName ? [entry.productName, entry.productVersions].filter(present).join(' ') : null;
  const changes = [entry.listedAt, entry.productInformationListedAt, entry.contactEstablishedAt].filter((date): date is Date => date !== null);
  const lines = [
    `Developer: ${entry.vendorName}`,
    ...(product ? [`Product: ${product}`] : []),
    `Case reference: ${entry.caseReference}`,
    entry.contactEstablished ? 'Contact has since been established.' : 'If you know how to reach this developer, please tell the coordinator.',
  ];
  return {
    id: `urn:uuid:${entry.id}`,
    title: `${entry.contactEstablished ? 'Reached' : 'Unreachable'} developer: ${entry.vendorName}${product ? ` (${product})` : ''}`,
    updated: new Date(Math.max(...changes.map((date) => date.getTime()))),
    published: entry.listedAt,
    links: [],
    content: lines.join('\n'),
  };
}

/** The latest released or revised advisories. `view` must be an anonymous context. */
export async function advisoriesFeed(view: RequestContext, settings: PublicationSettings): Promise<string> {
  const publications = await latestPublishedAdvisories(view, {}, settings.feedSize);
  return renderAtomFeed({
    id: `${settings.baseUrl}${FEED_PATHS.advisories}`,
    title: `${settings.publisherName}: security advisories`,
    authorName: settings.publisherName,
    updated: publications.length === 0 ? view.now : undefined,
    links: [{ rel: 'self', type: 'application/atom+xml', href: `${settings.baseUrl}${FEED_PATHS.advisories}` }],
    entries: publications.map((publication) => advisoryEntry(settings, publication)),
  });
}

/**
 * The portal's separate list: advisories published without the developer, and the public list of developers that
 * could not be reached, newest change first. `view` must be an anonymous context.
 */
export async function unreachableFeed(view: RequestContext, settings: PublicationSettings): Promise<string> {
  const publications = await latestPublishedAdvisories(view, { unableToCoordinate: true }, settings.feedSize);
  const listing = await listPublicEntries(view, Object.assign(new PageArgs(), { first: settings.feedSize }));
  const entries = [...publications.map((publication) => advisoryEntry(settings, publication)), ...listing.edges.map((edge) => unreachableEntry(edge.node))]
    .sort((a, b) => b.updated.getTime() - a.updated.getTime() || (a.id < b.id ? 1 : -1))
    .slice(0, settings.feedSize);
  return renderAtomFeed({
    id: `${settings.baseUrl}${FEED_PATHS.unreachable}`,
    title: `${settings.publisherName}: unreachable developers and advisories published without them`,
    authorName: settings.publisherName,
    updated: entries.length === 0 ? view.now : undefined,
    links: [{ rel: 'self', type: 'application/atom+xml', href: `${settings.baseUrl}${FEED_PATHS.unreachable}` }],
    entries,
  });
}

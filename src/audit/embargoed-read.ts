import { createHash } from 'node:crypto';
import DataLoader from 'dataloader';
import { ADVISORY_SECTION_FIELDS } from '../../policies/fields';
import { AdvisoryStatus } from '../advisories/advisory.entity';
import type { Loaders } from '../context/loaders';
import type { RequestContext } from '../context/request-context';
import { DISCLOSURE_SECTIONS, DisclosureSection, joinSections } from '../disclosure/disclosure-section';
import { OrganizationKind } from '../organizations/organization.entity';
import { actorOf, appendAuditEntries } from './audit-chain';
import { AuditAction, AuditEntry } from './audit-entry.entity';

/** The advisory columns this module looks at. Rows arrive already masked for the viewer. */
export interface AdvisoryText {
  id: string;
  title: string | null;
  status: AdvisoryStatus | null;
  publishedAt: Date | null;
}

function fieldValue(row: object, field: string): unknown {
  return (row as Record<string, unknown>)[field] ?? null;
}

/**
 * Not public at `now`. A viewer who may not read `publishedAt` gets it as null, and the public rule would have
 * shown it had the advisory been public, so a null time on a PUBLISHED row counts as not public for that viewer.
 */
export function isEmbargoed(row: AdvisoryText, now: Date): boolean {
  return !(row.status === AdvisoryStatus.PUBLISHED && row.publishedAt !== null && row.publishedAt.getTime() <= now.getTime());
}

/** Everyone whose reads of unpublished text are logged: all authenticated callers except coordinator staff. */
export function isAuditedReader(ctx: RequestContext): boolean {
  return ctx.viewer.kind === 'authenticated' && ctx.viewer.organizationKind !== OrganizationKind.COORDINATOR;
}

/** The sections the reader was actually given: those with at least one non-null field after masking. */
export function deliveredSections(row: object): DisclosureSection[] {
  return DISCLOSURE_SECTIONS.filter((section) => ADVISORY_SECTION_FIELDS[section].some((field) => fieldValue(row, field) !== null));
}

/** SHA-256 of the text the reader was given (title and every section field as masked), to detect later changes. */
export function contentFingerprint(row: AdvisoryText): string {
  const text = [row.title, ...DISCLOSURE_SECTIONS.map((section) => ADVISORY_SECTION_FIELDS[section].map((field) => fieldValue(row, field)))];
  return createHash('sha256').update(JSON.stringify(text)).digest('hex');
}

/**
 * Called by loadAccessible for every batch of rows it hands out: logs each advisory that is not public yet, with the
 * sections given, before the rows reach the caller. If the log cannot be written, the read fails.
 */
export async function recordEmbargoedReads(ctx: RequestContext, entityName: string, rows: object[]): Promise<void> {
  if (entityName !== 'Advisory' || rows.length === 0 || !isAuditedReader(ctx)) return;
  const embargoed = (rows as AdvisoryText[]).filter((row) => isEmbargoed(row, ctx.now));
  if (embargoed.length === 0) return;
  const actor = actorOf(ctx);
  await appendAuditEntries(
    ctx,
    embargoed.map((row) => ({
      ...actor,
      action: AuditAction.EMBARGOED_READ,
      advisoryId: row.id,
      grantId: null,
      sections: joinSections(deliveredSections(row)),
      contentFingerprint: contentFingerprint(row),
      detail: null,
    })),
  );
}

const previousReadLoaders = new WeakMap<Loaders, DataLoader<string, string | null>>();

/**
 * The fingerprint of what this reader was given at its last read of each advisory in an earlier request, or null if
 * it never read it. Reads this request logs itself are left out, so the answer does not depend on resolver order.
 * This is the reader's own history and answers only a yes/no about text it may read now, so no policy applies.
 */
export function previousReadFingerprint(ctx: RequestContext, advisoryId: string): Promise<string | null> {
  let loader = previousReadLoaders.get(ctx.loaders);
  if (!loader) {
    loader = new DataLoader((ids: readonly string[]) => loadPreviousFingerprints(ctx, ids));
    previousReadLoaders.set(ctx.loaders, loader);
  }
  return loader.load(advisoryId);
}

async function loadPreviousFingerprints(ctx: RequestContext, advisoryIds: readonly string[]): Promise<(string | null)[]> {
  const viewer = ctx.viewer;
  if (viewer.kind !== 'authenticated') return advisoryIds.map(() => null);
  const manager = ctx.manager ?? ctx.dataSource.manager;
  const latest = manager
    .createQueryBuilder(AuditEntry, 'earlier')
    .select('MAX(earlier.sequence)')
    .where('earlier.advisoryId IN (:...readAdvisoryIds)', { readAdvisoryIds: [...advisoryIds] })
    .andWhere('earlier.action = :readAction', { readAction: AuditAction.EMBARGOED_READ })
    .andWhere('earlier.requestId <> :thisRequest', { thisRequest: actorOf(ctx).requestId })
    .groupBy('earlier.advisoryId');
  if (viewer.userId) latest.andWhere('earlier.actorUserId = :readerUserId', { readerUserId: viewer.userId });
  else latest.andWhere('earlier.actorApiKeyId = :readerApiKeyId', { readerApiKeyId: viewer.apiKeyId });
  const rows = await manager
    .createQueryBuilder(AuditEntry, 'last')
    .select(['last.advisoryId', 'last.contentFingerprint'])
    .where(`last.sequence IN (${latest.getQuery()})`)
    .setParameters(latest.getParameters())
    .getMany();
  const byAdvisory = new Map(rows.map((row) => [row.advisoryId, row.contentFingerprint]));
  return advisoryIds.map((id) => byAdvisory.get(id) ?? null);
}

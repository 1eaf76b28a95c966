import { createHash } from 'node:crypto';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ADVISORY_SECTION_FIELDS } from '../../policies/fields';
import { AdvisoryStatus } from '../advisories/advisory.entity';
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

const PREVIOUS_FINGERPRINT_COLUMN = 'previous_read_fingerprint';
/** What each audited reader was given at its previous read of each row, as loaded with the row itself. */
const previousFingerprints = new WeakMap<object, string | null>();

/**
 * Adds to an advisory query, for a reader whose reads are logged, the fingerprint of what this reader was given at
 * its last read of each row in an earlier request: one indexed lookup per row inside the same statement (the log's
 * (actor, advisory, sequence) indexes), so it costs no extra statement and does not grow with the log. Reads this
 * request logs itself are left out, so the answer does not depend on resolver order.
 */
export function selectPreviousReadFingerprint(ctx: RequestContext, query: SelectQueryBuilder<ObjectLiteral>): boolean {
  const viewer = ctx.viewer;
  if (!isAuditedReader(ctx) || viewer.kind !== 'authenticated') return false;
  const alias = query.alias;
  const reader = viewer.userId ? 'earlier.actorUserId = :previousReadUserId' : 'earlier.actorApiKeyId = :previousReadApiKeyId';
  const latest = query
    .subQuery()
    .select('earlier.contentFingerprint')
    .from(AuditEntry, 'earlier')
    .where(reader)
    .andWhere(`earlier.advisoryId = ${alias}.id`)
    .andWhere('earlier.action = :previousReadAction')
    .andWhere('earlier.requestId <> :previousReadRequest')
    .orderBy('earlier.sequence', 'DESC')
    .limit(1)
    .getQuery();
  query.addSelect(latest, PREVIOUS_FINGERPRINT_COLUMN).setParameters({
    previousReadUserId: viewer.userId,
    previousReadApiKeyId: viewer.apiKeyId,
    previousReadAction: AuditAction.EMBARGOED_READ,
    previousReadRequest: actorOf(ctx).requestId,
  });
  return true;
}

/** Keeps the fingerprint selected by selectPreviousReadFingerprint with the loaded entity. */
export function rememberPreviousFingerprint(entity: object, raw: Record<string, unknown>): void {
  const value = raw[PREVIOUS_FINGERPRINT_COLUMN];
  previousFingerprints.set(entity, typeof value === 'string' ? value : null);
}

/**
 * The fingerprint of what this reader was given at its last read of the advisory in an earlier request, or null if
 * it never read it. This is the reader's own history and answers only a yes/no about text it may read now.
 */
export function previousReadFingerprint(advisory: object): string | null {
  return previousFingerprints.get(advisory) ?? null;
}

import { Field, ID, Int, ObjectType } from 'type-graphql';
import { accessibleQuery, findAccessibleById, restrictToReadableFields } from '../authorization/accessible';
import { Advisory } from '../advisories/advisory.entity';
import { ConnectionShape, PageArgs, paginate } from '../common/connection';
import type { RequestContext } from '../context/request-context';
import { DisclosureSection, splitSections } from '../disclosure/disclosure-section';
import { AuditAction, AuditEntry } from './audit-entry.entity';
import { AuditEntryFilter } from './audit.input';

@ObjectType({ description: 'One person or API key that was given the text of an advisory before it was public, from the audit log.' })
export class EmbargoReader {
  @Field(() => ID, { nullable: true })
  organizationId!: string | null;

  @Field(() => ID, { nullable: true })
  userId!: string | null;

  @Field(() => ID, { nullable: true })
  apiKeyId!: string | null;

  @Field(() => String, { nullable: true, description: 'The name recorded at the time of the reads.' })
  actorName!: string | null;

  @Field()
  firstReadAt!: Date;

  @Field()
  lastReadAt!: Date;

  @Field(() => Int)
  reads!: number;

  @Field(() => [DisclosureSection], { description: 'Every section given in at least one of the reads.' })
  sections!: DisclosureSection[];
}

export async function listAuditEntries(ctx: RequestContext, filter: AuditEntryFilter, page: PageArgs): Promise<ConnectionShape<AuditEntry>> {
  const query = accessibleQuery(ctx, AuditEntry, 'e');
  if (query) {
    if (filter.advisoryId) query.andWhere('e.advisoryId = :auditAdvisoryId', { auditAdvisoryId: filter.advisoryId });
    if (filter.grantId) query.andWhere('e.grantId = :auditGrantId', { auditGrantId: filter.grantId });
    if (filter.organizationId) query.andWhere('e.organizationId = :auditOrganizationId', { auditOrganizationId: filter.organizationId });
    if (filter.action) query.andWhere('e.action = :auditAction', { auditAction: filter.action });
  }
  restrictToReadableFields(ctx, AuditEntry, 'e', query, ['sequence']);
  return paginate(ctx, AuditEntry, query, 'e', page, { property: 'sequence', direction: 'DESC', isDate: false });
}

/** SQLite returns aggregated datetimes as UTC text, MariaDB (timezone Z) as Date. */
function utcDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(`${String(value).replace(' ', 'T')}Z`);
}

interface ReaderGroup {
  organizationId: string | null;
  actorUserId: string | null;
  actorApiKeyId: string | null;
  sections: string;
  actorName: string | null;
  firstReadAt: unknown;
  lastReadAt: unknown;
  reads: unknown;
}

/**
 * "Who has seen this advisory before publication": every reader of its unpublished text, grouped by person or key,
 * straight from the audit log. Only the coordinator may read the log; anyone else gets an empty answer whether or
 * not the advisory exists, so the question reveals nothing.
 */
export async function embargoReaders(ctx: RequestContext, advisoryId: string): Promise<EmbargoReader[]> {
  const query = accessibleQuery(ctx, AuditEntry, 'e');
  if (!query) return [];
  await findAccessibleById(ctx, Advisory, advisoryId);
  const groups = await query
    .select('e.organizationId', 'organizationId')
    .addSelect('e.actorUserId', 'actorUserId')
    .addSelect('e.actorApiKeyId', 'actorApiKeyId')
    .addSelect('e.sections', 'sections')
    .addSelect('MAX(e.actorName)', 'actorName')
    .addSelect('MIN(e.at)', 'firstReadAt')
    .addSelect('MAX(e.at)', 'lastReadAt')
    .addSelect('COUNT(*)', 'reads')
    .andWhere('e.advisoryId = :readersAdvisoryId', { readersAdvisoryId: advisoryId })
    .andWhere('e.action = :readersAction', { readersAction: AuditAction.EMBARGOED_READ })
    .groupBy('e.organizationId')
    .addGroupBy('e.actorUserId')
    .addGroupBy('e.actorApiKeyId')
    .addGroupBy('e.sections')
    .getRawMany<ReaderGroup>();

  const readers = new Map<string, EmbargoReader & { sectionSet: Set<DisclosureSection> }>();
  for (const group of groups) {
    const key = JSON.stringify([group.organizationId, group.actorUserId, group.actorApiKeyId]);
    const firstReadAt = utcDate(group.firstReadAt);
    const lastReadAt = utcDate(group.lastReadAt);
    const reader = readers.get(key);
    if (!reader) {
      readers.set(key, {
        organizationId: group.organizationId, userId: group.actorUserId, apiKeyId: group.actorApiKeyId, actorName: group.actorName,
        firstReadAt, lastReadAt, reads: Number(group.reads), sections: [], sectionSet: new Set(splitSections(group.sections)),
      });
      continue;
    }
    if (firstReadAt < reader.firstReadAt) reader.firstReadAt = firstReadAt;
    if (lastReadAt > reader.lastReadAt) reader.lastReadAt = lastReadAt;
    reader.reads += Number(group.reads);
    for (const section of splitSections(group.sections)) reader.sectionSet.add(section);
  }
  return [...readers.values()]
    .map(({ sectionSet, ...reader }) => Object.assign(new EmbargoReader(), reader, { sections: splitSections([...sectionSet].join(',')) }))
    .sort((left, right) => left.firstReadAt.getTime() - right.firstReadAt.getTime());
}

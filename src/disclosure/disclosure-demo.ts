import { EntityManager } from 'typeorm';
import { appendAuditEntries } from '../audit/audit-chain';
import { AuditAction } from '../audit/audit-entry.entity';
import { newId } from '../common/columns';
import { DisclosureGrant, DisclosureGrantRecipient } from './disclosure-grant.entity';
import { DisclosureSection, flagsFor, joinSections, TlpLabel } from './disclosure-section';

export interface DisclosureDemoInput {
  /** The draft advisory of the coordinating case and the published one. */
  draftAdvisoryId: string;
  publishedAdvisoryId: string;
  operatorOrganizationId: string;
  operatorUserId: string;
  coordinatorUserId: string;
  coordinatorName: string;
  coordinatorOrganizationId: string;
  now: Date;
  ago(days: number): Date;
}

/**
 * The demo's early disclosures, each with its GRANT_CREATED audit entry: the operator reads overview, affected
 * products and mitigations of the coordinating draft now (AMBER); a RED grant of the technical sections to the
 * operator user starts in three days; an older grant of the advisory published 150 days ago ended before it.
 */
export async function seedDisclosureDemo(manager: EntityManager, input: DisclosureDemoInput): Promise<Record<'coordinating' | 'coordinatingLater' | 'publishedExpired', string>> {
  const inDays = (days: number) => input.ago(-days);
  const grants = {
    coordinating: await grant(manager, input, input.draftAdvisoryId, TlpLabel.AMBER, [DisclosureSection.OVERVIEW, DisclosureSection.AFFECTED_PRODUCTS, DisclosureSection.MITIGATIONS], input.ago(5), null, [], 'Runs Acme Router RX at its pumping stations; needs time to plan the firmware update.'),
    coordinatingLater: await grant(manager, input, input.draftAdvisoryId, TlpLabel.RED, [DisclosureSection.IMPACT, DisclosureSection.TECHNICAL_DETAILS, DisclosureSection.CVSS], inDays(3), null, [input.operatorUserId], 'Technical details for the site security lead once the vendor has confirmed the fix.'),
    publishedExpired: await grant(manager, input, input.publishedAdvisoryId, TlpLabel.AMBER_STRICT, [DisclosureSection.OVERVIEW], input.ago(170), input.ago(155), [], 'Early warning before the vendor fix.'),
  };
  return grants;
}

async function grant(
  manager: EntityManager,
  input: DisclosureDemoInput,
  advisoryId: string,
  tlp: TlpLabel,
  sections: DisclosureSection[],
  startsAt: Date,
  endsAt: Date | null,
  recipientUserIds: string[],
  reason: string,
): Promise<string> {
  const createdAt = startsAt.getTime() < input.now.getTime() ? startsAt : input.now;
  const row: DisclosureGrant = Object.assign(new DisclosureGrant(), {
    id: newId(), advisoryId, organizationId: input.operatorOrganizationId, tlp, ...flagsFor(sections), startsAt, endsAt, reason,
    createdByUserId: input.coordinatorUserId, createdAt, updatedAt: createdAt, revokedAt: null, revokedByUserId: null,
    acknowledgedAt: null, acknowledgedByUserId: null, acknowledgedByApiKeyId: null,
  });
  await manager.getRepository(DisclosureGrant).insert(row);
  for (const userId of recipientUserIds) await manager.getRepository(DisclosureGrantRecipient).insert({ id: newId(), grantId: row.id, userId });
  await appendAuditEntries({ dataSource: manager.dataSource, manager }, [{
    at: createdAt, requestId: 'demo-seed', action: AuditAction.GRANT_CREATED, actorUserId: input.coordinatorUserId, actorApiKeyId: null,
    actorName: input.coordinatorName, organizationId: input.coordinatorOrganizationId, advisoryId, grantId: row.id, sections: joinSections(sections),
    contentFingerprint: null, detail: JSON.stringify({ recipientOrganizationId: input.operatorOrganizationId, reason, after: { sections, tlp, recipientUserIds, startsAt: startsAt.toISOString(), endsAt: endsAt?.toISOString() ?? null } }),
  }]);
  return row.id;
}

import { In } from 'typeorm';
import { accessibleQuery, findAccessibleById, managerOf, may, restrictToReadableFields } from '../authorization/accessible';
import { Advisory } from '../advisories/advisory.entity';
import { actorOf, appendAuditEntries } from '../audit/audit-chain';
import { AuditAction } from '../audit/audit-entry.entity';
import { isEmbargoed } from '../audit/embargoed-read';
import { newId } from '../common/columns';
import { ConnectionShape, PageArgs, paginate } from '../common/connection';
import { inTransaction, RequestContext } from '../context/request-context';
import { BadUserInputError, ConflictError, ForbiddenError } from '../errors/errors';
import { Organization, OrganizationKind } from '../organizations/organization.entity';
import { User } from '../organizations/user.entity';
import { DisclosureFeedback, DisclosureFeedbackReceipt, DisclosureGrant, DisclosureGrantRecipient } from './disclosure-grant.entity';
import { DisclosureSection, flagsFor, joinSections, sectionsOf, TlpLabel } from './disclosure-section';
import { ChangeDisclosureGrantInput, DisclosureGrantFilter, GrantDisclosureInput, RevokeDisclosureGrantInput, SendDisclosureFeedbackInput } from './disclosure.input';

/** Clock skew allowed for "not in the past" (a client's "now" arrives a little late). */
const PAST_TOLERANCE_MS = 60_000;

/** A grant's terms as recorded in the audit log before and after each change. */
interface GrantTerms {
  sections: DisclosureSection[];
  tlp: TlpLabel;
  recipientUserIds: string[];
  startsAt: string;
  endsAt: string | null;
}

function termsOf(grant: DisclosureGrant, recipientUserIds: string[]): GrantTerms {
  return {
    sections: sectionsOf(grant),
    tlp: grant.tlp,
    recipientUserIds: [...recipientUserIds].sort(),
    startsAt: grant.startsAt.toISOString(),
    endsAt: grant.endsAt ? grant.endsAt.toISOString() : null,
  };
}

export async function listGrants(ctx: RequestContext, filter: DisclosureGrantFilter, page: PageArgs): Promise<ConnectionShape<DisclosureGrant>> {
  const query = accessibleQuery(ctx, DisclosureGrant, 'g');
  if (query && filter.advisoryId) query.andWhere('g.advisoryId = :filterAdvisoryId', { filterAdvisoryId: filter.advisoryId });
  if (query && filter.organizationId) query.andWhere('g.organizationId = :filterOrganizationId', { filterOrganizationId: filter.organizationId });
  restrictToReadableFields(ctx, DisclosureGrant, 'g', query, ['createdAt']);
  return paginate(ctx, DisclosureGrant, query, 'g', page, { property: 'createdAt', direction: 'DESC', isDate: true });
}

export function getGrant(ctx: RequestContext, id: string): Promise<DisclosureGrant> {
  return findAccessibleById(ctx, DisclosureGrant, id);
}

function assertNotPast(ctx: RequestContext, value: Date, field: string): void {
  if (value.getTime() < ctx.now.getTime() - PAST_TOLERANCE_MS) throw new BadUserInputError(`${field} cannot be in the past`, field);
}

function assertAudience(tlp: TlpLabel, recipientUserIds: string[]): void {
  if (tlp === TlpLabel.RED && recipientUserIds.length === 0) {
    throw new BadUserInputError('A RED grant goes to named people only: give recipientUserIds', 'recipientUserIds');
  }
  if (tlp !== TlpLabel.RED && recipientUserIds.length > 0) {
    throw new BadUserInputError('Only RED grants name recipients; AMBER and AMBER_STRICT go to the whole organization', 'recipientUserIds');
  }
}

function assertWindow(startsAt: Date, endsAt: Date | null): void {
  if (endsAt && endsAt.getTime() <= startsAt.getTime()) throw new BadUserInputError('endsAt must be after startsAt', 'endsAt');
}

function assertUnpublished(ctx: RequestContext, advisory: Advisory): void {
  if (!isEmbargoed(advisory, ctx.now)) throw new ConflictError('The advisory is public: early disclosure has ended');
}

/** A grant that would start only once the advisory is public would never show anything. */
function assertStartsBeforePublication(advisory: Advisory, startsAt: Date): void {
  if (advisory.publishedAt && startsAt.getTime() >= advisory.publishedAt.getTime()) {
    throw new BadUserInputError('startsAt must be before the planned publication of the advisory', 'startsAt');
  }
}

async function assertRecipients(ctx: RequestContext, organizationId: string, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  const found = await managerOf(ctx).getRepository(User).count({ where: { id: In(userIds), organizationId, active: true } });
  if (found !== userIds.length) throw new BadUserInputError('recipientUserIds must name active users of the recipient organization', 'recipientUserIds');
}

async function recipientIdsOf(ctx: RequestContext, grantId: string): Promise<string[]> {
  const rows = await managerOf(ctx).getRepository(DisclosureGrantRecipient).find({ where: { grantId }, order: { userId: 'ASC' } });
  return rows.map((row) => row.userId);
}

async function replaceRecipients(ctx: RequestContext, grantId: string, userIds: string[]): Promise<void> {
  const repository = managerOf(ctx).getRepository(DisclosureGrantRecipient);
  await repository.delete({ grantId });
  if (userIds.length > 0) await repository.insert(userIds.map((userId) => ({ id: newId(), grantId, userId })));
}

async function recordGrantChange(ctx: RequestContext, action: AuditAction, grant: DisclosureGrant, detail: Record<string, unknown>): Promise<void> {
  await appendAuditEntries(ctx, [{
    ...actorOf(ctx),
    action,
    advisoryId: grant.advisoryId,
    grantId: grant.id,
    sections: joinSections(sectionsOf(grant)),
    contentFingerprint: null,
    detail: JSON.stringify({ recipientOrganizationId: grant.organizationId, ...detail }),
  }]);
}

export async function grantDisclosure(ctx: RequestContext, input: GrantDisclosureInput): Promise<DisclosureGrant> {
  if (!ctx.ability.can('create', 'DisclosureGrant')) throw new ForbiddenError('Only the coordinator grants early disclosure');
  const startsAt = input.startsAt ?? ctx.now;
  const endsAt = input.endsAt ?? null;
  const recipientUserIds = input.recipientUserIds ?? [];
  assertNotPast(ctx, startsAt, 'startsAt');
  assertWindow(startsAt, endsAt);
  assertAudience(input.tlp, recipientUserIds);

  const id = await inTransaction(ctx, async (tx) => {
    const advisory = await findAccessibleById(tx, Advisory, input.advisoryId);
    assertUnpublished(tx, advisory);
    assertStartsBeforePublication(advisory, startsAt);
    const organization = await managerOf(tx).getRepository(Organization).findOneBy({ id: input.organizationId });
    if (organization?.kind !== OrganizationKind.OPERATOR) throw new BadUserInputError('organizationId must name an OPERATOR organization', 'organizationId');
    await assertRecipients(tx, organization.id, recipientUserIds);
    const grant: DisclosureGrant = Object.assign(new DisclosureGrant(), {
      id: newId(),
      advisoryId: advisory.id,
      organizationId: organization.id,
      tlp: input.tlp,
      ...flagsFor(input.sections),
      startsAt,
      endsAt,
      reason: input.reason,
      createdByUserId: tx.viewer.kind === 'authenticated' ? tx.viewer.userId : null,
      createdAt: tx.now,
      updatedAt: tx.now,
      revokedAt: null,
      revokedByUserId: null,
      acknowledgedAt: null,
      acknowledgedByUserId: null,
      acknowledgedByApiKeyId: null,
    });
    await managerOf(tx).getRepository(DisclosureGrant).insert(grant);
    await replaceRecipients(tx, grant.id, recipientUserIds);
    await recordGrantChange(tx, AuditAction.GRANT_CREATED, grant, { reason: input.reason, after: termsOf(grant, recipientUserIds) });
    return grant.id;
  });
  return getGrant(ctx, id);
}

function sameTerms(left: GrantTerms, right: GrantTerms): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}

export async function changeGrant(ctx: RequestContext, input: ChangeDisclosureGrantInput): Promise<DisclosureGrant> {
  if (!ctx.ability.can('update', 'DisclosureGrant')) throw new ForbiddenError('Only the coordinator changes early disclosures');
  if (input.untilPublication && input.endsAt) throw new BadUserInputError('Give either endsAt or untilPublication', 'untilPublication');
  if (input.startsAt) assertNotPast(ctx, input.startsAt, 'startsAt');
  if (input.endsAt) assertNotPast(ctx, input.endsAt, 'endsAt');

  await inTransaction(ctx, async (tx) => {
    const grant = await findAccessibleById(tx, DisclosureGrant, input.grantId);
    if (!may(tx, 'update', 'DisclosureGrant', grant)) throw new ForbiddenError('You may not change this grant');
    if (grant.revokedAt) throw new ConflictError('A revoked grant cannot change; grant again instead');
    const advisory = await findAccessibleById(tx, Advisory, grant.advisoryId);
    assertUnpublished(tx, advisory);

    const recipientsBefore = await recipientIdsOf(tx, grant.id);
    const before = termsOf(grant, recipientsBefore);
    const tlp = input.tlp ?? grant.tlp;
    const recipientUserIds = input.recipientUserIds ?? (tlp === TlpLabel.RED ? recipientsBefore : []);
    const startsAt = input.startsAt ?? grant.startsAt;
    const endsAt = input.untilPublication ? null : (input.endsAt ?? grant.endsAt);
    assertWindow(startsAt, endsAt);
    assertStartsBeforePublication(advisory, startsAt);
    assertAudience(tlp, recipientUserIds);
    await assertRecipients(tx, grant.organizationId, recipientUserIds);

    const changed: DisclosureGrant = Object.assign(new DisclosureGrant(), grant, {
      tlp,
      ...(input.sections ? flagsFor(input.sections) : {}),
      startsAt,
      endsAt,
      updatedAt: tx.now,
    });
    const after = termsOf(changed, recipientUserIds);
    if (sameTerms(before, after)) throw new BadUserInputError('Nothing to change');

    const result = await managerOf(tx)
      .createQueryBuilder()
      .update(DisclosureGrant)
      .set({ tlp, ...flagsFor(after.sections), startsAt, endsAt, updatedAt: tx.now })
      .where('id = :grantId AND updatedAt = :seenUpdatedAt', { grantId: grant.id, seenUpdatedAt: grant.updatedAt })
      .execute();
    if (result.affected !== 1) throw new ConflictError('The grant changed meanwhile; reload and retry');
    if (JSON.stringify(before.recipientUserIds) !== JSON.stringify(after.recipientUserIds)) await replaceRecipients(tx, grant.id, recipientUserIds);
    await recordGrantChange(tx, AuditAction.GRANT_CHANGED, changed, { reason: input.reason, before, after });
  });
  return getGrant(ctx, input.grantId);
}

export async function revokeGrant(ctx: RequestContext, input: RevokeDisclosureGrantInput): Promise<DisclosureGrant> {
  if (!ctx.ability.can('update', 'DisclosureGrant')) throw new ForbiddenError('Only the coordinator revokes early disclosures');
  await inTransaction(ctx, async (tx) => {
    const grant = await findAccessibleById(tx, DisclosureGrant, input.grantId);
    if (!may(tx, 'update', 'DisclosureGrant', grant)) throw new ForbiddenError('You may not revoke this grant');
    const result = await managerOf(tx)
      .createQueryBuilder()
      .update(DisclosureGrant)
      .set({ revokedAt: tx.now, revokedByUserId: tx.viewer.kind === 'authenticated' ? tx.viewer.userId : null, updatedAt: tx.now })
      .where('id = :grantId AND revokedAt IS NULL', { grantId: grant.id })
      .execute();
    if (result.affected !== 1) throw new ConflictError('The grant is already revoked');
    await recordGrantChange(tx, AuditAction.GRANT_REVOKED, grant, { reason: input.reason, before: termsOf(grant, await recipientIdsOf(tx, grant.id)) });
  });
  return getGrant(ctx, input.grantId);
}

/** Loads a grant the viewer may respond to, and makes sure the viewer speaks for the recipient organization. */
async function grantToRespondTo(ctx: RequestContext, grantId: string): Promise<DisclosureGrant> {
  const grant = await findAccessibleById(ctx, DisclosureGrant, grantId, 'respond');
  const viewer = ctx.viewer;
  if (viewer.kind !== 'authenticated' || viewer.organizationId !== grant.organizationId) {
    throw new ForbiddenError('Only the recipient organization acknowledges a grant or sends feedback on it');
  }
  return grant;
}

export async function acknowledgeGrant(ctx: RequestContext, grantId: string): Promise<DisclosureGrant> {
  await inTransaction(ctx, async (tx) => {
    const grant = await grantToRespondTo(tx, grantId);
    const viewer = tx.viewer.kind === 'authenticated' ? tx.viewer : null;
    const result = await managerOf(tx)
      .createQueryBuilder()
      .update(DisclosureGrant)
      .set({ acknowledgedAt: tx.now, acknowledgedByUserId: viewer?.userId ?? null, acknowledgedByApiKeyId: viewer?.apiKeyId ?? null })
      .where('id = :grantId AND acknowledgedAt IS NULL', { grantId: grant.id })
      .execute();
    // Acknowledging twice keeps the first receipt.
    if (result.affected === 1) await recordGrantChange(tx, AuditAction.GRANT_ACKNOWLEDGED, grant, {});
  });
  return getGrant(ctx, grantId);
}

export async function sendFeedback(ctx: RequestContext, input: SendDisclosureFeedbackInput): Promise<DisclosureFeedbackReceipt> {
  const feedback = await inTransaction(ctx, async (tx) => {
    const grant = await grantToRespondTo(tx, input.grantId);
    const viewer = tx.viewer.kind === 'authenticated' ? tx.viewer : null;
    const row: DisclosureFeedback = Object.assign(new DisclosureFeedback(), {
      id: newId(),
      grantId: grant.id,
      advisoryId: grant.advisoryId,
      organizationId: grant.organizationId,
      authorUserId: viewer?.userId ?? null,
      authorApiKeyId: viewer?.apiKeyId ?? null,
      status: input.status ?? null,
      message: input.message,
      createdAt: tx.now,
    });
    await managerOf(tx).getRepository(DisclosureFeedback).insert(row);
    return row;
  });
  return { id: feedback.id, sentAt: feedback.createdAt };
}

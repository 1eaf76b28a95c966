/**
 * Early disclosure under embargo and the audit log (issue 4) in the secrecy suite: the rows of a world, their
 * generator, the oracle's rules, the type models, the root-field operations and the existence probes.
 *
 * The rules, as the README and the schema state them:
 * - Coordinator staff read every grant (its reason, revocation and named recipients included), every piece of
 *   feedback, every audit log entry, the embargo readers of an advisory and the statistics.
 * - An OPERATOR sees a grant to its organization while it is live: not revoked, started (`startsAt` ≤ now), not ended
 *   (now < `endsAt`; no end means until publication) and the advisory not public yet (publication ends every grant).
 *   TLP:RED grants reach only the named recipient users: never colleagues, never the organization's API keys. Of a
 *   live grant it reads everything but the coordinator's reason and the revocation; recipients, feedback and history
 *   are the coordinator's. Through its live grants it sees the advisory: id, title, status and the granted sections
 *   (test/support/disclosure-oracle.ts, shared with test/disclosure-property.test.ts); any other unpublished
 *   advisory is NOT_FOUND like a made-up id.
 * - Nobody but the coordinator reads feedback (the sender gets a receipt) or the audit log: `auditEntries` and
 *   `embargoReaders` are empty for everyone else, `statistics` is refused.
 * - `Advisory.changedSinceLastRead`: a boolean for a vendor or operator (any audited reader, i.e. anyone signed in but
 *   coordinator staff) reading an advisory that is not public yet, null otherwise. Its value depends on the reads the
 *   suite itself makes, so only null versus boolean is checked.
 *
 * The suite's own reads append EMBARGOED_READ entries to the audit log while it runs; the generated entries carry
 * sequence numbers far above the chain's, so appends never collide with them and they stay on the log's first page.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { AdvisoryStatus } from '../../src/advisories/advisory.entity';
import { AuditAction } from '../../src/audit/audit-entry.entity';
import { DisclosureFeedbackStatus, TlpLabel } from '../../src/disclosure/disclosure-section';
import { OrganizationKind } from '../../src/organizations/organization.entity';
import { UserRole } from '../../src/organizations/user.entity';
import { grantedAdvisoryFields, OracleAdvisory, OracleGrant, OracleSection, OracleWorld, ORACLE_SECTIONS } from '../support/disclosure-oracle';
import type { Sight, SightContext, Subject } from './oracle';
import type { RelationModel, Row, TypeModel } from './model';
import type { ListFilter, Operation, OperationKit } from './queries';
import type { ApiKeyRow, OrganizationRow, UserRow, World } from './world';

// ---------------------------------------------------------------------------------------------------------------
// Rows

export interface GrantRow {
  id: string; advisoryId: string; organizationId: string; tlp: TlpLabel; shareOverview: boolean; shareAffectedProducts: boolean; shareImpact: boolean;
  shareMitigations: boolean; shareTechnicalDetails: boolean; shareCvss: boolean; startsAt: Date; endsAt: Date | null; reason: string;
  createdByUserId: string | null; createdAt: Date; updatedAt: Date; revokedAt: Date | null; revokedByUserId: string | null; acknowledgedAt: Date | null;
  acknowledgedByUserId: string | null; acknowledgedByApiKeyId: string | null;
}
export interface GrantRecipientRow { id: string; grantId: string; userId: string }
export interface FeedbackRow {
  id: string; grantId: string; advisoryId: string; organizationId: string; authorUserId: string | null; authorApiKeyId: string | null;
  status: DisclosureFeedbackStatus | null; message: string; createdAt: Date;
}
export interface AuditEntryRow {
  id: string; sequence: number; at: Date; requestId: string; action: AuditAction; actorUserId: string | null; actorApiKeyId: string | null;
  actorName: string | null; organizationId: string | null; advisoryId: string | null; grantId: string | null; sections: string;
  contentFingerprint: string | null; detail: string | null; previousHash: string; hash: string;
}

export interface DisclosureTables {
  grants: GrantRow[];
  grantRecipients: GrantRecipientRow[];
  disclosureFeedback: FeedbackRow[];
  auditEntries: AuditEntryRow[];
}

export function emptyDisclosureTables(): DisclosureTables {
  return { grants: [], grantRecipients: [], disclosureFeedback: [], auditEntries: [] };
}

const SECTION_FLAG: Record<OracleSection, keyof GrantRow> = {
  OVERVIEW: 'shareOverview', AFFECTED_PRODUCTS: 'shareAffectedProducts', IMPACT: 'shareImpact',
  MITIGATIONS: 'shareMitigations', TECHNICAL_DETAILS: 'shareTechnicalDetails', CVSS: 'shareCvss',
};
const sectionsOfGrant = (row: Row): OracleSection[] => ORACLE_SECTIONS.filter((section) => Boolean(row[SECTION_FLAG[section]]));

// ---------------------------------------------------------------------------------------------------------------
// The generator

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Far above any sequence the chain reaches in a test, and within a 32-bit INT column. */
export const GENERATED_AUDIT_SEQUENCE_BASE = 1_500_000_000;

const personPlan = fc.record({
  role: fc.constantFrom(UserRole.MEMBER, UserRole.ADMIN),
  active: fc.oneof({ arbitrary: fc.constant(true), weight: 5 }, { arbitrary: fc.constant(false), weight: 1 }),
});
const mostlyFalse = fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 });
const instantOffset = fc.oneof(fc.integer({ min: -30 * DAY, max: 30 * DAY }), fc.integer({ min: -2, max: 2 }));

/**
 * Operator organizations with people and API keys, and grants of the world's advisories to them: every section
 * mix, every TLP label (RED with named recipients), windows starting and ending around the test instants to the
 * millisecond, open-ended ones, revoked and acknowledged ones, feedback, and the audit entries a grant leaves.
 */
export const disclosurePlanArbitrary = fc.record({
  operators: fc.array(
    fc.record({ people: fc.array(personPlan, { minLength: 1, maxLength: 3 }), apiKeys: fc.array(fc.record({ revoked: mostlyFalse }), { maxLength: 2 }) }),
    { minLength: 1, maxLength: 2 },
  ),
  grants: fc.array(
    fc.record({
      advisory: fc.nat(),
      operator: fc.nat(),
      sections: fc.subarray(ORACLE_SECTIONS, { minLength: 1 }),
      tlp: fc.constantFrom(...Object.values(TlpLabel)),
      recipients: fc.subarray([0, 1, 2], { minLength: 1 }),
      startsOffsetMs: instantOffset,
      lengthMs: fc.option(fc.oneof(fc.integer({ min: 1, max: 30 * DAY }), fc.integer({ min: 1, max: 2 })), { nil: null }),
      revoked: mostlyFalse,
      acknowledgedBy: fc.option(fc.nat(), { nil: null }),
      feedback: fc.array(fc.record({ author: fc.nat(), status: fc.option(fc.constantFrom(...Object.values(DisclosureFeedbackStatus)), { nil: null }) }), { maxLength: 2 }),
      logged: fc.boolean(),
      reads: fc.integer({ min: 0, max: 2 }),
    }),
    { maxLength: 4 },
  ),
});
export type DisclosurePlan = typeof disclosurePlanArbitrary extends fc.Arbitrary<infer T> ? T : never;

/** What buildWorld lends the disclosure builder, so ids, markers and people are made exactly as everywhere else. */
export interface WorldTools {
  id(): string;
  text(label: string): string;
  marker(): string;
  at(msFromEpoch: number): Date;
  organization(kind: OrganizationKind): OrganizationRow;
  user(organizationId: string | null, plan: { role: UserRole; active: boolean }): UserRow;
  apiKeySecret(prefix: string): string;
  hashSecret(secret: string): string;
}

export function buildDisclosure(world: World, plan: DisclosurePlan, tools: WorldTools, publicationTimes: Date[]): void {
  const { id, text, marker, at } = tools;
  const pick = <T>(items: T[], index: number): T => items[index % items.length];
  const fakeHash = (seed: string) => createHash('sha256').update(seed).digest('hex');
  const coordinatorOrganization = world.organizations.find((row) => row.kind === OrganizationKind.COORDINATOR);
  const coordinatorStaff = world.users.find((row) => row.organizationId === coordinatorOrganization?.id) ?? null;

  for (const operatorPlan of plan.operators) {
    const organization = tools.organization(OrganizationKind.OPERATOR);
    operatorPlan.people.forEach((person, index) => tools.user(organization.id, index === 0 ? { ...person, active: true } : person));
    for (const keyPlan of operatorPlan.apiKeys) {
      const prefix = marker().toLowerCase();
      const key: ApiKeyRow = {
        id: id(), organizationId: organization.id, name: text('OperatorKey'), prefix, secretHash: tools.hashSecret(tools.apiKeySecret(prefix)), role: UserRole.MEMBER,
        createdByUserId: null, createdAt: at(-10 * DAY), lastUsedAt: null, revokedAt: keyPlan.revoked ? at(-DAY) : null,
      };
      world.apiKeys.push(key);
    }
  }
  const operators = world.organizations.filter((row) => row.kind === OrganizationKind.OPERATOR);
  if (world.advisories.length === 0 || operators.length === 0) return;

  let sequence = GENERATED_AUDIT_SEQUENCE_BASE;
  const log = (entry: Omit<AuditEntryRow, 'id' | 'sequence' | 'requestId' | 'previousHash' | 'hash'>) => {
    const row: AuditEntryRow = { id: id(), sequence: ++sequence, requestId: `request-${marker()}`, previousHash: fakeHash(`previous ${sequence}`), hash: fakeHash(`entry ${sequence}`), ...entry };
    world.auditEntries.push(row);
  };

  for (const grantPlan of plan.grants) {
    const startsAt = at(grantPlan.startsOffsetMs);
    // Only unpublished advisories are shared (a grant cannot start after publication), when the world has any.
    const unpublished = world.advisories.filter((row) => !isPublic(row, startsAt));
    const advisory = pick(unpublished.length > 0 ? unpublished : world.advisories, grantPlan.advisory);
    const organization = pick(operators, grantPlan.operator);
    const people = world.users.filter((row) => row.organizationId === organization.id);
    const keys = world.apiKeys.filter((row) => row.organizationId === organization.id);
    const recipients = grantPlan.tlp === TlpLabel.RED && people.length > 0 ? [...new Set(grantPlan.recipients.map((index) => pick(people, index)))] : [];
    const endsAt = grantPlan.lengthMs === null ? null : new Date(startsAt.getTime() + grantPlan.lengthMs);
    publicationTimes.push(startsAt, ...(endsAt ? [endsAt] : []));
    const createdAt = new Date(startsAt.getTime() - DAY);
    const actors: ({ userId: string; apiKeyId: null } | { userId: null; apiKeyId: string })[] = [
      ...people.map((row) => ({ userId: row.id, apiKeyId: null }) as const),
      ...keys.map((row) => ({ userId: null, apiKeyId: row.id }) as const),
    ];
    const acknowledger = grantPlan.acknowledgedBy === null || actors.length === 0 ? null : pick(actors, grantPlan.acknowledgedBy);
    const acknowledgedAt = acknowledger ? new Date(startsAt.getTime() + HOUR) : null;
    const revokedAt = grantPlan.revoked ? new Date(startsAt.getTime() + 2 * HOUR) : null;
    const grant: GrantRow = {
      id: id(), advisoryId: advisory.id, organizationId: organization.id, tlp: grantPlan.tlp,
      shareOverview: false, shareAffectedProducts: false, shareImpact: false, shareMitigations: false, shareTechnicalDetails: false, shareCvss: false,
      startsAt, endsAt, reason: text('GrantReason'), createdByUserId: coordinatorStaff?.id ?? null, createdAt, updatedAt: createdAt,
      revokedAt, revokedByUserId: revokedAt ? (coordinatorStaff?.id ?? null) : null, acknowledgedAt,
      acknowledgedByUserId: acknowledger?.userId ?? null, acknowledgedByApiKeyId: acknowledger?.apiKeyId ?? null,
    };
    for (const section of grantPlan.sections) (grant[SECTION_FLAG[section]] as boolean) = true;
    world.grants.push(grant);
    for (const person of recipients) world.grantRecipients.push({ id: id(), grantId: grant.id, userId: person.id });

    grantPlan.feedback.forEach((feedbackPlan, index) => {
      const author = actors.length === 0 ? null : pick(actors, feedbackPlan.author);
      world.disclosureFeedback.push({
        id: id(), grantId: grant.id, advisoryId: advisory.id, organizationId: organization.id, authorUserId: author?.userId ?? null,
        authorApiKeyId: author?.apiKeyId ?? null, status: feedbackPlan.status, message: text('Feedback'), createdAt: new Date(startsAt.getTime() + (3 + index) * HOUR),
      });
    });

    const sections = ORACLE_SECTIONS.filter((section) => grantPlan.sections.includes(section)).join(',');
    if (grantPlan.logged) {
      const staff = { actorUserId: coordinatorStaff?.id ?? null, actorApiKeyId: null, actorName: text('AuditActor'), organizationId: coordinatorOrganization?.id ?? null };
      log({ ...staff, at: createdAt, action: AuditAction.GRANT_CREATED, advisoryId: advisory.id, grantId: grant.id, sections, contentFingerprint: null, detail: JSON.stringify({ reason: text('AuditReason'), recipientOrganizationId: organization.id }) });
      if (revokedAt) log({ ...staff, at: revokedAt, action: AuditAction.GRANT_REVOKED, advisoryId: advisory.id, grantId: grant.id, sections, contentFingerprint: null, detail: JSON.stringify({ reason: text('AuditReason') }) });
      if (acknowledger && acknowledgedAt) {
        log({
          at: acknowledgedAt, action: AuditAction.GRANT_ACKNOWLEDGED, actorUserId: acknowledger.userId, actorApiKeyId: acknowledger.apiKeyId, actorName: text('AuditActor'),
          organizationId: organization.id, advisoryId: advisory.id, grantId: grant.id, sections, contentFingerprint: null, detail: null,
        });
      }
    }
    // Earlier reads of the advisory under this grant, by its first recipient or the organization's first person.
    const reader = recipients[0] ?? people[0];
    for (let index = 0; index < grantPlan.reads && reader; index++) {
      log({
        at: new Date(startsAt.getTime() + (5 + index) * HOUR), action: AuditAction.EMBARGOED_READ, actorUserId: reader.id, actorApiKeyId: null, actorName: text('Reader'),
        organizationId: organization.id, advisoryId: advisory.id, grantId: null, sections, contentFingerprint: fakeHash(`read ${marker()}`), detail: null,
      });
    }
  }
}

/**
 * Grants of publications scheduled for later, live from before their publication time to it (open-ended, or ending
 * after it): at the millisecond before publication the operator holds the advisory under embargo, and must read it
 * exactly as it would read an advisory nobody has scheduled (its status DRAFT). A later key of the extension plan, so
 * the worlds sampled before it stay as they were.
 */
export const scheduledGrantPlanArbitrary = fc.array(
  fc.record({
    advisory: fc.nat(),
    operator: fc.nat(),
    sections: fc.subarray(ORACLE_SECTIONS, { minLength: 1 }),
    tlp: fc.constantFrom(...Object.values(TlpLabel)),
    recipient: fc.nat(),
    startsBeforeMs: fc.oneof(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 20 * DAY })),
    endsAfterMs: fc.option(fc.integer({ min: 0, max: 2 * DAY }), { nil: null }),
  }),
  { maxLength: 3 },
);
export type ScheduledGrantPlan = typeof scheduledGrantPlanArbitrary extends fc.Arbitrary<infer T> ? T : never;

export function buildScheduledGrants(world: World, plan: ScheduledGrantPlan, { id, text }: Pick<WorldTools, 'id' | 'text'>): void {
  const scheduled = world.advisories.filter((row) => row.status === AdvisoryStatus.PUBLISHED && row.publishedAt !== null);
  const operators = world.organizations.filter((row) => row.kind === OrganizationKind.OPERATOR);
  if (scheduled.length === 0 || operators.length === 0) return;
  for (const grantPlan of plan) {
    const advisory = scheduled[grantPlan.advisory % scheduled.length];
    const organization = operators[grantPlan.operator % operators.length];
    const people = world.users.filter((row) => row.organizationId === organization.id);
    const red = grantPlan.tlp === TlpLabel.RED && people.length > 0;
    const startsAt = new Date(advisory.publishedAt!.getTime() - grantPlan.startsBeforeMs);
    const createdAt = new Date(startsAt.getTime() - DAY);
    const grant: GrantRow = {
      id: id(), advisoryId: advisory.id, organizationId: organization.id, tlp: red ? TlpLabel.RED : grantPlan.tlp === TlpLabel.RED ? TlpLabel.AMBER : grantPlan.tlp,
      shareOverview: false, shareAffectedProducts: false, shareImpact: false, shareMitigations: false, shareTechnicalDetails: false, shareCvss: false,
      startsAt, endsAt: grantPlan.endsAfterMs === null ? null : new Date(advisory.publishedAt!.getTime() + grantPlan.endsAfterMs), reason: text('GrantReason'),
      createdByUserId: null, createdAt, updatedAt: createdAt, revokedAt: null, revokedByUserId: null, acknowledgedAt: null, acknowledgedByUserId: null, acknowledgedByApiKeyId: null,
    };
    for (const section of grantPlan.sections) (grant[SECTION_FLAG[section]] as boolean) = true;
    world.grants.push(grant);
    if (red) world.grantRecipients.push({ id: id(), grantId: grant.id, userId: people[grantPlan.recipient % people.length].id });
  }
}

/** The millisecond before each scheduled publication an operator holds under a grant live then. */
export function scheduledGrantInstants(world: World): Date[] {
  const instants = world.grants.flatMap((grant) => {
    const advisory = world.advisories.find((row) => row.id === grant.advisoryId);
    if (!advisory?.publishedAt || advisory.status !== AdvisoryStatus.PUBLISHED) return [];
    const before = advisory.publishedAt.getTime() - 1;
    const live = grant.revokedAt === null && grant.startsAt.getTime() <= before && (grant.endsAt === null || before < grant.endsAt.getTime());
    return live ? [before] : [];
  });
  return [...new Set(instants)].sort((left, right) => left - right).map((time) => new Date(time));
}

// ---------------------------------------------------------------------------------------------------------------
// The oracle

export type DisclosureSubject = 'DisclosureGrant' | 'DisclosureFeedback' | 'AuditEntry' | 'EmbargoReader' | 'DisclosureStatistics';

export const DISCLOSURE_ORACLE_FIELDS: Record<DisclosureSubject, readonly string[]> = {
  // `sections` is computed from the share flags (see DISCLOSURE_TYPE_MODELS).
  DisclosureGrant: ['id', 'tlp', 'sections', 'startsAt', 'endsAt', 'reason', 'createdAt', 'updatedAt', 'revokedAt', 'acknowledgedAt'],
  DisclosureFeedback: ['id', 'message', 'status', 'createdAt'],
  // `detail` (stored as JSON text, answered parsed) and `sections` (stored comma-separated) are computed.
  AuditEntry: ['id', 'sequence', 'at', 'requestId', 'action', 'actorApiKeyId', 'actorName', 'contentFingerprint', 'detail', 'previousHash', 'hash', 'sections'],
  // Aggregates without rows of their own, checked by their operations.
  EmbargoReader: ['actorName', 'apiKeyId', 'firstReadAt', 'lastReadAt', 'organizationId', 'reads', 'sections', 'userId'],
  DisclosureStatistics: [
    'from', 'to', 'reportsHandled', 'vendorsUnreachable', 'vendorsListed', 'vendorsReachedAfterListing', 'vendorsStillUnreachable', 'casesReferred',
    'casesApproved', 'advisoriesPublishedUnableToCoordinate',
  ],
};

/** Relations that only coordinator staff get filled (pseudo-fields of the sight, not columns). */
const COORDINATOR_ONLY_GRANT_RELATIONS = ['recipients'];
const GRANT_OF_RECIPIENT = DISCLOSURE_ORACLE_FIELDS.DisclosureGrant.filter((field) => field !== 'reason' && field !== 'revokedAt');
/**
 * Besides id, title, status and the granted sections, a grantee reads the advisory's createdAt (non-null in the
 * schema), never its updatedAt: that time moves when text outside the granted sections is edited.
 */
const ADVISORY_TIMES_OF_GRANTEE = ['createdAt'];
/** The pseudo-field of an Advisory that says changedSinceLastRead answers a boolean rather than null. */
export const CHANGED_SINCE_LAST_READ = 'changedSinceLastRead';

const isPublic = (advisory: { status: AdvisoryStatus; publishedAt: Date | null }, now: Date) =>
  advisory.status === AdvisoryStatus.PUBLISHED && advisory.publishedAt !== null && advisory.publishedAt.getTime() <= now.getTime();

/** The world as the operator oracle of test/support/disclosure-oracle.ts describes it. */
function operatorOracleWorld(world: World): OracleWorld {
  const advisories: OracleAdvisory[] = world.advisories.map((row) => ({ id: row.id, status: row.status as OracleAdvisory['status'], publishedAt: row.publishedAt, text: {} as OracleAdvisory['text'] }));
  const grants: OracleGrant[] = world.grants.map((row) => ({
    id: row.id, advisoryId: row.advisoryId, organizationId: row.organizationId, sections: sectionsOfGrant(row as unknown as Row), tlp: row.tlp,
    recipientUserIds: world.grantRecipients.filter((recipient) => recipient.grantId === row.id).map((recipient) => recipient.userId),
    startsAt: row.startsAt, endsAt: row.endsAt, revoked: row.revokedAt !== null,
  }));
  return { advisories, grants };
}

/** The rules above, for one viewer. */
export function disclosureSight({ world, identity, now, see, grant, sees }: SightContext): void {
  if (identity.persona === OrganizationKind.COORDINATOR) {
    for (const subject of ['DisclosureGrant', 'DisclosureFeedback', 'AuditEntry', 'EmbargoReader', 'DisclosureStatistics'] as const) grant(subject, DISCLOSURE_ORACLE_FIELDS[subject]);
    for (const row of world.grants) see('DisclosureGrant', row.id, [...DISCLOSURE_ORACLE_FIELDS.DisclosureGrant, ...COORDINATOR_ONLY_GRANT_RELATIONS]);
    for (const row of world.disclosureFeedback) see('DisclosureFeedback', row.id, DISCLOSURE_ORACLE_FIELDS.DisclosureFeedback);
    for (const row of world.auditEntries) see('AuditEntry', row.id, DISCLOSURE_ORACLE_FIELDS.AuditEntry);
    return;
  }
  if (identity.persona === OrganizationKind.OPERATOR && identity.organizationId) {
    const oracleWorld = operatorOracleWorld(world);
    const viewer = { organizationId: identity.organizationId, userId: identity.userId };
    grant('DisclosureGrant', GRANT_OF_RECIPIENT);
    for (const advisory of world.advisories) {
      if (isPublic(advisory, now)) continue;
      const fields = grantedAdvisoryFields(oracleWorld, viewer, now, advisory.id);
      if (!fields) continue;
      see('Advisory', advisory.id, [...fields, ...ADVISORY_TIMES_OF_GRANTEE]);
      for (const row of oracleWorld.grants) {
        if (row.advisoryId === advisory.id && grantedAdvisoryFields({ advisories: oracleWorld.advisories, grants: [row] }, viewer, now, advisory.id)) see('DisclosureGrant', row.id, GRANT_OF_RECIPIENT);
      }
    }
  }
  if (identity.authenticated) {
    for (const advisory of world.advisories) if (!isPublic(advisory, now) && sees('Advisory', advisory.id)) see('Advisory', advisory.id, [CHANGED_SINCE_LAST_READ]);
  }
}

/** A disclosure plan for the canary world: several unrevoked grants, RED and not, some open-ended, to people. */
export function isRichDisclosurePlan(plan: DisclosurePlan): boolean {
  const unrevoked = plan.grants.filter((grant) => !grant.revoked);
  return (
    unrevoked.length >= 3 && unrevoked.some((grant) => grant.tlp === TlpLabel.RED) && unrevoked.some((grant) => grant.tlp !== TlpLabel.RED) &&
    unrevoked.some((grant) => grant.lengthMs === null) && plan.operators.every((operator) => operator.people.length >= 2)
  );
}

/**
 * The instants (a grant's start) at which the most grants are live, for the canary world: every principal
 * then looks at the world while operators hold advisories under embargo.
 */
export function liveGrantInstants(world: World, count = 2): Date[] {
  const live = (row: GrantRow, instant: Date) =>
    row.revokedAt === null && row.startsAt.getTime() <= instant.getTime() && (row.endsAt === null || instant.getTime() < row.endsAt.getTime()) &&
    world.advisories.some((advisory) => advisory.id === row.advisoryId && !isPublic(advisory, instant));
  return world.grants
    .map((row) => row.startsAt)
    .map((instant) => ({ instant, score: world.grants.filter((row) => live(row, instant)).length }))
    .filter(({ score }) => score > 0)
    .sort((left, right) => right.score - left.score || left.instant.getTime() - right.instant.getTime())
    .slice(0, count)
    .map(({ instant }) => instant);
}

// ---------------------------------------------------------------------------------------------------------------
// Type models

const rows = <T>(items: T[]) => items as unknown as Row[];
const serialised = (value: unknown) => (value instanceof Date ? value.toISOString() : (value ?? null));
const readable = (sight: Sight, subject: Subject, id: string, field: string) => sight.objects[subject].get(id)?.has(field) ?? false;
const splitSections = (joined: unknown) => ORACLE_SECTIONS.filter((section) => String(joined).split(',').includes(section));
const one = (target: string, related: RelationModel['related']): RelationModel => ({ target, shape: 'one', related });
const many = (target: string, related: RelationModel['related']): RelationModel => ({ target, shape: 'many', related });
const byId = (items: { id: string }[], id: unknown) => rows(items.filter((item) => item.id === id));

export const DISCLOSURE_TYPE_MODELS: Record<string, TypeModel> = {
  DisclosureGrant: {
    subject: 'DisclosureGrant',
    computed: { sections: (row, canRead) => (canRead('sections') ? sectionsOfGrant(row) : null) },
    relations: {
      advisory: one('Advisory', (world, row) => byId(world.advisories, row.advisoryId)),
      organization: one('Organization', (world, row) => byId(world.organizations, row.organizationId)),
      acknowledgedBy: one('User', (world, row) => (row.acknowledgedAt ? byId(world.users, row.acknowledgedByUserId) : [])),
      recipients: many('User', (world, row, sight) =>
        readable(sight, 'DisclosureGrant', row.id, 'recipients') ? rows(world.users.filter((user) => world.grantRecipients.some((recipient) => recipient.grantId === row.id && recipient.userId === user.id))) : [],
      ),
      feedback: many('DisclosureFeedback', (world, row) => rows(world.disclosureFeedback.filter((item) => item.grantId === row.id))),
      history: many('AuditEntry', (world, row) => rows(world.auditEntries.filter((item) => item.grantId === row.id))),
    },
  },
  DisclosureFeedback: {
    subject: 'DisclosureFeedback',
    relations: {
      author: one('User', (world, row) => byId(world.users, row.authorUserId)),
      grant: one('DisclosureGrant', (world, row) => byId(world.grants, row.grantId)),
      organization: one('Organization', (world, row) => byId(world.organizations, row.organizationId)),
    },
  },
  // The sender's proof of a feedback row (its id and time); only sendDisclosureFeedback answers it (existence.test.ts).
  DisclosureFeedbackReceipt: { subject: 'DisclosureFeedback', computed: { sentAt: (row, canRead) => (canRead('createdAt') ? serialised(row.createdAt) : null) } },
  AuditEntry: {
    subject: 'AuditEntry',
    computed: {
      detail: (row, canRead) => (canRead('detail') && row.detail !== null ? JSON.parse(String(row.detail)) : null),
      sections: (row, canRead) => (canRead('sections') ? splitSections(row.sections) : []),
    },
    relations: {
      actor: one('User', (world, row) => byId(world.users, row.actorUserId)),
      organization: one('Organization', (world, row) => byId(world.organizations, row.organizationId)),
      advisory: one('Advisory', (world, row) => byId(world.advisories, row.advisoryId)),
      grant: one('DisclosureGrant', (world, row) => byId(world.grants, row.grantId)),
    },
  },
  EmbargoReader: {
    subject: 'EmbargoReader',
    relations: {
      organization: one('Organization', (world, row) => byId(world.organizations, row.organizationId)),
      user: one('User', (world, row) => byId(world.users, row.userId)),
    },
  },
  DisclosureStatistics: { subject: 'DisclosureStatistics' },
};

/** What early disclosure adds to the Advisory type. */
export const ADVISORY_DISCLOSURE_RELATIONS: Record<string, RelationModel> = {
  disclosureGrants: many('DisclosureGrant', (world, row) => rows(world.grants.filter((item) => item.advisoryId === row.id))),
};
export const ADVISORY_DISCLOSURE_COMPUTED: NonNullable<TypeModel['computed']> = {
  // Only whether it answers at all: its value depends on the reads the suite makes itself.
  changedSinceLastRead: (_row, canRead) => (canRead(CHANGED_SINCE_LAST_READ) ? (actual: unknown) => typeof actual === 'boolean' : null),
};

export function disclosureWorldRows(world: World): Record<DisclosureSubject, Row[]> {
  return { DisclosureGrant: rows(world.grants), DisclosureFeedback: rows(world.disclosureFeedback), AuditEntry: rows(world.auditEntries), EmbargoReader: [], DisclosureStatistics: [] };
}

// ---------------------------------------------------------------------------------------------------------------
// Operations

export const DISCLOSURE_ROOT_FIELDS = ['disclosureGrants', 'disclosureGrant', 'auditEntries', 'embargoReaders', 'statistics'];
/** How deep the disclosure roots follow relations: their types reach every other type, and documents are limited. */
const DEPTH = 2;
const PAGE = 20;

export function disclosureOperations(kit: OperationKit): Operation[] {
  const { world, sight, pick, visible, hidden, node, connection, expectAccess } = kit;
  const coordinator = sight.identity.persona === OrganizationKind.COORDINATOR;
  const operations: Operation[] = [];

  // disclosureGrants: all, by advisory, by organization (newest first, so sorted on createdAt).
  const grantFilters: ListFilter[] = [{ label: 'all', variables: {}, uses: ['createdAt'], matches: () => true }];
  const someGrant = pick(world.grants);
  if (someGrant) {
    const advisoryId = someGrant.advisoryId;
    grantFilters.push({ label: `advisory ${advisoryId}`, variables: { filter: { advisoryId } }, uses: ['createdAt'], matches: (row) => row.advisoryId === advisoryId });
    const organizationId = pick(world.grants)!.organizationId;
    grantFilters.push({ label: `organization ${organizationId}`, variables: { filter: { organizationId } }, uses: ['createdAt'], matches: (row) => row.organizationId === organizationId });
  }
  for (const filter of grantFilters) operations.push(connection('disclosureGrants', 'DisclosureGrant', 'DisclosureGrantFilter', null, filter));

  // disclosureGrant(id:): a visible grant, a hidden one, a made-up id.
  const targets: (Row | undefined)[] = [pick(visible('DisclosureGrant')), pick(hidden('DisclosureGrant')), undefined];
  for (const target of targets.filter((item, index) => item !== undefined || index === 2)) {
    const shown = target !== undefined && sight.objects.DisclosureGrant.has(target.id);
    operations.push({
      label: `disclosureGrant(${shown ? 'visible' : target ? 'hidden' : 'made-up'})`,
      query: `query($id: ID!) { disclosureGrant(id: $id) { ${node('DisclosureGrant', DEPTH)} } }`,
      variables: { id: target?.id ?? '0d15c105-0000-4000-8000-000000000000' },
      check(answer, checker) {
        if (!expectAccess('disclosureGrant', answer, checker)) return;
        if (shown) return checker.object('DisclosureGrant', answer.json.data?.disclosureGrant, 'disclosureGrant');
        if (answer.json.errors?.[0]?.extensions?.code !== 'NOT_FOUND' || answer.json.data !== null) checker.problem('disclosureGrant', `expected NOT_FOUND and no data, got ${answer.text.slice(0, 300)}`);
      },
    });
  }

  // auditEntries: the whole log (the suite's own reads append to it) and filters that only generated entries match.
  operations.push({
    label: 'auditEntries all',
    query: `{ auditEntries(first: ${PAGE}) { totalCount edges { node { ${node('AuditEntry', DEPTH)} } } } }`,
    check(answer, checker) {
      if (!expectAccess('auditEntries', answer, checker)) return;
      const data = answer.json.data?.auditEntries as { totalCount: number; edges: { node: Row }[] } | undefined;
      if (!data) return checker.problem('auditEntries', `no data: ${answer.text.slice(0, 300)}`);
      const nodes = data.edges.map((edge) => edge.node);
      if (!coordinator) {
        if (data.totalCount !== 0 || nodes.length !== 0) checker.problem('auditEntries', `LEAK: expected an empty log, got ${data.totalCount} entries`);
        return;
      }
      const generated = [...world.auditEntries].sort((left, right) => right.sequence - left.sequence);
      if (data.totalCount < generated.length) checker.problem('auditEntries.totalCount', `expected at least ${generated.length}, got ${data.totalCount}`);
      const firstPage = generated.slice(0, PAGE).map((row) => row.id);
      const returned = nodes.slice(0, firstPage.length).map((item) => item.id);
      if (JSON.stringify(returned) !== JSON.stringify(firstPage)) checker.problem('auditEntries', `expected the generated entries first, got ${JSON.stringify(returned)}`);
      nodes.forEach((item, position) => {
        if (kit.index.AuditEntry.has(item.id)) checker.object('AuditEntry', item, `auditEntries[${position}]`);
        else if (item.action !== AuditAction.EMBARGOED_READ) checker.problem(`auditEntries[${position}]`, `an entry the suite did not cause: ${JSON.stringify(item).slice(0, 300)}`);
      });
    },
  });
  const actionFilters: ListFilter[] = [];
  const someEntry = pick(world.auditEntries.filter((row) => row.action !== AuditAction.EMBARGOED_READ));
  if (someEntry) {
    const { action, advisoryId } = someEntry;
    actionFilters.push({ label: `action ${action}`, variables: { filter: { action } }, uses: [], matches: (row) => row.action === action });
    actionFilters.push({ label: `action ${action} on ${advisoryId}`, variables: { filter: { action, advisoryId } }, uses: [], matches: (row) => row.action === action && row.advisoryId === advisoryId });
  }
  const grantId = pick(world.grants)?.id;
  if (grantId) actionFilters.push({ label: `grant ${grantId}`, variables: { filter: { grantId } }, uses: [], matches: (row) => row.grantId === grantId });
  for (const filter of actionFilters) operations.push(connection('auditEntries', 'AuditEntry', 'AuditEntryFilter', null, filter));

  // embargoReaders: empty for everyone but the coordinator, who finds at least the generated reads.
  const readAdvisory = pick(world.auditEntries.filter((row) => row.action === AuditAction.EMBARGOED_READ))?.advisoryId ?? pick(world.advisories)?.id;
  if (readAdvisory) {
    operations.push({
      label: `embargoReaders(${readAdvisory})`,
      query: `query($id: ID!) { embargoReaders(advisoryId: $id) { ${node('EmbargoReader', DEPTH)} } }`,
      variables: { id: readAdvisory },
      check(answer, checker) {
        if (!expectAccess('embargoReaders', answer, checker)) return;
        const readers = answer.json.data?.embargoReaders as Row[] | undefined;
        if (!Array.isArray(readers)) return checker.problem('embargoReaders', `no data: ${answer.text.slice(0, 300)}`);
        if (!coordinator) {
          if (readers.length > 0) checker.problem('embargoReaders', `LEAK: expected no readers, got ${JSON.stringify(readers).slice(0, 300)}`);
          return;
        }
        const generatedReads = world.auditEntries.filter((row) => row.action === AuditAction.EMBARGOED_READ && row.advisoryId === readAdvisory);
        for (const read of generatedReads) {
          const reader = readers.find((item) => item.userId === read.actorUserId && item.apiKeyId === read.actorApiKeyId && item.organizationId === read.organizationId);
          const count = generatedReads.filter((other) => other.actorUserId === read.actorUserId).length;
          if (!reader || (reader.reads as number) < count) checker.problem('embargoReaders', `expected reader ${read.actorUserId} with at least ${count} reads, got ${JSON.stringify(reader)}`);
        }
        readers.forEach((reader, position) => {
          if (reader.organization) checker.object('Organization', reader.organization, `embargoReaders[${position}].organization`);
          if (reader.user) checker.object('User', reader.user, `embargoReaders[${position}].user`);
        });
      },
    });
  }

  // statistics: coordinator staff only; the figures over a period of received reports.
  const receivedTimes = world.cases.map((row) => row.receivedAt.getTime()).sort((left, right) => left - right);
  const periods: { from: Date | null; to: Date | null }[] = [{ from: null, to: null }];
  const [first, second] = [pick(receivedTimes), pick(receivedTimes)];
  if (first !== undefined && second !== undefined) periods.push({ from: new Date(Math.min(first, second)), to: new Date(Math.max(first, second)) });
  for (const period of periods) {
    operations.push({
      label: `statistics(${period.from?.toISOString() ?? ''}, ${period.to?.toISOString() ?? ''})`,
      query: `query($from: DateTimeISO, $to: DateTimeISO) { statistics(from: $from, to: $to) { ${node('DisclosureStatistics', DEPTH)} } }`,
      variables: { from: period.from?.toISOString() ?? null, to: period.to?.toISOString() ?? null },
      check(answer, checker) {
        if (!expectAccess('statistics', answer, checker)) return;
        if (!coordinator) {
          if (answer.json.errors?.[0]?.extensions?.code !== 'FORBIDDEN' || answer.json.data) checker.problem('statistics', `expected FORBIDDEN, got ${answer.text.slice(0, 300)}`);
          return;
        }
        const actual = answer.json.data?.statistics as Record<string, unknown> | undefined;
        if (!actual) return checker.problem('statistics', `no data: ${answer.text.slice(0, 300)}`);
        const expected = expectedStatistics(world, period.from, period.to, sight.now);
        for (const [figure, value] of Object.entries(expected)) {
          if (JSON.stringify(actual[figure]) !== JSON.stringify(value)) checker.problem(`statistics.${figure}`, `expected ${JSON.stringify(value)}, got ${JSON.stringify(actual[figure])}`);
        }
        // Referrals and decisions are the committee's rows: only their consistency is checked here.
        const [referred, approved, handled] = [actual.casesReferred, actual.casesApproved, actual.reportsHandled] as number[];
        if (!(approved >= 0 && approved <= referred && referred <= handled)) checker.problem('statistics', `inconsistent referrals: ${JSON.stringify(actual)}`);
      },
    });
  }
  return operations;
}

/** The statistics of the README, for the reports received in [from, to), at `now`. */
export function expectedStatistics(world: World, from: Date | null, to: Date | null, now: Date): Record<string, unknown> {
  const cohort = new Set(
    world.cases.filter((row) => (!from || row.receivedAt.getTime() >= from.getTime()) && (!to || row.receivedAt.getTime() < to.getTime())).map((row) => row.id),
  );
  const listed = world.listings.filter((row) => cohort.has(row.caseId) && !row.withdrawn && row.stageOnePublishedAt.getTime() <= now.getTime());
  return {
    from: from?.toISOString() ?? null,
    to: to?.toISOString() ?? null,
    reportsHandled: cohort.size,
    vendorsUnreachable: world.declarations.filter((row) => cohort.has(row.caseId)).length,
    vendorsListed: listed.length,
    vendorsReachedAfterListing: listed.filter((row) => row.contactEstablishedAt !== null).length,
    vendorsStillUnreachable: listed.filter((row) => row.contactEstablishedAt === null).length,
    advisoriesPublishedUnableToCoordinate: world.advisories.filter((row) => cohort.has(row.caseId) && row.unableToCoordinate && isPublic(row, now)).length,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Existence probes (existence.test.ts): every way to name a grant, and the advisory, organization and people a
// grant names.

export interface DisclosureWay {
  name: string;
  subject: Subject;
  filter?: true;
  every?: true;
  query: string;
  variables(value: string, world: World): Record<string, unknown>;
}

const operatorOf = (world: World) => world.organizations.find((row) => row.kind === OrganizationKind.OPERATOR)?.id ?? '';
const draftOf = (world: World) => world.advisories.find((row) => row.status === AdvisoryStatus.DRAFT)?.id ?? '';
const FUTURE = '2099-01-01T00:00:00.000Z';

export const DISCLOSURE_WAYS: DisclosureWay[] = [
  { name: 'disclosureGrant(id:)', subject: 'DisclosureGrant', every: true, query: 'query($v: ID!) { disclosureGrant(id: $v) { id tlp } }', variables: (v) => ({ v }) },
  {
    name: 'disclosureGrants(filter: { advisoryId })', subject: 'Advisory', filter: true,
    query: 'query($v: ID!) { disclosureGrants(filter: { advisoryId: $v }) { totalCount pageInfo { hasNextPage } edges { node { id } } } }', variables: (v) => ({ v }),
  },
  {
    name: 'disclosureGrants(filter: { organizationId })', subject: 'Organization', filter: true,
    query: 'query($v: ID!) { disclosureGrants(filter: { organizationId: $v }) { totalCount edges { node { id } } } }', variables: (v) => ({ v }),
  },
  { name: 'auditEntries(filter: { advisoryId })', subject: 'Advisory', filter: true, query: 'query($v: ID!) { auditEntries(filter: { advisoryId: $v }) { totalCount edges { node { id } } } }', variables: (v) => ({ v }) },
  { name: 'auditEntries(filter: { grantId })', subject: 'DisclosureGrant', filter: true, query: 'query($v: ID!) { auditEntries(filter: { grantId: $v }) { totalCount edges { node { id } } } }', variables: (v) => ({ v }) },
  { name: 'embargoReaders(advisoryId:)', subject: 'Advisory', filter: true, query: 'query($v: ID!) { embargoReaders(advisoryId: $v) { userId reads } }', variables: (v) => ({ v }) },
  {
    name: 'grantDisclosure (advisoryId)', subject: 'Advisory',
    query: 'mutation($v: ID!, $org: ID!) { grantDisclosure(input: { advisoryId: $v, organizationId: $org, sections: [OVERVIEW], tlp: AMBER, reason: "probe" }) { id } }',
    variables: (v, world) => ({ v, org: operatorOf(world) }),
  },
  {
    name: 'grantDisclosure (organizationId)', subject: 'Organization',
    query: 'mutation($v: ID!, $advisory: ID!) { grantDisclosure(input: { advisoryId: $advisory, organizationId: $v, sections: [OVERVIEW], tlp: AMBER, reason: "probe" }) { id } }',
    variables: (v, world) => ({ v, advisory: draftOf(world) }),
  },
  {
    name: 'grantDisclosure (recipientUserIds)', subject: 'User',
    query: 'mutation($v: ID!, $advisory: ID!, $org: ID!) { grantDisclosure(input: { advisoryId: $advisory, organizationId: $org, sections: [OVERVIEW], tlp: RED, recipientUserIds: [$v], reason: "probe" }) { id } }',
    variables: (v, world) => ({ v, advisory: draftOf(world), org: operatorOf(world) }),
  },
  {
    name: 'changeDisclosureGrant', subject: 'DisclosureGrant',
    query: `mutation($v: ID!) { changeDisclosureGrant(input: { grantId: $v, endsAt: "${FUTURE}", reason: "probe" }) { id } }`, variables: (v) => ({ v }),
  },
  {
    name: 'changeDisclosureGrant (recipientUserIds)', subject: 'User',
    query: 'mutation($v: ID!, $grant: ID!) { changeDisclosureGrant(input: { grantId: $grant, recipientUserIds: [$v], reason: "probe" }) { id } }',
    variables: (v, world) => ({ v, grant: world.grants.find((row) => row.tlp === TlpLabel.RED)?.id ?? world.grants[0]?.id ?? '' }),
  },
  { name: 'revokeDisclosureGrant', subject: 'DisclosureGrant', query: 'mutation($v: ID!) { revokeDisclosureGrant(input: { grantId: $v, reason: "probe" }) { id } }', variables: (v) => ({ v }) },
  { name: 'acknowledgeDisclosureGrant', subject: 'DisclosureGrant', query: 'mutation($v: ID!) { acknowledgeDisclosureGrant(grantId: $v) { id } }', variables: (v) => ({ v }) },
  {
    name: 'sendDisclosureFeedback', subject: 'DisclosureGrant',
    query: 'mutation($v: ID!) { sendDisclosureFeedback(input: { grantId: $v, message: "probe", status: INVESTIGATING }) { id sentAt } }', variables: (v) => ({ v }),
  },
  {
    name: 'rescheduleAdvisoryPublication', subject: 'Advisory',
    query: `mutation($v: ID!) { rescheduleAdvisoryPublication(input: { advisoryId: $v, publishAt: "${FUTURE}", reason: "probe" }) { id } }`, variables: (v) => ({ v }),
  },
];

import { rebuildSearchTerms } from '../../src/advisories/search-index';
import fc from 'fast-check';
import { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { Advisory, AdvisoryPendingRevision, AdvisorySeverity, AdvisoryStatus } from '../../src/advisories/advisory.entity';
import { AdvisoryCredit, AdvisoryProduct, AdvisoryRevision, AdvisoryVendorStatus } from '../../src/advisories/advisory-publication.entity';
import { AuditChainHead, AuditEntry } from '../../src/audit/audit-entry.entity';
import { Case, CaseState, CaseTransition, CaseVendor, CaseVendorStatus } from '../../src/cases/case.entity';
import { hashSecret } from '../../src/context/authentication';
import { ContactAttempt, ContactChannel, ContactOutcome } from '../../src/contact/contact-attempt.entity';
import { ApiKey } from '../../src/organizations/api-key.entity';
import { Organization, OrganizationKind } from '../../src/organizations/organization.entity';
import { User, UserRole } from '../../src/organizations/user.entity';
import { UnreachableDeclaration, UnreachableListing, UnreachableStatus } from '../../src/unreachable/unreachable.entity';
import { DisclosureFeedback, DisclosureGrant, DisclosureGrantRecipient } from '../../src/disclosure/disclosure-grant.entity';
import { ContactPoint, ContactPointKind, Product, Vendor } from '../../src/vendors/vendor.entity';
import { buildCommitteeRows, COMMITTEE_WORLD_TABLES, committeePlanArbitrary, CommitteeTables, emptyCommitteeTables } from './committee';
import { buildDisclosure, buildScheduledGrants, disclosurePlanArbitrary, DisclosureTables, emptyDisclosureTables, scheduledGrantPlanArbitrary } from './disclosure';
import { AdvisoryCreditRow, AdvisoryProductRow, AdvisoryRevisionRow, AdvisoryVendorStatusRow, buildPublication, buildScheduling, publicationPlanArbitrary, schedulingPlanArbitrary } from './publication';

/**
 * A world as plain data: one array of rows per table, with the columns the oracle reasons about. The rows are
 * inserted unchanged through the repositories, and loadWorld reads the same shape back from any database.
 */
export interface OrganizationRow { id: string; name: string; kind: OrganizationKind; createdAt: Date }
export interface UserRow { id: string; email: string; displayName: string; organizationId: string | null; role: UserRole; active: boolean; createdAt: Date }
export interface ApiKeyRow {
  id: string; organizationId: string; name: string; prefix: string; secretHash: string; role: UserRole; createdByUserId: string | null;
  createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null;
}
export interface VendorRow { id: string; organizationId: string; name: string; website: string | null; createdAt: Date }
export interface ProductRow { id: string; vendorId: string; name: string; versions: string | null }
export interface ContactPointRow { id: string; vendorId: string; kind: ContactPointKind; value: string; note: string | null }
export interface CaseRow {
  id: string; reference: string; title: string; description: string; affectedProducts: string; finderUserId: string | null;
  finderName: string | null; finderConsentToName: boolean; receivedAt: Date; registeredByOrgId: string; state: CaseState;
  overseasCoordination: boolean; cvssV3Vector: string | null; cvssV4Vector: string | null; cweId: string | null;
  analysisNotes: string | null; coordinatorNotes: string | null; updatedAt: Date;
  /** A publication scheduled for later (state PUBLICATION_SCHEDULED): when it takes effect, and the state it was scheduled from. */
  publicationDueAt: Date | null; stateBeforePublication: CaseState | null;
}
export interface CaseVendorRow { id: string; caseId: string; vendorId: string; status: CaseVendorStatus; statement: string | null; notifiedAt: Date | null; updatedAt: Date }
export interface TransitionRow { id: string; caseId: string; fromState: CaseState | null; toState: CaseState; actorUserId: string | null; actorName: string | null; reason: string | null; at: Date }
export interface ContactAttemptRow {
  id: string; caseVendorId: string; caseId: string; channel: ContactChannel; address: string; attemptedAt: Date; recordedByUserId: string | null;
  outcome: ContactOutcome; notes: string | null; correctsAttemptId: string | null; createdAt: Date;
}
export interface AdvisoryRow {
  id: string; caseId: string; identifier: string | null; title: string; overview: string | null; affectedProducts: string | null;
  impact: string | null; solution: string | null; vendorStatements: string | null; cvssV3Vector: string | null; cvssV4Vector: string | null;
  cweId: string | null; cveIds: string[]; status: AdvisoryStatus; publishedAt: Date | null; unableToCoordinate: boolean;
  coordinatorVerification: string | null; internalNotes: string | null; createdAt: Date; updatedAt: Date;
  workarounds: string | null; severity: AdvisorySeverity | null; revision: number; revisedAt: Date | null; pendingRevision: AdvisoryPendingRevision | null;
}

export interface DeclarationRow {
  id: string; caseId: string; caseVendorId: string; vendorId: string; vendorName: string; status: UnreachableStatus; reason: string | null;
  attemptCount: number; channelCount: number; firstAttemptAt: Date | null; lastAttemptAt: Date | null; declaredAt: Date; declaredByUserId: string | null;
  contactEstablishedAt: Date | null; contactAttemptId: string | null; eventCount: number; updatedAt: Date;
}
/** An entry of the public list of unreachable developers, with the copies of what the list publishes. */
export interface ListingRow {
  id: string; declarationId: string; caseId: string; caseReference: string; vendorName: string; stageOnePublishedAt: Date; productName: string | null;
  productVersions: string | null; stageTwoPublishedAt: Date | null; contactEstablishedAt: Date | null; withdrawn: boolean; createdAt: Date; updatedAt: Date;
}

export interface World extends DisclosureTables, CommitteeTables {
  organizations: OrganizationRow[];
  users: UserRow[];
  apiKeys: ApiKeyRow[];
  vendors: VendorRow[];
  products: ProductRow[];
  contactPoints: ContactPointRow[];
  cases: CaseRow[];
  caseVendors: CaseVendorRow[];
  transitions: TransitionRow[];
  contactAttempts: ContactAttemptRow[];
  advisories: AdvisoryRow[];
  declarations: DeclarationRow[];
  listings: ListingRow[];
  advisoryRevisions: AdvisoryRevisionRow[];
  advisoryCredits: AdvisoryCreditRow[];
  advisoryVendorStatuses: AdvisoryVendorStatusRow[];
  advisoryProducts: AdvisoryProductRow[];
}

/** Tables in insertion order (parents first) with the entity that stores them. */
export const WORLD_TABLES: { key: keyof World; entity: EntityTarget<ObjectLiteral> }[] = [
  { key: 'organizations', entity: Organization },
  { key: 'users', entity: User },
  { key: 'apiKeys', entity: ApiKey },
  { key: 'vendors', entity: Vendor },
  { key: 'products', entity: Product },
  { key: 'contactPoints', entity: ContactPoint },
  { key: 'cases', entity: Case },
  { key: 'caseVendors', entity: CaseVendor },
  { key: 'transitions', entity: CaseTransition },
  { key: 'contactAttempts', entity: ContactAttempt },
  { key: 'advisories', entity: Advisory },
  { key: 'declarations', entity: UnreachableDeclaration },
  { key: 'listings', entity: UnreachableListing },
  { key: 'grants', entity: DisclosureGrant },
  { key: 'grantRecipients', entity: DisclosureGrantRecipient },
  { key: 'disclosureFeedback', entity: DisclosureFeedback },
  // Also empties the log between worlds, so entries the suite's reads appended to one world never reach the next.
  { key: 'auditEntries', entity: AuditEntry },
  ...COMMITTEE_WORLD_TABLES,
  { key: 'advisoryRevisions', entity: AdvisoryRevision },
  { key: 'advisoryCredits', entity: AdvisoryCredit },
  { key: 'advisoryVendorStatuses', entity: AdvisoryVendorStatus },
  { key: 'advisoryProducts', entity: AdvisoryProduct },
];

/** Every column of every world row, read back through the entities (used on the demo world). */
export async function loadWorld(dataSource: DataSource): Promise<World> {
  const world = {} as Record<keyof World, unknown[]>;
  for (const { key, entity } of WORLD_TABLES) {
    const rows = await dataSource.getRepository(entity).createQueryBuilder('row').orderBy('row.id', 'ASC').getMany();
    world[key] = rows.map((row) => ({ ...row }));
  }
  return world as unknown as World;
}

/**
 * Empties the world's tables and every table whose rows point into them (found through the foreign keys the
 * database reports, so tables added by later features are included), children first; then inserts the world
 * through the repositories. Tables that point nowhere near the world (sequences, chain heads, limits) are kept.
 */
export async function replaceWorld(dataSource: DataSource, world: World): Promise<void> {
  const { tables, selfReferences } = await worldTablesChildrenFirst(dataSource);
  await dataSource.transaction(async (manager) => {
    // MySQL checks a self-reference row by row while deleting (a correction pointing at an earlier attempt).
    for (const [table, columns] of selfReferences) {
      await manager.createQueryBuilder().update(table).set(Object.fromEntries(columns.map((column) => [column, null]))).execute();
    }
    for (const table of tables) await manager.createQueryBuilder().delete().from(table).execute();
    // Inserting log entries moves the chain head (a trigger); the generated entries stand apart from the chain, so
    // the head is put back where the API's own appends left it.
    const heads = await manager.getRepository(AuditChainHead).find();
    for (const { key, entity } of WORLD_TABLES) {
      const rows = world[key] as unknown as ObjectLiteral[];
      for (let start = 0; start < rows.length; start += 50) await manager.getRepository(entity).insert(rows.slice(start, start + 50));
    }
    for (const head of heads) await manager.getRepository(AuditChainHead).update({ id: head.id }, { lastSequence: head.lastSequence, lastHash: head.lastHash });
    // The search index is derived from the published rows, as the publishing transactions keep it (the table was
    // emptied above: it points at advisory).
    await rebuildSearchTerms(manager);
  });
}

interface TableOrder {
  tables: string[];
  selfReferences: Map<string, string[]>;
}

const tableOrderCache = new WeakMap<DataSource, Promise<TableOrder>>();

function worldTablesChildrenFirst(dataSource: DataSource): Promise<TableOrder> {
  let cached = tableOrderCache.get(dataSource);
  if (!cached) {
    cached = computeTableOrder(dataSource);
    tableOrderCache.set(dataSource, cached);
  }
  return cached;
}

async function computeTableOrder(dataSource: DataSource): Promise<TableOrder> {
  const parentsOf = new Map<string, Set<string>>();
  const selfReferences = new Map<string, string[]>();
  for (const { table, column, parent } of await foreignKeys(dataSource)) {
    if (!parentsOf.has(table)) parentsOf.set(table, new Set());
    if (!parent) continue;
    if (parent === table) selfReferences.set(table, [...(selfReferences.get(table) ?? []), column]);
    else parentsOf.get(table)!.add(parent);
  }
  const included = new Set(WORLD_TABLES.map(({ entity }) => dataSource.getMetadata(entity).tableName));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [table, parents] of parentsOf) {
      if (!included.has(table) && [...parents].some((parent) => included.has(parent))) {
        included.add(table);
        grew = true;
      }
    }
  }
  const ordered: string[] = [];
  const place = (table: string, path: Set<string>) => {
    if (ordered.includes(table) || path.has(table)) return;
    path.add(table);
    for (const [child, parents] of parentsOf) if (included.has(child) && parents.has(table)) place(child, path);
    ordered.push(table);
  };
  for (const table of included) place(table, new Set());
  return { tables: ordered, selfReferences: new Map([...selfReferences].filter(([table]) => included.has(table))) };
}

/**
 * Every table with its foreign keys (one row per table without any), read from the catalogue directly: TypeORM's
 * getTables on MySQL trips over databases that other test files create and drop at the same time.
 */
async function foreignKeys(dataSource: DataSource): Promise<{ table: string; column: string; parent: string | null }[]> {
  if (dataSource.options.type === 'better-sqlite3') {
    const tables = (await dataSource.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)) as { name: string }[];
    const rows: { table: string; column: string; parent: string | null }[] = [];
    for (const { name } of tables) {
      const keys = (await dataSource.query(`PRAGMA foreign_key_list("${name}")`)) as { table: string; from: string }[];
      rows.push({ table: name, column: '', parent: null }, ...keys.map((key) => ({ table: name, column: key.from, parent: key.table })));
    }
    return rows;
  }
  const tables = (await dataSource.query(`SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()`)) as { name: string }[];
  const keys = (await dataSource.query(
    `SELECT TABLE_NAME AS tableName, COLUMN_NAME AS columnName, REFERENCED_TABLE_NAME AS parent FROM information_schema.KEY_COLUMN_USAGE
     WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL`,
  )) as { tableName: string; columnName: string; parent: string }[];
  return [...tables.map(({ name }) => ({ table: name, column: '', parent: null })), ...keys.map((key) => ({ table: key.tableName, column: key.columnName, parent: key.parent }))];
}

// ---------------------------------------------------------------------------------------------------------------
// The generator. fast-check produces a plan (sizes, choices, offsets); buildWorld turns it into rows with unique
// canary markers in every text field. Choices are indices taken modulo what exists, so plans shrink well.

const DAY = 86_400_000;
export const WORLD_EPOCH = new Date('2026-06-01T00:00:00.000Z');

/** A marker that cannot occur by accident and is unique in its world: `CNRY` + number + `Z` (any case: e-mails are lower case). */
export const MARKER_PATTERN = /CNRY\d{5}Z/gi;

const VECTORS_V3 = ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:N', 'CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:C/C:L/I:N/A:N', 'CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H'];
const VECTORS_V4 = ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 'CVSS:4.0/AV:L/AC:H/AT:P/PR:L/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N'];

const userPlan = fc.record({
  role: fc.constantFrom(UserRole.MEMBER, UserRole.ADMIN),
  // Mostly active; an inactive user must be refused (UNAUTHENTICATED), never served a public view.
  active: fc.oneof({ arbitrary: fc.constant(true), weight: 5 }, { arbitrary: fc.constant(false), weight: 1 }),
});
const attemptPlan = fc.record({
  channel: fc.constantFrom(...Object.values(ContactChannel)),
  outcome: fc.constantFrom(...Object.values(ContactOutcome)),
  daysAgo: fc.integer({ min: 0, max: 120 }),
  withNotes: fc.boolean(),
  corrects: fc.option(fc.nat(), { nil: null }),
});
/**
 * The states a case plan draws from: every state but PUBLICATION_SCHEDULED, which needs a due time and the state it
 * was scheduled from (publication.ts makes such cases). The same list, in the same order, as before that state
 * existed, so the seeds and paths in regressions.ts still replay the worlds they were recorded with.
 */
const PLANNED_STATES = Object.values(CaseState).filter((state) => state !== CaseState.PUBLICATION_SCHEDULED);
const casePlan = fc.record({
  state: fc.constantFrom(...PLANNED_STATES),
  receiver: fc.nat(),
  finder: fc.oneof(fc.record({ kind: fc.constant('finder' as const), index: fc.nat() }), fc.record({ kind: fc.constant('anyUser' as const), index: fc.nat() }), fc.record({ kind: fc.constant('none' as const), index: fc.constant(0) })),
  consent: fc.boolean(),
  analysed: fc.boolean(),
  coordinatorNotes: fc.boolean(),
  overseas: fc.boolean(),
  receivedDaysAgo: fc.integer({ min: 1, max: 400 }),
  // UNNOTIFIED is the status that hides the case from its vendor, so it comes up as often as all others together.
  vendors: fc.array(fc.record({ vendor: fc.nat(), status: fc.oneof(fc.constant(CaseVendorStatus.UNNOTIFIED), fc.constantFrom(...Object.values(CaseVendorStatus))), statement: fc.boolean(), attempts: fc.array(attemptPlan, { maxLength: 3 }) }), { maxLength: 3 }),
  transitions: fc.array(fc.record({ from: fc.option(fc.constantFrom(...PLANNED_STATES), { nil: null }), to: fc.constantFrom(...PLANNED_STATES), actor: fc.option(fc.nat(), { nil: null }) }), { minLength: 1, maxLength: 3 }),
  advisory: fc.option(
    fc.oneof(
      fc.record({ status: fc.constant(AdvisoryStatus.DRAFT), offsetMs: fc.constant(0) }),
      // Published: before, at or after the epoch, with millisecond offsets so boundaries are exercised.
      fc.record({ status: fc.constant(AdvisoryStatus.PUBLISHED), offsetMs: fc.oneof(fc.integer({ min: -30 * DAY, max: 30 * DAY }), fc.integer({ min: -2, max: 2 })) }),
    ),
    { nil: null },
  ),
});

export const worldPlanArbitrary = fc.record({
  receivers: fc.integer({ min: 1, max: 2 }),
  operators: fc.integer({ min: 0, max: 1 }),
  committees: fc.integer({ min: 0, max: 1 }),
  vendors: fc.array(fc.record({ users: fc.array(userPlan, { maxLength: 2 }), products: fc.integer({ min: 0, max: 2 }), contactPoints: fc.integer({ min: 0, max: 2 }), website: fc.boolean() }), { minLength: 1, maxLength: 4 }),
  coordinatorUsers: fc.array(userPlan, { minLength: 1, maxLength: 2 }),
  otherUsers: fc.array(fc.record({ organization: fc.nat(), plan: userPlan }), { maxLength: 4 }),
  finders: fc.array(userPlan, { minLength: 1, maxLength: 3 }),
  apiKeys: fc.array(fc.record({ organization: fc.nat(), role: fc.constantFrom(UserRole.MEMBER, UserRole.ADMIN), revoked: fc.boolean() }), { maxLength: 3 }),
  cases: fc.array(casePlan, { minLength: 1, maxLength: 8 }),
});

const listingTimesArbitrary = fc.record({
  stageOneOffsetMs: fc.oneof(fc.integer({ min: -30 * DAY, max: 30 * DAY }), fc.integer({ min: -2, max: 2 })),
  stageTwoAfterMs: fc.option(fc.oneof(fc.integer({ min: 0, max: 30 * DAY }), fc.integer({ min: 0, max: 2 })), { nil: null }),
});
/**
 * Stage 1 public before any instant the suite tests at, stage 2 scheduled at the epoch to the millisecond or up to
 * 45 days after it: at most test instants the name is public and the product information is still ahead, or
 * exactly due. Twice as likely as free times, so "stage 2 not yet" is tested in most worlds, not by chance.
 */
const scheduledStageTwoArbitrary = fc
  .record({ stageOneOffsetMs: fc.integer({ min: -120 * DAY, max: -75 * DAY }), stageTwoOffsetMs: fc.oneof(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 45 * DAY })) })
  .map(({ stageOneOffsetMs, stageTwoOffsetMs }) => ({ stageOneOffsetMs, stageTwoAfterMs: (stageTwoOffsetMs - stageOneOffsetMs) as number | null }));
/**
 * Entries of the public list of unreachable developers, on some case vendor: stage 1 before, at or after the epoch
 * (to the millisecond), stage 2 some time after it or never, withdrawn (contact came before stage 1) or not. Apart
 * from worldPlanArbitrary, as a later argument of the property, so the seeds and paths in regressions.ts still
 * replay the worlds they were recorded with.
 */
export const listingPlansArbitrary = fc.array(
    fc
      .record({
        caseVendor: fc.nat(),
        times: fc.oneof({ arbitrary: listingTimesArbitrary, weight: 1 }, { arbitrary: scheduledStageTwoArbitrary, weight: 2 }),
        withdrawn: fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 }),
        contactEstablished: fc.boolean(),
      })
      .map(({ times, ...entry }) => ({ ...entry, ...times })),
    { minLength: 1, maxLength: 3 },
);
export type ListingPlan = typeof listingPlansArbitrary extends fc.Arbitrary<(infer T)[]> ? T : never;

/**
 * The rows of the later issues' subjects (list entries; each domain adds its own key), as the property's fifth
 * argument: the seeds and paths in regressions.ts recorded with four arguments keep replaying the same worlds.
 */
export const extensionPlanArbitrary = fc.record({
  listings: listingPlansArbitrary,
  disclosure: disclosurePlanArbitrary,
  committee: committeePlanArbitrary,
  publication: publicationPlanArbitrary,
  scheduling: schedulingPlanArbitrary,
  scheduledGrants: scheduledGrantPlanArbitrary,
});
export type ExtensionPlan = typeof extensionPlanArbitrary extends fc.Arbitrary<infer T> ? T : never;
export type WorldPlan = (typeof worldPlanArbitrary extends fc.Arbitrary<infer T> ? T : never) & Partial<ExtensionPlan>;

/** A principal a test can act as: the public, a user (by JWT) or an organization API key (by its secret). */
export type Principal = { kind: 'anonymous' } | { kind: 'user'; userId: string } | { kind: 'apiKey'; apiKeyId: string; secret: string };

export interface GeneratedWorld {
  world: World;
  principals: Principal[];
  /** Instants worth testing at: the epoch and each publication time with the millisecond either side. */
  interestingTimes: Date[];
}

export function buildWorld(plan: WorldPlan, epoch: Date = WORLD_EPOCH): GeneratedWorld {
  let counter = 0;
  let uuidCounter = 0;
  const marker = () => `CNRY${String(++counter).padStart(5, '0')}Z`;
  const text = (label: string) => `${label} ${marker()}`;
  // Deterministic ids, so a plan always builds the same world (fast-check replays and shrinks plans).
  const id = () => {
    const hex = (++uuidCounter).toString(16).padStart(12, '0');
    return `5ec2e7a1-0000-4000-8000-${hex}`;
  };
  const at = (msFromEpoch: number) => new Date(epoch.getTime() + msFromEpoch);
  const world: World = { organizations: [], users: [], apiKeys: [], vendors: [], products: [], contactPoints: [], cases: [], caseVendors: [], transitions: [], contactAttempts: [], advisories: [], declarations: [], listings: [],
    advisoryRevisions: [], advisoryCredits: [], advisoryVendorStatuses: [], advisoryProducts: [], ...emptyDisclosureTables(), ...emptyCommitteeTables() };
  const pick = <T>(items: T[], index: number): T => items[index % items.length];

  const organization = (kind: OrganizationKind) => {
    const row: OrganizationRow = { id: id(), name: text(`${kind} organization`), kind, createdAt: at(-500 * DAY) };
    world.organizations.push(row);
    return row;
  };
  const user = (organizationId: string | null, plan: { role: UserRole; active: boolean }) => {
    const userId = id();
    const row: UserRow = { id: userId, email: `${marker().toLowerCase()}@users.example`, displayName: text('User'), organizationId, role: plan.role, active: plan.active, createdAt: at(-400 * DAY) };
    world.users.push(row);
    return row;
  };

  const coordinator = organization(OrganizationKind.COORDINATOR);
  const receivers = Array.from({ length: plan.receivers }, () => organization(OrganizationKind.RECEIVER));
  for (let index = 0; index < plan.operators; index++) organization(OrganizationKind.OPERATOR);
  for (let index = 0; index < plan.committees; index++) organization(OrganizationKind.COMMITTEE);
  for (const vendorPlan of plan.vendors) {
    const owner = organization(OrganizationKind.VENDOR);
    const vendor: VendorRow = { id: id(), organizationId: owner.id, name: text('Vendor'), website: vendorPlan.website ? `https://${marker().toLowerCase()}.example` : null, createdAt: at(-450 * DAY) };
    world.vendors.push(vendor);
    for (let index = 0; index < vendorPlan.products; index++) world.products.push({ id: id(), vendorId: vendor.id, name: text('Product'), versions: index % 2 ? null : text('Versions') });
    const kinds = Object.values(ContactPointKind);
    for (let index = 0; index < vendorPlan.contactPoints; index++) world.contactPoints.push({ id: id(), vendorId: vendor.id, kind: kinds[index % kinds.length], value: text('Contact'), note: index % 2 ? text('Note') : null });
    user(owner.id, { role: UserRole.MEMBER, active: true });
    for (const member of vendorPlan.users) user(owner.id, member);
  }
  for (const member of plan.coordinatorUsers) user(coordinator.id, member);
  // Every persona gets at least one active user, so every run can look through every kind of eyes.
  for (const receiver of receivers) user(receiver.id, { role: UserRole.MEMBER, active: true });
  for (const other of plan.otherUsers) user(pick(world.organizations, other.organization).id, other.plan);
  const finders = plan.finders.map((finder) => user(null, finder));

  for (const keyPlan of plan.apiKeys) {
    const prefix = marker().toLowerCase();
    world.apiKeys.push({
      id: id(), organizationId: pick(world.organizations, keyPlan.organization).id, name: text('Key'), prefix, secretHash: hashSecret(apiKeySecret(prefix)), role: keyPlan.role,
      createdByUserId: null, createdAt: at(-10 * DAY), lastUsedAt: null, revokedAt: keyPlan.revoked ? at(-DAY) : null,
    });
  }

  const publicationTimes: Date[] = [];
  plan.cases.forEach((casePlanned, caseIndex) => {
    const finder = casePlanned.finder.kind === 'finder' ? pick(finders, casePlanned.finder.index) : casePlanned.finder.kind === 'anyUser' ? pick(world.users, casePlanned.finder.index) : null;
    const receivedAt = at(-casePlanned.receivedDaysAgo * DAY);
    const row: CaseRow = {
      id: id(), reference: `RNK-${String(caseIndex).padStart(4, '0')}-${marker().slice(4, 9)}`, title: text('Title'), description: text('Description'),
      affectedProducts: text('Affected'), finderUserId: finder?.id ?? null, finderName: text('Finder'), finderConsentToName: casePlanned.consent, receivedAt,
      registeredByOrgId: pick(receivers, casePlanned.receiver).id, state: casePlanned.state, overseasCoordination: casePlanned.overseas,
      cvssV3Vector: casePlanned.analysed ? pick(VECTORS_V3, caseIndex) : null, cvssV4Vector: casePlanned.analysed ? pick(VECTORS_V4, caseIndex) : null,
      cweId: casePlanned.analysed ? `CWE-${79 + caseIndex}` : null, analysisNotes: casePlanned.analysed ? text('Analysis') : null,
      coordinatorNotes: casePlanned.coordinatorNotes ? text('CoordinatorNotes') : null, updatedAt: at(-(casePlanned.receivedDaysAgo - 1) * DAY + caseIndex),
      publicationDueAt: null, stateBeforePublication: null,
    };
    world.cases.push(row);
    casePlanned.transitions.forEach((transition, index) => {
      const actor = transition.actor === null ? null : pick(world.users, transition.actor);
      world.transitions.push({ id: id(), caseId: row.id, fromState: transition.from, toState: transition.to, actorUserId: actor?.id ?? null, actorName: text('Actor'), reason: index % 2 ? null : text('Reason'), at: new Date(receivedAt.getTime() + index * 3_600_000) });
    });
    const seenVendors = new Set<string>();
    for (const participation of casePlanned.vendors) {
      const vendor = pick(world.vendors, participation.vendor);
      if (seenVendors.has(vendor.id)) continue;
      seenVendors.add(vendor.id);
      const notified = participation.status !== CaseVendorStatus.UNNOTIFIED;
      const caseVendor: CaseVendorRow = { id: id(), caseId: row.id, vendorId: vendor.id, status: participation.status, statement: participation.statement ? text('Statement') : null, notifiedAt: notified ? at(-5 * DAY) : null, updatedAt: at(-4 * DAY) };
      world.caseVendors.push(caseVendor);
      const attempts: ContactAttemptRow[] = [];
      participation.attempts.forEach((attempt, index) => {
        const attemptedAt = at(-attempt.daysAgo * DAY - index);
        const corrects = attempt.corrects === null || attempts.length === 0 ? null : pick(attempts, attempt.corrects).id;
        attempts.push({
          id: id(), caseVendorId: caseVendor.id, caseId: row.id, channel: attempt.channel, address: text('Address'), attemptedAt, recordedByUserId: null,
          outcome: attempt.outcome, notes: attempt.withNotes ? text('AttemptNotes') : null, correctsAttemptId: corrects, createdAt: attemptedAt,
        });
      });
      world.contactAttempts.push(...attempts);
    }
    if (casePlanned.advisory) {
      const published = casePlanned.advisory.status === AdvisoryStatus.PUBLISHED;
      const publishedAt = published ? at(casePlanned.advisory.offsetMs) : null;
      if (publishedAt) publicationTimes.push(publishedAt);
      world.advisories.push({
        id: id(), caseId: row.id, identifier: published ? `JVN#${String(90_000_000 + caseIndex)}` : null, title: text('AdvisoryTitle'), overview: text('Overview'),
        affectedProducts: text('AdvisoryAffected'), impact: text('Impact'), solution: text('Solution'), vendorStatements: text('VendorStatements'),
        cvssV3Vector: pick(VECTORS_V3, caseIndex + 1), cvssV4Vector: caseIndex % 2 ? pick(VECTORS_V4, caseIndex) : null, cweId: `CWE-${200 + caseIndex}`,
        cveIds: [`CVE-2026-${String(70_000 + counter)}`], status: casePlanned.advisory.status, publishedAt, unableToCoordinate: caseIndex % 3 === 0,
        coordinatorVerification: caseIndex % 3 === 0 ? text('Verification') : null, internalNotes: text('InternalNotes'), createdAt: at(-60 * DAY), updatedAt: at(-59 * DAY),
        workarounds: null, severity: null, revision: 0, revisedAt: null, pendingRevision: null,
      });
    }
  });

  for (const listingPlan of plan.listings ?? []) {
    if (world.caseVendors.length === 0) break;
    const caseVendor = pick(world.caseVendors, listingPlan.caseVendor);
    const owner = world.cases.find((row) => row.id === caseVendor.caseId)!;
    const stageOne = at(listingPlan.stageOneOffsetMs);
    const stageTwo = listingPlan.stageTwoAfterMs === null ? null : new Date(stageOne.getTime() + listingPlan.stageTwoAfterMs);
    // Withdrawn: contact came before stage 1 was due; otherwise, when contact came, some days after stage 1.
    const contactEstablishedAt = listingPlan.withdrawn ? new Date(stageOne.getTime() - DAY) : listingPlan.contactEstablished ? new Date(stageOne.getTime() + 5 * DAY) : null;
    publicationTimes.push(stageOne, ...(stageTwo ? [stageTwo] : []));
    const declaration: DeclarationRow = {
      id: id(), caseId: owner.id, caseVendorId: caseVendor.id, vendorId: caseVendor.vendorId, vendorName: text('DeclaredVendor'),
      status: contactEstablishedAt ? UnreachableStatus.CONTACT_ESTABLISHED : UnreachableStatus.UNREACHABLE, reason: text('DeclarationReason'), attemptCount: 5, channelCount: 2,
      firstAttemptAt: at(-120 * DAY), lastAttemptAt: at(-80 * DAY), declaredAt: new Date(stageOne.getTime() - 2 * DAY), declaredByUserId: null,
      contactEstablishedAt, contactAttemptId: null, eventCount: 0, updatedAt: new Date(stageOne.getTime() - 2 * DAY),
    };
    world.declarations.push(declaration);
    world.listings.push({
      id: id(), declarationId: declaration.id, caseId: owner.id, caseReference: owner.reference, vendorName: text('ListedVendor'), stageOnePublishedAt: stageOne,
      productName: stageTwo ? text('ListedProduct') : null, productVersions: stageTwo ? text('ListedVersions') : null, stageTwoPublishedAt: stageTwo,
      contactEstablishedAt, withdrawn: listingPlan.withdrawn, createdAt: new Date(stageOne.getTime() - 2 * DAY), updatedAt: new Date(stageOne.getTime() - 2 * DAY),
    });
  }

  if (plan.disclosure) buildDisclosure(world, plan.disclosure, { id, text, marker, at, organization, user, apiKeySecret, hashSecret }, publicationTimes);
  buildCommitteeRows(world, plan.committee, { id, marker, text, at, pick, organization, user });
  buildPublication(world, plan.publication ?? [], { id, text, at });
  buildScheduling(world, plan.scheduling ?? [], { id, text });
  buildScheduledGrants(world, plan.scheduledGrants ?? [], { id, text });

  const principals: Principal[] = [
    { kind: 'anonymous' },
    ...world.users.map((row): Principal => ({ kind: 'user', userId: row.id })),
    ...world.apiKeys.map((row): Principal => ({ kind: 'apiKey', apiKeyId: row.id, secret: apiKeySecret(row.prefix) })),
  ];
  const interestingTimes = [epoch, ...publicationTimes.flatMap((time) => [new Date(time.getTime() - 1), time, new Date(time.getTime() + 1)])];
  return { world, principals, interestingTimes };
}

function apiKeySecret(prefix: string): string {
  return `rk_${prefix}.secret-${prefix}`;
}
